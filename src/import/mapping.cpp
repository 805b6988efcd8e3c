#include "import/mapping.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace rifugio::import {

namespace {
using nlohmann::json;

struct Ctx {
  const std::string& file;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw ParseError(file, 0, key, what);
  }
  std::string str(const json& j, const std::string& key, const std::string& def = "") const {
    if (!j.contains(key)) return def;
    if (!j[key].is_string()) fail(key, "must be a string");
    return j[key].get<std::string>();
  }
};

FieldSource field_source(const Ctx& c, const json& fields, const std::string& key) {
  FieldSource f;
  if (!fields.contains(key)) return f;
  const json& v = fields[key];
  if (v.is_string()) {
    f.field = v.get<std::string>();
  } else if (v.is_object()) {
    f.field = c.str(v, "field");
    if (v.contains("fields")) f.fields = v["fields"].get<std::vector<std::string>>();
    if (v.contains("first_of")) f.first_of = v["first_of"].get<std::vector<std::string>>();
    f.pattern = c.str(v, "pattern");
    f.constant = c.str(v, "constant");
    if (v.contains("values")) {
      if (!v["values"].is_object()) c.fail("fields." + key + ".values", "must be an object");
      for (auto& [from, to] : v["values"].items()) f.values[from] = to.get<std::string>();
    }
  } else {
    c.fail("fields." + key, "must be a field name or an object");
  }
  return f;
}

LocationSource location_source(const Ctx& c, const json& j, const std::string& where) {
  if (!j.is_object()) c.fail(where, "must be an object");
  LocationSource l;
  l.geometry = j.value("geometry", false);
  l.lon = c.str(j, "lon");
  l.lat = c.str(j, "lat");
  l.easting = c.str(j, "easting");
  l.northing = c.str(j, "northing");
  l.text = c.str(j, "text");
  l.pattern = c.str(j, "pattern");
  l.order = c.str(j, "order", "lat,lon");
  l.crs = c.str(j, "crs");
  if (j.contains("tolerance_m")) l.tolerance_m = j["tolerance_m"].get<double>();
  const int variants = int(l.geometry) + int(!l.lon.empty() || !l.lat.empty()) +
                       int(!l.easting.empty() || !l.northing.empty()) + int(!l.text.empty());
  if (variants != 1)
    c.fail(where, "give exactly one of: geometry, lon+lat, easting+northing, text");
  if (l.lon.empty() != l.lat.empty()) c.fail(where, "lon and lat go together");
  if (l.easting.empty() != l.northing.empty()) c.fail(where, "easting and northing go together");
  if (!l.easting.empty() && l.crs.empty()) c.fail(where, "easting/northing need a crs");
  if (l.order != "lat,lon" && l.order != "lon,lat") c.fail(where + ".order", "must be lat,lon or lon,lat");
  return l;
}

std::vector<LocationSource> location_list(const Ctx& c, const json& root, const std::string& key) {
  std::vector<LocationSource> out;
  if (!root.contains(key)) return out;
  const json& v = root[key];
  if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(location_source(c, v[i], fmt::format("{}[{}]", key, i)));
  } else {
    out.push_back(location_source(c, v, key));
  }
  return out;
}
}  // namespace

std::string FieldSource::describe() const {
  if (!field.empty()) return field;
  std::string out;
  for (auto& f : fields) out += (out.empty() ? "" : "+") + f;
  for (auto& f : first_of) out += (out.empty() ? "" : "|") + f;
  return out;
}

Mapping load_mapping(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ParseError(path, 0, "", "cannot open mapping file");
  json root;
  try {
    root = json::parse(in);
  } catch (const json::parse_error& e) {
    throw ParseError(path, 0, "", fmt::format("not valid JSON: {}", e.what()));
  }
  Ctx c{path};
  if (!root.is_object()) c.fail("", "must be a JSON object");
  Mapping m;
  try {
    m.path = path;
    m.source = c.str(root, "source");
    if (m.source.empty()) c.fail("source", "is required (the key namespace, e.g. no-dsb)");
    m.title = c.str(root, "title");
    m.country = c.str(root, "country");
    if (root.contains("also_in")) m.also_in = root["also_in"].get<std::vector<std::string>>();
    m.licence = c.str(root, "licence");
    if (auto k = c.str(root, "kind", "public_shelter"); auto kind = parse_kind(k)) m.kind = *kind;
    else c.fail("kind", fmt::format("'{}' is not a kind", k));
    m.complete = root.value("complete", false);
    if (!root.contains("files") || !root["files"].is_array() || root["files"].empty())
      c.fail("files", "is required: a list of {\"path\": ...}");
    for (auto& f : root["files"]) {
      InputFile in_file;
      in_file.path = c.str(f, "path");
      if (in_file.path.empty()) c.fail("files[].path", "is required");
      in_file.format = c.str(f, "format", "gdal");
      if (in_file.format != "gdal" && in_file.format != "json-array" && in_file.format != "osm")
        c.fail("files[].format", fmt::format("'{}' is not gdal, json-array or osm", in_file.format));
      in_file.layer = c.str(f, "layer");
      in_file.source = c.str(f, "source");
      in_file.description_field = c.str(f, "description_fields");
      if (f.contains("open_options")) in_file.open_options = f["open_options"].get<std::vector<std::string>>();
      if (f.contains("config_options"))
        in_file.config_options = f["config_options"].get<std::map<std::string, std::string>>();
      m.files.push_back(std::move(in_file));
    }
    const json fields = root.value("fields", json::object());
    m.key = field_source(c, fields, "key");
    const bool osm_only = std::all_of(m.files.begin(), m.files.end(),
                                      [](const InputFile& f) { return f.format == "osm"; });
    if (!m.key.mapped() && !osm_only) c.fail("fields.key", "is required (the source's own id)");
    m.name = field_source(c, fields, "name");
    m.address = field_source(c, fields, "address");
    m.municipality = field_source(c, fields, "municipality");
    m.region = field_source(c, fields, "region");
    m.capacity = field_source(c, fields, "capacity");
    m.opening_hours = field_source(c, fields, "opening_hours");
    m.kind_field = field_source(c, fields, "kind");
    m.step_free = field_source(c, fields, "step_free");
    for (auto& [raw, kind] : m.kind_field.values)
      if (!parse_kind(kind)) c.fail("fields.kind.values", fmt::format("'{}' is not a kind", kind));
    for (auto& [raw, sf] : m.step_free.values)
      if (!parse_step_free(sf)) c.fail("fields.step_free.values", fmt::format("'{}' is not yes/no/limited/unknown", sf));
    if (root.contains("null_values")) m.null_values = root["null_values"].get<std::vector<std::string>>();
    m.location = location_list(c, root, "location");
    m.checks = location_list(c, root, "check_location");
    m.capacity_suspicious_above = root.value("capacity_suspicious_above", 20000);
    m.number_repeated_keys = root.value("number_repeated_keys", false);
  } catch (const json::exception& e) {
    throw ParseError(path, 0, "", e.what());
  }
  return m;
}

}  // namespace rifugio::import
