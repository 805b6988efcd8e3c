#pragma once
// The declarative mapping that tells the importer how to read one source:
// which field is the key, the name, the address, the capacity, where the
// coordinates are and in which CRS, the kind, the country and the licence.
// One JSON file per source, kept in the repository's mappings/ folder; the
// format is documented in mappings/README.md.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/shelter.hpp"

namespace rifugio::import {

/// Where a field's value comes from: a column/property, optionally cleaned.
struct FieldSource {
  std::string field;                         ///< column or property name ("" = not mapped)
  std::vector<std::string> fields;           ///< several columns joined by " | " (composite keys)
  std::vector<std::string> first_of;         ///< the first of these columns that has a value
  std::string pattern;                       ///< regex: keep its first group ("(\\d+)")
  std::map<std::string, std::string> values;  ///< raw value -> model value (kind, step_free)
  std::string constant;                      ///< used when no field is given
  [[nodiscard]] bool mapped() const { return !field.empty() || !fields.empty() || !first_of.empty() || !constant.empty();
  }
  /// For messages: the field name(s).
  [[nodiscard]] std::string describe() const;
};

/// One way of reading a position. Exactly one of the variants is set:
///  - geometry: the feature's own point geometry (GDAL formats), in its CRS
///    unless `crs` overrides it;
///  - lon/lat: two WGS84 columns, named for what they hold (whatever their headers say);
///  - easting/northing: two projected columns in `crs`;
///  - text + order: one column holding "a, b" ("lat,lon" or "lon,lat");
///  - text + pattern: a regular expression whose two groups are the numbers, in `order`.
struct LocationSource {
  bool geometry = false;
  std::string lon, lat;
  std::string easting, northing;
  std::string text;
  std::string pattern;
  std::string order = "lat,lon";
  std::string crs;  ///< e.g. "EPSG:3006"; default EPSG:4326 (or the layer's CRS for geometry)
  double tolerance_m = 1.0;  ///< for checks: farther than this from the position is suspicious
};

struct InputFile {
  std::string path;    ///< relative to the data folder
  std::string format;  ///< "gdal" (default), "json-array", "osm"
  std::string layer;   ///< one GDAL layer; default every layer
  std::vector<std::string> open_options;  ///< GDAL open options, e.g. "HEADERS=FORCE"
  std::map<std::string, std::string> config_options;  ///< GDAL config options while reading
  std::string source;  ///< overrides the mapping's source for this file's keys
  /// Parse this field as "key: value<br>key: value" into further fields
  /// (Google My Maps KML exports keep the attributes there).
  std::string description_field;
};

struct Mapping {
  std::string path;         ///< the mapping file itself (for messages)
  std::string source;       ///< key namespace, e.g. "no-dsb"
  std::string title;
  std::string country;      ///< ISO 3166-1 alpha-2 the records must lie in ("" = no check)
  std::vector<std::string> also_in;  ///< further codes accepted for the position
  std::string licence;
  Kind kind = Kind::public_shelter;
  bool complete = false;    ///< the files hold the whole register of this source
  std::vector<InputFile> files;

  FieldSource key, name, address, municipality, region, capacity, opening_hours, kind_field,
      step_free;
  std::vector<std::string> null_values;  ///< raw values meaning "no value", e.g. "<Null>"
  std::vector<LocationSource> location;  ///< tried in order; none matching = needs location
  std::vector<LocationSource> checks;    ///< second positions compared with the first
  int capacity_suspicious_above = 20000;  ///< larger capacities are reported
  /// The source has no ids: identical keys get "#2", "#3"... in file order
  /// instead of being rejected as duplicates (several shelters in one building).
  bool number_repeated_keys = false;
};

/// Read and validate a mapping file.
/// @throws ParseError naming the file and the offending key.
Mapping load_mapping(const std::string& path);

}  // namespace rifugio::import
