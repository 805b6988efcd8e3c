// Areas (polygons in WGS84) and their point-in-polygon test, compared with
// an exact answer on a grid of points for shapes whose insides are known.

#include "import/area.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"

namespace rifugio::import {
namespace {

// A square 10..12 E, 59..61 N with a square hole 10.5..11.5 E, 59.5..60.5 N,
// and a second square 20..21 E, 0..1 N: a MultiPolygon with a hole.
constexpr const char* kShape = R"({"type":"MultiPolygon","coordinates":[
  [[[10,59],[12,59],[12,61],[10,61],[10,59]],[[10.5,59.5],[10.5,60.5],[11.5,60.5],[11.5,59.5],[10.5,59.5]]],
  [[[20,0],[21,0],[21,1],[20,1],[20,0]]]]})";

bool expected(double lon, double lat) {
  const bool outer = lon > 10 && lon < 12 && lat > 59 && lat < 61;
  const bool hole = lon >= 10.5 && lon <= 11.5 && lat >= 59.5 && lat <= 60.5;
  const bool second = lon > 20 && lon < 21 && lat > 0 && lat < 1;
  return (outer && !hole) || second;
}

TEST(Area, ContainsAgreesWithTheShapeOnAGrid) {
  const Area a = Area::from_geojson(kShape);
  int inside = 0;
  // Points on a 0.037-degree grid never fall on an edge (edges are on multiples of 0.5).
  for (double lon = 9.0; lon < 22.0; lon += 0.037)
    for (double lat = -1.0; lat < 62.0; lat += 0.037) {
      ASSERT_EQ(a.contains(Location::from_lon_lat(lon, lat)), expected(lon, lat)) << lon << "," << lat;
      inside += expected(lon, lat);
    }
  EXPECT_GT(inside, 1000) << "the grid reaches inside";
}

TEST(Area, AcceptsFeaturesAndRoundTripsAsCompactGeoJson) {
  const std::string feature = std::string(R"({"type":"Feature","properties":{"name":"x"},"geometry":)") + kShape + "}";
  const std::string collection = R"({"type":"FeatureCollection","features":[)" + feature + "]}";
  for (const std::string& text : {std::string(kShape), feature, collection}) {
    Area a = Area::from_geojson(text);
    EXPECT_TRUE(a.contains(Location::from_lon_lat(11.9, 60.9)));
    EXPECT_FALSE(a.contains(Location::from_lon_lat(11, 60)));
    const std::string stored = a.geojson();
    EXPECT_EQ(stored.find('\n'), std::string::npos);
    Area again = Area::from_geojson(stored);
    EXPECT_TRUE(again.contains(Location::from_lon_lat(20.5, 0.5)));
  }
}

TEST(Area, RefusesWhatIsNotAValidWgs84Area) {
  auto refused = [](const std::string& text, const std::string& says) {
    try {
      Area::from_geojson(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused("not json", "not a GeoJSON object");
  refused(R"({"type":"Point","coordinates":[10,59]})", "got Point");
  refused(R"({"type":"LineString","coordinates":[[10,59],[11,60]]})", "got LineString");
  refused(R"({"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]})", "not valid");  // a bow tie
  refused(R"({"type":"Polygon","coordinates":[[[59,10],[60,200],[61,10],[59,10]]]})", "out of range");
  refused(R"({"type":"FeatureCollection","features":[]})", "exactly one Feature");
  refused(R"({"type":"Polygon","crs":{"type":"name","properties":{"name":"EPSG:25833"}},"coordinates":[[[0,0],[1,0],[1,1],[0,0]]]})",
          "WGS84");
  refused(R"({"type":"Polygon","coordinates":[]})", "no valid rings");
}

}  // namespace
}  // namespace rifugio::import
