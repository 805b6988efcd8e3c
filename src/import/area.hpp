#pragma once
// One area on the map (a polygon or multipolygon in WGS84 lon/lat) and the
// point-in-polygon test: GDAL/OGR geometry with a GEOS prepared geometry
// behind a bounding-box check. The one point-in-polygon of the project:
// country borders (borders.hpp) and editors' regions both use it.
//
// Usage:
//   auto area = import::Area::from_geojson(R"({"type":"Polygon","coordinates":[[[10,59],[11,59],[11,60],[10,59]]]})");
//   if (area.contains(Location::from_lon_lat(10.7, 59.5))) ...

#include <memory>
#include <string>
#include <string_view>

#include "core/location.hpp"

class OGRGeometry;

namespace rifugio::import {

class Area {
 public:
  /// Takes a copy of an OGR geometry (any type; areas contain points).
  explicit Area(const OGRGeometry& geometry);
  ~Area();
  Area(Area&&) noexcept;
  Area& operator=(Area&&) noexcept;

  /// A GeoJSON Polygon or MultiPolygon geometry, a Feature with one, or a
  /// FeatureCollection of exactly one such Feature, in WGS84 (RFC 7946).
  /// @throws InputError saying what is wrong (not JSON, another geometry
  /// type, a coordinate out of range, a self-intersecting ring, a CRS other
  /// than WGS84).
  static Area from_geojson(std::string_view text);

  /// True when `loc` lies inside the area (a point exactly on its border does not).
  [[nodiscard]] bool contains(const Location& loc) const;
  /// The geometry as compact GeoJSON (what is stored with an editor).
  [[nodiscard]] std::string geojson() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rifugio::import
