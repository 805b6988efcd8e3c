// route_throughput: walking routes per second in process, route_to (what
// GET /v1/route runs) over a fixed list of origin/shelter pairs on N threads,
// each thread taking the pairs in turn from its own offset. bench/pgrouting.sh
// compares it with pgr_dijkstra under pgbench on the same pairs.
//
//   route_throughput GRAPH SHELTERS.csv PAIRS.csv [--threads 2] [--seconds 10]
//
// SHELTERS.csv: "id,lon,lat" lines (the shelters of the register served over
// HTTP, same ids). PAIRS.csv: "origin_lon,origin_lat,shelter_id" lines.
// Prints one line: "routes=N seconds=S threads=T qps=Q cpu_s=C walked=W": C
// the CPU seconds the process used (on a shared machine routes per CPU
// second compare fairly where routes per second depend on the share of the
// cores a process gets), W the share of pairs answered with a walking route
// (the others: off the graph or unreachable).

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "routing/router.hpp"

namespace {

using namespace rifugio;

struct Pair {
  Location from;
  ShelterId to;
};

/// The CSV's lines split at commas; a line that does not have `fields` numbers is an error naming
/// it.
std::vector<std::vector<double>> read_numbers(const std::string& path, std::size_t fields) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<std::vector<double>> rows;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    std::vector<double> row;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) {
      char* end = nullptr;
      row.push_back(std::strtod(cell.c_str(), &end));
      if (end == cell.c_str() || *end != '\0') row.clear(), cells.setstate(std::ios::failbit);
    }
    if (row.size() != fields)
      throw std::runtime_error(path + ":" + std::to_string(n) + ": expected " +
                               std::to_string(fields) + " numbers");
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw std::runtime_error(path + ": no rows");
  return rows;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 4) {
    std::fprintf(
        stderr,
        "usage: route_throughput GRAPH SHELTERS.csv PAIRS.csv [--threads N] [--seconds S]\n");
    return 2;
  }
  unsigned threads = 2;
  double seconds = 10;
  for (int i = 4; i + 1 < argc; i += 2) {
    const std::string_view a = argv[i];
    if (a == "--threads")
      threads = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
    else if (a == "--seconds")
      seconds = std::strtod(argv[i + 1], nullptr);
    else
      throw std::runtime_error("unknown option " + std::string(a));
  }
  if (threads == 0 || !(seconds > 0))
    throw std::runtime_error("--threads and --seconds must be positive");

  std::vector<Shelter> list;
  for (const auto& r : read_numbers(argv[2], 3)) {
    Shelter s;
    s.id = static_cast<ShelterId>(r[0]);
    s.location = Location::from_lon_lat(r[1], r[2]);
    list.push_back(std::move(s));
  }
  std::vector<Pair> pairs;
  for (const auto& r : read_numbers(argv[3], 3))
    pairs.push_back({Location::from_lon_lat(r[0], r[1]), static_cast<ShelterId>(r[2])});
  const auto shelters = routing::ShelterNodes::build(routing::Graph::open(argv[1]),
                                                     spatial::Snapshot::build(1, list));

  auto cpu_s = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  };
  const double cpu0 = cpu_s();
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> routes{0}, walked{0};
  std::vector<std::thread> pool;
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::uint64_t n = 0, w = 0;
      for (std::size_t i = t * pairs.size() / threads; !stop.load(std::memory_order_relaxed); ++i) {
        const Pair& p = pairs[i % pairs.size()];
        const auto a = routing::route_to(*shelters, p.from, p.to, {});
        ++n;
        w += a.basis == routing::Basis::walking && !a.routes.empty();
      }
      routes += n;
      walked += w;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : pool) t.join();
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("routes=%llu seconds=%.2f threads=%u qps=%.1f cpu_s=%.2f walked=%.3f\n",
              static_cast<unsigned long long>(routes.load()), took, threads,
              static_cast<double>(routes.load()) / took, cpu_s() - cpu0,
              static_cast<double>(walked.load()) /
                  static_cast<double>(std::max<std::uint64_t>(routes.load(), 1)));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "route_throughput: %s\n", e.what());
  return 1;
}
