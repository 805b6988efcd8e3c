// Crowd reports in the SQLite store: round trip, paging, the similar count,
// settling (one report or every open one of its shelter and kind), and that
// the sender's text is stored verbatim whatever it contains.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "../test_util.hpp"
#include "core/error.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rifugio {
namespace {

class ReportsStore : public ::testing::Test {
 protected:
  void SetUp() override {
    ChangeSet cs{"test", "seed", false, {}};
    for (const char* name : {"A", "B"}) {
      Shelter s;
      s.name = name;
      s.country = "NO";
      s.location = Location::from_lon_lat(10.7, 59.9);
      cs.changes.push_back({Change::Op::create, s, ""});
    }
    store.commit(cs);
  }
  std::int64_t add(ShelterId shelter, ReportKind kind, UnixTime time, std::string client = "c1", std::string note = "") {
    return store.add_report({.shelter = shelter, .kind = kind, .note = std::move(note), .time = time,
                             .client = std::move(client)});
  }

  test::TempDir dir;
  SqliteStore store{dir.file("r.db")};
};

TEST_F(ReportsStore, RoundTripNewestFirstWithFilters) {
  const auto a = add(1, ReportKind::locked, 100, "c1", "door chained");
  const auto b = add(1, ReportKind::full, 200, "c2");
  const auto c = add(2, ReportKind::locked, 300, "c3");
  EXPECT_LT(a, b);
  auto r = store.report(a);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->shelter, 1);
  EXPECT_EQ(r->kind, ReportKind::locked);
  EXPECT_EQ(r->note, "door chained");
  EXPECT_EQ(r->time, 100);
  EXPECT_EQ(r->client, "c1");
  EXPECT_EQ(r->state, ReportState::open);
  EXPECT_EQ(r->handled_by, "");
  EXPECT_FALSE(store.report(c + 1));

  auto all = store.reports({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, c);
  EXPECT_EQ(all[2].id, a);
  EXPECT_EQ(store.reports({.shelter = 1}).size(), 2u);
  EXPECT_EQ(store.reports({.since = 200}).size(), 2u);
  auto page = store.reports({.before_id = c, .limit = 1});
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, b);
  EXPECT_EQ(store.reports({.state = ReportState::dismissed}).size(), 0u);
  EXPECT_THROW(add(99, ReportKind::open, 1), NotFound);
}

TEST_F(ReportsStore, SimilarCountsOtherOpenReportsOfTheSameShelterAndKind) {
  const auto a = add(1, ReportKind::locked, 100, "c1");
  add(1, ReportKind::locked, 110, "c2");
  add(1, ReportKind::locked, 120, "c3");
  add(1, ReportKind::full, 130, "c4");
  add(2, ReportKind::locked, 140, "c5");
  for (const auto& r : store.reports({.shelter = 1}))
    EXPECT_EQ(r.similar, r.kind == ReportKind::locked ? 2 : 0) << r.id;
  store.settle_reports(a, ReportState::dismissed, "ola", 500, "spam", false);
  for (const auto& r : store.reports({.state = ReportState::open, .shelter = 1}))
    EXPECT_EQ(r.similar, r.kind == ReportKind::locked ? 1 : 0) << r.id;
}

TEST_F(ReportsStore, ConfirmSettlesEveryOpenReportOfThatShelterAndKindOnly) {
  const auto a = add(1, ReportKind::locked, 100, "c1");
  const auto b = add(1, ReportKind::locked, 110, "c2");
  const auto other_kind = add(1, ReportKind::open, 120, "c3");
  const auto other_shelter = add(2, ReportKind::locked, 130, "c4");
  const auto dismissed = add(1, ReportKind::locked, 90, "c5");
  store.settle_reports(dismissed, ReportState::dismissed, "ed", 150, "joke", false);

  auto ids = store.settle_reports(b, ReportState::confirmed, "ola", 200, "crowd report #2 confirmed", true);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{b, a}));
  for (auto id : {a, b}) {
    auto r = store.report(id);
    EXPECT_EQ(r->state, ReportState::confirmed);
    EXPECT_EQ(r->handled_by, "ola");
    EXPECT_EQ(r->handled_time, 200);
    EXPECT_EQ(r->handled_reason, "crowd report #2 confirmed");
  }
  EXPECT_EQ(store.report(other_kind)->state, ReportState::open);
  EXPECT_EQ(store.report(other_shelter)->state, ReportState::open);
  EXPECT_EQ(store.report(dismissed)->state, ReportState::dismissed);
  EXPECT_EQ(store.report(dismissed)->handled_by, "ed");  // not overwritten

  EXPECT_THROW(store.settle_reports(a, ReportState::dismissed, "ed", 300, "", false), Conflict);
  EXPECT_THROW(store.settle_reports(9999, ReportState::dismissed, "ed", 300, "", false), NotFound);
  EXPECT_THROW(store.settle_reports(other_kind, ReportState::open, "ed", 300, "", false), InputError);
  EXPECT_EQ(store.report(a)->handled_by, "ola");
}

TEST_F(ReportsStore, NotesAreStoredVerbatimAndReportsSurviveReopening) {
  const std::string notes[] = {"'); DROP TABLE reports;--", "\" OR 1=1 --", "Robert'); DELETE FROM audit; --",
                               "<script>alert(1)</script>", "אין כניסה", "مغلق", std::string(280, 'x')};
  std::vector<std::int64_t> ids;
  for (const auto& n : notes) ids.push_back(add(1, ReportKind::damaged, 100, "c", n));
  {
    SqliteStore again(dir.file("r.db"));
    for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(again.report(ids[i])->note, notes[i]);
    EXPECT_EQ(again.list({}).size(), 2u);
  }
  // The schema itself refuses an over-long note, whatever the caller checked.
  EXPECT_THROW(add(1, ReportKind::damaged, 100, "c", std::string(281, 'x')), StoreError);
}

}  // namespace
}  // namespace rifugio
