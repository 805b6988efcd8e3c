// The direct /v1/nearest writer against the nlohmann tree the CLI prints:
// the same bytes for random points, every straight-line option and awkward strings.

#include <gtest/gtest.h>

#include <random>

#include "api/nearest_json.hpp"
#include "api/walk.hpp"
#include "api_fixture.hpp"

namespace rifugio::api {
namespace {

std::string tree(const std::shared_ptr<const spatial::Snapshot>& snap, const spatial::NearestQuery& q,
                 const WalkParams& w) {
  return nearest_walk_json(snap, q, w, nullptr).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string direct(const spatial::Snapshot& snap, spatial::NearestQuery q, const WalkParams& w) {
  if (w.within_s) q.max_distance_m = std::min(q.max_distance_m.value_or(INFINITY), *w.within_s * w.speed_mps);
  std::string out;
  write_nearest_json(out, snap, q, snap.nearest(q),
                     {.speed_mps = w.speed_mps, .fallback = w.walking ? "no_graph" : nullptr, .within_s = w.within_s});
  return out;
}

/// The same JSON values, and the same bytes apart from nlohmann's grisu2
/// sometimes printing 17 digits where fewer round-trip (171.67833099999999 for
/// 171.678331; the writer prints the shortest form of the same double).
void same(const std::string& got, const std::string& want) {
  // ordered_json keeps the writer's key order; dumping it again formats the
  // numbers as nlohmann does.
  ASSERT_EQ(nlohmann::ordered_json::parse(got).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), want)
      << got;
}

TEST(NearestJson, DirectWriterMatchesTheTree) {
  std::mt19937_64 rng(std::getenv("RIFUGIO_SEED") ? std::strtoull(std::getenv("RIFUGIO_SEED"), nullptr, 10) : 7);
  std::uniform_real_distribution<double> lon(-180, 180), lat(-90, 90), near(-0.05, 0.05);
  std::vector<Shelter> shelters = test::sample_shelters();
  const char* names[] = {"Quote \" and \\ backslash", "Tab\there\nnewline\r\b\f", "ctl \x01\x1f\x7f",
                         "Ærøskøbing bunker Ø", "invalid \xff\xfe utf-8", "overlong \xc0\xaf", "emoji \xf0\x9f\x98\x80",
                         "truncated \xe2\x82", "surrogate \xed\xa0\x80", ""};
  ShelterId id = 1000;
  for (int i = 0; i < 300; ++i) {
    double x = i < 100 ? 10.75 + near(rng) : lon(rng), y = i < 100 ? 59.91 + near(rng) : lat(rng);
    Shelter s = test::make_shelter(++id, std::string(names[i % std::size(names)]) + std::to_string(i), x, y);
    s.address = names[(i + 3) % std::size(names)];
    if (i % 3 == 0) s.capacity.reset(); else s.capacity = i * 7;
    if (i % 4 == 0) s.occupancy = i; else s.occupancy.reset();
    shelters.push_back(std::move(s));
  }
  auto snap = spatial::Snapshot::build(test::kRevision, shelters);
  for (int i = 0; i < 400; ++i) {
    spatial::NearestQuery q{.origin = i % 2 ? Location::from_lon_lat(10.75 + near(rng), 59.91 + near(rng))
                                            : Location::from_lon_lat(lon(rng), lat(rng)),
                            .k = static_cast<std::uint32_t>(1 + i % 12)};
    if (i % 5 == 1) q.open_only = true;
    if (i % 7 == 2) q.max_distance_m = 3000;
    WalkParams w;
    if (i % 3 == 1) w.walking = true;  // no graph: straight line with fallback no_graph
    if (i % 4 == 2) w.within_s = 60.0 * (1 + i % 30);
    if (i % 6 == 3) w.speed_mps = (1 + i % 19) / 3.6;
    SCOPED_TRACE(i);
    same(direct(*snap, q, w), tree(snap, q, w));
  }
  // Origins with coordinates that print in exponent form, and zeros.
  for (double v : {0.0, -0.0, 1e-6, -1e-6, 0.00001, 0.0001, 180.0, -180.0, 90.0}) {
    spatial::NearestQuery q{.origin = Location::from_lon_lat(v, v / 2), .k = 3};
    same(direct(*snap, q, {}), tree(snap, q, {}));
  }
}

TEST(NearestJson, CrowdReportSummariesMatchTheTree) {
  std::mt19937_64 rng(std::getenv("RIFUGIO_SEED") ? std::strtoull(std::getenv("RIFUGIO_SEED"), nullptr, 10) : 11);
  std::uniform_real_distribution<double> near(-0.03, 0.03);
  std::vector<Shelter> shelters;
  for (ShelterId id = 1; id <= 200; ++id) {
    shelters.push_back(test::make_shelter(id, "S" + std::to_string(id), 10.75 + near(rng), 59.91 + near(rng)));
    shelters.back().status_time = id % 5 == 0 ? 1'700'003'000 : 0;  // some statuses newer than some reports
  }
  auto snap = spatial::Snapshot::build(test::kRevision, shelters);
  auto tallies = std::make_shared<TallyMap>();
  std::uniform_int_distribution<UnixTime> age(0, 9000);
  for (ShelterId id = 1; id <= 200; id += 2) {  // every other shelter has some, a few only expired ones
    ShelterTally t;
    for (std::size_t k = 0; k < kReportKinds; ++k) {
      for (int n = static_cast<int>(rng() % 4); n > 0; --n) t.times[k].push_back(1'700'007'200 - age(rng));
      std::sort(t.times[k].begin(), t.times[k].end());
    }
    (*tallies)[id] = std::move(t);
  }
  const ReportView view{tallies, 1'700'007'200, 7200};
  int with_reports = 0;
  for (int i = 0; i < 100; ++i) {
    spatial::NearestQuery q{.origin = Location::from_lon_lat(10.75 + near(rng), 59.91 + near(rng)),
                            .k = static_cast<std::uint32_t>(1 + i % 20)};
    nlohmann::json want = nearest_walk_json(snap, q, {}, nullptr);
    add_report_summaries(want, *snap, view);
    for (auto& r : want["results"]) with_reports += r.contains("reports");
    std::string got;
    write_nearest_json(got, *snap, q, snap->nearest(q), {}, &view);
    SCOPED_TRACE(i);
    same(got, want.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  EXPECT_GT(with_reports, 100);  // the comparison covered answers with summaries
  // An empty view writes exactly what no view does.
  spatial::NearestQuery q{.origin = Location::from_lon_lat(10.75, 59.91), .k = 10};
  std::string a, b;
  const ReportView none;
  write_nearest_json(a, *snap, q, snap->nearest(q));
  write_nearest_json(b, *snap, q, snap->nearest(q), {}, &none);
  EXPECT_EQ(a, b);
}

TEST(NearestJson, EmptyAnswer) {
  auto snap = test::sample_snapshot();
  spatial::NearestQuery q{.origin = Location::from_lon_lat(-150, -60), .k = 5, .max_distance_m = 10};
  same(direct(*snap, q, {}), tree(snap, q, {}));
  same(direct(*snap, q, {.within_s = 100}), tree(snap, q, {.within_s = 100}));
}

}  // namespace
}  // namespace rifugio::api
