#include "core/shelter.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/shelter_json.hpp"

namespace rifugio {
namespace {

TEST(Location, ValidRejectsOutOfRangeAndNaN) {
  EXPECT_TRUE(Location::from_lon_lat(180, -90).valid());
  EXPECT_FALSE(Location::from_lon_lat(0, 91).valid());
  EXPECT_FALSE(Location::from_lon_lat(-180.5, 0).valid());
  EXPECT_FALSE(Location::from_lon_lat(NAN, 0).valid());
  EXPECT_FALSE(Location{}.valid());
}

TEST(Shelter, SetFieldParsesAndNamesTheFieldOnError) {
  Shelter s;
  set_field(s, "capacity", " 120 ");
  EXPECT_EQ(s.capacity, 120);
  set_field(s, "capacity", "");
  EXPECT_FALSE(s.capacity.has_value());  // unknown, not 0
  set_field(s, "location", "59.91, 10.75");
  ASSERT_TRUE(s.location);
  EXPECT_DOUBLE_EQ(s.location->lat, 59.91);
  EXPECT_DOUBLE_EQ(s.location->lon, 10.75);
  try {
    set_field(s, "capacity", "lots");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("capacity"), std::string::npos);
  }
  EXPECT_THROW(set_field(s, "location", "91,10"), InputError);
  EXPECT_THROW(set_field(s, "kind", "castle"), InputError);
  EXPECT_THROW(set_field(s, "country", "Norway"), InputError);
  EXPECT_THROW(set_field(s, "colour", "red"), InputError);
}

TEST(Shelter, ChangedFieldsAndFreePlaces) {
  Shelter a;
  a.capacity = 100;
  Shelter b = a;
  EXPECT_TRUE(changed_fields(a, b).empty());
  b.capacity = 0;
  b.occupancy = 40;
  b.name = "X";
  EXPECT_EQ(changed_fields(a, b), (std::vector<std::string>{"name", "capacity", "occupancy"}));
  b.capacity = 100;
  EXPECT_EQ(b.free_places(), 60);
  EXPECT_FALSE(a.free_places().has_value());
}

TEST(ShelterJson, RoundTripKeepsUnknownDistinctFromZero) {
  Shelter s;
  s.id = 7;
  s.keys = {{"no-dsb", "1234"}};
  s.name = "Tøyen";
  s.country = "NO";
  s.location = Location::from_lon_lat(10.77, 59.91);
  s.capacity = 0;
  s.status = Status::full;
  auto j = to_json(s);
  EXPECT_EQ(j["location"][0], 10.77);  // GeoJSON order: lon first
  Shelter back = shelter_from_json(j);
  EXPECT_EQ(back.id, 7);
  EXPECT_EQ(back.keys, s.keys);
  EXPECT_EQ(back.capacity, 0);
  EXPECT_FALSE(back.occupancy.has_value());
  EXPECT_EQ(back.status, Status::full);
  EXPECT_EQ(back.location, s.location);
  auto f = to_geojson_feature(Shelter{});
  EXPECT_TRUE(f["geometry"].is_null());
  EXPECT_TRUE(f["properties"]["needs_location"].get<bool>());
}

}  // namespace
}  // namespace rifugio
