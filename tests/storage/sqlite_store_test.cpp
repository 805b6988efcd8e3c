#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "../test_util.hpp"
#include "core/error.hpp"

namespace rifugio {
namespace {

Shelter sample(const std::string& key, double lon, double lat) {
  Shelter s;
  s.keys = {{"test", key}};
  s.name = "Shelter " + key;
  s.country = "NO";
  s.location = Location::from_lon_lat(lon, lat);
  s.capacity = 100;
  s.source = "test";
  return s;
}

Change create(Shelter s) { return {Change::Op::create, std::move(s), ""}; }

TEST(SqliteStore, CreatesMigratesAndReopens) {
  test::TempDir dir;
  {
    SqliteStore store(dir.file("r.db"));
    EXPECT_EQ(store.revision(), 0);
    auto r = store.commit({"alice", "first", false, {create(sample("1", 10.7, 59.9))}});
    EXPECT_EQ(r.revision, 1);
    EXPECT_EQ(r.created, 1u);
  }
  SqliteStore again(dir.file("r.db"));  // migrations are not re-run
  EXPECT_EQ(again.revision(), 1);
  auto all = again.list({});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].keys, (std::vector<ExternalKey>{{"test", "1"}}));
  EXPECT_EQ(all[0].version, 1);
  EXPECT_EQ(again.find({"test", "1"}), all[0].id);
  EXPECT_FALSE(again.find({"test", "2"}).has_value());
}

TEST(SqliteStore, UpdateAuditsBeforeAndAfterAndBumpsRevisionOnce) {
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  auto r = store.commit({"import", "load", false, {create(sample("1", 10, 60)), create(sample("2", 11, 60))}});
  EXPECT_EQ(r.revision, 1);
  Shelter s = *store.get(r.ids[0]);
  s.capacity = 150;
  s.status = Status::full;
  auto u = store.commit({"warden", "counted again", true, {{Change::Op::update, s, ""}}});
  EXPECT_EQ(u.revision, 2);
  EXPECT_EQ(u.updated, 1u);
  auto after = *store.get(s.id);
  EXPECT_EQ(after.version, 2);
  EXPECT_EQ(after.capacity, 150);
  EXPECT_NE(after.status_time, 0);
  EXPECT_TRUE(after.is_manual("capacity"));
  EXPECT_TRUE(after.is_manual("status"));
  EXPECT_FALSE(after.is_manual("name"));

  auto log = store.audit({.shelter = s.id});
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].op, "update");
  EXPECT_EQ(log[1].actor, "warden");
  EXPECT_EQ(log[1].reason, "counted again");
  EXPECT_EQ(log[1].revision, 2);
  EXPECT_EQ(log[1].before["capacity"], 100);
  EXPECT_EQ(log[1].after["capacity"], 150);
  EXPECT_FALSE(log[1].after.contains("name"));

  // An unchanged write is counted, not logged, and the revision stays.
  auto same = store.commit({"x", "noop", false, {{Change::Op::update, after, ""}}});
  EXPECT_EQ(same.unchanged, 1u);
  EXPECT_EQ(same.revision, 2);
  EXPECT_EQ(store.revision(), 2);
}

TEST(SqliteStore, StaleVersionConflictsAndRollsBackTheWholeBatch) {
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  auto r = store.commit({"a", "", false, {create(sample("1", 10, 60))}});
  Shelter stale = *store.get(r.ids[0]);
  Shelter fresh = stale;
  fresh.name = "Renamed";
  store.commit({"a", "", false, {{Change::Op::update, fresh, ""}}});
  stale.name = "Other";
  EXPECT_THROW(store.commit({"b", "", false, {create(sample("2", 1, 1)), {Change::Op::update, stale, ""}}}),
               Conflict);
  EXPECT_EQ(store.revision(), 2);
  EXPECT_EQ(store.list({}).size(), 1u);  // the create in the failed batch is gone too
  EXPECT_EQ(store.get(r.ids[0])->name, "Renamed");
}

TEST(SqliteStore, DuplicateKeyIsAConflictAndRetireHidesFromList) {
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  auto r = store.commit({"a", "", false, {create(sample("1", 10, 60))}});
  EXPECT_THROW(store.commit({"a", "", false, {create(sample("1", 11, 61))}}), Conflict);
  Shelter s = *store.get(r.ids[0]);
  auto ret = store.commit({"a", "gone from source", false, {{Change::Op::retire, s, ""}}});
  EXPECT_EQ(ret.retired, 1u);
  EXPECT_TRUE(store.list({}).empty());
  EXPECT_EQ(store.list({.include_retired = true}).size(), 1u);
  EXPECT_EQ(store.audit({}).back().op, "retire");
  EXPECT_THROW(store.commit({"a", "", false, {{Change::Op::update, Shelter{.id = 999}, ""}}}), NotFound);
}

TEST(SqliteStore, AuditLogIsAppendOnly) {
  test::TempDir dir;
  {
    SqliteStore store(dir.file("r.db"));
    store.commit({"a", "", false, {create(sample("1", 10, 60))}});
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("r.db").c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit SET actor='mallory'", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST(SqliteStore, NoLocationIsStoredAsNeedsLocation) {
  test::TempDir dir;
  SqliteStore store(dir.file("r.db"));
  Shelter s = sample("1", 0, 0);
  s.location.reset();
  s.capacity.reset();
  auto r = store.commit({"a", "", false, {create(s)}});
  auto back = *store.get(r.ids[0]);
  EXPECT_TRUE(back.needs_location());
  EXPECT_FALSE(back.capacity.has_value());
}

TEST(SqliteStore, RejectsAFileThatIsNotADatabase) {
  test::TempDir dir;
  { std::ofstream(dir.file("junk.db")) << "this is not sqlite at all, just text\n"; }
  EXPECT_THROW(SqliteStore(dir.file("junk.db")), StoreError);
}

}  // namespace
}  // namespace rifugio
