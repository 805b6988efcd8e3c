#pragma once
// WGS84 coordinates. Axis order is always LONGITUDE first, then latitude,
// as in GeoJSON; every constructor and accessor says so by name.

#include <cmath>
#include <string>

namespace rifugio {

/// A point on the WGS84 ellipsoid in degrees: longitude first.
struct Location {
  double lon = NAN;  ///< degrees east, [-180, 180]
  double lat = NAN;  ///< degrees north, [-90, 90]

  static constexpr Location from_lon_lat(double lon, double lat) { return {lon, lat}; }

  /// Cheap range check: finite, |lat| <= 90, |lon| <= 180.
  [[nodiscard]] bool valid() const {
    return std::isfinite(lon) && std::isfinite(lat) && lat >= -90.0 && lat <= 90.0 &&
           lon >= -180.0 && lon <= 180.0;
  }
  friend bool operator==(const Location&, const Location&) = default;
};

/// "lat,lon" with 6 decimals (about 0.1 m): for messages, not for storage.
std::string to_string(const Location& loc);

}  // namespace rifugio
