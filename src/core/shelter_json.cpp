#include "core/shelter_json.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace rifugio {

namespace {
template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json location_json(const std::optional<Location>& l) {
  if (!l) return nullptr;
  return nlohmann::json::array({l->lon, l->lat});
}

nlohmann::json field_json(const Shelter& s, std::string_view f) {
  if (f == "name") return s.name;
  if (f == "address") return s.address;
  if (f == "municipality") return s.municipality;
  if (f == "region") return s.region;
  if (f == "country") return s.country;
  if (f == "location") return location_json(s.location);
  if (f == "capacity") return opt(s.capacity);
  if (f == "kind") return to_string(s.kind);
  if (f == "step_free") return to_string(s.step_free);
  if (f == "status") return to_string(s.status);
  if (f == "occupancy") return opt(s.occupancy);
  if (f == "opening_hours") return s.opening_hours;
  if (f == "licence") return s.licence;
  if (f == "retired") return s.retired;
  throw InputError(fmt::format("unknown field '{}'", f));
}

nlohmann::json properties(const Shelter& s) {
  nlohmann::json keys = nlohmann::json::array();
  for (auto& k : s.keys) keys.push_back({{"source", k.source}, {"id", k.id}});
  nlohmann::json j = {{"id", s.id}, {"keys", keys}};
  for (auto f : editable_fields())
    if (f != "location") j[std::string(f)] = field_json(s, f);
  j["status_time"] = s.status_time ? nlohmann::json(format_time(s.status_time)) : nullptr;
  j["status_by"] = s.status_by;
  j["source"] = s.source;
  j["created"] = format_time(s.created);
  j["updated"] = format_time(s.updated);
  j["version"] = s.version;
  j["needs_location"] = s.needs_location();
  j["manual_fields"] = s.manual_fields;
  return j;
}
}  // namespace

nlohmann::json to_json(const Shelter& s) {
  auto j = properties(s);
  j["location"] = location_json(s.location);
  return j;
}

nlohmann::json fields_json(const Shelter& s, const std::vector<std::string>& fields) {
  nlohmann::json j = nlohmann::json::object();
  for (auto& f : fields) j[f] = field_json(s, f);
  return j;
}

nlohmann::json to_geojson_feature(const Shelter& s) {
  nlohmann::json geom = nullptr;
  if (s.location) geom = {{"type", "Point"}, {"coordinates", location_json(s.location)}};
  return {{"type", "Feature"}, {"id", s.id}, {"geometry", geom}, {"properties", properties(s)}};
}

Shelter shelter_from_json(const nlohmann::json& j) {
  Shelter s;
  try {
    s.id = j.value("id", ShelterId{0});
    if (j.contains("keys"))
      for (auto& k : j["keys"]) s.keys.push_back({k.at("source"), k.at("id")});
    for (auto f : editable_fields()) {
      std::string key(f);
      if (!j.contains(key)) continue;
      const auto& v = j[key];
      if (f == "location") {
        if (v.is_null()) s.location.reset();
        else s.location = Location{v.at(0).get<double>(), v.at(1).get<double>()};
        if (s.location && !s.location->valid())
          throw InputError("field 'location': out of range ([lon, lat] in degrees)");
      } else if (v.is_null()) {
        set_field(s, f, "");
      } else if (v.is_string()) {
        set_field(s, f, v.get<std::string>());
      } else {
        set_field(s, f, v.dump());
      }
    }
    s.status_by = j.value("status_by", "");
    s.source = j.value("source", "");
    s.version = j.value("version", std::int64_t{0});
    if (j.contains("manual_fields")) s.manual_fields = j["manual_fields"].get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("shelter JSON: {}", e.what()));
  }
  return s;
}

}  // namespace rifugio
