#include "gen/generate.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>

namespace rifugio::gen {

namespace {

struct City {
  const char* name;
  double lon, lat;
  double pop_m;  ///< rough population, millions
};

// Includes places near the poles and across the antimeridian on purpose.
constexpr City kCities[] = {
    {"Stockholm", 18.0686, 59.3293, 1.6}, {"Göteborg", 11.9746, 57.7089, 0.6},
    {"Malmö", 13.0038, 55.6050, 0.35},    {"Oslo", 10.7522, 59.9139, 1.0},
    {"Bergen", 5.3221, 60.3913, 0.28},    {"Helsinki", 24.9384, 60.1699, 1.3},
    {"København", 12.5683, 55.6761, 1.3}, {"Tallinn", 24.7536, 59.4370, 0.45},
    {"Riga", 24.1052, 56.9496, 0.6},      {"Vilnius", 25.2797, 54.6872, 0.55},
    {"Warszawa", 21.0122, 52.2297, 1.8},  {"Kyiv", 30.5234, 50.4501, 2.9},
    {"Kharkiv", 36.2304, 49.9935, 1.4},   {"Lviv", 24.0297, 49.8397, 0.7},
    {"Odesa", 30.7233, 46.4825, 1.0},     {"Chișinău", 28.8638, 47.0105, 0.6},
    {"Berlin", 13.4050, 52.5200, 3.6},    {"Hamburg", 9.9937, 53.5511, 1.8},
    {"München", 11.5820, 48.1351, 1.5},   {"Wien", 16.3738, 48.2082, 1.9},
    {"Zürich", 8.5417, 47.3769, 0.4},     {"Bern", 7.4474, 46.9480, 0.13},
    {"Vaduz", 9.5209, 47.1410, 0.04},     {"Monaco", 7.4246, 43.7384, 0.04},
    {"Nicosia", 33.3823, 35.1856, 0.33},  {"Tbilisi", 44.7930, 41.7151, 1.2},
    {"Jerusalem", 35.2137, 31.7683, 0.95}, {"Tel Aviv", 34.7818, 32.0853, 0.45},
    {"Haifa", 34.9896, 32.7940, 0.28},    {"Taipei", 121.5654, 25.0330, 2.6},
    {"Keelung", 121.7419, 25.1276, 0.37}, {"Kaohsiung", 120.3014, 22.6273, 2.7},
    {"Seoul", 126.9780, 37.5665, 9.7},    {"Tokyo", 139.6917, 35.6895, 14.0},
    {"Singapore", 103.8198, 1.3521, 5.6}, {"Reykjavík", -21.9426, 64.1466, 0.13},
    {"Anchorage", -149.9003, 61.2181, 0.29}, {"Honolulu", -157.8583, 21.3069, 0.35},
    {"Suva", 178.4419, -18.1416, 0.09},   {"Auckland", 174.7633, -36.8485, 1.7},
    {"Longyearbyen", 15.6356, 78.2232, 0.002}, {"McMurdo", 166.6863, -77.8419, 0.001},
};

/// Uniform in [0, 1) and standard normal from raw 64-bit draws (Box-Muller).
struct Rng {
  std::mt19937_64 bits;
  double uniform() { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }
  double normal() {
    const double u = 1.0 - uniform();  // (0, 1]: log is finite
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * uniform());
  }
};

class Clusters {
 public:
  explicit Clusters(double spread_km) : spread_km_(spread_km) {
    double total = 0;
    for (const City& c : kCities) cumulative_.push_back(total += c.pop_m);
  }
  const City& pick(Rng& r) const {
    const double x = r.uniform() * cumulative_.back();
    const auto i = std::upper_bound(cumulative_.begin(), cumulative_.end(), x) - cumulative_.begin();
    return kCities[std::min<std::size_t>(static_cast<std::size_t>(i), std::size(kCities) - 1)];
  }
  Location around(const City& c, Rng& r) const {
    const double sigma_km = spread_km_ * std::clamp(std::sqrt(c.pop_m), 0.3, 4.0);
    double lat = c.lat + r.normal() * sigma_km / 111.2;
    double lon = c.lon + r.normal() * sigma_km / (111.2 * std::max(0.05, std::cos(c.lat * std::numbers::pi / 180)));
    lat = std::clamp(lat, -90.0, 90.0);
    if (lon > 180) lon -= 360;
    if (lon < -180) lon += 360;
    return Location::from_lon_lat(lon, lat);
  }

 private:
  double spread_km_;
  std::vector<double> cumulative_;
};

}  // namespace

std::vector<Shelter> generate(const Options& opt) {
  Rng r{std::mt19937_64(opt.seed)};
  const Clusters clusters(opt.spread_km);
  std::vector<Shelter> out(opt.count);
  for (std::size_t i = 0; i < opt.count; ++i) {
    Shelter& s = out[i];
    const City& c = clusters.pick(r);
    s.id = static_cast<ShelterId>(i + 1);
    s.name = std::to_string(i + 1);
    s.name.insert(0, 1, 'S');  // not "S" + ...: GCC 12 warns falsely (-Wrestrict)
    s.municipality = c.name;
    s.location = clusters.around(c, r);
    // Lognormal fitted to the 2018 Swedish register: median 90, p90 200, p99 ~400.
    s.capacity = std::max(5, static_cast<int>(std::lround(90.0 * std::exp(0.62 * r.normal()))));
    const double u = r.uniform();
    s.status = u < 0.7 ? Status::unknown : u < 0.9 ? Status::open : u < 0.97 ? Status::closed : Status::full;
    s.kind = r.uniform() < 0.8 ? Kind::public_shelter : Kind::protected_basement;
    s.step_free = r.uniform() < 0.3 ? StepFree::yes : StepFree::unknown;
  }
  return out;
}

std::vector<Location> query_points(std::size_t count, std::uint64_t seed) {
  Rng r{std::mt19937_64(seed)};
  const Clusters clusters(3.0);
  std::vector<Location> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back(clusters.around(clusters.pick(r), r));
  return out;
}

}  // namespace rifugio::gen
