// The register-wide write endpoints through the handler: search scoped to
// the caller, create (409 on a taken key), retire, bulk status in one commit.

#include <gtest/gtest.h>

#include <set>

#include "import/area.hpp"
#include "write_fixture.hpp"

namespace rifugio::api {
namespace {

using Shelters = WriteApi;

std::set<ShelterId> ids_of(const json& page) {
  std::set<ShelterId> out;
  for (auto& s : page["shelters"]) out.insert(s["id"].get<ShelterId>());
  return out;
}

TEST_F(Shelters, SearchIsScopedToWhatTheCallerMayChange) {
  auto search = [&](const std::string& who, const std::string& query) {
    Response r = call("GET", "/v1/shelters" + query, who);
    EXPECT_EQ(r.status, 200) << r.body;
    return test::body_json(r);
  };
  json all = search("root", "");
  EXPECT_EQ(all["total"], 10);  // 11 minus the retired one
  EXPECT_EQ(all["limit"], 50);
  EXPECT_EQ(all["offset"], 0);
  EXPECT_EQ(all["shelters"][0]["version"], 1) << "the full record, as GET /v1/shelters/{id}";
  EXPECT_EQ(ids_of(search("ed", "")), (std::set<ShelterId>{1, 2, 3, 4, 5, 6, 10}));  // Oslo, not Bærum or Fiji
  EXPECT_EQ(ids_of(search("fiji", "")), (std::set<ShelterId>{8, 9}));
  EXPECT_EQ(ids_of(search("ola", "")), (std::set<ShelterId>{1, 2}));
  // Filters, compared with a filter over the full list.
  EXPECT_EQ(ids_of(search("root", "?status=closed")), (std::set<ShelterId>{2}));
  EXPECT_EQ(ids_of(search("root", "?q=SANDVIKA")), (std::set<ShelterId>{7}));
  EXPECT_EQ(ids_of(search("root", "?q=b%C3%86rum")), (std::set<ShelterId>{7})) << "case-insensitive beyond ASCII";
  EXPECT_EQ(ids_of(search("root", "?q=street%201")), (std::set<ShelterId>{1, 10})) << "address substring";
  EXPECT_EQ(ids_of(search("ed", "?q=b%C3%A6rum")), std::set<ShelterId>{}) << "outside the editor's region";
  EXPECT_EQ(ids_of(search("root", "?country=FJ&municipality=Suva")), (std::set<ShelterId>{8}));
  EXPECT_EQ(ids_of(search("root", "?retired=true")), (std::set<ShelterId>{11}));
  EXPECT_EQ(search("root", "?retired=any")["total"], 11);
  EXPECT_EQ(ids_of(search("root", "?source=t&q=retired&retired=any")), (std::set<ShelterId>{11}));
  EXPECT_EQ(ids_of(search("root", "?source=other")), std::set<ShelterId>{});
  // Paging: the pages together are the whole answer, in id order.
  std::vector<ShelterId> paged;
  for (int offset = 0; offset < 12; offset += 3) {
    json p = search("root", "?limit=3&offset=" + std::to_string(offset));
    EXPECT_EQ(p["total"], 10);
    for (auto& s : p["shelters"]) paged.push_back(s["id"]);
  }
  EXPECT_EQ(paged, (std::vector<ShelterId>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  for (auto bad : {"?limit=0", "?limit=501", "?offset=-1", "?status=maybe", "?retired=yes", "?q=a&q=b"})
    problem(call("GET", std::string("/v1/shelters") + bad, "root"), 400, "invalid_parameter");
  problem(call("GET", "/v1/shelters?colour=red", "root"), 400, "unknown_parameter");
  problem(call("GET", "/v1/shelters", ""), 401, "unauthorized");
}

TEST_F(Shelters, CreateAuditsPublishesAndRefusesATakenKey) {
  const json body = {{"name", "Vaterland"}, {"address", "Vaterlands gate 1"}, {"municipality", "Oslo"},
                     {"country", "NO"}, {"location", {10.7580, 59.9140}}, {"capacity", 250},
                     {"kind", "bunker"}, {"reason", "new shelter opened"}};
  Response r = call("POST", "/v1/shelters", "ed", body);
  ASSERT_EQ(r.status, 201) << r.body;
  json rec = test::body_json(r);
  const ShelterId id = rec["id"];
  EXPECT_EQ(id, 12);
  EXPECT_EQ(r.header("Location").value_or(""), "/v1/shelters/12");
  EXPECT_EQ(r.header("ETag").value_or(""), "\"1\"");
  EXPECT_EQ(rec["name"], "Vaterland");
  EXPECT_EQ(rec["capacity"], 250);
  EXPECT_EQ(rec["source"], "manual");
  EXPECT_EQ(rec["keys"], json::array());
  EXPECT_EQ(holder.current()->revision(), 2) << "published before the answer";
  ASSERT_TRUE(holder.current()->by_id(id));
  json audit = test::body_json(call("GET", "/v1/audit?shelter=12", "root"))["entries"];
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0]["op"], "create");
  EXPECT_EQ(audit[0]["actor"], "ed");
  EXPECT_EQ(audit[0]["reason"], "new shelter opened");

  // With an external key; the same key again is a conflict and writes nothing.
  json keyed = body;
  keyed["key"] = {{"source", "no-dsb"}, {"id", "X-1"}};
  Response k = call("POST", "/v1/shelters", "root", keyed);
  ASSERT_EQ(k.status, 201) << k.body;
  EXPECT_EQ(test::body_json(k)["keys"], json::parse(R"([{"source":"no-dsb","id":"X-1"}])"));
  EXPECT_EQ(test::body_json(k)["source"], "no-dsb");
  problem(call("POST", "/v1/shelters", "root", keyed), 409, "conflict");
  keyed["key"] = {{"source", "t"}, {"id", "Stortinget"}};  // a seeded record's key
  problem(call("POST", "/v1/shelters", "root", keyed), 409, "conflict");
  EXPECT_EQ(holder.current()->revision(), 3);

  // Outside the region, by role, invalid.
  json bærum = body;
  bærum["municipality"] = "Bærum";
  problem(call("POST", "/v1/shelters", "ed", bærum), 403, "forbidden");
  problem(call("POST", "/v1/shelters", "ola", body), 403, "forbidden");
  problem(call("POST", "/v1/shelters", "fiji", body), 403, "forbidden");
  auto field = [&](json b, const std::string& name) {
    json j = problem(call("POST", "/v1/shelters", "root", b), 422, "invalid_field");
    EXPECT_EQ(j["field"], name) << b;
  };
  auto with = [&](const std::string& name, json v) {
    json b = body;
    b[name] = std::move(v);
    return b;
  };
  json b = body;
  b.erase("reason");
  field(b, "reason");
  b = body;
  b.erase("name");
  field(b, "name");
  field(with("capacity", -1), "capacity");
  field(with("location", json::array({200, 10})), "location");
  field(with("id", 5), "id");
  field(with("retired", true), "retired");
  field(with("key", "no-dsb:1"), "key");
  field(with("key", json{{"source", ""}, {"id", "1"}}), "key");
  EXPECT_EQ(holder.current()->revision(), 3) << "nothing invalid was written";
}

TEST_F(Shelters, RetireTakesTheShelterOutOfTheSnapshot) {
  ASSERT_TRUE(holder.current()->by_id(3));
  problem(call("POST", "/v1/shelters/3/retire", "ola", {{"reason", "r"}}), 403, "forbidden");
  problem(call("POST", "/v1/shelters/7/retire", "ed", {{"reason", "r"}}), 403, "forbidden");
  problem(call("POST", "/v1/shelters/3/retire", "ed", json::object()), 422, "invalid_field");
  problem(call("POST", "/v1/shelters/3/retire", "ed", {{"reason", "r"}}, {{"If-Match", "\"9\""}}), 412,
          "precondition_failed");
  Response r = call("POST", "/v1/shelters/3/retire", "ed", {{"reason", "building demolished"}}, {{"If-Match", "\"1\""}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(test::body_json(r)["retired"], true);
  EXPECT_EQ(r.header("ETag").value_or(""), "\"2\"");
  EXPECT_FALSE(holder.current()->by_id(3)) << "gone from the public snapshot at once";
  json audit = test::body_json(call("GET", "/v1/audit?shelter=3", "root"))["entries"];
  EXPECT_EQ(audit.back()["op"], "retire");
  EXPECT_EQ(audit.back()["reason"], "building demolished");
  // Again: nothing changes.
  EXPECT_EQ(call("POST", "/v1/shelters/3/retire", "ed", {{"reason", "again"}}).status, 200);
  EXPECT_EQ(holder.current()->revision(), 2);
  problem(call("POST", "/v1/shelters/999/retire", "root", {{"reason", "r"}}), 404, "not_found");
  problem(call("GET", "/v1/shelters/3/retire", "root"), 405, "method_not_allowed");
}

TEST_F(Shelters, BulkStatusIsOneCommitAndAllOrNothing) {
  // Shelters 1..6 and 10 are in Oslo; 2 is closed already.
  Response r = call("POST", "/v1/status/bulk", "ed",
                    {{"status", "closed"}, {"reason", "air raid over"}, {"country", "NO"}, {"municipality", "Oslo"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json j = test::body_json(r);
  EXPECT_EQ(j["updated"], 6);
  EXPECT_EQ(j["unchanged"], 1);
  EXPECT_EQ(j["revision"], 2) << "one commit";
  EXPECT_EQ(holder.current()->revision(), 2);
  for (ShelterId id : {1, 3, 4, 5, 6}) EXPECT_EQ(holder.current()->by_id(id)->status, Status::closed) << id;
  EXPECT_EQ(holder.current()->by_id(7)->status, Status::open) << "Bærum untouched";
  json audit = test::body_json(call("GET", "/v1/audit?after=11", "root"))["entries"];
  EXPECT_EQ(audit.size(), 6u) << "one entry per changed shelter";
  for (auto& e : audit) {
    EXPECT_EQ(e["revision"], 2);
    EXPECT_EQ(e["actor"], "ed");
    EXPECT_EQ(e["reason"], "air raid over");
  }
  // An editor's selection reaching outside its region changes nothing and names one shelter.
  json f = problem(call("POST", "/v1/status/bulk", "ed", {{"status", "open"}, {"reason", "r"}, {"ids", {1, 7}}}), 403,
                   "forbidden");
  EXPECT_NE(f["detail"].get<std::string>().find("shelter 7"), std::string::npos) << f;
  problem(call("POST", "/v1/status/bulk", "ed", {{"status", "open"}, {"reason", "r"}, {"country", "NO"}}), 403,
          "forbidden");
  EXPECT_EQ(holder.current()->by_id(1)->status, Status::closed);
  // A warden may set its own shelters in bulk.
  Response w = call("POST", "/v1/status/bulk", "ola", {{"status", "open"}, {"reason", "r"}, {"ids", {1, 2}}});
  ASSERT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(test::body_json(w)["updated"], 2);
  // Nothing to change: no new revision.
  Response same = call("POST", "/v1/status/bulk", "ola", {{"status", "open"}, {"reason", "r"}, {"ids", {1, 2}}});
  EXPECT_EQ(test::body_json(same), json({{"updated", 0}, {"unchanged", 2}, {"revision", 3}}));
  auto field = [&](json b, const std::string& name) {
    json e = problem(call("POST", "/v1/status/bulk", "root", b), 422, "invalid_field");
    EXPECT_EQ(e["field"], name) << b;
  };
  field({{"status", "open"}, {"reason", "r"}}, "ids");  // no selection: not everything at once
  field({{"status", "maybe"}, {"reason", "r"}, {"ids", {1}}}, "status");
  field({{"status", "open"}, {"ids", {1}}}, "reason");
  field({{"status", "open"}, {"reason", "r"}, {"ids", {1, 999}}}, "ids");
  field({{"status", "open"}, {"reason", "r"}, {"ids", {"1"}}}, "ids");
  field({{"status", "open"}, {"reason", "r"}, {"ids", json::array()}}, "ids");
  field({{"status", "open"}, {"reason", "r"}, {"ids", {1}}, {"occupancy", 3}}, "occupancy");
  EXPECT_EQ(holder.current()->revision(), 3);
}

TEST_F(Shelters, AnEditorsPolygonRegionLimitsWhatItMayChange) {
  // East Oslo from 10.755 E: Grønland (3) and Tøyen (6) inside, Jernbanetorget
  // (1, 10.7522) just west of it, Bærum far west; 10 has no location.
  const std::string area =
      R"({"type":"Polygon","coordinates":[[[10.755,59.90],[10.80,59.90],[10.80,59.93],[10.755,59.93],[10.755,59.90]]]})";
  {
    SqliteStore side(dir.file("r.db"));
    side.add_user({.name = "east", .role = Role::editor, .region = import::Area::from_geojson(area).geojson()});
    tokens["east"] = issue_token(side, "east", 0, now_utc()).token;
  }
  json page = test::body_json(call("GET", "/v1/shelters", "east"));
  EXPECT_EQ(ids_of(page), (std::set<ShelterId>{3, 6}));
  EXPECT_EQ(status(3, "east", {{"status", "full"}, {"reason", "r"}}).status, 200);
  EXPECT_EQ(patch(6, "east", {{"capacity", 60}, {"reason", "r"}}).status, 200);
  problem(status(1, "east", {{"status", "full"}, {"reason", "r"}}), 403, "forbidden");
  problem(patch(7, "east", {{"capacity", 1}, {"reason", "r"}}), 403, "forbidden");
  problem(patch(10, "east", {{"capacity", 1}, {"reason", "r"}}), 403, "forbidden");  // no location: not inside
  // Moving a shelter out of the area, or creating one outside it, is refused.
  problem(patch(6, "east", {{"location", {10.70, 59.91}}, {"reason", "r"}}), 403, "forbidden");
  const json inside = {{"name", "New"}, {"location", {10.77, 59.92}}, {"country", "NO"}, {"reason", "r"}};
  EXPECT_EQ(call("POST", "/v1/shelters", "east", inside).status, 201);
  json outside = inside;
  outside["location"] = {10.70, 59.92};
  problem(call("POST", "/v1/shelters", "east", outside), 403, "forbidden");
  outside.erase("location");
  problem(call("POST", "/v1/shelters", "east", outside), 403, "forbidden");
  json bulk = problem(call("POST", "/v1/status/bulk", "east", {{"status", "open"}, {"reason", "r"}, {"ids", {3, 1}}}),
                      403, "forbidden");
  EXPECT_NE(bulk["detail"].get<std::string>().find("shelter 1"), std::string::npos);
  // The session shows the area.
  give_password("east");
  auto s = sign_in("east", "east password 1");
  ASSERT_EQ(s.response.status, 200) << s.response.body;
  json region = test::body_json(s.response)["user"]["region"];
  EXPECT_EQ(region["type"], "Polygon");
  EXPECT_EQ(region["coordinates"][0][0], json({10.755, 59.90}));
}

}  // namespace
}  // namespace rifugio::api
