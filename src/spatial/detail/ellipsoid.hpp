#pragma once
// Internal: points as unit vectors on the auxiliary sphere of REDUCED
// latitude, and the Andoyer-Lambert distance between two of them. The index
// stores these vectors, and distance_m() goes through the same functions, so
// the index and the brute force compute bit-identical distances.

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/location.hpp"

namespace rifugio::spatial::detail {

/// WGS84 semi-major axis (metres) and flattening.
inline constexpr double kA = 6378137.0;
inline constexpr double kF = 1.0 / 298.257223563;
inline constexpr double kDegToRad = std::numbers::pi / 180.0;

/// (cos b cos lon, cos b sin lon, sin b) with b the reduced latitude,
/// tan b = (1 - f) tan lat.
struct Vec3 {
  double x, y, z;
};

/// Cosine and sine of the reduced latitude b of a geodetic latitude in degrees.
struct Reduced {
  double cos, sin;
};
inline Reduced reduced(double lat_deg) {
  // (cos b, sin b) is (cos lat, (1 - f) sin lat) normalised: no tan/atan, fine at the poles.
  const double lat = lat_deg * kDegToRad;
  const double c = std::cos(lat), s = (1.0 - kF) * std::sin(lat);
  const double n = std::sqrt(c * c + s * s);
  return {c / n, s / n};
}

inline Vec3 to_vec(const Location& loc) {
  const Reduced b = reduced(loc.lat);
  const double lon = loc.lon * kDegToRad;
  return {b.cos * std::cos(lon), b.cos * std::sin(lon), b.sin};
}

/// Initial bearing in degrees [0, 360) between reduced latitudes, given the
/// sine and cosine of the longitude difference (to - from). bearing_deg() is this.
double bearing(Reduced from, Reduced to, double sin_dlon, double cos_dlon);

/// The reduced latitude of a vector made by to_vec().
inline Reduced reduced(const Vec3& v) { return {std::sqrt(v.x * v.x + v.y * v.y), v.z}; }

inline double chord2(const Vec3& a, const Vec3& b) {
  const double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return dx * dx + dy * dy + dz * dz;
}

/// Andoyer-Lambert from the squared chord c2 between the two vectors and
/// their z (sine of reduced latitude). Written without P/Q angles:
///   sin^2 P cos^2 Q = ((z1 + z2) / 2)^2,   cos^2 P sin^2 Q = ((z2 - z1) / 2)^2,
///   sin^2(s/2) = c2 / 4,                    cos^2(s/2) = 1 - c2 / 4.
/// Both ratios below are <= 1 by geometry (|z1 - z2| <= chord and
/// |z1 + z2| <= |v1 + v2|), which keeps near-antipodal pairs finite and gives
/// the bounds a*s*(1 - f) <= d <= a*s the index prunes with.
inline double distance_from_chord2(double c2, double z1, double z2) {
  if (c2 <= 0.0) return 0.0;
  c2 = std::min(c2, 4.0);
  const double sin_half = std::sqrt(c2) * 0.5;
  const double cos_half2 = 1.0 - c2 * 0.25;
  const double sigma = 2.0 * std::asin(sin_half);
  const double sin_sigma = 2.0 * sin_half * std::sqrt(cos_half2);
  const double sum = z1 + z2, diff = z2 - z1;
  const double rx = cos_half2 > 0.0 ? std::min(1.0, sum * sum * 0.25 / cos_half2) : 1.0;
  const double ry = std::min(1.0, diff * diff / c2);
  const double x = (sigma - sin_sigma) * rx;
  const double y = (sigma + sin_sigma) * ry;
  return kA * (sigma - 0.5 * kF * (x + y));
}

inline double distance(const Vec3& a, const Vec3& b) {
  return distance_from_chord2(chord2(a, b), a.z, b.z);
}

/// Largest squared chord whose pair can be within `d` metres: d >= a*s*(1 - f),
/// so s <= d / (a (1 - f)); widened by a hair against rounding so that pruning
/// never drops a pair at exactly distance d.
inline double max_chord2_within(double d) {
  if (!(d >= 0.0)) return -1.0;  // nothing is within a negative (or NaN) distance
  const double s = d / (kA * (1.0 - kF)) * (1.0 + 1e-9) + 1e-12;
  if (s >= std::numbers::pi) return 4.0;
  const double c = 2.0 * std::sin(0.5 * s);
  return c * c;
}

}  // namespace rifugio::spatial::detail
