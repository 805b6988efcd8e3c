#include "tiles/tilemaker.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <filesystem>
#include <vector>

#include <osmium/io/any_input.hpp>
#include <osmium/io/pbf_output.hpp>
#include <osmium/io/writer.hpp>

#include "core/error.hpp"

extern char** environ;

namespace rifugio::tiles {

namespace {
/// tilemaker 2.x reads only PBF: other formats (OSM XML, .osm.bz2...) are
/// converted with libosmium first.
void to_pbf(const std::string& in, const std::string& out) {
  try {
    osmium::io::Reader reader{in};
    osmium::io::Header header = reader.header();
    osmium::io::Writer writer{osmium::io::File{out, "pbf"}, header, osmium::io::overwrite::allow};
    while (osmium::memory::Buffer buffer = reader.read()) writer(std::move(buffer));
    writer.close();
    reader.close();
  } catch (const std::runtime_error& e) {
    throw InputError(fmt::format("{}: {}", in, e.what()));
  }
}
}  // namespace

std::string resources_dir(const TilesOptions& opt) {
  if (!opt.resources.empty()) return opt.resources;
  if (const char* e = std::getenv("RIFUGIO_TILES_RESOURCES"); e && *e) return e;
  return RIFUGIO_TILES_RESOURCES_DEFAULT;
}

void build_tiles(const std::string& osm_path, const std::string& mbtiles_path, const TilesOptions& opt) {
  namespace fs = std::filesystem;
  const fs::path res = resources_dir(opt);
  for (const char* f : {"config.json", "process.lua"})
    if (!fs::exists(res / f)) throw InputError(fmt::format("{}: missing (tiles resources folder)", (res / f).string()));
  if (!fs::exists(osm_path)) throw InputError(fmt::format("{}: no such OSM extract", osm_path));
  // tilemaker picks the output format by extension: keep ".mbtiles".
  const fs::path out(mbtiles_path);
  if (out.extension() != ".mbtiles") throw InputError(fmt::format("{}: the output must end in .mbtiles", mbtiles_path));
  const std::string tmp = (out.parent_path() / (".tmp-" + out.filename().string())).string();
  std::error_code ec;
  fs::remove_all(tmp, ec);
  std::string input = osm_path;
  const std::string converted = (out.parent_path() / (".tmp-" + out.filename().string() + ".osm.pbf")).string();
  if (!osm_path.ends_with(".pbf")) {
    to_pbf(osm_path, converted);
    input = converted;
  }
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      std::error_code e;
      std::filesystem::remove(path, e);
    }
  } cleanup{converted};
  std::vector<std::string> args = {opt.tilemaker, "--input", input, "--output", tmp,
                                   "--config", (res / "config.json").string(), "--process", (res / "process.lua").string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (opt.quiet) {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, opt.tilemaker.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw InputError(fmt::format("cannot run {}: {} (Debian package tilemaker)", opt.tilemaker, std::strerror(rc)));
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::is_regular_file(tmp)) {
    fs::remove_all(tmp, ec);
    throw InputError(fmt::format("{}: tilemaker failed (exit {}) on {}", mbtiles_path,
                                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, osm_path));
  }
  fs::rename(tmp, mbtiles_path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot write: {}", mbtiles_path, ec.message()));
}

}  // namespace rifugio::tiles
