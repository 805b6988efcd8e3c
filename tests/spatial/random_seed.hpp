#pragma once
// The seed of every randomized spatial test: fixed, overridable with the
// environment variable RIFUGIO_SEED. Tests SCOPED_TRACE it, so a failure
// prints the seed to rerun with.

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

namespace rifugio::test {

inline std::uint64_t seed() {
  const char* env = std::getenv("RIFUGIO_SEED");
  return env && *env ? std::strtoull(env, nullptr, 10) : 20260522u;
}

inline std::string seed_trace() { return "RIFUGIO_SEED=" + std::to_string(seed()); }

/// Uniform double in [lo, hi).
inline double uniform(std::mt19937_64& r, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(r);
}

}  // namespace rifugio::test
