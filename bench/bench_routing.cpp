// Walking searches: k = 5 nearest shelters by walking from random origins
// (the early-stop Dijkstra) against the plain Dijkstra over the whole graph
// in the same run, on the Oslo and Liechtenstein extracts and on a generated
// 1000 x 1000 grid (1,000,000 nodes, 50 m apart). Counters p50_ms / p95_ms
// are per query; graph builds report seconds, nodes and file size.
//
//   RIFUGIO_DATA_DIR=../shared/data bench_routing --benchmark_counters_tabular=true
//
// Shelters: one per 2,000 graph nodes (+5) at random nodes, fixed seed 7
// (Oslo: 45, about the density of the 30 DSB rooms in the extract's box).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "routing/graph_builder.hpp"
#include "routing/router.hpp"

namespace {

using namespace rifugio;
using namespace rifugio::routing;
namespace fs = std::filesystem;

fs::path data_dir() {
  const char* d = std::getenv("RIFUGIO_DATA_DIR");
  return d && *d ? fs::path(d) : fs::path(RIFUGIO_DATA_DIR_DEFAULT);
}

fs::path work_dir() {
  static const fs::path dir = [] {
    auto d = fs::temp_directory_path() / ("rifugio-bench-routing-" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::atexit([] { fs::remove_all(fs::temp_directory_path() / ("rifugio-bench-routing-" + std::to_string(::getpid()))); });
    return d;
  }();
  return dir;
}

const std::map<std::string, std::string> kExtracts = {
    {"oslo", "osm-oslo/oslo-east-2019-10.osm.pbf"},
    {"liechtenstein", "osm-liechtenstein/liechtenstein-2015.osm.pbf"},
};

/// The 1000 x 1000 grid, 50 m apart, at 60 N.
RawGraph grid(std::uint32_t side) {
  RawGraph raw;
  const double dlat = 50.0 / 111195.0, dlon = dlat / std::cos(60.0 * M_PI / 180.0);
  for (std::uint32_t r = 0; r < side; ++r)
    for (std::uint32_t c = 0; c < side; ++c)
      raw.nodes.push_back(FixedLocation::from(Location::from_lon_lat(10.0 + c * dlon, 60.0 + r * dlat)));
  for (std::uint32_t r = 0; r < side; ++r)
    for (std::uint32_t c = 0; c < side; ++c) {
      const std::uint32_t i = r * side + c;
      if (c + 1 < side) raw.edges.push_back({i, i + 1, 0});
      if (r + 1 < side) raw.edges.push_back({i, i + side, 0});
    }
  return raw;
}

struct World {
  std::shared_ptr<const Graph> graph;
  std::shared_ptr<const ShelterNodes> shelters;
  BuildStats stats;
};

/// Built once per name; nullptr when the extract is missing.
World* world(const std::string& name) {
  static std::map<std::string, std::unique_ptr<World>> cache;
  auto& w = cache[name];
  if (w) return w.get();
  const std::string out = (work_dir() / (name + ".graph")).string();
  auto made = std::make_unique<World>();
  if (name == "grid1M") {
    made->stats = write_graph(grid(1000), out, "grid 1000x1000");
  } else {
    const auto pbf = data_dir() / kExtracts.at(name);
    if (!fs::exists(pbf)) return nullptr;
    made->stats = build_graph(pbf.string(), out);
  }
  made->graph = Graph::open(out);
  std::mt19937_64 rng(7);
  std::vector<Shelter> list;
  const Graph& g = *made->graph;
  for (std::uint32_t i = 0; i < g.node_count() / 2000 + 5; ++i) {
    Shelter s;
    s.id = i + 1;
    s.location = g.location(static_cast<NodeId>(rng() % g.node_count()));
    list.push_back(s);
  }
  made->shelters = ShelterNodes::build(made->graph, spatial::Snapshot::build(1, std::move(list)));
  w = std::move(made);
  return w.get();
}

/// Random origins on the graph (at nodes, nudged ~20 m), fixed seed.
std::vector<Location> origins(const Graph& g, std::size_t n) {
  std::mt19937_64 rng(99);
  std::vector<Location> out;
  while (out.size() < n) {
    const NodeId v = static_cast<NodeId>(rng() % g.node_count());
    if (g.is_island(v)) continue;
    Location l = g.location(v);
    l.lat += (static_cast<double>(rng() % 400) - 200) * 1e-6;
    out.push_back(l);
  }
  return out;
}

void percentiles(benchmark::State& state, std::vector<double>& ms) {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p95_ms"] = ms[ms.size() * 95 / 100];
}

const char* kNames[] = {"oslo", "liechtenstein", "grid1M"};

/// range(0): which graph; range(1): 0 = k=5 early-stop search, 1 = plain Dijkstra (reference).
void BM_Walk5(benchmark::State& state) {
  const std::string name = kNames[state.range(0)];
  World* w = world(name);
  if (!w) {
    state.SkipWithError(("no data for " + name + " (set RIFUGIO_DATA_DIR)").c_str());
    return;
  }
  const bool plain = state.range(1) != 0;
  const auto from = origins(*w->graph, 2048);
  std::vector<double> ms;
  std::size_t i = 0;
  std::uint64_t settled = 0;
  for (auto _ : state) {
    const Location o = from[i++ % from.size()];
    const auto t0 = std::chrono::steady_clock::now();
    if (plain) {
      const auto s = w->graph->snap(o);
      auto d = distances_from(*w->graph, *s, false);
      benchmark::DoNotOptimize(d.data());
    } else {
      auto a = nearest_by_walking(*w->shelters, {.nearest = {.origin = o, .k = 5}});
      settled += a.settled;
      benchmark::DoNotOptimize(a.routes.data());
    }
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  percentiles(state, ms);
  state.counters["nodes"] = w->graph->node_count();
  if (!plain) state.counters["settled"] = benchmark::Counter(static_cast<double>(settled), benchmark::Counter::kAvgIterations);
  state.SetLabel(name + (plain ? " plain Dijkstra (reference)" : " k=5 walking"));
}

/// One-to-one: route_to a random shelter (what /v1/route does).
void BM_RouteTo(benchmark::State& state) {
  const std::string name = kNames[state.range(0)];
  World* w = world(name);
  if (!w) {
    state.SkipWithError(("no data for " + name).c_str());
    return;
  }
  const auto from = origins(*w->graph, 2048);
  const auto& all = w->shelters->snapshot().shelters();
  std::vector<double> ms;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto a = route_to(*w->shelters, from[i % from.size()], all[i % all.size()].id, {});
    ++i;
    benchmark::DoNotOptimize(a.routes.data());
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  percentiles(state, ms);
  state.SetLabel(name);
}

/// Build (extracts: both libosmium passes; grid: from memory) and open.
void BM_Build(benchmark::State& state) {
  const std::string name = kNames[state.range(0)];
  if (name != "grid1M" && !fs::exists(data_dir() / kExtracts.at(name))) {
    state.SkipWithError(("no data for " + name).c_str());
    return;
  }
  const std::string out = (work_dir() / (name + "-build.graph")).string();
  BuildStats stats;
  RawGraph raw;
  for (auto _ : state) {
    if (name == "grid1M") {
      state.PauseTiming();
      raw = grid(1000);
      state.ResumeTiming();
      stats = write_graph(std::move(raw), out, "grid");
    } else {
      stats = build_graph((data_dir() / kExtracts.at(name)).string(), out);
    }
    benchmark::DoNotOptimize(Graph::open(out));
  }
  state.counters["nodes"] = static_cast<double>(stats.nodes);
  state.counters["edges"] = static_cast<double>(stats.edges);
  state.counters["file_MB"] = stats.file_bytes / 1e6;
  state.SetLabel(name);
}

}  // namespace

BENCHMARK(BM_Walk5)->ArgNames({"graph", "plain"})->ArgsProduct({{0, 1, 2}, {0, 1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RouteTo)->ArgName("graph")->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Build)->ArgName("graph")->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->Iterations(3);

BENCHMARK_MAIN();
