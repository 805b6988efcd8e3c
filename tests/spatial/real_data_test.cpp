// The index against the brute force on the real Swedish register (MSB 2018),
// read from $RIFUGIO_DATA_DIR/se-msb-2018/shelters.csv (default ../shared/data).

#include <gtest/gtest.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../test_util.hpp"
#include "random_seed.hpp"
#include "spatial/snapshot.hpp"

namespace {

using namespace rifugio;

// The brute force costs ~65,000 distances per query: under AddressSanitizer
// in a Debug build 2,000 queries take ~25 s, so that CI pass checks fewer.
#ifdef __SANITIZE_ADDRESS__
constexpr int kQueries = 400;
#else
constexpr int kQueries = 2000;
#endif
using namespace rifugio::spatial;

/// Splits one CSV line; handles quoted fields with "" escapes (no embedded newlines).
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
    else if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) out.emplace_back();
    else if (c != '\r') out.back() += c;
  }
  return out;
}

template <typename T>
bool parse(const std::string& s, T& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size() && !s.empty();
}

/// Rows with coordinates inside Sweden's rough box and a plain integer slot count.
std::vector<Shelter> read_msb(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  const auto header = split_csv(line);
  auto column = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error(file.string() + ": no column " + name);
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t lon_c = column("position_long"), lat_c = column("position_lat"), slots_c = column("slots");
  std::vector<Shelter> out;
  while (std::getline(in, line)) {
    const auto f = split_csv(line);
    double lon = 0, lat = 0;
    std::int32_t slots = 0;
    if (f.size() <= std::max({lon_c, lat_c, slots_c}) || !parse(f[lon_c], lon) || !parse(f[lat_c], lat) ||
        !parse(f[slots_c], slots) || lat < 55 || lat > 70 || lon < 10 || lon > 25)
      continue;
    Shelter s;
    s.id = static_cast<ShelterId>(out.size() + 1);
    s.location = Location::from_lon_lat(lon, lat);
    s.capacity = slots;
    out.push_back(std::move(s));
  }
  return out;
}

TEST(RealData, SwedenIndexMatchesBruteForce) {
  RIFUGIO_REQUIRE_DATA(file, "se-msb-2018/shelters.csv");
  SCOPED_TRACE(rifugio::test::seed_trace());
  auto shelters = read_msb(file);
  ASSERT_GT(shelters.size(), 60'000u) << "too few valid rows in " << file;
  const auto snap = Snapshot::build(1, std::move(shelters));
  std::mt19937_64 r(rifugio::test::seed());
  for (int i = 0; i < kQueries; ++i) {
    NearestQuery q{.origin = Location::from_lon_lat(test::uniform(r, 11, 24), test::uniform(r, 55.3, 69))};
    if (i % 4 == 1) q.min_free = 150;
    if (i % 4 == 2) q.max_distance_m = 3000;
    const auto got = snap->nearest(q);
    const auto want = snap->nearest_brute_force(q);
    ASSERT_EQ(got.size(), want.size()) << to_string(q.origin);
    for (std::size_t j = 0; j < got.size(); ++j) {
      ASSERT_EQ(got[j].shelter->id, want[j].shelter->id) << to_string(q.origin) << " rank " << j;
      ASSERT_EQ(got[j].distance_m, want[j].distance_m) << to_string(q.origin) << " rank " << j;
    }
  }
}

}  // namespace
