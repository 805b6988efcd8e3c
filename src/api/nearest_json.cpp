#include "api/nearest_json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string_view>

namespace rifugio::api {

double round_to(double v, int decimals) {
  double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

namespace {
template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json nearest_hit_json(const spatial::NearestHit& hit) {
  const Shelter& s = *hit.shelter;
  nlohmann::json loc = nullptr;
  if (s.location) loc = {round_to(s.location->lon, 6), round_to(s.location->lat, 6)};
  return {{"id", s.id},
          {"name", s.name},
          {"address", s.address},
          {"location", loc},
          {"distance_m", round_to(hit.distance_m, 1)},
          {"bearing_deg", round_to(hit.bearing_deg, 1)},
          {"walk_s", static_cast<std::int64_t>(std::ceil(hit.distance_m / kWalkSpeedMps))},
          {"capacity", opt(s.capacity)},
          {"status", to_string(s.status)},
          {"step_free", to_string(s.step_free)},
          {"kind", to_string(s.kind)},
          {"occupancy", opt(s.occupancy)}};
}

nlohmann::json nearest_json(const spatial::Snapshot& snap, const spatial::NearestQuery& q,
                            const std::vector<spatial::NearestHit>& hits) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& h : hits) results.push_back(nearest_hit_json(h));
  return {{"revision", snap.revision()},
          {"origin", {round_to(q.origin.lon, 6), round_to(q.origin.lat, 6)}},
          {"walk", {{"speed_mps", kWalkSpeedMps}, {"basis", "straight-line"}}},
          {"results", std::move(results)}};
}

}  // namespace rifugio::api

// ---- direct writer -------------------------------------------------------

namespace rifugio::api {

namespace {

/// A double as nlohmann's dump() prints it: shortest round-trip digits, a
/// ".0" on whole numbers, null for NaN and infinities.
void put_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[64];
  char* end = fmt::format_to(buf, "{}", v);
  out.append(buf, end);
  if (std::string_view(buf, static_cast<std::size_t>(end - buf)).find_first_of(".e") == std::string_view::npos)
    out += ".0";
}

void put_int(std::string& out, std::int64_t v) {
  char buf[24];
  char* end = fmt::format_to(buf, "{}", v);
  out.append(buf, end);
}

/// Length of the valid UTF-8 sequence at s[i] (strict: no overlongs,
/// surrogates or code points above U+10FFFF), 0 when invalid.
std::size_t utf8_len(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](std::size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(i);
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    unsigned char c1 = b(i + 1);
    if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
    if (c == 0xED && c1 > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    unsigned char c1 = b(i + 1);
    if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
    if (c == 0xF4 && c1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

/// A string as nlohmann's dump(-1, ' ', false, replace) prints it.
void put_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t n = utf8_len(s, i);
      if (n == 0) {  // invalid UTF-8: let nlohmann apply its replacement rules
        out.resize(start);
        out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      out.append(s.data() + i, n);
      i += n;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

template <typename T>
void put_opt(std::string& out, const std::optional<T>& v) {
  if (v) put_int(out, *v);
  else out += "null";
}

void put_lon_lat(std::string& out, const Location& l) {
  out.push_back('[');
  put_double(out, round_to(l.lon, 6));
  out.push_back(',');
  put_double(out, round_to(l.lat, 6));
  out.push_back(']');
}

}  // namespace

void write_nearest_json(std::string& out, const spatial::Snapshot& snap, const spatial::NearestQuery& q,
                        const std::vector<spatial::NearestHit>& hits, const StraightWalk& walk,
                        const ReportView* reports) {
  out.reserve(out.size() + 160 + 330 * hits.size());
  out.push_back('{');
  if (walk.within_s) {
    out += "\"none_in_reach\":";
    out += hits.empty() ? "true," : "false,";
  }
  out += "\"origin\":";
  put_lon_lat(out, q.origin);
  out += ",\"results\":[";
  bool first = true;
  for (const auto& h : hits) {
    const Shelter& s = *h.shelter;
    if (!first) out.push_back(',');
    first = false;
    // nlohmann objects are sorted maps: keys in byte order.
    out += "{\"address\":";
    put_string(out, s.address);
    out += ",\"bearing_deg\":";
    put_double(out, round_to(h.bearing_deg, 1));
    out += ",\"capacity\":";
    put_opt(out, s.capacity);
    out += ",\"distance_m\":";
    put_double(out, round_to(h.distance_m, 1));
    out += ",\"id\":";
    put_int(out, s.id);
    out += ",\"kind\":";
    put_string(out, to_string(s.kind));
    out += ",\"location\":";
    if (s.location) put_lon_lat(out, *s.location);
    else out += "null";
    out += ",\"name\":";
    put_string(out, s.name);
    out += ",\"occupancy\":";
    put_opt(out, s.occupancy);
    if (reports) {
      const Summary sum = reports->summary(s.id, s.status_time);
      if (has_reports(sum)) {
        out += ",\"reports\":";
        write_summary(out, sum, reports->now);
      }
    }
    out += ",\"status\":";
    put_string(out, to_string(s.status));
    out += ",\"step_free\":";
    put_string(out, to_string(s.step_free));
    out += ",\"walk_s\":";
    put_int(out, static_cast<std::int64_t>(std::ceil(h.distance_m / walk.speed_mps)));
    out.push_back('}');
  }
  out += "],\"revision\":";
  put_int(out, snap.revision());
  out += ",\"walk\":{\"basis\":\"straight-line\",";
  if (walk.fallback) {
    out += "\"fallback\":";
    put_string(out, walk.fallback);
    out.push_back(',');
  }
  out += "\"speed_mps\":";
  put_double(out, round_to(walk.speed_mps, 3));
  out.push_back('}');
  if (walk.within_s) {
    out += ",\"within_s\":";
    put_double(out, *walk.within_s);
  }
  out.push_back('}');
}

}  // namespace rifugio::api
