// Walking graphs of the OSM extracts in $RIFUGIO_DATA_DIR (osm-*): every
// extract builds; on east Oslo the DSB shelters inside it are reachable (29
// of 30: one lies 567 m beyond the last way) and no route is shorter than the
// straight line. Skips without the data.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "../spatial/random_seed.hpp"
#include "../test_util.hpp"
#include "routing/graph_builder.hpp"
#include "routing/router.hpp"
#include "spatial/geodesy.hpp"

namespace {

using namespace rifugio;
using namespace rifugio::routing;

// The Oslo extract's bounding box (osm-oslo/PROVENANCE.md), lon/lat.
constexpr double kWest = 10.7079712, kSouth = 59.8602695, kEast = 10.8290347, kNorth = 59.9381155;

class Oslo : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto pbf = test::data_dir() / "osm-oslo/oslo-east-2019-10.osm.pbf";
    if (test::data_dir().empty() || !std::filesystem::exists(pbf)) return;
    dir_ = new test::TempDir;
    stats_ = build_graph(pbf.string(), dir_->file("oslo.graph"));
    graph_ = Graph::open(dir_->file("oslo.graph"));
  }
  static void TearDownTestSuite() {
    graph_.reset();
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!graph_) GTEST_SKIP() << "real data not found: osm-oslo/oslo-east-2019-10.osm.pbf (set RIFUGIO_DATA_DIR)";
  }

  /// DSB shelters (no-dsb-2026) inside the extract's box.
  static std::vector<Shelter> dsb_in_box() {
    std::ifstream in(test::data_dir() / "no-dsb-2026/shelters_wgs84.json");
    if (!in) return {};
    const auto rows = nlohmann::json::parse(in);
    std::vector<Shelter> out;
    for (const auto& r : rows) {
      const double lon = r.at("longitude").get<double>(), lat = r.at("latitude").get<double>();
      if (lon < kWest || lon > kEast || lat < kSouth || lat > kNorth) continue;
      Shelter s;
      s.id = r.at("romnr").get<ShelterId>();
      s.address = r.value("adresse", "");
      s.location = Location::from_lon_lat(lon, lat);
      out.push_back(s);
    }
    return out;
  }

  static inline test::TempDir* dir_ = nullptr;
  static inline BuildStats stats_;
  static inline std::shared_ptr<const Graph> graph_;
};

TEST_F(Oslo, GraphIsReasonable) {
  EXPECT_GT(stats_.nodes, 30000u);
  EXPECT_GT(stats_.edges, stats_.nodes * 9 / 10);
  EXPECT_EQ(stats_.missing_nodes, 0u);
  EXPECT_LT(stats_.island_nodes, stats_.nodes / 10) << "most of the network is one piece";
  RecordProperty("nodes", std::to_string(stats_.nodes));
  RecordProperty("file_bytes", std::to_string(stats_.file_bytes));
}

TEST_F(Oslo, TheDsbSheltersInsideAreReachable) {
  auto list = dsb_in_box();
  if (list.empty()) GTEST_SKIP() << "real data not found: no-dsb-2026/shelters_wgs84.json";
  ASSERT_EQ(list.size(), 30u) << "osm-oslo/PROVENANCE.md counts 30 DSB rooms inside the box";
  auto nodes = ShelterNodes::build(graph_, spatial::Snapshot::build(1, list));
  // One room, Bentsegata 21-25 (romnr 20209, 59.9376 N), lies at the
  // extract's northern cut, 567 m from the nearest way in it: off the graph,
  // so it is not offered by walking (the straight-line answer still has it).
  EXPECT_EQ(nodes->placed(), 29u);
  EXPECT_EQ(nodes->off_graph(), 1u);
  EXPECT_FALSE(nodes->placed(20209));
  EXPECT_FALSE(graph_->nearest_node(Location::from_lon_lat(10.759794, 59.937644), 500).has_value());
  // From Oslo S (Jernbanetorget), every one of them by walking.
  const Location oslo_s = Location::from_lon_lat(10.7522, 59.9111);
  WalkQuery q{.nearest = {.origin = oslo_s, .k = 30}};
  const auto a = nearest_by_walking(*nodes, q);
  ASSERT_EQ(a.basis, Basis::walking);
  EXPECT_LT(a.origin_offset_m, 50);
  ASSERT_EQ(a.routes.size(), 29u) << "every placed room is reachable";
  for (const auto& r : a.routes) {
    SCOPED_TRACE(r.shelter->address);
    const double straight = spatial::distance_m(oslo_s, *r.shelter->location);
    EXPECT_GE(r.distance_m, straight * (1 - 1e-9));
    EXPECT_LT(r.distance_m, 3 * straight + 500) << "a plausible detour";
  }
  // Step-free routes exist to (nearly) all of them too, and are never shorter.
  q.profile.step_free = true;
  const auto sf = nearest_by_walking(*nodes, q);
  EXPECT_GE(sf.routes.size(), 27u);
  RecordProperty("step_free_reachable", std::to_string(sf.routes.size()));
  for (const auto& r : sf.routes) {
    auto same = std::find_if(a.routes.begin(), a.routes.end(), [&](const WalkRoute& x) { return x.shelter == r.shelter; });
    ASSERT_NE(same, a.routes.end());
    EXPECT_GE(r.distance_m, same->distance_m - 1e-6);
  }
}

TEST_F(Oslo, RoutesAreNeverShorterThanTheStraightLine) {
  SCOPED_TRACE(test::seed_trace());
  std::mt19937_64 rng(test::seed());
  // 200 destinations at random points of the box (those near the graph are placed).
  std::vector<Shelter> dest;
  for (int i = 0; i < 200; ++i) {
    Shelter s;
    s.id = i + 1;
    s.location = Location::from_lon_lat(test::uniform(rng, kWest, kEast), test::uniform(rng, kSouth, kNorth));
    dest.push_back(s);
  }
  auto nodes = ShelterNodes::build(graph_, spatial::Snapshot::build(1, dest));
  EXPECT_GT(nodes->placed(), 120u);
  int routed = 0;
  for (int i = 0; i < 200; ++i) {
    const Location from = Location::from_lon_lat(test::uniform(rng, kWest, kEast), test::uniform(rng, kSouth, kNorth));
    const auto& to = dest[i];
    const auto r = route_to(*nodes, from, to.id, {});
    if (r.routes.empty()) continue;
    ++routed;
    const double straight = spatial::distance_m(from, *to.location);
    EXPECT_GE(r.routes[0].distance_m, straight * (1 - 1e-9)) << "pair " << i;
    EXPECT_EQ(r.routes[0].path.front(), from);
    EXPECT_EQ(r.routes[0].path.back(), *to.location);
    // route_to searches with A*: the first 40 against a plain Dijkstra over the whole graph.
    if (routed <= 40) {
      const auto snap = graph_->snap(from);
      ASSERT_TRUE(snap);
      const auto dist = distances_from(*graph_, *snap, false);
      double best = INFINITY;
      for (NodeId n = 0; n < graph_->node_count(); ++n)
        for (const ShelterNode& sn : nodes->at(n))
          if (sn.shelter->id == to.id && dist[n] != UINT32_MAX)
            best = std::min(best, snap->offset_m + dist[n] / 100.0 + sn.offset_m());
      EXPECT_NEAR(r.routes[0].distance_m, best, 0.05) << "pair " << i;
    }
  }
  EXPECT_GT(routed, 80);
}

// Every OSM extract builds and its graph opens; the big ones only outside ASan.
TEST(Extracts, EveryExtractBuilds) {
  if (test::data_dir().empty()) GTEST_SKIP() << "real data not found (set RIFUGIO_DATA_DIR)";
  std::vector<std::string> files = {"osm-lund/lund-station-2023-04.osm.pbf", "osm-taipei/taipei-zhongshan-2024-03-22.osm"};
#ifndef __SANITIZE_ADDRESS__
  files.push_back("osm-monaco/monaco-2016-03-05.osm.pbf");
  files.push_back("osm-liechtenstein/liechtenstein-2015.osm.pbf");
#endif
  test::TempDir dir;
  int built = 0;
  for (const auto& f : files) {
    const auto path = test::data_dir() / f;
    if (!std::filesystem::exists(path)) continue;
    SCOPED_TRACE(f);
    const auto stats = build_graph(path.string(), dir.file("x.graph"));
    const auto g = Graph::open(dir.file("x.graph"));
    EXPECT_EQ(g->node_count(), stats.nodes);
    EXPECT_GT(stats.nodes, 100u);
    ++built;
  }
  if (built == 0) GTEST_SKIP() << "no OSM extract found under " << test::data_dir();
}

}  // namespace
