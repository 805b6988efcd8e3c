#include "api/offline_snapshot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "api/gzip.hpp"

namespace rifugio::api {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid
/// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

/// Append `s` as a JSON string: UTF-8 kept as is, quotes, backslashes and
/// control characters escaped, invalid UTF-8 replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += fmt::format("\\u{:04x}", c);
      }
      ++i;
    } else if (std::size_t n = utf8_sequence(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  out.push_back('"');
}

void append_int(std::string& out, std::int64_t v) { fmt::format_to(std::back_inserter(out), "{}", v); }

void append_optional(std::string& out, const std::optional<std::int32_t>& v) {
  if (v) append_int(out, *v);
  else out += "null";
}

std::int64_t micro_degrees(double deg) { return std::llround(deg * 1e6); }

/// Position of (x, y) along a Hilbert curve filling a 2^order square.
std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y, int order) {
  std::uint64_t d = 0;
  for (std::uint32_t s = 1u << (order - 1); s > 0; s >>= 1) {
    std::uint32_t rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
    d += static_cast<std::uint64_t>(s) * s * ((3 * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

/// Shelters with a location in the order rows are written: along a Hilbert
/// curve over lon/lat (ties by id). Neighbours on the map become neighbours
/// in the text, so coordinates, municipalities and street names repeat
/// within gzip's window: about 20% smaller than id order for Sweden.
std::vector<const Shelter*> row_order(const spatial::Snapshot& snap) {
  constexpr int kOrder = 24;
  constexpr double kCells = 1 << kOrder;
  std::vector<std::pair<std::uint64_t, const Shelter*>> keyed;
  keyed.reserve(snap.shelters().size());
  for (const Shelter& s : snap.shelters()) {
    if (!s.location) continue;
    auto cell = [&](double v, double lo, double span) {
      return static_cast<std::uint32_t>(std::clamp((v - lo) / span * kCells, 0.0, kCells - 1));
    };
    keyed.emplace_back(hilbert_index(cell(s.location->lon, -180, 360), cell(s.location->lat, -90, 180), kOrder), &s);
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->id < b.second->id;
  });
  std::vector<const Shelter*> out;
  out.reserve(keyed.size());
  for (auto& [k, s] : keyed) out.push_back(s);
  return out;
}

}  // namespace

std::string snapshot_body(const spatial::Snapshot& snap) {
  const std::vector<const Shelter*> rows = row_order(snap);
  UnixTime generated = 0;
  for (const Shelter* s : rows) generated = std::max({generated, s->updated, s->status_time});
  std::string out;
  out.reserve(256 + rows.size() * 110);
  out += R"({"format":")";
  out += kSnapshotFormat;
  out += R"(","revision":)";
  append_int(out, snap.revision());
  out += R"(,"generated":")";
  out += format_time(generated);
  out += R"(","columns":["id","lon_e6","lat_e6","name","address","municipality","capacity","status","step_free","kind","occupancy"],"rows":[)";
  bool first = true;
  for (const Shelter* row : rows) {
    const Shelter& s = *row;
    if (!first) out.push_back(',');
    first = false;
    out.push_back('[');
    append_int(out, s.id);
    out.push_back(',');
    append_int(out, micro_degrees(s.location->lon));
    out.push_back(',');
    append_int(out, micro_degrees(s.location->lat));
    out.push_back(',');
    append_json_string(out, s.name);
    out.push_back(',');
    append_json_string(out, s.address);
    out.push_back(',');
    append_json_string(out, s.municipality);
    out.push_back(',');
    append_optional(out, s.capacity);
    out += ",\"";
    out += to_string(s.status);
    out += "\",\"";
    out += to_string(s.step_free);
    out += "\",\"";
    out += to_string(s.kind);
    out += "\",";
    append_optional(out, s.occupancy);
    out.push_back(']');
  }
  out += "]}";
  return out;
}

std::shared_ptr<const SignedSnapshot> sign_snapshot(const spatial::Snapshot& snap, const SigningKey& key,
                                                    int gzip_level) {
  auto doc = std::make_shared<SignedSnapshot>();
  doc->revision = snap.revision();
  doc->etag = fmt::format("\"{}\"", snap.revision());
  doc->body = snapshot_body(snap);
  doc->gzip = gzip_compress(doc->body, gzip_level);
  doc->signature = base64_encode(key.sign(doc->body));
  return doc;
}

}  // namespace rifugio::api
