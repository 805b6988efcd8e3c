// distance_m and bearing_deg against GeographicLib's exact WGS84 geodesic.

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#ifdef RIFUGIO_HAVE_GEOGRAPHICLIB
#include <GeographicLib/Geodesic.hpp>
#endif

#include "random_seed.hpp"
#include "spatial/geodesy.hpp"

namespace {

using rifugio::Location;
using rifugio::spatial::bearing_deg;
using rifugio::spatial::distance_m;
using rifugio::test::uniform;

Location ll(double lon, double lat) { return Location::from_lon_lat(lon, lat); }

TEST(Geodesy, CoincidentPointsAreZero) {
  for (auto p : {ll(0, 0), ll(18.07, 59.33), ll(180, 0), ll(-180, 45), ll(33, 90), ll(-120, -90)}) {
    EXPECT_EQ(distance_m(p, p), 0.0) << rifugio::to_string(p);
    EXPECT_EQ(bearing_deg(p, p), 0.0) << rifugio::to_string(p);
  }
  // The pole is one point whatever the longitude.
  EXPECT_LT(distance_m(ll(10, 90), ll(-170, 90)), 1e-6);
}

TEST(Geodesy, KnownValuesWithoutReference) {
  // One degree of longitude on the equator: a * pi / 180 = 111319.49 m.
  EXPECT_NEAR(distance_m(ll(0, 0), ll(1, 0)), 111319.49, 0.01);
  // Across the antimeridian it is the short way round.
  EXPECT_NEAR(distance_m(ll(179.5, 0), ll(-179.5, 0)), 111319.49, 0.01);
  EXPECT_NEAR(bearing_deg(ll(0, 0), ll(0, 1)), 0.0, 1e-9);
  EXPECT_NEAR(bearing_deg(ll(0, 0), ll(1, 0)), 90.0, 1e-9);
  EXPECT_NEAR(bearing_deg(ll(0, 1), ll(0, 0)), 180.0, 1e-9);
  EXPECT_NEAR(bearing_deg(ll(179.5, 0), ll(-179.5, 0)), 90.0, 1e-9);
  EXPECT_NEAR(bearing_deg(ll(-179.5, 0), ll(179.5, 0)), 270.0, 1e-9);
  // Symmetric.
  EXPECT_EQ(distance_m(ll(10, 59), ll(11, 60)), distance_m(ll(11, 60), ll(10, 59)));
}

#ifdef RIFUGIO_HAVE_GEOGRAPHICLIB

struct Reference {
  double s12, azi1;
};
Reference geodesic(const Location& a, const Location& b) {
  Reference r{};
  double azi2 = 0;
  GeographicLib::Geodesic::WGS84().Inverse(a.lat, a.lon, b.lat, b.lon, r.s12, r.azi1, azi2);
  if (r.azi1 < 0) r.azi1 += 360;
  return r;
}

/// Compares one pair; returns the relative distance error.
double check(const Location& a, const Location& b, double bearing_tol_deg) {
  const Reference ref = geodesic(a, b);
  const double d = distance_m(a, b);
  const double rel = ref.s12 > 0 ? std::abs(d - ref.s12) / ref.s12 : d;
  EXPECT_LE(rel, 0.005) << rifugio::to_string(a) << " -> " << rifugio::to_string(b) << " d=" << d
                        << " geodesic=" << ref.s12;
  // Bearings are ill-conditioned at the poles and between near-antipodal points.
  if (ref.s12 > 1.0 && std::abs(a.lat) < 89.0 && ref.s12 < 19'000'000.0) {
    double diff = std::abs(bearing_deg(a, b) - ref.azi1);
    diff = std::min(diff, 360.0 - diff);
    EXPECT_LE(diff, bearing_tol_deg) << rifugio::to_string(a) << " -> " << rifugio::to_string(b);
  }
  return rel;
}

Location random_on_sphere(std::mt19937_64& r) {
  return ll(uniform(r, -180, 180), std::asin(uniform(r, -1, 1)) * 180 / M_PI);
}

/// A point `km` at most away from p (roughly), wrapped into range.
Location near(std::mt19937_64& r, const Location& p, double km) {
  double lat = std::clamp(p.lat + uniform(r, -1, 1) * km / 111.0, -90.0, 90.0);
  double lon = p.lon + uniform(r, -1, 1) * km / (111.0 * std::max(0.01, std::cos(p.lat * M_PI / 180)));
  lon = std::remainder(lon, 360.0);
  return ll(lon, lat);
}

TEST(GeodesyVsGeographicLib, RandomPairsEverywhere) {
  SCOPED_TRACE(rifugio::test::seed_trace());
  std::mt19937_64 r(rifugio::test::seed());
  double worst = 0;
  for (int i = 0; i < 20000; ++i) worst = std::max(worst, check(random_on_sphere(r), random_on_sphere(r), 0.01));
  RecordProperty("worst_relative_error", std::to_string(worst));
}

TEST(GeodesyVsGeographicLib, ShortDistances) {
  SCOPED_TRACE(rifugio::test::seed_trace());
  std::mt19937_64 r(rifugio::test::seed() + 1);
  for (double km : {0.001, 0.05, 1.0, 20.0, 300.0}) {
    for (int i = 0; i < 3000; ++i) {
      const Location a = random_on_sphere(r);
      check(a, near(r, a, km), 0.01);
    }
  }
}

TEST(GeodesyVsGeographicLib, NorthSouthAtTheEquator) {
  // The worst case for a mean-radius sphere (~0.57% off).
  for (double dlat : {0.001, 0.1, 1.0, 5.0}) check(ll(20, -dlat / 2), ll(20, dlat / 2), 1e-6);
}

TEST(GeodesyVsGeographicLib, NearThePoles) {
  SCOPED_TRACE(rifugio::test::seed_trace());
  std::mt19937_64 r(rifugio::test::seed() + 2);
  for (int i = 0; i < 5000; ++i) {
    const double sign = i % 2 ? 1 : -1;
    const Location a = ll(uniform(r, -180, 180), sign * uniform(r, 85, 90));
    const Location b = ll(uniform(r, -180, 180), sign * uniform(r, 80, 90));
    check(a, b, 0.01);
    check(a, near(r, a, 2), 0.01);
  }
  check(ll(0, 90), ll(0, -90), 0.01);
  check(ll(45, 90), ll(-100, 89.999), 0.01);
}

TEST(GeodesyVsGeographicLib, AcrossTheAntimeridian) {
  SCOPED_TRACE(rifugio::test::seed_trace());
  std::mt19937_64 r(rifugio::test::seed() + 3);
  for (int i = 0; i < 5000; ++i) {
    const double lat = uniform(r, -80, 80);
    const Location a = ll(uniform(r, 179, 180), lat);
    const Location b = ll(uniform(r, -180, -179), lat + uniform(r, -1, 1));
    check(a, b, 0.01);
    check(b, a, 0.01);
  }
  check(ll(180, 10), ll(-180, 10), 0.01);
}

TEST(GeodesyVsGeographicLib, NearlyAntipodal) {
  SCOPED_TRACE(rifugio::test::seed_trace());
  std::mt19937_64 r(rifugio::test::seed() + 4);
  for (int i = 0; i < 5000; ++i) {
    const Location a = random_on_sphere(r);
    const Location anti = ll(a.lon > 0 ? a.lon - 180 : a.lon + 180, -a.lat);
    check(a, near(r, anti, uniform(r, 0, 200)), 0.01);
  }
  check(ll(0, 0), ll(180, 0), 0.01);
  check(ll(10, 30), ll(-170, -30), 0.01);
}

#else

TEST(GeodesyVsGeographicLib, Skipped) {
  GTEST_SKIP() << "GeographicLib not found at configure time (Debian: libgeographiclib-dev)";
}

#endif

}  // namespace
