#pragma once
// Synthetic shelters for benchmarks and load tests: clustered around ~40 real
// city centres, weighted by rough population, with a gaussian spread of a few
// km and capacities drawn like the Swedish register (median ~90, p90 ~200).
// Deterministic for a seed on every platform (own RNG transforms, not <random>'s
// distributions, whose output differs between standard libraries).
//
// Usage:
//   auto shelters = rifugio::gen::generate({.count = 65000});
//   auto snap = rifugio::spatial::Snapshot::build(1, std::move(shelters));

#include <cstdint>
#include <vector>

#include "core/shelter.hpp"

namespace rifugio::gen {

struct Options {
  std::size_t count = 1000;     ///< DEFAULT: 1000 shelters
  std::uint64_t seed = 20260522;  ///< DEFAULT: fixed, so runs are comparable
  double spread_km = 3.0;       ///< DEFAULT: 3 km sigma for a city of 1 million, scaled by sqrt(pop)
};

/// `count` shelters with ids 1..count, a location, capacity, name and
/// municipality; status/kind/step_free vary a little so filters have work.
std::vector<Shelter> generate(const Options& opt);

/// `count` query points drawn from the same clusters (seeded separately).
std::vector<Location> query_points(std::size_t count, std::uint64_t seed);

}  // namespace rifugio::gen
