// Import behaviour on small files written by the tests: validation, CRS
// handling, re-import by key, retirement, hand edits and cross-source links.

#include "import/importer.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "../test_util.hpp"
#include "core/error.hpp"
#include "spatial/snapshot.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rifugio::import {
namespace {

using nlohmann::json;

std::string borders() { return test::borders_path(); }

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::make_unique<SqliteStore>(dir_.file("r.db")); }

  void write(const std::string& name, const std::string& text) { std::ofstream(dir_.file(name)) << text; }

  Mapping mapping(const std::string& json) {
    write("mapping.json", json);
    return load_mapping(dir_.file("mapping.json"));
  }

  ImportReport run(const Mapping& m, ImportOptions opt = {}) {
    opt.data_dir = dir_.path().string();
    if (opt.borders_path.empty()) opt.borders_path = borders();
    return run_import(*store_, m, opt);
  }

  static std::vector<std::string> reasons(const ImportReport& r, RowIssue::Severity s) {
    std::vector<std::string> out;
    for (auto& i : r.issues)
      if (i.severity == s) out.push_back(i.reason);
    return out;
  }

  test::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

constexpr const char* kCsvMapping = R"({
  "source": "t", "country": "NO", "complete": true, "licence": "test",
  "files": [{"path": "s.csv"}],
  "fields": {"key": "id", "address": "addr", "capacity": "places"},
  "location": {"lon": "lon", "lat": "lat"}
})";

TEST_F(ImportTest, RejectsBadRowsWithRecordFieldAndReason) {
  if (borders().empty()) GTEST_SKIP() << "country borders not installed (npm ci in web/)";
  write("s.csv",
        "id,addr,places,lon,lat\n"
        "1,Storgata 1,100,10.75,59.91\n"        // good
        "2,Storgata 2,22.0,10.76,59.92\n"       // capacity as float: fine
        "3,Storgata 3,815 A,10.77,59.93\n"      // bad capacity: suspicious, kept
        "4,Storgata 4,50,abc,59.94\n"           // bad coordinate
        "5,Storgata 5,50,1059,59.94\n"          // out of range
        "6,Storgata 6,50,59.91,10.75\n"         // swapped
        "7,Storgata 7,50,18.06,59.33\n"         // Stockholm: wrong country
        "1,Storgata 1b,50,10.75,59.95\n"        // duplicate key
        ",No key,50,10.75,59.96\n"              // missing key
        "8,Storgata 8,50,0,0\n"                 // null island
        "9,Storgata 9,,10.8,59.9\n");           // unknown capacity, no position problem
  auto r = run(mapping(kCsvMapping));
  EXPECT_EQ(r.read, 11);
  EXPECT_EQ(r.accepted, 4);
  EXPECT_EQ(r.rejected, 7);
  EXPECT_EQ(r.capacity_total, 122);
  auto rejected = reasons(r, RowIssue::Severity::rejected);
  std::sort(rejected.begin(), rejected.end());
  EXPECT_EQ(rejected, (std::vector<std::string>{"bad_location", "duplicate_key", "location_out_of_range",
                                                "missing_key", "null_island", "outside_country",
                                                "swapped_lat_lon"}));
  for (auto& i : r.issues) {
    EXPECT_EQ(i.file, "s.csv");
    EXPECT_GT(i.record, 0);
    EXPECT_FALSE(i.message.empty());
    if (i.reason == "bad_location") {
      EXPECT_EQ(i.record, 4);
      EXPECT_EQ(i.field, "lon");
      EXPECT_EQ(i.key, "4");
    }
    if (i.reason == "outside_country") {
      EXPECT_NE(i.message.find("in SE"), std::string::npos) << i.message;
    }
  }
  EXPECT_EQ(reasons(r, RowIssue::Severity::suspicious), (std::vector<std::string>{"bad_capacity"}));
  auto s = store_->get(*store_->find({"t", "9"}));
  EXPECT_FALSE(s->capacity.has_value());  // unknown, not 0
  auto j = to_json(r);
  EXPECT_EQ(j["counts"]["rejected"], 7);
  EXPECT_EQ(j["issues"].size(), r.issues.size());
  // Rejected entries carry what the mapping read, to fix and create the record by hand.
  for (auto& i : j["issues"]) {
    if (i["severity"] == "suspicious") {
      EXPECT_FALSE(i.contains("values")) << i;
      continue;
    }
    ASSERT_TRUE(i.contains("values")) << i;
    EXPECT_EQ(i["values"]["country"], "NO");
    if (i["reason"] == "bad_location")
      EXPECT_EQ(i["values"], json({{"external_id", "4"}, {"address", "Storgata 4"}, {"capacity", "50"},
                                   {"country", "NO"}, {"lon", "abc"}, {"lat", "59.94"}}));
    if (i["reason"] == "swapped_lat_lon") {  // readable, so numbers (as read: lon 59.91, lat 10.75)
      EXPECT_EQ(i["values"]["lon"], 59.91);
      EXPECT_EQ(i["values"]["lat"], 10.75);
      EXPECT_EQ(i["values"]["external_id"], "6");
    }
    if (i["reason"] == "missing_key") {
      EXPECT_FALSE(i["values"].contains("external_id"));
      EXPECT_EQ(i["values"]["address"], "No key");
    }
    if (i["reason"] == "duplicate_key") EXPECT_EQ(i["values"]["address"], "Storgata 1b");
  }
}

TEST_F(ImportTest, ReimportIsIdempotentThenUpdatesAddsAndRetiresByKey) {
  write("s.csv", "id,addr,places,lon,lat\n1,A 1,100,10.75,59.91\n2,B 2,200,10.76,59.92\n3,C 3,300,10.77,59.93\n");
  auto m = mapping(kCsvMapping);
  auto first = run(m);
  EXPECT_EQ(first.created, 3);
  EXPECT_EQ(first.revision_after, 1);
  auto again = run(m);
  EXPECT_EQ(again.created + again.updated + again.retired, 0);
  EXPECT_EQ(again.unchanged, 3);
  EXPECT_EQ(again.revision_after, 1);
  EXPECT_EQ(store_->revision(), 1);

  // Newer export: 1 changed, 2 gone, 4 new. Ids stay with their keys.
  const ShelterId id1 = *store_->find({"t", "1"});
  write("s.csv", "id,addr,places,lon,lat\n1,A 1,150,10.75,59.91\n3,C 3,300,10.77,59.93\n4,D 4,40,10.78,59.94\n");
  auto newer = run(m);
  EXPECT_EQ(newer.updated, 1);
  EXPECT_EQ(newer.created, 1);
  EXPECT_EQ(newer.retired, 1);
  EXPECT_EQ(newer.unchanged, 1);
  EXPECT_EQ(newer.revision_after, 2);
  EXPECT_EQ(*store_->find({"t", "1"}), id1);
  EXPECT_EQ(store_->get(id1)->capacity, 150);
  EXPECT_TRUE(store_->get(*store_->find({"t", "2"}))->retired);
  EXPECT_EQ(store_->list({}).size(), 3u);

  // A partial file updates what it holds and retires nothing.
  write("s.csv", "id,addr,places,lon,lat\n4,D 4,45,10.78,59.94\n");
  auto partial = run(m, {.complete = false});
  EXPECT_EQ(partial.updated, 1);
  EXPECT_EQ(partial.retired, 0);
  EXPECT_EQ(store_->list({}).size(), 3u);

  // A retired shelter that comes back is active again, same id.
  write("s.csv", "id,addr,places,lon,lat\n2,B 2,200,10.76,59.92\n");
  auto back = run(m, {.complete = false});
  EXPECT_EQ(back.updated, 1);
  EXPECT_FALSE(store_->get(*store_->find({"t", "2"}))->retired);
}

TEST_F(ImportTest, DryRunWritesNothing) {
  write("s.csv", "id,addr,places,lon,lat\n1,A 1,100,10.75,59.91\n");
  auto r = run(mapping(kCsvMapping), {.dry_run = true});
  EXPECT_EQ(r.created, 1);
  EXPECT_EQ(store_->revision(), 0);
  EXPECT_TRUE(store_->list({}).empty());
}

TEST_F(ImportTest, HandEditsAreKeptAndReported) {
  write("s.csv", "id,addr,places,lon,lat\n1,A 1,100,10.75,59.91\n");
  auto m = mapping(kCsvMapping);
  run(m);
  Shelter s = *store_->get(*store_->find({"t", "1"}));
  s.capacity = 80;  // counted on site
  store_->commit({"editor", "counted on site", true, {{Change::Op::update, s, ""}}});
  write("s.csv", "id,addr,places,lon,lat\n1,A 1,120,10.75,59.91\n");
  auto r = run(m);
  EXPECT_EQ(r.kept_manual, 1);
  EXPECT_EQ(store_->get(s.id)->capacity, 80);
  ASSERT_FALSE(r.issues.empty());
  EXPECT_EQ(r.issues.back().reason, "kept_manual_edit");
  auto forced = run(m, {.overwrite_manual = true});
  EXPECT_EQ(forced.updated, 1);
  EXPECT_EQ(store_->get(s.id)->capacity, 120);
}

TEST_F(ImportTest, ReprojectsUtm33WithNegativeEastingsAndChecksSecondPosition) {
  // Bergen (5.32 E) lies west of UTM zone 33's range, so its easting is
  // negative (PROJ: gdaltransform -s_srs EPSG:4326 -t_srs EPSG:25833).
  write("utm.geojson", R"({"type":"FeatureCollection",
    "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25833"}},
    "features":[
     {"type":"Feature","properties":{"romnr":1,"lat":60.39299,"lon":5.32415},
      "geometry":{"type":"Point","coordinates":[-31977.537, 6734371.798]}},
     {"type":"Feature","properties":{"romnr":2,"lat":59.91,"lon":10.75},
      "geometry":{"type":"Point","coordinates":[262000.0, 6650000.0]}}]})");
  auto m = mapping(R"({"source":"u","country":"NO","files":[{"path":"utm.geojson"}],
    "fields":{"key":"romnr"},"location":{"geometry":true},
    "check_location":{"lon":"lon","lat":"lat","tolerance_m":1.0}})");
  auto r = run(m);
  EXPECT_EQ(r.accepted, 2);
  auto bergen = store_->get(*store_->find({"u", "1"}));
  ASSERT_TRUE(bergen->location);
  EXPECT_NEAR(bergen->location->lat, 60.39299, 1e-5);
  EXPECT_NEAR(bergen->location->lon, 5.32415, 1e-5);
  // The second feature's projected point is ~1 km from its lon/lat columns: reported.
  ASSERT_EQ(reasons(r, RowIssue::Severity::suspicious), (std::vector<std::string>{"positions_disagree"}));
  EXPECT_EQ(r.issues[0].record, 2);
}

TEST_F(ImportTest, ProjectedColumnsNamedByAxisNotByHeader) {
  // SWEREF99 TM with x = northing (surveying convention), as in the MSB list.
  write("se.csv", "nr,x,y\nA,6580743.008,674571.866\n");
  auto r = run(mapping(R"({"source":"se","files":[{"path":"se.csv"}],"fields":{"key":"nr"},
    "location":{"northing":"x","easting":"y","crs":"EPSG:3006"}})"));
  ASSERT_EQ(r.accepted, 1);
  auto s = store_->get(*store_->find({"se", "A"}));
  EXPECT_NEAR(s->location->lat, 59.3293, 1e-3);  // Stockholm
  EXPECT_NEAR(s->location->lon, 18.0686, 1e-3);
}

TEST_F(ImportTest, RecordsWithoutCoordinatesNeedALocationAndNeverAppearInNearest) {
  write("k.csv", "id,addr\n1,вул. Хрещатик 1\n2,вул. Хрещатик 2\n");
  auto r = run(mapping(R"({"source":"k","country":"UA","files":[{"path":"k.csv"}],
    "fields":{"key":"id","address":"addr"},"location":[]})"));
  EXPECT_EQ(r.accepted, 2);
  EXPECT_EQ(r.needs_location, 2);
  auto all = store_->list({});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(all[0].needs_location());
  auto snap = spatial::Snapshot::build(store_->revision(), all);
  EXPECT_TRUE(snap->nearest({.origin = Location::from_lon_lat(30.52, 50.45), .k = 5}).empty());
}

TEST_F(ImportTest, TwoSourcesWithoutSharedKeysAreReportedAndLinked) {
  write("old.csv", "id,addr,places,lon,lat\nx1,Stasjonsgata 24,100,10.750000,59.910000\nx2,Elsewhere 1,50,10.9,59.95\n");
  write("new.csv", "romnr,addr,places,lon,lat\n77,Stasjonsgt. 24,120,10.750100,59.910050\n78,Nowhere 9,30,10.6,59.8\n");
  run(mapping(R"({"source":"old","files":[{"path":"old.csv"}],"fields":{"key":"id","address":"addr","capacity":"places"},"location":{"lon":"lon","lat":"lat"}})"));
  auto newer = mapping(R"({"source":"new","files":[{"path":"new.csv"}],"fields":{"key":"romnr","address":"addr","capacity":"places"},"location":{"lon":"lon","lat":"lat"}})");
  auto report_only = run(newer, {.dry_run = true});
  ASSERT_EQ(report_only.matches.size(), 1u);
  EXPECT_EQ(report_only.matches[0].key, "77");
  EXPECT_LT(report_only.matches[0].distance_m, 10);
  auto linked = run(newer, {.link = true});
  EXPECT_EQ(linked.linked, 1);
  EXPECT_EQ(linked.created, 1);
  EXPECT_EQ(store_->list({}).size(), 3u);  // not 4: no duplicate shelter
  auto s = store_->get(*store_->find({"new", "77"}));
  EXPECT_EQ(s->id, *store_->find({"old", "x1"}));
  EXPECT_EQ(s->capacity, 120);  // the newer list wins
  EXPECT_EQ(s->keys.size(), 2u);
  EXPECT_EQ(run(newer).unchanged, 2);  // linked key now matches directly
}

TEST_F(ImportTest, OpenStreetMapKeepsProtectiveSheltersOnly) {
  write("x.osm", R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="59.91" lon="10.75" version="1"><tag k="amenity" v="shelter"/><tag k="shelter_type" v="public_bunker"/>
    <tag k="capacity" v="300"/><tag k="wheelchair" v="yes"/><tag k="name" v="Tøyen tilfluktsrom"/></node>
  <node id="2" lat="59.92" lon="10.76" version="1"><tag k="amenity" v="shelter"/><tag k="shelter_type" v="public_transport"/></node>
  <node id="3" lat="59.93" lon="10.77" version="1"><tag k="military" v="bunker"/><tag k="bunker_type" v="pillbox"/></node>
  <node id="10" lat="59.900" lon="10.700" version="1"/><node id="11" lat="59.900" lon="10.701" version="1"/>
  <node id="12" lat="59.901" lon="10.701" version="1"/><node id="13" lat="59.901" lon="10.700" version="1"/>
  <way id="20" version="1"><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/>
    <tag k="building" v="bunker"/><tag k="access" v="yes"/><tag k="addr:street" v="Bunkerveien"/><tag k="addr:housenumber" v="1"/></way>
</osm>)");
  auto r = run(mapping(R"({"source":"osm","country":"NO","files":[{"path":"x.osm","format":"osm"}],
    "location":{"geometry":true}})"));
  EXPECT_EQ(r.accepted, 2) << to_text(r);
  auto node = store_->get(*store_->find({"osm", "node/1"}));
  ASSERT_TRUE(node);
  EXPECT_EQ(node->capacity, 300);
  EXPECT_EQ(node->step_free, StepFree::yes);
  EXPECT_EQ(node->name, "Tøyen tilfluktsrom");
  auto way = store_->get(*store_->find({"osm", "way/20"}));
  ASSERT_TRUE(way && way->location);
  EXPECT_EQ(way->kind, Kind::bunker);
  EXPECT_EQ(way->address, "Bunkerveien 1");
  EXPECT_NEAR(way->location->lat, 59.9005, 1e-4);  // centroid of the building
}

TEST_F(ImportTest, UnreadableFilesAreClearErrorsAndLeaveTheStoreAlone) {
  write("s.csv", "id,addr,places,lon,lat\n1,A 1,100,10.75,59.91\n");
  auto m = mapping(kCsvMapping);
  run(m);
  write("broken.json", "[{\"romnr\": 1,");
  auto bad = mapping(R"({"source":"t","files":[{"path":"broken.json","format":"json-array"}],"fields":{"key":"romnr"}})");
  try {
    run(bad);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.json"), std::string::npos);
  }
  auto missing = mapping(R"({"source":"t","files":[{"path":"nope.csv"}],"fields":{"key":"id"}})");
  EXPECT_THROW(run(missing), ParseError);
  EXPECT_EQ(store_->revision(), 1);
  EXPECT_EQ(store_->list({}).size(), 1u);
}

}  // namespace
}  // namespace rifugio::import
