#pragma once
// Reads the records of one input file, whatever its format, as plain
// strings: GDAL/OGR for GeoJSON, CSV, KML, XLSX, Shapefile, GeoPackage; a
// small reader for plain JSON arrays of records; GDAL's OSM driver for
// OpenStreetMap files (protective shelters only).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "import/mapping.hpp"

namespace rifugio::import {

/// One record as read, before any interpretation.
struct RawRecord {
  std::int64_t number = 0;  ///< 1-based record number in the file (CSV: data row; GeoJSON: feature)
  std::string layer;        ///< GDAL layer name (several in KML or OSM files)
  std::vector<std::string> names;   ///< field names, cleaned of BOMs and spaces
  std::vector<std::string> values;  ///< raw values, "" when null
  /// The feature's geometry reduced to one point (centroid for areas), in
  /// the CRS given by `geometry_crs` and traditional x = east, y = north order.
  std::optional<std::pair<double, double>> xy;
  std::string geometry_crs;  ///< WKT, "" when unknown

  /// The value of a field, or nullptr when the record has no such field.
  const std::string* get(std::string_view name) const;
  void set(std::string name, std::string value);
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  /// Next record into `out`; false at the end. @throws ParseError naming the record.
  virtual bool next(RawRecord& out) = 0;
  /// How many records there are, if cheap to know (for the progress bar), else -1.
  virtual std::int64_t size_hint() = 0;
};

/// Open `path` as described by `file`. @throws ParseError when it cannot be read.
std::unique_ptr<RecordReader> open_reader(const InputFile& file, const std::string& path);

}  // namespace rifugio::import
