// Which ways a pedestrian may walk (walk_tags.hpp), tag by tag.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "routing/graph.hpp"
#include "routing/walk_tags.hpp"

namespace {

using namespace rifugio::routing;

WayClass classify(std::map<std::string, std::string> tags) {
  return classify_way([&](std::string_view k) -> const char* {
    auto it = tags.find(std::string(k));
    return it == tags.end() ? nullptr : it->second.c_str();
  });
}

TEST(WalkTags, HighwayClasses) {
  for (const char* h : {"footway", "path", "pedestrian", "steps", "living_street", "residential", "service",
                        "unclassified", "track", "cycleway", "tertiary", "secondary", "primary", "trunk", "corridor"})
    EXPECT_TRUE(classify({{"highway", h}}).walkable) << h;
  for (const char* h : {"motorway", "motorway_link", "construction", "proposed", "raceway", "bus_guideway"})
    EXPECT_FALSE(classify({{"highway", h}}).walkable) << h;
  EXPECT_FALSE(classify({{"building", "yes"}}).walkable);
  EXPECT_TRUE(classify({{"railway", "platform"}}).walkable);
}

TEST(WalkTags, AccessAndFoot) {
  EXPECT_FALSE(classify({{"highway", "service"}, {"access", "private"}}).walkable);
  EXPECT_FALSE(classify({{"highway", "footway"}, {"access", "no"}}).walkable);
  EXPECT_FALSE(classify({{"highway", "residential"}, {"foot", "no"}}).walkable);
  EXPECT_FALSE(classify({{"highway", "primary"}, {"foot", "use_sidepath"}}).walkable);
  EXPECT_FALSE(classify({{"highway", "trunk"}, {"motorroad", "yes"}}).walkable);
  EXPECT_TRUE(classify({{"highway", "footway"}, {"access", "no"}, {"foot", "yes"}}).walkable);
  EXPECT_TRUE(classify({{"highway", "motorway"}, {"foot", "designated"}}).walkable);
  // Vehicle restrictions do not stop walkers.
  EXPECT_TRUE(classify({{"highway", "track"}, {"access", "forestry"}, {"hiking", "yes"}}).walkable);
  EXPECT_TRUE(classify({{"highway", "track"}, {"access", "agricultural"}}).walkable);
  EXPECT_TRUE(classify({{"highway", "residential"}, {"oneway", "yes"}}).walkable);
  EXPECT_FALSE(classify({{"highway", "construction"}, {"foot", "yes"}}).walkable);
}

TEST(WalkTags, StepFreeFlags) {
  EXPECT_EQ(classify({{"highway", "steps"}}).flags, kEdgeSteps);
  EXPECT_EQ(classify({{"highway", "steps"}, {"ramp:wheelchair", "yes"}}).flags, 0u);
  EXPECT_EQ(classify({{"highway", "footway"}, {"wheelchair", "no"}}).flags, kEdgeNoWheelchair);
  EXPECT_EQ(classify({{"highway", "steps"}, {"wheelchair", "no"}}).flags, kEdgeSteps | kEdgeNoWheelchair);
  EXPECT_EQ(classify({{"highway", "footway"}}).flags, 0u);
}

}  // namespace
