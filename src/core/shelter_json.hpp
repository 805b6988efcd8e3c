#pragma once
// JSON forms of a shelter: the register's own form (export, audit log) and a
// GeoJSON Feature. Location is written as GeoJSON [lon, lat].

#include <nlohmann/json.hpp>

#include "core/shelter.hpp"

namespace rifugio {

/// Every field, with null for unknown optionals.
nlohmann::json to_json(const Shelter& s);
/// Only the fields listed (editable_fields() names): for audit before/after diffs.
nlohmann::json fields_json(const Shelter& s, const std::vector<std::string>& fields);
/// Inverse of to_json. @throws InputError naming the field on a bad value.
Shelter shelter_from_json(const nlohmann::json& j);
/// GeoJSON Feature with geometry null when the location is unknown.
nlohmann::json to_geojson_feature(const Shelter& s);

}  // namespace rifugio
