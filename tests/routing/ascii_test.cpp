// Walking searches on small networks drawn as ASCII art: one character is
// 10 m, across and down. Each test draws its map, builds the graph through
// libosmium from OSM XML, and asserts the route.

#include <gtest/gtest.h>

#include <algorithm>

#include "ascii_map.hpp"
#include "routing/graph_builder.hpp"
#include "routing/router.hpp"
#include "spatial/geodesy.hpp"
#include "../test_util.hpp"

namespace {

using namespace rifugio;
using namespace rifugio::routing;
using test::AsciiMap;

using Tags = std::vector<std::pair<std::string, std::string>>;
const Tags kFootway = {{"highway", "footway"}};

/// A map, its graph and shelters placed at named points (shelter id = position + 1).
struct World {
  test::TempDir dir;
  AsciiMap map;
  std::shared_ptr<const Graph> graph;
  std::shared_ptr<const ShelterNodes> shelters;

  World(const std::string& drawing, std::vector<test::AsciiWay> ways, const std::string& shelter_points,
        std::vector<Shelter> extra = {})
      : map(drawing, std::move(ways)) {
    map.write_osm(dir.file("map.osm"));
    build_graph(dir.file("map.osm"), dir.file("map.graph"));
    graph = Graph::open(dir.file("map.graph"));
    std::vector<Shelter> list = std::move(extra);
    for (char c : shelter_points) {
      Shelter s;
      s.id = static_cast<ShelterId>(list.size() + 1);
      s.name = std::string("at ") + c;
      s.location = map.at(c);
      list.push_back(s);
    }
    shelters = ShelterNodes::build(graph, spatial::Snapshot::build(1, list));
  }

  WalkAnswer nearest(char origin, std::uint32_t k, WalkProfile p = {}) const {
    return nearest_by_walking(*shelters, {.nearest = {.origin = map.at(origin), .k = k}, .profile = p});
  }
  double straight(char a, char b) const { return spatial::distance_m(map.at(a), map.at(b)); }
  /// Whether the path passes within 1 m of a named point.
  bool passes(const WalkRoute& r, char point) const {
    return std::any_of(r.path.begin(), r.path.end(),
                       [&](const Location& l) { return spatial::distance_m(l, map.at(point)) < 1.0; });
  }
};

TEST(AsciiRouting, RiverWithOneBridge) {
  // The shelter across the river (B) is 40 m away in a straight line; the
  // one on this bank (G) is 90 m away. On foot B is 400 m, over the bridge D.
  const std::string map = R"(
 A-------B-----------------C
                           |
~~~~~~~~~~~~~~~~~~~~~~~~~~~D~~~~
                           |
 E-------F--------G--------H
)";
  World w(map, {{"ABC", {{"highway", "residential"}}}, {"CDH", {{"highway", "footway"}, {"bridge", "yes"}}},
                {"EFGH", {{"highway", "residential"}}}},
          "BG");
  ASSERT_LT(w.straight('F', 'B'), w.straight('F', 'G'));

  auto a = w.nearest('F', 2);
  ASSERT_EQ(a.basis, Basis::walking);
  ASSERT_EQ(a.routes.size(), 2u);
  EXPECT_EQ(a.routes[0].shelter->name, "at G");
  EXPECT_NEAR(a.routes[0].distance_m, 90, 0.5);
  EXPECT_EQ(a.routes[1].shelter->name, "at B");
  EXPECT_NEAR(a.routes[1].distance_m, 180 + 40 + 180, 0.5);
  EXPECT_TRUE(w.passes(a.routes[1], 'D')) << "the route crosses on the bridge";
  EXPECT_NEAR(a.routes[1].time_s, a.routes[1].distance_m / (5.0 / 3.6), 1e-9);

  // k = 1 stops at the shelter on this bank.
  auto one = w.nearest('F', 1);
  ASSERT_EQ(one.routes.size(), 1u);
  EXPECT_EQ(one.routes[0].shelter->name, "at G");

  // The route to B alone is the same walk.
  auto r = route_to(*w.shelters, w.map.at('F'), 1, {});
  ASSERT_EQ(r.routes.size(), 1u);
  EXPECT_NEAR(r.routes[0].distance_m, a.routes[1].distance_m, 1e-6);
  EXPECT_EQ(r.routes[0].path.front(), w.map.at('F'));
  EXPECT_EQ(r.routes[0].path.back(), w.map.at('B'));
}

TEST(AsciiRouting, StepsVersusRamp) {
  // A to F: 40 m down the steps (A-D-F), or 280 m round by the ramp C-E-H.
  const std::string map = R"(
 A-----B-----C
 |           |
 D           E
 |           |
 F-----G-----H
)";
  World w(map, {{"ABC", kFootway}, {"FGH", kFootway}, {"ADF", {{"highway", "steps"}}},
                {"CEH", {{"highway", "footway"}, {"incline", "up"}}}},
          "F");
  auto walk = w.nearest('A', 1);
  ASSERT_EQ(walk.routes.size(), 1u);
  EXPECT_NEAR(walk.routes[0].distance_m, 40, 0.5);
  EXPECT_TRUE(w.passes(walk.routes[0], 'D'));

  auto wheel = w.nearest('A', 1, {.step_free = true});
  ASSERT_EQ(wheel.routes.size(), 1u);
  EXPECT_NEAR(wheel.routes[0].distance_m, 280, 0.5);
  EXPECT_TRUE(w.passes(wheel.routes[0], 'E'));
  EXPECT_FALSE(w.passes(wheel.routes[0], 'D'));
}

TEST(AsciiRouting, WheelchairNoAndRampedSteps) {
  // A-B-C is wheelchair=no (cobbles); A-D-C are steps with a wheelchair ramp.
  const std::string map = R"(
 A-----B-----C
 |           |
 |           |
 D-----------+
)";
  // '+' is drawing only: the ramp way goes A-D and then straight to C.
  World w(map, {{"ABC", {{"highway", "footway"}, {"wheelchair", "no"}}},
                {"ADC", {{"highway", "steps"}, {"ramp:wheelchair", "yes"}}}},
          "C");
  auto walk = w.nearest('A', 1);
  ASSERT_EQ(walk.routes.size(), 1u);
  EXPECT_NEAR(walk.routes[0].distance_m, 120, 0.5);
  auto wheel = w.nearest('A', 1, {.step_free = true});
  ASSERT_EQ(wheel.routes.size(), 1u);
  EXPECT_TRUE(w.passes(wheel.routes[0], 'D'));
  EXPECT_NEAR(wheel.routes[0].distance_m, 30 + std::hypot(120.0, 30.0), 0.5);
}

TEST(AsciiRouting, OneWayStreetIsTwoWayOnFoot) {
  const std::string map = R"(
 A-------------B-------------C
)";
  for (const char* oneway : {"yes", "-1"}) {
    SCOPED_TRACE(oneway);
    World w(map, {{"ABC", {{"highway", "residential"}, {"oneway", oneway}}}}, "AC");
    auto from_c = w.nearest('C', 1);
    ASSERT_EQ(from_c.routes.size(), 1u);
    EXPECT_EQ(from_c.routes[0].shelter->name, "at C");
    auto to_a = route_to(*w.shelters, w.map.at('C'), 1, {});
    ASSERT_EQ(to_a.routes.size(), 1u) << "against the one-way direction on foot";
    EXPECT_NEAR(to_a.routes[0].distance_m, 280, 0.5);
    auto to_c = route_to(*w.shelters, w.map.at('A'), 2, {});
    ASSERT_EQ(to_c.routes.size(), 1u);
    EXPECT_NEAR(to_c.routes[0].distance_m, 280, 0.5);
  }
}

TEST(AsciiRouting, AccessNoFootwayIsNotUsed) {
  // A-B is a shortcut (20 m) we may not use; the public way round is A-C-D-B (60 m).
  const std::string map = R"(
 A-B
 | |
 C-D
)";
  for (const Tags& shortcut : {Tags{{"highway", "footway"}, {"access", "no"}},
                               Tags{{"highway", "footway"}, {"access", "private"}},
                               Tags{{"highway", "service"}, {"foot", "no"}},
                               Tags{{"highway", "motorway"}},
                               Tags{{"highway", "primary"}, {"motorroad", "yes"}}}) {
    SCOPED_TRACE(shortcut[0].second + "/" + (shortcut.size() > 1 ? shortcut[1].second : ""));
    World w(map, {{"AB", shortcut}, {"ACDB", {{"highway", "residential"}}}}, "B");
    auto a = w.nearest('A', 1);
    ASSERT_EQ(a.routes.size(), 1u);
    EXPECT_NEAR(a.routes[0].distance_m, 60, 0.5);
    EXPECT_TRUE(w.passes(a.routes[0], 'D'));
  }
  // foot=yes opens it again.
  World w(map, {{"AB", {{"highway", "footway"}, {"access", "no"}, {"foot", "yes"}}}, {"ACDB", {{"highway", "residential"}}}},
          "B");
  auto a = w.nearest('A', 1);
  ASSERT_EQ(a.routes.size(), 1u);
  EXPECT_NEAR(a.routes[0].distance_m, 20, 0.5);
}

TEST(AsciiRouting, OriginAndShelterOffTheWay) {
  // o is 30 m north of the path, s 20 m south of it: both walk to the path first.
  const std::string map = R"(
       o

 A-----------B
          
          s
)";
  World w(map, {{"AB", kFootway}}, "s");
  auto a = w.nearest('o', 1);
  ASSERT_EQ(a.basis, Basis::walking);
  EXPECT_NEAR(a.origin_offset_m, 20, 0.5);
  ASSERT_EQ(a.routes.size(), 1u);
  // o -> its foot on A-B (col 7) -> s's foot (col 10) -> s.
  const double expect = 20 + 30 + 20;
  EXPECT_NEAR(a.routes[0].distance_m, expect, 0.5);
  EXPECT_GE(a.routes[0].distance_m, w.straight('o', 's'));
  EXPECT_EQ(a.routes[0].path.front(), w.map.at('o'));
  EXPECT_EQ(a.routes[0].path.back(), w.map.at('s'));
}

TEST(AsciiRouting, FarFromTheGraphSaysSo) {
  std::string map = "\n A---B\n";
  map += std::string(60, '\n') + " o\n";  // 600 m south
  World w(map, {{"AB", kFootway}}, "B");
  auto a = w.nearest('o', 1);
  EXPECT_EQ(a.basis, Basis::off_graph);
  EXPECT_TRUE(a.routes.empty());
  EXPECT_EQ(route_to(*w.shelters, w.map.at('o'), 1, {}).basis, Basis::off_graph);
  // With a wider snap radius it walks.
  auto wide = w.nearest('o', 1, {.max_snap_m = 1000});
  EXPECT_EQ(wide.basis, Basis::walking);
  EXPECT_EQ(wide.routes.size(), 1u);
}

TEST(AsciiRouting, WithinKeepsOnlyReachableShelters) {
  const std::string map = R"(
 A---------B---------C---------D
)";
  World w(map, {{"ABCD", kFootway}}, "BCD");
  WalkQuery q{.nearest = {.origin = w.map.at('A'), .k = 5}};
  q.within_s = 250 / q.profile.speed_mps;  // 250 m: B (100 m) and C (200 m)
  auto a = nearest_by_walking(*w.shelters, q);
  ASSERT_EQ(a.routes.size(), 2u);
  EXPECT_EQ(a.routes[1].shelter->name, "at C");
  q.within_s = 50 / q.profile.speed_mps;
  auto none = nearest_by_walking(*w.shelters, q);
  EXPECT_EQ(none.basis, Basis::walking);
  EXPECT_TRUE(none.routes.empty()) << "nothing in reach is an answer, not an error";
  // A slower walker reaches fewer.
  q.within_s = 250 / (5.0 / 3.6);
  q.profile.speed_mps = 3.0 / 3.6;
  EXPECT_EQ(nearest_by_walking(*w.shelters, q).routes.size(), 1u);
}

TEST(AsciiRouting, FiltersSkipClosedShelters) {
  const std::string map = R"(
 A---------B---------C
)";
  Shelter closed;
  closed.id = 1;
  closed.name = "closed at B";
  closed.status = Status::closed;
  World w0(map, {{"ABC", kFootway}}, "");
  closed.location = w0.map.at('B');
  World w(map, {{"ABC", kFootway}}, "C", {closed});
  WalkQuery q{.nearest = {.origin = w.map.at('A'), .k = 1, .open_only = true}};
  auto a = nearest_by_walking(*w.shelters, q);
  ASSERT_EQ(a.routes.size(), 1u);
  EXPECT_EQ(a.routes[0].shelter->name, "at C");
  q.nearest.open_only = false;
  EXPECT_EQ(nearest_by_walking(*w.shelters, q).routes[0].shelter->name, "closed at B");
}

TEST(AsciiRouting, ShelterNearAnIslandIsReachedFromTheNetwork) {
  // C-D is a fragment joined to nothing (an island): nobody is snapped onto
  // it, so the shelter at D is placed on the main network at B, 60 m away.
  const std::string map = R"(
 A-E-B     C---D
)";
  World w(map, {{"AEB", kFootway}, {"CD", kFootway}}, "D");
  auto r = route_to(*w.shelters, w.map.at('A'), 1, {});
  ASSERT_EQ(r.routes.size(), 1u);
  EXPECT_NEAR(r.routes[0].distance_m, 40 + 100, 0.5);
  EXPECT_TRUE(w.passes(r.routes[0], 'B'));
  EXPECT_FALSE(w.passes(r.routes[0], 'C'));
}

TEST(GraphFile, RejectsGarbageAndTruncation) {
  test::TempDir dir;
  {
    std::ofstream(dir.file("junk.graph")) << std::string(300, 'x');
  }
  EXPECT_THROW(Graph::open(dir.file("junk.graph")), GraphFormatError);
  EXPECT_THROW(Graph::open(dir.file("missing.graph")), InputError);
  AsciiMap m("\n A---B---C\n", {{"ABC", kFootway}});
  m.write_osm(dir.file("m.osm"));
  auto stats = build_graph(dir.file("m.osm"), dir.file("m.graph"));
  EXPECT_EQ(stats.nodes, 3u);
  EXPECT_EQ(stats.edges, 2u);
  auto g = Graph::open(dir.file("m.graph"));
  EXPECT_EQ(g->info().source, "m.osm");
  std::filesystem::resize_file(dir.file("m.graph"), stats.file_bytes - 8);
  EXPECT_THROW(Graph::open(dir.file("m.graph")), GraphFormatError);
}

TEST(GraphBuild, NoWalkableWayIsAnError) {
  test::TempDir dir;
  AsciiMap m("\n A---B\n", {{"AB", {{"highway", "motorway"}}}});
  m.write_osm(dir.file("m.osm"));
  EXPECT_THROW(build_graph(dir.file("m.osm"), dir.file("m.graph")), InputError);
  EXPECT_THROW(build_graph(dir.file("nothing.osm.pbf"), dir.file("m.graph")), InputError);
}

}  // namespace
