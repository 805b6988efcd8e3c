// The early-stopping search and the grid snap against their references
// (plain Dijkstra over the whole graph, a scan of every edge) on random
// graphs. Seed: RIFUGIO_SEED (tests/spatial/random_seed.hpp).

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "../spatial/random_seed.hpp"
#include "../test_util.hpp"
#include "routing/graph_builder.hpp"
#include "routing/router.hpp"
#include "spatial/geodesy.hpp"

namespace {

using namespace rifugio;
using namespace rifugio::routing;

constexpr double kLon0 = 10.75, kLat0 = 59.9;
constexpr double kDegPerM = 1.0 / 111195.0;

Location random_point(std::mt19937_64& rng, double size_m) {
  return Location::from_lon_lat(kLon0 + test::uniform(rng, 0, size_m) * kDegPerM / std::cos(kLat0 * M_PI / 180),
                                kLat0 + test::uniform(rng, 0, size_m) * kDegPerM);
}

struct RandomWorld {
  test::TempDir dir;
  std::shared_ptr<const Graph> graph;
  std::shared_ptr<const ShelterNodes> shelters;
  std::shared_ptr<const spatial::Snapshot> snapshot;

  RandomWorld(std::mt19937_64& rng, int nodes, int shelter_count, double size_m) {
    RawGraph raw;
    std::vector<Location> pts;
    for (int i = 0; i < nodes; ++i) {
      pts.push_back(random_point(rng, size_m));
      raw.nodes.push_back(FixedLocation::from(pts.back()));
    }
    // Each node joins one or two of its six nearest (edges <= 300 m: see Graph::snap).
    for (int i = 0; i < nodes; ++i) {
      std::vector<std::pair<double, int>> near;
      for (int j = 0; j < nodes; ++j)
        if (j != i) near.push_back({spatial::distance_m(pts[i], pts[j]), j});
      std::partial_sort(near.begin(), near.begin() + 6, near.end());
      const int links = 1 + static_cast<int>(rng() % 2);
      for (int l = 0; l < links; ++l) {
        const auto [d, j] = near[rng() % 6];
        if (d > 300) continue;
        const std::uint32_t flags = rng() % 10 == 0 ? kEdgeSteps : (rng() % 20 == 0 ? kEdgeNoWheelchair : 0u);
        raw.edges.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), flags});
      }
    }
    write_graph(std::move(raw), dir.file("r.graph"), "random", {.island_nodes = 8});
    graph = Graph::open(dir.file("r.graph"));
    std::vector<Shelter> list;
    for (int i = 0; i < shelter_count; ++i) {
      Shelter s;
      s.id = i + 1;
      s.location = random_point(rng, size_m);
      s.status = static_cast<Status>(rng() % 4);
      s.kind = static_cast<Kind>(rng() % 3);
      if (rng() % 3) s.capacity = static_cast<std::int32_t>(rng() % 300);
      list.push_back(s);
    }
    snapshot = spatial::Snapshot::build(1, list);
    shelters = ShelterNodes::build(graph, snapshot);
  }
};

/// The reference: distances to every node, then every placement of every
/// shelter that passes the filters (as Snapshot::nearest_brute_force decides).
std::vector<std::pair<double, ShelterId>> reference(const RandomWorld& w, const WalkQuery& q) {
  std::vector<std::pair<double, ShelterId>> out;
  const auto snap = w.graph->snap_brute_force(q.nearest.origin, {.max_distance_m = q.profile.max_snap_m,
                                                                 .step_free = q.profile.step_free});
  if (!snap) return out;
  const auto dist = distances_from(*w.graph, *snap, q.profile.step_free);
  spatial::NearestQuery all = q.nearest;
  all.k = 1000000;
  all.max_distance_m.reset();
  std::map<ShelterId, bool> allowed;
  for (const auto& h : w.snapshot->nearest_brute_force(all)) allowed[h.shelter->id] = true;
  std::map<ShelterId, double> best;
  for (NodeId n = 0; n < w.graph->node_count(); ++n) {
    if (dist[n] == UINT32_MAX) continue;
    for (const ShelterNode& sn : w.shelters->at(n)) {
      if (!allowed.count(sn.shelter->id)) continue;
      double total = snap->offset_m + dist[n] / 100.0 + sn.offset_m();
      // On the origin's own edge: also straight along it.
      if (n == snap->node_a && sn.other == snap->node_b)
        total = std::min(total, snap->offset_m + std::abs(snap->to_a_cm / 100.0 - sn.along_m) + sn.straight_m);
      auto [it, fresh] = best.try_emplace(sn.shelter->id, total);
      if (!fresh) it->second = std::min(it->second, total);
    }
  }
  double limit = INFINITY;
  if (q.within_s) limit = *q.within_s * q.profile.speed_mps;
  if (q.nearest.max_distance_m) limit = std::min(limit, *q.nearest.max_distance_m);
  for (auto [id, d] : best)
    if (d <= limit) out.push_back({d, id});
  std::sort(out.begin(), out.end());
  if (out.size() > q.nearest.k) out.resize(q.nearest.k);
  return out;
}

TEST(RandomGraphs, SearchMatchesPlainDijkstra) {
  SCOPED_TRACE(test::seed_trace());
  std::mt19937_64 rng(test::seed());
  int compared = 0, with_routes = 0;
  for (int world = 0; world < 6; ++world) {
    RandomWorld w(rng, 400, 60, 2000);
    for (int i = 0; i < 150; ++i) {
      WalkQuery q{.nearest = {.origin = random_point(rng, 2200), .k = 1 + static_cast<std::uint32_t>(rng() % 8)}};
      q.profile.step_free = rng() % 3 == 0;
      q.nearest.open_only = rng() % 4 == 0;
      if (rng() % 5 == 0) q.nearest.min_free = static_cast<std::int32_t>(rng() % 200);
      if (rng() % 5 == 0) q.nearest.kind = static_cast<Kind>(rng() % 3);
      if (rng() % 4 == 0) q.within_s = test::uniform(rng, 60, 1200);
      if (rng() % 6 == 0) q.nearest.max_distance_m = test::uniform(rng, 100, 2000);
      const auto got = nearest_by_walking(*w.shelters, q);
      const auto want = reference(w, q);
      SCOPED_TRACE(testing::Message() << "world " << world << " query " << i);
      ASSERT_EQ(got.routes.size(), want.size());
      for (std::size_t r = 0; r < want.size(); ++r) {
        EXPECT_EQ(got.routes[r].shelter->id, want[r].second) << "rank " << r;
        EXPECT_NEAR(got.routes[r].distance_m, want[r].first, 1e-6) << "rank " << r;
        EXPECT_DOUBLE_EQ(got.routes[r].time_s, got.routes[r].distance_m / q.profile.speed_mps);
        // The geometry is as long as the distance (edge lengths are rounded to cm).
        double len = 0;
        for (std::size_t p = 1; p < got.routes[r].path.size(); ++p)
          len += spatial::distance_m(got.routes[r].path[p - 1], got.routes[r].path[p]);
        EXPECT_NEAR(len, got.routes[r].distance_m, 0.01 * got.routes[r].path.size() + 0.01);
      }
      // route_to agrees with the search for the first answer.
      if (!want.empty()) {
        ++with_routes;
        const auto r = route_to(*w.shelters, q.nearest.origin, want[0].second, q.profile);
        ASSERT_EQ(r.routes.size(), 1u);
        EXPECT_NEAR(r.routes[0].distance_m, want[0].first, 1e-6);
      }
      ++compared;
    }
  }
  EXPECT_EQ(compared, 900);
  EXPECT_GT(with_routes, 300) << "the random worlds should mostly have routes";
}

TEST(RandomGraphs, GridSnapMatchesScan) {
  SCOPED_TRACE(test::seed_trace());
  std::mt19937_64 rng(test::seed() + 1);
  RandomWorld w(rng, 600, 0, 3000);
  int snapped = 0;
  for (int i = 0; i < 2000; ++i) {
    const Location p = random_point(rng, 4000);
    const SnapOptions opt{.max_distance_m = test::uniform(rng, 20, 600), .step_free = rng() % 2 == 0};
    const auto got = w.graph->snap(p, opt);
    const auto want = w.graph->snap_brute_force(p, opt);
    ASSERT_EQ(got.has_value(), want.has_value()) << "point " << i;
    if (!want) continue;
    ++snapped;
    EXPECT_NEAR(got->offset_m, want->offset_m, 1e-6);
    EXPECT_LE(got->offset_m, opt.max_distance_m * 1.01);
  }
  EXPECT_GT(snapped, 500);
}

}  // namespace
