// bench_points: the query points of the benchmarks, one "lon lat" line each
// (degrees, longitude first), drawn near the generated clusters with a fixed
// seed (rifugio::gen::query_points). bench_nearest uses seed 99 as well, so
// the in-process, HTTP and PostGIS figures ask about the same places.
//
//   bench_points [--count 4096] [--seed 99] > points.txt

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "gen/generate.hpp"

int main(int argc, char** argv) {
  std::size_t count = 4096;
  std::uint64_t seed = 99;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view a = argv[i];
    if (a == "--count") count = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: bench_points [--count N] [--seed S]\n");
      return 2;
    }
  }
  for (const auto& p : rifugio::gen::query_points(count, seed)) std::printf("%.6f %.6f\n", p.lon, p.lat);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
