#pragma once
// Distances and bearings on the WGS84 ellipsoid, fast enough for the query
// hot path. Inputs are Location (LONGITUDE first).

#include "core/location.hpp"

namespace rifugio::spatial {

/// Mean Earth radius (IUGG), metres.
inline constexpr double kEarthRadiusM = 6371008.8;

/// Distance in metres along the surface; within 0.5% of the WGS84 geodesic
/// everywhere (poles and antimeridian included). Exact on identical points (0).
double distance_m(const Location& a, const Location& b);

/// Initial bearing from `from` to `to`, degrees clockwise from true north in
/// [0, 360). 0 when the points coincide. Within 0.01 deg of the WGS84 geodesic
/// azimuth up to 19,000 km; closer to the antipode the bearing is
/// ill-conditioned and only approximate. From a pole, measured as if from the
/// pole's given longitude (as GeographicLib does).
double bearing_deg(const Location& from, const Location& to);

}  // namespace rifugio::spatial
