#include "api/params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "api/error.hpp"

namespace rifugio::api {

namespace {

[[noreturn]] void invalid(const std::string& name, const std::string& why) {
  throw ApiError(ErrorCode::invalid_parameter, fmt::format("{}: {}", name, why), name);
}

/// Rejects repeated and unknown names before any value is read.
void check_names(const QueryParams& params, std::initializer_list<std::string_view> known) {
  std::set<std::string_view> seen;
  for (const auto& [name, value] : params) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw ApiError(ErrorCode::unknown_parameter,
                     fmt::format("unknown parameter '{}' (known: {})", name, list), name);
    }
    if (!seen.insert(name).second) invalid(name, "given more than once");
  }
}

const std::string* find(const QueryParams& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return &v;
  return nullptr;
}

double to_double(const std::string& name, std::string_view v) {
  double d = 0;
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, d);
  if (v.empty() || ec != std::errc() || p != end || !std::isfinite(d))
    invalid(name, fmt::format("expected a finite number, got '{}'", v));
  return d;
}

std::int64_t to_int(const std::string& name, std::string_view v, std::int64_t lo, std::int64_t hi) {
  std::int64_t n = 0;
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, n);
  if (v.empty() || ec == std::errc::invalid_argument || p != end)
    invalid(name, fmt::format("expected an integer, got '{}'", v));
  if (ec == std::errc::result_out_of_range || n < lo || n > hi)
    invalid(name, fmt::format("must be between {} and {}, got {}", lo, hi, v));
  return n;
}

bool to_bool(const std::string& name, std::string_view v) {
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  invalid(name, fmt::format("expected true or false, got '{}'", v));
}

template <typename E>
E to_enum(const std::string& name, std::string_view v, std::optional<E> (*parse)(std::string_view),
          std::string_view allowed) {
  if (auto e = parse(v)) return *e;
  invalid(name, fmt::format("expected one of {}, got '{}'", allowed, v));
}

constexpr std::string_view kKinds = "public_shelter, bunker, protected_basement, metro_station, parking, other";
constexpr std::string_view kStatuses = "unknown, open, closed, full";
constexpr std::string_view kStepFree = "unknown, yes, limited, no";

}  // namespace

spatial::NearestQuery parse_nearest_query(const QueryParams& params) {
  check_names(params,
              {"lat", "lon", "k", "open", "min_free", "step_free", "kind", "max_distance", "by", "within", "speed_kmh"});
  spatial::NearestQuery q;
  const std::string* lat = find(params, "lat");
  const std::string* lon = find(params, "lon");
  if (!lat) throw ApiError(ErrorCode::missing_parameter, "lat: required (latitude in degrees, WGS84)", "lat");
  if (!lon) throw ApiError(ErrorCode::missing_parameter, "lon: required (longitude in degrees, WGS84)", "lon");
  double la = to_double("lat", *lat), lo = to_double("lon", *lon);
  if (la < -90 || la > 90) invalid("lat", fmt::format("must be between -90 and 90, got {}", *lat));
  if (lo < -180 || lo > 180) invalid("lon", fmt::format("must be between -180 and 180, got {}", *lon));
  q.origin = Location::from_lon_lat(lo, la);
  q.k = kDefaultNearestK;
  if (auto* v = find(params, "k")) q.k = static_cast<std::uint32_t>(to_int("k", *v, 1, kMaxNearestK));
  if (auto* v = find(params, "open")) q.open_only = to_bool("open", *v);
  if (auto* v = find(params, "min_free")) q.min_free = static_cast<std::int32_t>(to_int("min_free", *v, 0, 1'000'000));
  if (auto* v = find(params, "step_free")) q.step_free = to_bool("step_free", *v);
  if (auto* v = find(params, "kind")) q.kind = to_enum<Kind>("kind", *v, parse_kind, kKinds);
  if (auto* v = find(params, "max_distance")) {
    double d = to_double("max_distance", *v);
    if (d <= 0) invalid("max_distance", fmt::format("must be more than 0 metres, got {}", *v));
    q.max_distance_m = d;
  }
  return q;
}

WalkParams parse_walk_params(const QueryParams& params) {
  WalkParams w;
  if (auto* v = find(params, "by")) {
    if (*v != "walking" && *v != "straight") invalid("by", fmt::format("expected walking or straight, got '{}'", *v));
    w.walking = *v == "walking";
  }
  if (auto* v = find(params, "within")) {
    const double s = to_double("within", *v);
    if (s < 1 || s > 86400) invalid("within", fmt::format("must be between 1 and 86400 seconds, got {}", *v));
    w.within_s = s;
  }
  if (auto* v = find(params, "speed_kmh")) {
    const double kmh = to_double("speed_kmh", *v);
    if (kmh < 1 || kmh > 20) invalid("speed_kmh", fmt::format("must be between 1 and 20 km/h, got {}", *v));
    w.speed_mps = kmh / 3.6;
  }
  return w;
}

RouteQuery parse_route_query(const QueryParams& params) {
  check_names(params, {"from", "to", "step_free", "speed_kmh"});
  RouteQuery q;
  const std::string* from = find(params, "from");
  const std::string* to = find(params, "to");
  if (!from) throw ApiError(ErrorCode::missing_parameter, "from: required (lat,lon in degrees, WGS84)", "from");
  if (!to) throw ApiError(ErrorCode::missing_parameter, "to: required (a shelter id)", "to");
  const auto comma = from->find(',');
  if (comma == std::string::npos) invalid("from", fmt::format("expected lat,lon, got '{}'", *from));
  const double la = to_double("from", std::string_view(*from).substr(0, comma));
  const double lo = to_double("from", std::string_view(*from).substr(comma + 1));
  if (la < -90 || la > 90 || lo < -180 || lo > 180)
    invalid("from", fmt::format("latitude must be in -90..90 and longitude in -180..180, got '{}'", *from));
  q.from = Location::from_lon_lat(lo, la);
  const auto id = parse_shelter_id(*to);
  if (!id) invalid("to", fmt::format("expected a shelter id (a positive integer), got '{}'", *to));
  q.to = *id;
  if (auto* v = find(params, "step_free")) q.step_free = to_bool("step_free", *v);
  q.walk = parse_walk_params(params);
  q.walk.walking = true;
  return q;
}

bool ItemsQuery::matches(const Shelter& s) const {
  auto iequal = [](std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return std::toupper(static_cast<unsigned char>(x)) ==
                                                  std::toupper(static_cast<unsigned char>(y)); });
  };
  return (!status || s.status == *status) && (!kind || s.kind == *kind) &&
         (!step_free || s.step_free == *step_free) && (municipality.empty() || s.municipality == municipality) &&
         (region.empty() || s.region == region) && (country.empty() || iequal(s.country, country));
}

ItemsQuery parse_items_query(const QueryParams& params) {
  check_names(params, {"bbox", "limit", "offset", "datetime", "f", "status", "kind", "step_free", "municipality",
                       "region", "country"});
  ItemsQuery q;
  if (auto* v = find(params, "bbox")) {
    std::vector<double> n;
    std::string_view rest = *v;
    while (true) {
      auto comma = rest.find(',');
      n.push_back(to_double("bbox", rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
    if (n.size() != 4 && n.size() != 6)
      invalid("bbox", fmt::format("expected 4 numbers minLon,minLat,maxLon,maxLat, got {}", n.size()));
    // A 3D box is minLon,minLat,minZ,maxLon,maxLat,maxZ.
    spatial::BBox b = n.size() == 4 ? spatial::BBox{n[0], n[1], n[2], n[3]} : spatial::BBox{n[0], n[1], n[3], n[4]};
    if (b.west < -180 || b.west > 180 || b.east < -180 || b.east > 180)
      invalid("bbox", "longitudes must be between -180 and 180");
    if (b.south < -90 || b.north > 90) invalid("bbox", "latitudes must be between -90 and 90");
    if (b.south > b.north) invalid("bbox", "the south edge is above the north edge");
    q.bbox = b;
  }
  if (auto* v = find(params, "limit"))
    q.limit = static_cast<std::size_t>(to_int("limit", *v, 1, kMaxItemsLimit));
  if (auto* v = find(params, "offset"))
    q.offset = static_cast<std::size_t>(to_int("offset", *v, 0, 1'000'000'000));
  if (auto* v = find(params, "datetime")) {
    // Shelters carry no time, so any valid interval keeps every feature; only
    // reject what is clearly not an RFC 3339 instant or interval.
    bool ok = !v->empty() && v->find_first_not_of("0123456789-:.TZtz+/") == std::string::npos;
    if (!ok) invalid("datetime", fmt::format("expected an RFC 3339 date-time or interval, got '{}'", *v));
  }
  if (auto* v = find(params, "f"); v && *v != "json" && *v != "geojson")
    invalid("f", fmt::format("expected json or geojson, got '{}'", *v));
  if (auto* v = find(params, "status")) q.status = to_enum<Status>("status", *v, parse_status, kStatuses);
  if (auto* v = find(params, "kind")) q.kind = to_enum<Kind>("kind", *v, parse_kind, kKinds);
  if (auto* v = find(params, "step_free")) q.step_free = to_enum<StepFree>("step_free", *v, parse_step_free, kStepFree);
  if (auto* v = find(params, "municipality")) q.municipality = *v;
  if (auto* v = find(params, "region")) q.region = *v;
  if (auto* v = find(params, "country")) q.country = *v;
  return q;
}

std::optional<ShelterId> parse_shelter_id(std::string_view segment) {
  ShelterId id = 0;
  auto [p, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), id);
  if (segment.empty() || ec != std::errc() || p != segment.data() + segment.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace rifugio::api
