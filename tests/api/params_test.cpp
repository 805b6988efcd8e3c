// Query parsing is a pure function: parameters in, a plain struct or an ApiError out.

#include <gtest/gtest.h>

#include "api/error.hpp"
#include "api/params.hpp"

namespace rifugio::api {
namespace {

spatial::NearestQuery nearest(std::string_view target) { return parse_nearest_query(parse_target(target).query); }
ItemsQuery items(std::string_view target) { return parse_items_query(parse_target(target).query); }

/// The ApiError a call throws (fails the test when it does not throw).
template <typename F>
ApiError error_of(F f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no ApiError thrown";
  return ApiError(ErrorCode::internal_error, "none");
}

TEST(NearestParams, Defaults) {
  auto q = nearest("/v1/nearest?lat=59.91&lon=10.75");
  EXPECT_EQ(q.origin, Location::from_lon_lat(10.75, 59.91));
  EXPECT_EQ(q.k, kDefaultNearestK);
  EXPECT_FALSE(q.open_only);
  EXPECT_FALSE(q.step_free);
  EXPECT_FALSE(q.min_free);
  EXPECT_FALSE(q.kind);
  EXPECT_FALSE(q.max_distance_m);
}

TEST(NearestParams, EveryOption) {
  auto q = nearest("/v1/nearest?lon=-0.5&lat=-33.25&k=100&open=true&min_free=20&step_free=1&kind=metro_station"
                   "&max_distance=1500.5");
  EXPECT_EQ(q.origin.lon, -0.5);
  EXPECT_EQ(q.origin.lat, -33.25);
  EXPECT_EQ(q.k, 100u);
  EXPECT_TRUE(q.open_only);
  EXPECT_TRUE(q.include_unknown_status);
  EXPECT_EQ(q.min_free, 20);
  EXPECT_TRUE(q.step_free);
  EXPECT_EQ(q.kind, Kind::metro_station);
  EXPECT_EQ(q.max_distance_m, 1500.5);
  EXPECT_FALSE(nearest("/v1/nearest?lat=0&lon=0&open=false&step_free=0").open_only);
}

TEST(NearestParams, Edges) {
  EXPECT_EQ(nearest("/v1/nearest?lat=90&lon=180").origin, Location::from_lon_lat(180, 90));
  EXPECT_EQ(nearest("/v1/nearest?lat=-90&lon=-180").origin, Location::from_lon_lat(-180, -90));
  EXPECT_EQ(nearest("/v1/nearest?lat=1e1&lon=-0").origin.lat, 10.0);
  EXPECT_EQ(nearest("/v1/nearest?lat=0&lon=0&k=1").k, 1u);
}

TEST(NearestParams, ErrorsNameTheParameter) {
  struct Case {
    const char* target;
    ErrorCode code;
    const char* param;
  };
  for (const Case& c : {
           Case{"?lat=91&lon=0", ErrorCode::invalid_parameter, "lat"},
           Case{"?lat=0&lon=abc", ErrorCode::invalid_parameter, "lon"},
           Case{"?lat=0&lon=1x", ErrorCode::invalid_parameter, "lon"},
           Case{"?lat=0&lon=+1", ErrorCode::invalid_parameter, "lon"},
           Case{"?lat=NaN&lon=0", ErrorCode::invalid_parameter, "lat"},
           Case{"?lat=0&lon=-inf", ErrorCode::invalid_parameter, "lon"},
           Case{"?lat=1e999&lon=0", ErrorCode::invalid_parameter, "lat"},
           Case{"?lat=0&lon=0&k=0", ErrorCode::invalid_parameter, "k"},
           Case{"?lat=0&lon=0&k=100000", ErrorCode::invalid_parameter, "k"},
           Case{"?lat=0&lon=0&k=", ErrorCode::invalid_parameter, "k"},
           Case{"?lat=0&lon=0&k=1&k=2", ErrorCode::invalid_parameter, "k"},
           Case{"?lon=0", ErrorCode::missing_parameter, "lat"},
           Case{"?lat=0", ErrorCode::missing_parameter, "lon"},
           Case{"?lat=0&lon=0&LAT=1", ErrorCode::unknown_parameter, "LAT"},
       }) {
    ApiError e = error_of([&] { nearest(std::string("/v1/nearest") + c.target); });
    EXPECT_EQ(e.code(), c.code) << c.target;
    EXPECT_EQ(e.parameter(), c.param) << c.target;
    EXPECT_NE(std::string(e.what()).find(c.param), std::string::npos) << c.target << ": " << e.what();
  }
  EXPECT_STREQ(error_of([] { nearest("/v1/nearest?lat=91&lon=0"); }).what(), "lat: must be between -90 and 90, got 91");
}

TEST(ItemsParams, DefaultsAndValues) {
  ItemsQuery d = items("/items");
  EXPECT_FALSE(d.bbox);
  EXPECT_EQ(d.limit, kDefaultItemsLimit);
  EXPECT_EQ(d.offset, 0u);
  ItemsQuery q = items("/items?bbox=170,-20,-170,-10&limit=10000&offset=30&status=full&kind=parking&step_free=limited"
                       "&municipality=Sankt+Gallen&region=SG&country=ch");
  ASSERT_TRUE(q.bbox);
  EXPECT_EQ(q.bbox->west, 170);
  EXPECT_EQ(q.bbox->south, -20);
  EXPECT_EQ(q.bbox->east, -170);
  EXPECT_EQ(q.bbox->north, -10);
  EXPECT_EQ(q.limit, kMaxItemsLimit);
  EXPECT_EQ(q.offset, 30u);
  EXPECT_EQ(q.status, Status::full);
  EXPECT_EQ(q.kind, Kind::parking);
  EXPECT_EQ(q.step_free, StepFree::limited);
  EXPECT_EQ(q.municipality, "Sankt Gallen");
  Shelter s;
  s.status = Status::full, s.kind = Kind::parking, s.step_free = StepFree::limited;
  s.municipality = "Sankt Gallen", s.region = "SG", s.country = "CH";
  EXPECT_TRUE(q.matches(s));
  s.municipality = "Zürich";
  EXPECT_FALSE(q.matches(s));
  EXPECT_TRUE(d.matches(s));
}

TEST(ItemsParams, Errors) {
  for (const char* t : {"?limit=0", "?limit=10001", "?offset=x", "?bbox=1,2,3", "?bbox=1,2,3,4,5", "?bbox=,,,",
                        "?bbox=0,10,1,5", "?bbox=200,0,1,5", "?status=x", "?kind=x", "?step_free=true", "?f=xml",
                        "?datetime=now", "?limit=5&limit=6"})
    EXPECT_EQ(error_of([&] { items(std::string("/items") + t); }).code(), ErrorCode::invalid_parameter) << t;
  EXPECT_EQ(error_of([] { items("/items?sort=name"); }).code(), ErrorCode::unknown_parameter);
}

TEST(ShelterIdSegment, OnlyPositiveIntegers) {
  EXPECT_EQ(parse_shelter_id("42"), 42);
  for (auto s : {"", "0", "-1", "4x", "x", "1.5", "99999999999999999999999"}) EXPECT_FALSE(parse_shelter_id(s)) << s;
}

}  // namespace
}  // namespace rifugio::api
