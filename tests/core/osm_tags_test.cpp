#include "core/osm_tags.hpp"

#include <gtest/gtest.h>

namespace rifugio {
namespace {

TEST(OsmTags, RecognisesProtectiveSheltersOnly) {
  EXPECT_TRUE(is_protective_shelter({{"amenity", "shelter"}, {"shelter_type", "public_bunker"}}));
  EXPECT_TRUE(is_protective_shelter({{"military", "bunker"}}));
  EXPECT_FALSE(is_protective_shelter({{"amenity", "shelter"}, {"shelter_type", "public_transport"}}));
  EXPECT_FALSE(is_protective_shelter({{"military", "bunker"}, {"bunker_type", "pillbox"}}));
}

TEST(OsmTags, RoundTripsKindCapacityAndWheelchair) {
  Shelter s;
  apply_osm_tags(s, {{"amenity", "shelter"}, {"shelter_type", "public_bunker"}, {"capacity", "250"},
                     {"wheelchair", "limited"}, {"name", "Grønland T-bane"}});
  EXPECT_EQ(s.kind, Kind::public_shelter);
  EXPECT_EQ(s.capacity, 250);
  EXPECT_EQ(s.step_free, StepFree::limited);
  auto t = to_osm_tags(s);
  EXPECT_EQ(t["amenity"], "shelter");
  EXPECT_EQ(t["shelter_type"], "public_bunker");
  EXPECT_EQ(t["capacity"], "250");
  EXPECT_EQ(t["wheelchair"], "limited");

  Shelter b;
  apply_osm_tags(b, {{"military", "bunker"}, {"capacity", "many"}});
  EXPECT_EQ(b.kind, Kind::bunker);
  EXPECT_FALSE(b.capacity.has_value());  // unparsable capacity stays unknown
  EXPECT_EQ(to_osm_tags(b)["military"], "bunker");
}

}  // namespace
}  // namespace rifugio
