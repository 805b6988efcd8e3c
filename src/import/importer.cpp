#include "import/importer.hpp"

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "core/osm_tags.hpp"
#include "import/borders.hpp"
#include "import/reader.hpp"
#include "import/text.hpp"
#include "spatial/geodesy.hpp"

namespace rifugio::import {

namespace {

using Severity = RowIssue::Severity;

// The fields an import owns. Status and occupancy belong to wardens.
constexpr std::string_view kImportFields[] = {"name",     "address",  "municipality", "region",
                                              "country",  "location", "capacity",     "kind",
                                              "step_free", "opening_hours", "licence"};

// Capacities above this are certainly not places in one shelter (a shifted id).
constexpr std::int64_t kCapacityImpossible = 100000;

// Spreadsheets and My Maps export integer ids as floats: "2.0" is 2.
std::string key_text(std::string v) {
  auto dot = v.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == v.size()) return v;
  const bool integral = std::all_of(v.begin() + (v[0] == '-'), v.begin() + dot, [](char c) { return c >= '0' && c <= '9'; });
  const bool zeros = std::all_of(v.begin() + dot + 1, v.end(), [](char c) { return c == '0'; });
  if (integral && zeros && dot > std::size_t(v[0] == '-')) v.resize(dot);
  return v;
}

// Transforms positions from source CRSs to WGS84 lon/lat, cached per CRS.
class Reprojector {
 public:
  std::optional<Location> to_wgs84(const std::string& crs, double x, double y) {
    if (crs.empty() || crs == "EPSG:4326") return Location::from_lon_lat(x, y);
    auto& t = cache_[crs];
    if (!t) {
      OGRSpatialReference src, dst;
      if (src.SetFromUserInput(crs.c_str()) != OGRERR_NONE)
        throw InputError(fmt::format("unknown CRS '{}'", crs.substr(0, 80)));
      dst.importFromEPSG(4326);
      src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      if (src.IsGeographic() && src.GetSemiMajor() == dst.GetSemiMajor() &&
          src.GetInvFlattening() == dst.GetInvFlattening() && std::string(src.GetAuthorityCode(nullptr) ? src.GetAuthorityCode(nullptr) : "") == "4326") {
        identity_.insert(crs);
      } else {
        t.reset(OGRCreateCoordinateTransformation(&src, &dst));
        if (!t) throw InputError(fmt::format("cannot transform from CRS '{}'", crs.substr(0, 80)));
      }
    }
    if (identity_.count(crs)) return Location::from_lon_lat(x, y);
    if (!t->Transform(1, &x, &y)) return std::nullopt;
    return Location::from_lon_lat(x, y);
  }

 private:
  std::map<std::string, std::unique_ptr<OGRCoordinateTransformation>> cache_;
  std::set<std::string> identity_;
};

struct Converted {
  Shelter shelter;
  std::int64_t record = 0;
  std::string file;
};

class Converter {
 public:
  Converter(const Mapping& m, const Borders* borders) : m_(m), borders_(borders) {}

  // Returns false when the record is rejected; issues explain why.
  bool convert(const InputFile& file, const RawRecord& r, Shelter& s, std::vector<RowIssue>& issues) {
    file_ = &file;
    rec_ = &r;
    issues_ = &issues;
    const std::string source = file.source.empty() ? m_.source : file.source;
    const bool osm = file.format == "osm";

    std::string key = osm ? value_of("osm_key").value_or("") : value(m_.key).value_or("");
    key = key_text(key);
    key_ = key;
    if (key.empty()) return reject(m_.key.describe(), "missing_key", "no key: the record cannot be matched on re-import");
    s.keys = {{source, key}};
    s.source = source;
    s.licence = m_.licence;
    s.country = m_.country;
    s.kind = m_.kind;
    s.name = value(m_.name).value_or("");
    s.address = value(m_.address).value_or("");
    s.municipality = value(m_.municipality).value_or("");
    s.region = value(m_.region).value_or("");
    s.opening_hours = value(m_.opening_hours).value_or("");
    if (auto k = value(m_.kind_field)) {
      auto it = m_.kind_field.values.find(*k);
      if (it != m_.kind_field.values.end()) s.kind = *parse_kind(it->second);
    }
    if (auto v = value(m_.step_free)) {
      auto it = m_.step_free.values.find(*v);
      if (it != m_.step_free.values.end()) s.step_free = *parse_step_free(it->second);
    }
    if (osm) {
      OsmTags tags;
      for (std::size_t i = 0; i < r.names.size(); ++i)
        if (r.names[i].starts_with("tag:")) tags[r.names[i].substr(4)] = r.values[i];
      apply_osm_tags(s, tags);
    }

    if (auto c = value(m_.capacity)) {
      auto n = parse_whole_number(*c);
      if (!n) {
        suspect(m_.capacity.field, "bad_capacity", fmt::format("'{}' is not a number of places; capacity left unknown", *c));
      } else if (*n > kCapacityImpossible) {
        suspect(m_.capacity.field, "absurd_capacity", fmt::format("{} places is impossible for one shelter; capacity left unknown", *n));
      } else {
        s.capacity = static_cast<std::int32_t>(*n);
        if (*n > m_.capacity_suspicious_above)
          suspect(m_.capacity.field, "large_capacity", fmt::format("{} places is unusually large", *n));
      }
    }

    bool bad = false;
    for (const auto& src : m_.location) {
      auto loc = position(src, bad);
      if (bad) return false;
      if (loc) {
        s.location = *loc;
        break;
      }
    }
    if (s.location && !check_position(*s.location)) return false;
    if (s.location)
      for (const auto& check : m_.checks) {
        bool ignore = false;
        auto other = position(check, ignore, /*quiet=*/true);
        if (!other) continue;
        double d = spatial::distance_m(*s.location, *other);
        if (d > check.tolerance_m)
          suspect(describe(check), "positions_disagree",
                  fmt::format("second position {} lies {:.0f} m from {}", to_string(*other), d,
                              to_string(*s.location)));
      }
    return true;
  }

  const std::string& key() const { return key_; }

  // What the mapping reads from the record, as plain values, for a person to
  // fix a rejected record: nothing is validated, nothing rejected here.
  nlohmann::json mapped_values(const InputFile& file, const RawRecord& r) {
    file_ = &file;
    rec_ = &r;
    nlohmann::json v = nlohmann::json::object();
    auto put = [&](const char* name, const std::optional<std::string>& value) {
      if (value) v[name] = *value;
    };
    put("external_id", file.format == "osm" ? value_of("osm_key") : value(m_.key));
    put("name", value(m_.name));
    put("address", value(m_.address));
    put("municipality", value(m_.municipality));
    put("region", value(m_.region));
    if (!m_.country.empty()) v["country"] = m_.country;
    put("capacity", value(m_.capacity));
    put("opening_hours", value(m_.opening_hours));
    put("kind", value(m_.kind_field));
    put("step_free", value(m_.step_free));
    for (const auto& src : m_.location) {
      bool ignored = false;
      std::optional<Location> loc;
      try {
        loc = position(src, ignored, /*quiet=*/true);
      } catch (const ParseError&) {
      }
      if (loc) {
        v["lat"] = loc->lat;
        v["lon"] = loc->lon;
        break;
      }
      // Unreadable: the raw text, so the person sees what was there.
      if (!src.lat.empty()) put("lat", value_of(src.lat));
      if (!src.lon.empty()) put("lon", value_of(src.lon));
      if (!src.text.empty()) put("location", raw_of(src.text));
      if (v.contains("lat") || v.contains("lon") || v.contains("location")) break;
    }
    return v;
  }

 private:
  std::optional<std::string> value_of(const std::string& field) const {
    const std::string* v = rec_->get(field);
    if (!v) return std::nullopt;
    for (auto& n : m_.null_values)
      if (*v == n) return std::nullopt;
    std::string c = clean_text(*v);
    if (c.empty()) return std::nullopt;
    return c;
  }
  std::optional<std::string> value(const FieldSource& f) const {
    std::optional<std::string> v;
    if (!f.field.empty()) {
      v = value_of(f.field);
    } else if (!f.fields.empty()) {
      std::string joined;
      for (std::size_t i = 0; i < f.fields.size(); ++i)
        joined += (i ? " | " : "") + value_of(f.fields[i]).value_or("");
      v = joined;
    } else if (!f.first_of.empty()) {
      for (auto& name : f.first_of)
        if ((v = value_of(name))) break;
    } else if (!f.constant.empty()) {
      v = f.constant;
    }
    if (v && !f.pattern.empty()) {
      std::smatch m;
      if (!std::regex_search(*v, m, regex(f.pattern))) return std::nullopt;
      v = m.size() > 1 ? m[1].str() : m[0].str();
    }
    return v;
  }
  // A raw value for pattern matching (HTML kept: links carry coordinates).
  std::optional<std::string> raw_of(const std::string& field) const {
    const std::string* v = rec_->get(field);
    if (!v || v->empty()) return std::nullopt;
    for (auto& n : m_.null_values)
      if (*v == n) return std::nullopt;
    return *v;
  }

  static std::string describe(const LocationSource& l) {
    if (l.geometry) return "geometry";
    if (!l.lon.empty()) return l.lat + "/" + l.lon;
    if (!l.easting.empty()) return l.easting + "/" + l.northing;
    return l.text;
  }

  // A position from one source: nullopt when the record has none there;
  // sets `bad` (and rejects the record) when it has one that cannot be read.
  std::optional<Location> position(const LocationSource& l, bool& bad, bool quiet = false) {
    double x = 0, y = 0;
    std::string crs = l.crs;
    if (l.geometry) {
      if (!rec_->xy) return std::nullopt;
      std::tie(x, y) = *rec_->xy;
      if (crs.empty()) crs = rec_->geometry_crs;
    } else {
      std::string fx, fy;
      std::optional<std::string> vx, vy;
      if (!l.lon.empty() || !l.easting.empty()) {
        fx = l.lon.empty() ? l.easting : l.lon;
        fy = l.lat.empty() ? l.northing : l.lat;
        vx = value_of(fx);
        vy = value_of(fy);
      } else {
        fx = fy = l.text;
        auto t = raw_of(l.text);
        if (!t) return std::nullopt;
        std::smatch m;
        static const std::regex two_numbers(R"((-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?))");
        const std::regex& re = l.pattern.empty() ? two_numbers : regex(l.pattern);
        if (!std::regex_search(*t, m, re) || m.size() < 3) return std::nullopt;  // text without coordinates
        bool lat_first = l.order == "lat,lon";
        vx = m[lat_first ? 2 : 1].str();
        vy = m[lat_first ? 1 : 2].str();
      }
      if (!vx && !vy) return std::nullopt;
      auto px = vx ? parse_decimal(*vx) : std::nullopt;
      auto py = vy ? parse_decimal(*vy) : std::nullopt;
      if (!px || !py) {
        if (quiet) return std::nullopt;
        bad = true;
        reject(!px ? fx : fy, "bad_location",
               fmt::format("'{}' is not a coordinate", !px ? vx.value_or("") : vy.value_or("")));
        return std::nullopt;
      }
      x = *px;
      y = *py;
    }
    std::optional<Location> loc;
    try {
      loc = reproject_.to_wgs84(crs, x, y);
    } catch (const InputError& e) {
      throw ParseError(m_.path, 0, "location.crs", e.what());
    }
    if (!loc || !loc->valid()) {
      if (quiet) return std::nullopt;
      bad = true;
      reject(describe(l), "location_out_of_range",
             fmt::format("({}, {}) is not a valid position{}", x, y, crs.empty() || crs == "EPSG:4326" ? " (lon, lat in degrees)" : " in " + crs));
      return std::nullopt;
    }
    return loc;
  }

  bool check_position(const Location& l) {
    if (l.lat == 0 && l.lon == 0)
      return reject("location", "null_island", "position is 0,0: a missing value, not a place");
    if (!borders_ || m_.country.empty()) return true;
    auto in_declared = [&](const Location& p) {
      if (borders_->contains(m_.country, p)) return true;
      for (auto& c : m_.also_in)
        if (borders_->contains(c, p)) return true;
      return false;
    };
    if (in_declared(l)) return true;
    Location swapped = Location::from_lon_lat(l.lat, l.lon);
    if (swapped.valid() && in_declared(swapped))
      return reject("location", "swapped_lat_lon",
                    fmt::format("{} lies outside {} but inside it with latitude and longitude swapped: fix the mapping", to_string(l), m_.country));
    std::string where = borders_->country_at(l);
    return reject("location", "outside_country",
                  fmt::format("{} lies {} , not in {}", to_string(l), where.empty() ? "outside every country border" : "in " + where, m_.country));
  }

  bool reject(const std::string& field, const std::string& reason, const std::string& message) {
    issues_->push_back({Severity::rejected, file_->path, rec_->number, key_, field, reason, message});
    return false;
  }
  void suspect(const std::string& field, const std::string& reason, const std::string& message) {
    issues_->push_back({Severity::suspicious, file_->path, rec_->number, key_, field, reason, message});
  }

  // Patterns come from the mapping; compile each once.
  const std::regex& regex(const std::string& pattern) const {
    auto it = regexes_.find(pattern);
    if (it == regexes_.end()) {
      try {
        it = regexes_.emplace(pattern, std::regex(pattern)).first;
      } catch (const std::regex_error& e) {
        throw ParseError(m_.path, 0, "pattern", fmt::format("'{}' is not a valid regular expression: {}", pattern, e.what()));
      }
    }
    return it->second;
  }

  const Mapping& m_;
  const Borders* borders_;
  Reprojector reproject_;
  mutable std::map<std::string, std::regex> regexes_;
  const InputFile* file_ = nullptr;
  const RawRecord* rec_ = nullptr;
  std::vector<RowIssue>* issues_ = nullptr;
  std::string key_;
};

// A hash grid of positions for "what lies within a few tens of metres".
// Cells are `cell_deg` of latitude tall and as many metres wide (longitude
// cells widen with the latitude of their row), so near(), which visits the
// 3 x 3 cells around a point, finds everything within one cell's size.
class Grid {
 public:
  explicit Grid(double cell_deg) : cell_deg_(cell_deg) {}
  void add(const Location& l, std::size_t i) {
    auto cy = row(l.lat);
    cells_[cy * kRowStride + column(l.lon, cy)].push_back(i);
  }
  template <typename F>
  void near(const Location& l, F&& f) const {
    const auto cy0 = row(l.lat);
    for (auto cy = cy0 - 1; cy <= cy0 + 1; ++cy) {
      const auto cx0 = column(l.lon, cy);
      for (auto cx = cx0 - 1; cx <= cx0 + 1; ++cx) {
        auto it = cells_.find(cy * kRowStride + cx);
        if (it != cells_.end())
          for (auto i : it->second) f(i);
      }
    }
  }

 private:
  static constexpr std::int64_t kRowStride = 1'000'000'000;
  std::int64_t row(double lat) const { return static_cast<std::int64_t>(std::floor((lat + 90.0) / cell_deg_)); }
  std::int64_t column(double lon, std::int64_t row) const {
    const double lat = (static_cast<double>(row) + 0.5) * cell_deg_ - 90.0;
    const double width = cell_deg_ / std::max(std::cos(lat * M_PI / 180.0), 1e-3);
    return static_cast<std::int64_t>(std::floor((lon + 180.0) / width));
  }
  double cell_deg_;
  std::unordered_map<std::int64_t, std::vector<std::size_t>> cells_;
};

// Cell size that covers `metres` in latitude (1 degree is at least 110.5 km).
double cell_for(double metres) { return std::max(metres, 1.0) / 110'500.0; }

struct PositionHash {
  std::size_t operator()(const std::pair<double, double>& p) const {
    return std::hash<double>()(p.first) * 31 + std::hash<double>()(p.second);
  }
};

// What the within-file checks need of an accepted record (kept for every
// record until the end of the file, so small).
struct CheckRow {
  std::optional<Location> location;
  std::string address;
  std::string key;
  std::int64_t record = 0;
  const std::string* file = nullptr;
};

// Shared positions and near-duplicate addresses inside one import.
void within_file_checks(const std::vector<CheckRow>& rows, const ImportOptions& opt,
                        std::vector<RowIssue>& issues) {
  std::unordered_map<std::pair<double, double>, std::vector<std::size_t>, PositionHash> at;
  Grid grid(cell_for(opt.duplicate_distance_m));
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (auto& l = rows[i].location) {
      at[{l->lon, l->lat}].push_back(i);
      grid.add(*l, i);
    }
  // Address keys are computed on first use: most records have no neighbour.
  std::vector<std::optional<std::string>> keys(rows.size());
  auto key = [&](std::size_t i) -> const std::string& {
    if (!keys[i]) keys[i] = address_key(rows[i].address);
    return *keys[i];
  };
  std::vector<std::size_t> firsts;
  for (auto& [pos, idx] : at)
    if (idx.size() > 1) firsts.push_back(idx[0]);
  std::sort(firsts.begin(), firsts.end());  // report in file order
  for (auto first : firsts) {
    const auto& l = *rows[first].location;
    const auto& idx = at[{l.lon, l.lat}];
    for (auto i : idx)
      issues.push_back({Severity::suspicious, *rows[i].file, rows[i].record, rows[i].key,
                        "location", "shared_position",
                        fmt::format("{} records share this position (first: record {})", idx.size(),
                                    rows[first].record)});
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const CheckRow& a = rows[i];
    if (!a.location || a.address.empty()) continue;
    std::size_t twin = rows.size();
    double twin_d = 0;
    grid.near(*a.location, [&](std::size_t j) {
      if (j >= i || twin != rows.size() || rows[j].address.empty()) return;
      if (key(j) == key(i) || !similar_address_keys(key(i), key(j))) return;
      double d = spatial::distance_m(*a.location, *rows[j].location);
      if (d <= opt.duplicate_distance_m) {
        twin = j;
        twin_d = d;
      }
    });
    if (twin != rows.size())
      issues.push_back({Severity::suspicious, *a.file, a.record, a.key, "address",
                        "near_duplicate",
                        fmt::format("'{}' looks like '{}' (record {}, {:.0f} m away): one building spelled two ways?",
                                    a.address, rows[twin].address, rows[twin].record, twin_d)});
  }
}

// The import-owned fields in which two records differ.
std::vector<std::string> import_differences(const Shelter& a, const Shelter& b) {
  auto diff = changed_fields(a, b);
  std::erase_if(diff, [](const std::string& f) {
    return std::find(std::begin(kImportFields), std::end(kImportFields), f) == std::end(kImportFields);
  });
  return diff;
}

}  // namespace

namespace {

// Accepted records travel from the reading thread to the writing thread in
// batches; the queue is bounded so a huge file never sits in memory at once.
class BatchQueue {
 public:
  using Batch = std::vector<Converted>;
  void push(Batch b) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return q_.size() < kMaxBatches || cancelled_; });
    if (cancelled_) return;
    q_.push_back(std::move(b));
    not_empty_.notify_one();
  }
  /// False when the producer is done and everything was taken.
  bool pop(Batch& out) {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty() || done_; });
    if (q_.empty()) return false;
    out = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard lock(mu_);
    done_ = true;
    not_empty_.notify_all();
  }
  void cancel() {  // the consumer failed: unblock the producer
    std::lock_guard lock(mu_);
    cancelled_ = true;
    not_full_.notify_all();
  }
  bool cancelled() {
    std::lock_guard lock(mu_);
    return cancelled_;
  }

 private:
  static constexpr std::size_t kMaxBatches = 64;
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<Batch> q_;
  bool done_ = false, cancelled_ = false;
};

// What the reading thread finds out.
struct ReadResult {
  std::vector<std::string> files;
  std::int64_t read = 0, rejected = 0;
  std::vector<RowIssue> issues;
  std::unordered_set<std::string> seen_keys;  // "source\nkey", also of rejected records
};

// Reads, converts and checks every record of every file, sends the accepted
// ones to `queue`, then runs the checks that need all records at once.
void read_all(const Mapping& m, const ImportOptions& opt, const Borders* borders, BatchQueue& queue,
              ReadResult& out) {
  Converter conv(m, borders);
  std::vector<CheckRow> accepted;  // small copies for the within-file checks
  std::unordered_map<std::string, std::int64_t> first_record;  // "source\nkey" -> record
  std::unordered_map<std::string, int> repeats;
  BatchQueue::Batch batch;
  for (const auto& file : m.files) {
    const std::string path = (std::filesystem::path(opt.data_dir) / file.path).string();
    const std::string source = file.source.empty() ? m.source : file.source;
    out.files.push_back(file.path);
    auto reader = open_reader(file, path);
    const std::int64_t total = opt.progress ? reader->size_hint() : -1;
    RawRecord r;
    while (reader->next(r)) {
      if (queue.cancelled()) return;
      ++out.read;
      if (opt.progress && out.read % 1000 == 0) opt.progress(out.read, total);
      Shelter s;
      const std::size_t before = out.issues.size();
      bool ok = conv.convert(file, r, s, out.issues);
      if (!conv.key().empty()) {
        std::string k = source + '\n' + conv.key();
        out.seen_keys.insert(k);
        if (ok && m.number_repeated_keys) {
          // No ids in the source: the n-th record with the same content is "#n".
          if (auto n = ++repeats[k]; n > 1) {
            s.keys[0].id += fmt::format("#{}", n);
            k += fmt::format("#{}", n);
            out.seen_keys.insert(k);
          }
        }
        if (ok) {
          auto [it, fresh] = first_record.emplace(k, r.number);
          if (!fresh) {
            out.issues.push_back({Severity::rejected, file.path, r.number, conv.key(), m.key.describe(),
                                  "duplicate_key",
                                  fmt::format("key '{}' was already used by record {}", conv.key(), it->second)});
            ok = false;
          }
        }
      }
      if (!ok) {
        ++out.rejected;
        // A rejected record reports only why it was rejected, with what was read.
        auto it = std::stable_partition(out.issues.begin() + before, out.issues.end(),
                                        [](const RowIssue& i) { return i.severity == Severity::rejected; });
        out.issues.erase(it, out.issues.end());
        const nlohmann::json values = conv.mapped_values(file, r);
        for (auto i = out.issues.begin() + before; i != out.issues.end(); ++i) i->values = values;
        continue;
      }
      accepted.push_back({s.location, s.address, s.keys[0].id, r.number, &file.path});
      batch.push_back({std::move(s), r.number, file.path});
      if (batch.size() == 1024) queue.push(std::exchange(batch, {}));
    }
    if (opt.progress) opt.progress(out.read, out.read);
  }
  if (!batch.empty()) queue.push(std::move(batch));
  queue.close();
  within_file_checks(accepted, opt, out.issues);
}

}  // namespace

ImportReport run_import(Store& store, const Mapping& m, const ImportOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  ImportReport report;
  report.source = m.source;
  report.dry_run = opt.dry_run;
  report.complete = opt.complete.value_or(m.complete);
  report.revision_before = store.revision();

  std::unique_ptr<Borders> borders;
  if (!opt.borders_path.empty() && !m.country.empty()) {
    borders = std::make_unique<Borders>(opt.borders_path);
    if (!borders->knows(m.country))
      throw ParseError(m.path, 0, "country", fmt::format("'{}' is not a country code in {}", m.country, opt.borders_path));
  }

  // Reading and converting (one thread) overlaps with writing (this thread,
  // the only one that touches the store).
  BatchQueue queue;
  ReadResult read;
  std::exception_ptr read_error;
  std::thread reader([&] {
    try {
      read_all(m, opt, borders.get(), queue, read);
    } catch (...) {
      read_error = std::current_exception();
      queue.close();
    }
  });
  struct Join {
    std::thread& t;
    BatchQueue& q;
    ~Join() {
      q.cancel();
      if (t.joinable()) t.join();
    }
  } join{reader, queue};

  // What the register already holds for these sources, and records of other
  // sources to match against.
  std::map<ExternalKey, Shelter> existing;
  std::set<std::string> mine{m.source};
  for (auto& f : m.files)
    if (!f.source.empty()) mine.insert(f.source);
  for (auto& src : mine)
    for (auto& s : store.list({.include_retired = true, .source = src}))
      for (auto& k : s.keys)
        if (mine.count(k.source)) existing.emplace(k, s);  // keys of linked sources stay theirs
  std::vector<Shelter> others;
  std::vector<std::string> other_keys;
  Grid others_grid(cell_for(opt.link_distance_m));
  for (auto& s : store.list({}))
    if (s.location && std::none_of(s.keys.begin(), s.keys.end(), [&](auto& k) { return mine.count(k.source); })) {
      others_grid.add(*s.location, others.size());
      other_keys.push_back(address_key(s.address));
      others.push_back(std::move(s));
    }

  std::vector<RowIssue> issues;  // found while writing
  std::set<ShelterId> matched;
  std::vector<std::string> file_names;
  for (auto& f : m.files) file_names.push_back(f.path);
  auto tx = store.begin(opt.actor, fmt::format("import {} ({})", m.source, fmt::join(file_names, ", ")), false);
  BatchQueue::Batch batch;
  while (queue.pop(batch)) {
    for (auto& row : batch) {
      ++report.accepted;
      Shelter& in = row.shelter;
      if (in.needs_location()) ++report.needs_location;
      if (in.capacity) report.capacity_total += *in.capacity;
      auto it = existing.find(in.keys[0]);
      const Shelter* target = it == existing.end() ? nullptr : &it->second;

      if (!target && in.location && !others.empty()) {
        const Shelter* best = nullptr;
        double best_d = opt.link_distance_m;
        const std::string in_key = address_key(in.address);
        others_grid.near(*in.location, [&](std::size_t j) {
          const Shelter& o = others[j];
          if (matched.count(o.id)) return;  // one record of this file per record of another source
          double d = spatial::distance_m(*in.location, *o.location);
          if (d <= best_d && similar_address_keys(in_key, other_keys[j])) {
            best = &o;
            best_d = d;
          }
        });
        if (best) {
          matched.insert(best->id);
          report.matches.push_back({row.file, row.record, in.keys[0].id, best->id,
                                    best->keys.empty() ? "" : best->keys[0].source + ":" + best->keys[0].id,
                                    best_d, in.address, best->address, opt.link});
          if (opt.link) {
            target = best;
            ++report.linked;
          }
        }
      }

      if (!target) {
        Change c{Change::Op::create, std::move(in), ""};
        if (opt.on_change) opt.on_change(c, nullptr);
        tx->apply(c);
        ++report.created;
        continue;
      }
      Shelter merged = *target;
      for (const auto& f : import_differences(merged, in)) {
        if (merged.is_manual(f) && !opt.overwrite_manual) {
          ++report.kept_manual;
          issues.push_back({Severity::suspicious, row.file, row.record, in.keys[0].id, f,
                            "kept_manual_edit",
                            fmt::format("shelter {}: field '{}' was set by hand; the file's value was not applied (use --overwrite-manual)", merged.id, f)});
          continue;
        }
        copy_field(merged, in, f);
      }
      merged.retired = false;
      merged.source = in.source;
      if (std::find(merged.keys.begin(), merged.keys.end(), in.keys[0]) == merged.keys.end())
        merged.keys.push_back(in.keys[0]);
      if (import_differences(merged, *target).empty() && merged.keys == target->keys && !target->retired &&
          merged.source == target->source) {
        ++report.unchanged;
        continue;
      }
      Change c{Change::Op::update, merged, ""};
      if (opt.on_change) opt.on_change(c, target);
      tx->apply(c);
      ++report.updated;
    }
  }
  reader.join();
  if (read_error) std::rethrow_exception(read_error);  // the transaction rolls back
  report.files = read.files;
  report.read = read.read;
  report.rejected = read.rejected;

  if (report.complete) {
    std::set<ShelterId> retired;
    for (auto& [key, s] : existing) {
      if (s.retired || read.seen_keys.count(key.source + '\n' + key.id) || retired.count(s.id)) continue;
      Change c{Change::Op::retire, s, fmt::format("no longer in {} (complete list)", key.source)};
      if (opt.on_change) opt.on_change(c, &s);
      tx->apply(c);
      retired.insert(s.id);
      ++report.retired;
    }
  }

  // Issues in file order, then record order.
  report.issues = std::move(read.issues);
  report.issues.insert(report.issues.end(), issues.begin(), issues.end());
  auto file_index = [&](const std::string& f) {
    return std::find(file_names.begin(), file_names.end(), f) - file_names.begin();
  };
  std::stable_sort(report.issues.begin(), report.issues.end(), [&](const RowIssue& a, const RowIssue& b) {
    return std::pair(file_index(a.file), a.record) < std::pair(file_index(b.file), b.record);
  });
  std::set<std::pair<std::string, std::int64_t>> suspicious;
  for (auto& i : report.issues)
    if (i.severity == Severity::suspicious) suspicious.emplace(i.file, i.record);
  report.suspicious = static_cast<std::int64_t>(suspicious.size());

  report.revision_after = opt.dry_run ? report.revision_before : tx->commit().revision;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

namespace {
const char* severity_name(Severity s) { return s == Severity::rejected ? "rejected" : "suspicious"; }
}  // namespace

nlohmann::json to_json(const ImportReport& r) {
  nlohmann::json issues = nlohmann::json::array();
  for (auto& i : r.issues)
  {
    nlohmann::json j = {{"severity", severity_name(i.severity)}, {"file", i.file}, {"record", i.record},
                        {"key", i.key}, {"field", i.field}, {"reason", i.reason}, {"message", i.message}};
    if (!i.values.is_null()) j["values"] = i.values;
    issues.push_back(std::move(j));
  }
  nlohmann::json matches = nlohmann::json::array();
  for (auto& m : r.matches)
    matches.push_back({{"file", m.file}, {"record", m.record}, {"key", m.key}, {"existing", m.existing},
                       {"existing_key", m.existing_key}, {"distance_m", std::round(m.distance_m * 10) / 10},
                       {"address", m.address}, {"existing_address", m.existing_address}, {"linked", m.linked}});
  return {{"source", r.source},       {"files", r.files},
          {"dry_run", r.dry_run},     {"complete", r.complete},
          {"counts", {{"read", r.read}, {"accepted", r.accepted}, {"rejected", r.rejected},
                      {"suspicious", r.suspicious}, {"needs_location", r.needs_location},
                      {"created", r.created}, {"updated", r.updated}, {"unchanged", r.unchanged},
                      {"retired", r.retired}, {"linked", r.linked}, {"kept_manual", r.kept_manual}}},
          {"capacity_total", r.capacity_total},
          {"revision_before", r.revision_before}, {"revision_after", r.revision_after},
          {"seconds", r.seconds}, {"issues", issues}, {"cross_source_matches", matches}};
}

std::string to_text(const ImportReport& r, std::size_t examples) {
  std::string out = fmt::format(
      "{}{}: read {}, accepted {}, rejected {}, suspicious {}, needs location {}\n"
      "  register: {} created, {} updated, {} unchanged, {} retired, {} linked; revision {} -> {}\n"
      "  capacity of accepted records: {} places; {:.2f} s\n",
      r.dry_run ? "DRY RUN " : "", r.source, r.read, r.accepted, r.rejected, r.suspicious,
      r.needs_location, r.created, r.updated, r.unchanged, r.retired, r.linked, r.revision_before,
      r.revision_after, r.capacity_total, r.seconds);
  if (r.kept_manual) out += fmt::format("  kept {} hand-edited field values (use --overwrite-manual to replace them)\n", r.kept_manual);
  std::map<std::pair<std::string, std::string>, std::vector<const RowIssue*>> groups;
  for (auto& i : r.issues) groups[{severity_name(i.severity), i.reason}].push_back(&i);
  for (auto& [k, list] : groups) {
    out += fmt::format("  {} {}: {}\n", k.first, k.second, list.size());
    for (std::size_t n = 0; n < list.size() && n < examples; ++n) {
      auto* i = list[n];
      out += fmt::format("    {} record {}{}{}: {}\n", i->file, i->record,
                         i->key.empty() ? "" : " (key " + i->key + ")",
                         i->field.empty() ? "" : " field '" + i->field + "'", i->message);
    }
    if (list.size() > examples) out += fmt::format("    ... {} more (see --report FILE)\n", list.size() - examples);
  }
  if (!r.matches.empty()) {
    out += fmt::format("  {} records lie near a record of another source with a similar address{}\n",
                       r.matches.size(), r.linked ? " (linked)" : " (use --link to merge them)");
    for (std::size_t n = 0; n < r.matches.size() && n < examples; ++n) {
      auto& m = r.matches[n];
      out += fmt::format("    record {} '{}' ~ shelter {} ({}) '{}', {:.0f} m\n", m.record, m.address,
                         m.existing, m.existing_key, m.existing_address, m.distance_m);
    }
  }
  return out;
}

}  // namespace rifugio::import
