// The /v1/nearest answer writer (k = 5) with crowd-report summaries against
// the same writer without them, in the same run: what the "reports" lookup
// costs on the hot path. One iteration = one answer written.
//
//   bench_nearest_json --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// reports = 0: no view (a server without reports); 1: an empty view (no
// report anywhere, the usual case); 2: a tenth of the shelters with reports
// (a bad night), so most answers carry some.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>

#include "api/nearest_json.hpp"
#include "api/report_summary.hpp"
#include "gen/generate.hpp"

namespace {

using namespace rifugio;

void BM_NearestJson(benchmark::State& state) {
  static const auto snap = spatial::Snapshot::build(1, gen::generate({.count = 65'000}));
  const auto origins = gen::query_points(4096, 99);
  const int mode = static_cast<int>(state.range(0));
  const UnixTime now = 1'800'000'000;
  auto tallies = std::make_shared<api::TallyMap>();
  if (mode == 2) {
    std::mt19937_64 rng(5);
    for (const Shelter& s : snap->shelters()) {
      if (rng() % 10 != 0) continue;
      api::ShelterTally t;
      for (int n = 1 + static_cast<int>(rng() % 5); n > 0; --n) t.times[rng() % kReportKinds].push_back(now - rng() % 7000);
      for (auto& v : t.times) std::sort(v.begin(), v.end());
      (*tallies)[s.id] = std::move(t);
    }
  }
  const api::ReportView view{tallies, now, 7200};
  std::string out;
  std::size_t i = 0, with = 0;
  for (auto _ : state) {
    const spatial::NearestQuery q{.origin = origins[i++ % origins.size()], .k = 5};
    out.clear();
    api::write_nearest_json(out, *snap, q, snap->nearest(q), {}, mode == 0 ? nullptr : &view);
    with += out.find("\"reports\"") != std::string::npos;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(mode == 0 ? "no view" : mode == 1 ? "empty view" : "10% of shelters reported");
  state.counters["answers_with_reports"] = benchmark::Counter(static_cast<double>(with) / static_cast<double>(i));
}

}  // namespace

BENCHMARK(BM_NearestJson)->ArgName("reports")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
