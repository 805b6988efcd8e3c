// Imports over HTTP: the same importer, validation and report as
// `rifugio import`, on a file uploaded as the request body.

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "api/detail/write_common.hpp"
#include "api/error.hpp"
#include "api/write.hpp"
#include "core/error.hpp"
#include "import/importer.hpp"
#include "import/mapping.hpp"

namespace rifugio::api {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace detail;

/// A private folder (mode 0700) holding the uploaded file (mode 0600),
/// removed with everything in it when the request is done.
class UploadDir {
 public:
  UploadDir() {
    std::string tmpl = (fs::temp_directory_path() / "rifugio-import-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw Error(fmt::format("cannot create a folder for the upload: {}", std::strerror(errno)));
    path_ = tmpl;
  }
  ~UploadDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  UploadDir(const UploadDir&) = delete;
  UploadDir& operator=(const UploadDir&) = delete;

  /// Write `bytes` to a new file `name` in the folder; returns its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string file = (path_ / name).string();
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw Error(fmt::format("cannot store the upload: {}", std::strerror(errno)));
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fd);
        throw Error(fmt::format("cannot store the upload: {}", std::strerror(errno)));
      }
      done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) throw Error(fmt::format("cannot store the upload: {}", std::strerror(errno)));
    return file;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// "csv" for "a/b.csv", "osm.pbf" for "x.osm.pbf": what GDAL recognises the file by.
std::string suffix(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  const auto dot = name.find('.');
  return dot == std::string::npos ? "" : name.substr(dot + 1);
}

/// Mappings over HTTP name one file; the upload takes its place.
bool uploadable(const import::Mapping& m) { return m.files.size() == 1; }

void require_importer(const User& user) {
  if (user.role == Role::warden)
    throw ApiError(ErrorCode::forbidden, fmt::format("{} ({}) may not import", user.name, scope(user)));
}

}  // namespace

Response Writer::import_mappings(const Request& req) {
  std::lock_guard lock(mutex_);
  const User user = authenticate_locked(req);
  require_importer(user);
  if (imports_.mappings_dir.empty())
    throw ApiError(ErrorCode::not_found, "imports over HTTP are not enabled on this server (rifugio serve --mappings DIR)");
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(imports_.mappings_dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  json out = json::array();
  for (const auto& f : files) {
    try {
      auto m = import::load_mapping(f.string());
      if (!uploadable(m)) continue;
      const auto& file = m.files[0];
      out.push_back({{"name", f.stem().string()},
                     {"source", m.source},
                     {"title", m.title},
                     {"format", file.format.empty() || file.format == "gdal" ? suffix(file.path) : file.format},
                     {"file", file.path},
                     {"country", m.country},
                     {"complete", m.complete}});
    } catch (const InputError& e) {
      fmt::print(stderr, "rifugio: mapping {} skipped: {}\n", f.string(), e.what());
    }
  }
  return json_answer({{"mappings", std::move(out)}});
}

Response Writer::import_file(const Request& req, const QueryParams& query) {
  std::lock_guard lock(mutex_);
  const User user = authenticate_locked(req);
  require_importer(user);
  if (imports_.mappings_dir.empty())
    throw ApiError(ErrorCode::not_found, "imports over HTTP are not enabled on this server (rifugio serve --mappings DIR)");
  std::string name;
  bool dry_run = true;
  bool seen_mapping = false, seen_dry = false;
  for (const auto& [k, v] : query) {
    if (k == "mapping" && !std::exchange(seen_mapping, true)) {
      name = v;
    } else if (k == "dry_run" && !std::exchange(seen_dry, true)) {
      if (v != "true" && v != "false")
        throw ApiError(ErrorCode::invalid_parameter, fmt::format("dry_run: true or false, got '{}'", v), "dry_run");
      dry_run = v == "true";
    } else if (k == "mapping" || k == "dry_run") {
      throw ApiError(ErrorCode::invalid_parameter, fmt::format("{}: given twice", k), k);
    } else {
      throw ApiError(ErrorCode::unknown_parameter, fmt::format("{}: unknown; expected mapping, dry_run", k), k);
    }
  }
  if (!seen_mapping)
    throw ApiError(ErrorCode::missing_parameter, "mapping: required, a name from GET /v1/imports/mappings", "mapping");
  // A bare name: nothing that could leave the mappings folder.
  if (name.empty() || name.size() > 100 ||
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != std::string::npos ||
      name.front() == '.')
    throw ApiError(ErrorCode::invalid_parameter, "mapping: a name from GET /v1/imports/mappings", "mapping");
  const fs::path mapping_path = fs::path(imports_.mappings_dir) / (name + ".json");
  if (!fs::is_regular_file(mapping_path))
    throw ApiError(ErrorCode::invalid_parameter, fmt::format("mapping: no mapping named '{}'", name), "mapping");
  import::Mapping m;
  try {
    m = import::load_mapping(mapping_path.string());
  } catch (const InputError& e) {
    throw ApiError(ErrorCode::invalid_parameter, fmt::format("mapping: '{}' cannot be read: {}", name, e.what()), "mapping");
  }
  if (!uploadable(m))
    throw ApiError(ErrorCode::invalid_parameter,
                   fmt::format("mapping: '{}' reads {} files; over HTTP a mapping reads one", name, m.files.size()),
                   "mapping");
  if (req.body.empty()) throw ApiError(ErrorCode::invalid_body, "the body must be the file to import (it is empty)");

  UploadDir dir;
  const std::string upload = "upload" + (suffix(m.files[0].path).empty() ? "" : "." + suffix(m.files[0].path));
  dir.write(upload, req.body);
  m.files[0].path = upload;

  // An editor may validate anything but commit only changes inside its region.
  const Scope allowed(user);
  std::int64_t outside = 0;
  std::string example;
  import::ImportOptions opt{.data_dir = dir.path().string(), .borders_path = imports_.borders_path, .dry_run = dry_run,
                            .actor = user.name};
  opt.on_change = [&](const Change& c, const Shelter* before) {
    if (allowed.may_edit(c.after) && (!before || allowed.may_edit(*before))) return;
    ++outside;
    if (example.empty()) {
      const Shelter& s = before ? *before : c.after;
      example = fmt::format("{} '{}'", s.keys.empty() ? std::string("a record") : "record " + s.keys[0].id,
                            s.name.empty() ? s.address : s.name);
    }
    if (!dry_run)
      throw ApiError(ErrorCode::forbidden, fmt::format("{} ({}) may not import {}: it is outside the region; nothing was "
                                                       "imported (a dry run lists how many are)",
                                                       user.name, scope(user), example));
  };
  import::ImportReport report;
  try {
    report = import::run_import(*store_, m, opt);
  } catch (const InputError& e) {
    // Unreadable upload (or mapping): say what, without the private path.
    std::string what = e.what();
    const std::string prefix = dir.path().string() + "/";
    for (std::size_t at; (at = what.find(prefix)) != std::string::npos;) what.erase(at, prefix.size());
    throw ApiError(ErrorCode::invalid_body, fmt::format("the file cannot be imported with mapping '{}': {}", name, what));
  } catch (const Conflict& e) {
    throw ApiError(ErrorCode::conflict, e.what());
  }
  if (!dry_run && report.revision_after != report.revision_before && committed_)
    committed_(*store_, report.revision_after);
  json out = {{"committed", !dry_run}, {"mapping", name}, {"report", import::to_json(report)}};
  if (!dry_run) out["revision"] = report.revision_after;
  if (user.role != Role::admin) {
    out["outside_region"] = outside;
    if (!example.empty()) out["outside_region_example"] = example;
  }
  out["may_commit"] = user.role == Role::admin || outside == 0;
  return json_answer(out);
}

}  // namespace rifugio::api
