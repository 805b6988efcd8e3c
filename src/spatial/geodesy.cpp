#include "spatial/geodesy.hpp"

#include <cmath>

#include "spatial/detail/ellipsoid.hpp"

namespace rifugio::spatial {

double distance_m(const Location& a, const Location& b) {
  return detail::distance(detail::to_vec(a), detail::to_vec(b));
}

double bearing_deg(const Location& from, const Location& to) {
  const double dlon = std::remainder(to.lon - from.lon, 360.0) * detail::kDegToRad;
  return detail::bearing(detail::reduced(from.lat), detail::reduced(to.lat), std::sin(dlon), std::cos(dlon));
}

namespace detail {

double bearing(Reduced from, Reduced to, double sin_dlon, double cos_dlon) {
  // Vincenty's inverse on the auxiliary sphere of reduced latitude, whose
  // azimuth is the ellipsoid's, cut to one or two iterations of its
  // longitude w = dlon + delta (starting from the geographic one). Plain
  // spherical bearing with w = dlon is ~0.1 deg off even on short lines; this
  // is within thousandths of a degree below 18,000 km (see geodesy_test).
  // sin/cos of w come from dlon's by angle addition with a short series for
  // the small delta: no atan2 and no sincos per iteration.
  const double cb1 = from.cos, sb1 = from.sin, cb2 = to.cos, sb2 = to.sin;
  double sw = sin_dlon, cw = cos_dlon;
  for (int i = 0; i < 2; ++i) {
    const double e = cb2 * sw, n = cb1 * sb2 - sb1 * cb2 * cw;
    const double sin_s = std::sqrt(e * e + n * n), cos_s = sb1 * sb2 + cb1 * cb2 * cw;
    if (sin_s == 0.0) break;
    const double sigma = std::atan2(sin_s, cos_s);
    const double sin_a = cb1 * cb2 * sw / sin_s;
    const double cos2_a = 1.0 - sin_a * sin_a;
    const double cos_2sm = cos2_a != 0.0 ? cos_s - 2.0 * sb1 * sb2 / cos2_a : 0.0;
    const double c = kF / 16.0 * cos2_a * (4.0 + kF * (4.0 - 3.0 * cos2_a));
    const double delta = (1.0 - c) * kF * sin_a *
                         (sigma + c * sin_s * (cos_2sm + c * cos_s * (-1.0 + 2.0 * cos_2sm * cos_2sm)));
    // |delta| <= f * pi ~ 0.0105: these series are exact to a few ulps there.
    const double d2 = delta * delta;
    const double sd = std::abs(delta) < 0.02 ? delta * (1.0 - d2 / 6.0 * (1.0 - d2 / 20.0 * (1.0 - d2 / 42.0)))
                                             : std::sin(delta);
    const double cd = std::abs(delta) < 0.02 ? 1.0 - d2 / 2.0 * (1.0 - d2 / 12.0 * (1.0 - d2 / 30.0))
                                             : std::cos(delta);
    sw = sin_dlon * cd + cos_dlon * sd;
    cw = cos_dlon * cd - sin_dlon * sd;
    // Below ~600 km the second iteration changes the bearing by < 1e-6 deg.
    if (sigma < 0.1) break;
  }
  const double e = cb2 * sw;
  const double n = cb1 * sb2 - sb1 * cb2 * cw;
  if (std::abs(e) < 1e-15 && std::abs(n) < 1e-15) return 0.0;  // coincident (or exactly antipodal)
  double deg = std::atan2(e, n) / kDegToRad;
  if (deg < 0.0) deg += 360.0;
  return deg >= 360.0 ? 0.0 : deg;
}

}  // namespace detail
}  // namespace rifugio::spatial
