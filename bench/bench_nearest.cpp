// k = 5 nearest shelters: the k-d tree against the brute force in the same run
// (after S2's BM_FindClosest). One iteration = one query, so the reported time
// is per query. Data: rifugio::gen clusters around real cities, fixed seeds.
//
//   bench_nearest --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "gen/generate.hpp"
#include "spatial/snapshot.hpp"

namespace {

using rifugio::spatial::NearestQuery;
using rifugio::spatial::Snapshot;

const Snapshot& snapshot(std::size_t n) {
  static std::map<std::size_t, std::shared_ptr<const Snapshot>> cache;
  auto& s = cache[n];
  if (!s) s = Snapshot::build(1, rifugio::gen::generate({.count = n}));
  return *s;
}

void BM_Nearest(benchmark::State& state) {
  const Snapshot& snap = snapshot(static_cast<std::size_t>(state.range(0)));
  const bool brute_force = state.range(1) != 0;
  const auto origins = rifugio::gen::query_points(4096, 99);
  std::size_t i = 0;
  for (auto _ : state) {
    const NearestQuery q{.origin = origins[i++ % origins.size()], .k = 5};
    auto hits = brute_force ? snap.nearest_brute_force(q) : snap.nearest(q);
    benchmark::DoNotOptimize(hits.data());
  }
  state.SetLabel(brute_force ? "brute_force" : "index");
}

}  // namespace

BENCHMARK(BM_Nearest)
    ->ArgNames({"shelters", "brute"})
    ->Args({65'000, 0})
    ->Args({65'000, 1})
    ->Args({1'000'000, 0})
    ->Args({1'000'000, 1})
    ->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
