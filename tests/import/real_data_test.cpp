// Every real dataset in ../shared/data imports with its mapping, and the
// traps their PROVENANCE.md files describe are handled.

#include <gtest/gtest.h>

#include <map>

#include "../test_util.hpp"
#include "import/importer.hpp"
#include "spatial/snapshot.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rifugio::import {
namespace {

using test::borders_path;
using test::source_dir;
std::string borders() { return borders_path(); }

ImportReport import_real(Store& store, const std::string& name, ImportOptions opt = {}) {
  opt.data_dir = test::data_dir().string();
  opt.borders_path = borders();
  return run_import(store, load_mapping(source_dir() + "/mappings/" + name + ".json"), opt);
}

std::map<std::string, int> count_reasons(const ImportReport& r, RowIssue::Severity s) {
  std::map<std::string, int> out;
  for (auto& i : r.issues)
    if (i.severity == s) ++out[i.reason];
  return out;
}

#define REQUIRE_BORDERS() \
  if (borders().empty()) GTEST_SKIP() << "country borders not installed (run npm ci in web/)"

struct Expected {
  std::string mapping, data;
  std::int64_t read, accepted;
  friend void PrintTo(const Expected& e, std::ostream* os) { *os << e.mapping; }
};

class EveryDataset : public ::testing::TestWithParam<Expected> {};

TEST_P(EveryDataset, ImportsWithItsMappingAndReimportsIdempotently) {
  const auto& e = GetParam();
  RIFUGIO_REQUIRE_DATA(path, e.data);
  REQUIRE_BORDERS();
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  auto r = import_real(store, e.mapping);
  EXPECT_EQ(r.read, e.read) << to_text(r);
  EXPECT_EQ(r.accepted, e.accepted) << to_text(r);
  EXPECT_EQ(r.created, e.accepted);
  for (auto& i : r.issues) {
    EXPECT_GT(i.record, 0);
    EXPECT_FALSE(i.reason.empty());
  }
  const auto revision = store.revision();
  auto again = import_real(store, e.mapping);
  EXPECT_EQ(again.created + again.updated + again.retired, 0) << to_text(again);
  EXPECT_EQ(again.unchanged, e.accepted);
  EXPECT_EQ(store.revision(), revision);
}

INSTANTIATE_TEST_SUITE_P(
    RealData, EveryDataset,
    ::testing::Values(Expected{"se-msb-2018", "se-msb-2018/shelters.csv", 68905, 68506},
                      Expected{"se-msb-2022-partial", "se-msb-2022-partial/skyddsrum.csv", 8000, 8000},
                      Expected{"no-dsb-2026", "no-dsb-2026/shelters_wgs84.json", 556, 556},
                      Expected{"no-dsb-2019", "no-dsb-2019/shelters.json", 316, 312},
                      Expected{"il-jerusalem-2025-09", "il-jerusalem-2025-09/raw.csv", 149, 149},
                      Expected{"tw-npa-keelung", "tw-npa-keelung-matsu/keelung.kml", 1121, 1121},
                      Expected{"tw-npa-lienchiang", "tw-npa-keelung-matsu/lienchiang.kml", 68, 68},
                      Expected{"ua-kyiv-2025", "ua-kyiv-2025/shelters.xlsx", 4382, 4382}),
    [](const auto& info) {
      std::string n = info.param.mapping;
      std::replace(n.begin(), n.end(), '-', '_');
      return n;
    });

TEST(Sweden2018, RejectsTheCorruptRowsWithReasonsAndKeepsSevenMillionPlaces) {
  RIFUGIO_REQUIRE_DATA(path, "se-msb-2018/shelters.csv");
  REQUIRE_BORDERS();
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  auto r = import_real(store, "se-msb-2018");
  EXPECT_EQ(r.rejected, 399);
  auto rejected = count_reasons(r, RowIssue::Severity::rejected);
  int total = 0;
  for (auto& [reason, n] : rejected) total += n;
  EXPECT_EQ(total, 399);  // one reason per rejected row
  EXPECT_GT(rejected["location_out_of_range"], 300);
  EXPECT_NEAR(static_cast<double>(r.capacity_total), 7300581.0, 7300581.0 * 0.005);
  // Every accepted row's SWEREF99 TM pair reprojects to within 1 m of its WGS84 pair.
  EXPECT_EQ(count_reasons(r, RowIssue::Severity::suspicious)["positions_disagree"], 0);
  // Several shelters at one point (up to 21) are kept and reported.
  EXPECT_GT(count_reasons(r, RowIssue::Severity::suspicious)["shared_position"], 6000);
  EXPECT_GT(r.suspicious, 0);
  // The SWEREF99 check is not vacuous: a 1 m tolerance is exceeded when the axes are swapped.
  auto m = load_mapping(source_dir() + "/mappings/se-msb-2018.json");
  std::swap(m.checks[0].easting, m.checks[0].northing);
  test::TempDir dir2;
  SqliteStore store2(dir2.file("r.db"));
  auto swapped = run_import(store2, m, {.data_dir = test::data_dir().string(), .dry_run = true});
  EXPECT_GT(count_reasons(swapped, RowIssue::Severity::suspicious)["positions_disagree"], 60000);
}

TEST(Sweden2022Partial, UpdatesWhatItHoldsAndRetiresNothing) {
  RIFUGIO_REQUIRE_DATA(full, "se-msb-2018/shelters.csv");
  RIFUGIO_REQUIRE_DATA(partial, "se-msb-2022-partial/skyddsrum.csv");
  REQUIRE_BORDERS();
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  import_real(store, "se-msb-2018");
  auto r = import_real(store, "se-msb-2022-partial");
  EXPECT_EQ(r.retired, 0);
  EXPECT_EQ(r.accepted, 8000);
  EXPECT_GT(r.updated, 7000);  // matched through skyddsrumsnr = shelter_id, five years apart
  EXPECT_EQ(r.created + r.updated + r.unchanged, 8000);
  EXPECT_EQ(store.list({}).size(), static_cast<std::size_t>(68506 + r.created));
}

TEST(SwappedLabels, TrustingTheSwedishHeaderNamesIsCaught) {
  RIFUGIO_REQUIRE_DATA(partial, "se-msb-2022-partial/skyddsrum.csv");
  REQUIRE_BORDERS();
  auto m = load_mapping(source_dir() + "/mappings/se-msb-2022-partial.json");
  std::swap(m.location[0].lon, m.location[0].lat);  // believe the headers
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  auto r = run_import(store, m, {.data_dir = test::data_dir().string(), .borders_path = borders()});
  EXPECT_EQ(r.accepted, 0);
  EXPECT_EQ(count_reasons(r, RowIssue::Severity::rejected)["swapped_lat_lon"], 8000);
  EXPECT_EQ(store.revision(), 0);  // nothing accepted: nothing committed
}

TEST(Norway, TwoVintagesWithoutSharedKeysDoNotDuplicateShelters) {
  RIFUGIO_REQUIRE_DATA(y2019, "no-dsb-2019/shelters.json");
  RIFUGIO_REQUIRE_DATA(y2026, "no-dsb-2026/shelters_wgs84.json");
  REQUIRE_BORDERS();
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  import_real(store, "no-dsb-2019");
  auto report = import_real(store, "no-dsb-2026", {.dry_run = true});
  EXPECT_GT(report.matches.size(), 100u);
  for (auto& m : report.matches) EXPECT_LE(m.distance_m, 30.0);
  auto linked = import_real(store, "no-dsb-2026", {.link = true});
  EXPECT_EQ(linked.linked, static_cast<std::int64_t>(report.matches.size()));
  EXPECT_EQ(store.list({}).size(), static_cast<std::size_t>(312 + 556 - linked.linked));
  auto id = store.find({"no-dsb", "777"});  // Torget 6, in both lists
  ASSERT_TRUE(id);
  EXPECT_EQ(store.get(*id)->keys.size(), 2u);
}

TEST(Kyiv, NoCoordinatesMeansNeedsLocationAndNeverNearest) {
  RIFUGIO_REQUIRE_DATA(path, "ua-kyiv-2025/shelters.xlsx");
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  auto r = import_real(store, "ua-kyiv-2025");
  EXPECT_EQ(r.needs_location, r.accepted);
  auto all = store.list({});
  ASSERT_EQ(all.size(), 4382u);
  std::map<Kind, int> kinds;
  int step_free = 0;
  for (auto& s : all) {
    EXPECT_TRUE(s.needs_location());
    ++kinds[s.kind];
    step_free += s.step_free == StepFree::yes;
  }
  EXPECT_GT(kinds[Kind::metro_station], 200);  // metro entrances and stations
  EXPECT_GT(kinds[Kind::parking], 400);
  EXPECT_EQ(step_free, 553);
  EXPECT_EQ(store.get(all[0].id)->municipality, "Київ");
  auto snap = spatial::Snapshot::build(store.revision(), all);
  EXPECT_TRUE(snap->nearest({.origin = Location::from_lon_lat(30.5234, 50.4501), .k = 10}).empty());
}

TEST(Jerusalem, LatitudeIsTheXColumnAndHtmlIsStripped) {
  RIFUGIO_REQUIRE_DATA(path, "il-jerusalem-2025-09/raw.csv");
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  auto r = import_real(store, "il-jerusalem-2025-09");
  EXPECT_EQ(r.capacity_total, 16681);
  for (auto& s : store.list({})) {
    ASSERT_TRUE(s.location);
    EXPECT_NEAR(s.location->lat, 31.78, 0.05);
    EXPECT_NEAR(s.location->lon, 35.20, 0.06);
    EXPECT_EQ(s.address.find('<'), std::string::npos);
  }
  // Waze links disagreeing by more than 100 m are reported (19 per PROVENANCE.md).
  EXPECT_EQ(count_reasons(r, RowIssue::Severity::suspicious)["positions_disagree"], 19);
  EXPECT_TRUE(store.find({"il-jerusalem", "726 A"}));
}

TEST(TaiwanMatsu, PositionsFromTheRemarksWhenThereIsNoPoint) {
  RIFUGIO_REQUIRE_DATA(path, "tw-npa-keelung-matsu/lienchiang.kml");
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  auto r = import_real(store, "tw-npa-lienchiang");
  EXPECT_EQ(r.needs_location, 0);
  EXPECT_EQ(r.capacity_total, 7348);
  auto s = store.get(*store.find({"tw-npa-lienchiang", "2"}));  // "2.0" in the file
  ASSERT_TRUE(s && s->location);
  EXPECT_NEAR(s->location->lat, 26.15786, 1e-5);
  EXPECT_EQ(s->kind, Kind::bunker);
}

}  // namespace
}  // namespace rifugio::import
