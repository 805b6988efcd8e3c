// rifugio-gen-shelters: write N synthetic shelters as CSV (see gen/generate.hpp).
//   rifugio-gen-shelters --count 1000000 --seed 7 > shelters.csv

#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

#include "gen/generate.hpp"

namespace {

constexpr const char* kUsage =
    "usage: rifugio-gen-shelters [--count N] [--seed S] [--spread-km KM]\n"
    "  writes CSV (id,name,address,municipality,capacity,lon,lat) to stdout\n"
    "  --count N      shelters (default 1000)\n"
    "  --seed S       RNG seed (default 20260522: same output every run)\n"
    "  --spread-km K  gaussian sigma for a city of 1 million (default 3)\n";

template <typename T>
T parse_number(std::string_view opt, std::string_view v) {
  T out{};
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || p != v.data() + v.size()) throw std::invalid_argument(std::string(opt) + ": not a number: '" + std::string(v) + "'");
  return out;
}

/// Pure: argv in, options out or a thrown message. `help` set for --help.
rifugio::gen::Options parse_options(int argc, char** argv, bool& help) {
  rifugio::gen::Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") { help = true; continue; }
    if (i + 1 >= argc) throw std::invalid_argument("unknown option or missing value: " + std::string(a));
    const std::string_view v = argv[++i];
    if (a == "--count") o.count = parse_number<std::size_t>(a, v);
    else if (a == "--seed") o.seed = parse_number<std::uint64_t>(a, v);
    else if (a == "--spread-km") o.spread_km = parse_number<double>(a, v);
    else throw std::invalid_argument("unknown option: " + std::string(a));
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) try {
  bool help = false;
  const auto opt = parse_options(argc, argv, help);
  if (help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::puts("id,name,address,municipality,capacity,lon,lat");
  for (const auto& s : rifugio::gen::generate(opt))
    std::printf("%lld,%s,,%s,%d,%.6f,%.6f\n", static_cast<long long>(s.id), s.name.c_str(), s.municipality.c_str(),
                s.capacity.value_or(0), s.location->lon, s.location->lat);
  return std::fflush(stdout) == 0 ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "rifugio-gen-shelters: %s\n%s", e.what(), kUsage);
  return 2;
}
