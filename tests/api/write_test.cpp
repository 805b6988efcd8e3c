// The write API through the handler (no sockets): bearer tokens, roles and
// regions, If-Match, field validation, audit, and that a change is in
// /v1/nearest right after it is answered.

#include "api/write.hpp"

#include <gtest/gtest.h>

#include "../test_util.hpp"
#include "api/handler.hpp"
#include "api_fixture.hpp"
#include "write_fixture.hpp"
#include "storage/accounts.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rifugio::api {
namespace {

using nlohmann::json;

TEST_F(WriteApi, EveryEndpointAnswers401WithoutAValidToken) {
  const json st = {{"status", "open"}, {"reason", "r"}};
  const json pa = {{"capacity", 5}, {"reason", "r"}};
  std::string wrong = tokens["root"];
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  for (std::string who : {std::string(), std::string("rf_nonsense"), wrong, expired, revoked,
                          std::string("'); DROP TABLE api_tokens;--")}) {
    SCOPED_TRACE(who);
    std::vector<Response> answers = {status(1, who, st), patch(1, who, pa), call("GET", "/v1/shelters/1", who),
                                     call("GET", "/v1/audit?shelter=1", who)};
    for (auto& r : answers) {
      json j = problem(r, 401, "unauthorized");
      EXPECT_EQ(r.header("WWW-Authenticate").value_or(""), "Bearer realm=\"rifugio\"");
      if (!who.empty()) {
        EXPECT_EQ(r.body.find(who.substr(3)), std::string::npos) << "the token is echoed";
      }
    }
  }
  EXPECT_NE(test::body_json(status(1, expired, st))["detail"].get<std::string>().find("expired"), std::string::npos);
  EXPECT_NE(test::body_json(status(1, revoked, st))["detail"].get<std::string>().find("revoked"), std::string::npos);
  // Another scheme is not a bearer token.
  Request basic{.method = "POST", .target = "/v1/shelters/1/status", .headers = {{"Authorization", "Basic cm9vdDpyb290"}},
                .body = st.dump()};
  problem(handler.handle(basic), 401, "unauthorized");
  // Nothing was written.
  EXPECT_EQ(holder.current()->revision(), 1);
}

TEST_F(WriteApi, RolesAndRegionsAnswer403) {
  const json st = {{"status", "closed"}, {"reason", "r"}};
  problem(status(3, "ola", st), 403, "forbidden");        // not the warden's shelter
  problem(patch(1, "ola", {{"capacity", 5}, {"reason", "r"}}), 403, "forbidden");  // wardens set status only
  problem(status(7, "ed", st), 403, "forbidden");         // Bærum is outside Oslo
  problem(patch(7, "ed", {{"capacity", 5}, {"reason", "r"}}), 403, "forbidden");
  problem(patch(8, "ed", {{"capacity", 5}, {"reason", "r"}}), 403, "forbidden");  // Fiji
  problem(patch(1, "fiji", {{"capacity", 5}, {"reason", "r"}}), 403, "forbidden");
  // An editor cannot move a shelter out of its region.
  problem(patch(1, "ed", {{"municipality", "Bærum"}, {"reason", "r"}}), 403, "forbidden");
  problem(patch(1, "ed", {{"country", "SE"}, {"reason", "r"}}), 403, "forbidden");
  problem(call("GET", "/v1/audit?shelter=1", "ola"), 403, "forbidden");
  problem(call("GET", "/v1/audit?shelter=7", "ed"), 403, "forbidden");
  EXPECT_EQ(holder.current()->revision(), 1);
  // Inside role and region it works.
  EXPECT_EQ(status(2, "ola", {{"status", "full"}, {"reason", "r"}}).status, 200);
  EXPECT_EQ(status(3, "ed", st).status, 200);
  EXPECT_EQ(patch(8, "fiji", {{"capacity", 5}, {"reason", "r"}}).status, 200);
  EXPECT_EQ(patch(7, "root", {{"capacity", 5}, {"reason", "r"}}).status, 200);
  EXPECT_EQ(holder.current()->revision(), 5);
}

TEST_F(WriteApi, StatusChangeIsInNearestRightAfterAndAudited) {
  ASSERT_EQ(nearest_result(1)["status"], "open");
  Response r = status(1, "ola", {{"status", "full"}, {"occupancy", 100}, {"reason", "counted at the door"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json j = test::body_json(r);
  EXPECT_EQ(j["status"], "full");
  EXPECT_EQ(j["occupancy"], 100);
  EXPECT_EQ(j["version"], 2);
  EXPECT_EQ(j["revision"], 2);
  EXPECT_EQ(r.header("ETag").value_or(""), "\"2\"");
  // No wait for the watcher: the snapshot is published before the answer.
  json n = nearest_result(1);
  EXPECT_EQ(n["status"], "full");
  EXPECT_EQ(n["occupancy"], 100);
  EXPECT_EQ(test::body_json(handler.handle(test::get("/readyz")))["revision"], 2);

  Response a = call("GET", "/v1/audit?shelter=1", "root");
  ASSERT_EQ(a.status, 200) << a.body;
  json entries = test::body_json(a)["entries"];
  ASSERT_EQ(entries.size(), 2u);  // create, then the status
  EXPECT_EQ(entries[1]["actor"], "ola");
  EXPECT_EQ(entries[1]["reason"], "counted at the door");
  EXPECT_EQ(entries[1]["before"]["status"], "open");
  EXPECT_EQ(entries[1]["after"]["status"], "full");
  EXPECT_EQ(entries[1]["after"]["occupancy"], 100);

  // The stored record says who set the status; occupancy null clears it.
  json rec = test::body_json(call("GET", "/v1/shelters/1", "ola"));
  EXPECT_EQ(rec["status_by"], "ola");
  ASSERT_EQ(status(1, "ola", {{"status", "open"}, {"occupancy", nullptr}, {"reason", "emptied"}}).status, 200);
  EXPECT_TRUE(nearest_result(1)["occupancy"].is_null());
}

TEST_F(WriteApi, StaleIfMatchAnswers412) {
  Response got = call("GET", "/v1/shelters/4", "ed");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.header("ETag").value_or(""), "\"1\"");
  EXPECT_EQ(test::body_json(got)["version"], 1);
  Response first = patch(4, "ed", {{"capacity", 120}, {"reason", "recount"}}, {{"If-Match", "\"1\""}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("ETag").value_or(""), "\"2\"");
  EXPECT_EQ(test::body_json(first)["capacity"], 120);
  // A second editor who read version 1 loses.
  json j = problem(patch(4, "root", {{"capacity", 90}, {"reason", "x"}}, {{"If-Match", "\"1\""}}), 412,
                   "precondition_failed");
  EXPECT_NE(j["detail"].get<std::string>().find("version 2"), std::string::npos) << j;
  problem(status(4, "ed", {{"status", "closed"}, {"reason", "x"}}, {{"If-Match", "\"1\""}}), 412,
          "precondition_failed");
  problem(patch(4, "ed", {{"capacity", 90}, {"reason", "x"}}, {{"If-Match", "2"}}), 400, "bad_request");
  problem(patch(4, "ed", {{"capacity", 90}, {"reason", "x"}}, {{"If-Match", "W/\"2\""}}), 400, "bad_request");
  EXPECT_EQ(nearest_result(4)["capacity"], 120);
  EXPECT_EQ(patch(4, "ed", {{"capacity", 90}, {"reason", "x"}}, {{"If-Match", "\"2\""}}).status, 200);
  EXPECT_EQ(patch(4, "ed", {{"capacity", 91}, {"reason", "x"}}, {{"If-Match", "*"}}).status, 200);
}

TEST_F(WriteApi, ValidationErrorsNameTheField) {
  auto field_error = [&](json body, const std::string& field) {
    SCOPED_TRACE(body.dump());
    json j = problem(patch(1, "ed", body), 422, "invalid_field");
    EXPECT_EQ(j.value("field", ""), field);
    EXPECT_TRUE(j["detail"].get<std::string>().starts_with(field + ":")) << j["detail"];
  };
  field_error({{"capacity", "abc"}, {"reason", "r"}}, "capacity");
  field_error({{"capacity", -5}, {"reason", "r"}}, "capacity");
  field_error({{"capacity", 1.5}, {"reason", "r"}}, "capacity");
  field_error({{"country", "norway"}, {"reason", "r"}}, "country");
  field_error({{"kind", "castle"}, {"reason", "r"}}, "kind");
  field_error({{"location", {10.7, 95.0}}, {"reason", "r"}}, "location");
  field_error({{"location", "north"}, {"reason", "r"}}, "location");
  field_error({{"colour", "red"}, {"reason", "r"}}, "colour");
  field_error({{"version", 9}, {"reason", "r"}}, "version");
  field_error({{"capacity", 5}}, "reason");
  field_error({{"capacity", 5}, {"reason", ""}}, "reason");
  field_error({{"name", {{"a", 1}}}, {"reason", "r"}}, "name");

  auto status_error = [&](json body, const std::string& field) {
    SCOPED_TRACE(body.dump());
    json j = problem(status(1, "ola", body), 422, "invalid_field");
    EXPECT_EQ(j.value("field", ""), field);
  };
  status_error({{"status", "maybe"}, {"reason", "r"}}, "status");
  status_error({{"reason", "r"}}, "status");
  status_error({{"status", "open"}, {"occupancy", -1}, {"reason", "r"}}, "occupancy");
  status_error({{"status", "open"}, {"occupancy", "many"}, {"reason", "r"}}, "occupancy");
  status_error({{"status", "open"}, {"capacity", 3}, {"reason", "r"}}, "capacity");
  status_error({{"status", "open"}}, "reason");

  Request bad{.method = "PATCH", .target = "/v1/shelters/1", .headers = {{"Authorization", "Bearer " + tokens["ed"]}},
              .body = "{\"capacity\": 5,"};
  problem(handler.handle(bad), 400, "invalid_body");
  bad.body = "[1, 2]";
  problem(handler.handle(bad), 400, "invalid_body");
  problem(patch(999, "root", {{"capacity", 5}, {"reason", "r"}}), 404, "not_found");
  problem(call("GET", "/v1/shelters/abc", "root"), 404, "not_found");
  EXPECT_EQ(holder.current()->revision(), 1) << "nothing invalid was written";

  // Valid values in their JSON form: location [lon, lat], null clears.
  Response ok = patch(1, "ed", {{"location", {10.75, 59.91}}, {"capacity", nullptr}, {"kind", "bunker"}, {"reason", "r"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  json rec = test::body_json(ok);
  EXPECT_EQ(rec["location"], json({10.75, 59.91}));
  EXPECT_TRUE(rec["capacity"].is_null());
  EXPECT_EQ(rec["kind"], "bunker");
}

TEST_F(WriteApi, InjectionStringsAreStoredVerbatim) {
  const std::string evil = "'); DROP TABLE shelters;--";
  const std::string evil2 = "Robert\"); DELETE FROM audit; -- \\ %00 <script>";
  Response r = patch(1, "ed", {{"name", evil}, {"address", evil2}, {"opening_hours", "1 OR 1=1"}, {"reason", evil}});
  ASSERT_EQ(r.status, 200) << r.body;
  json rec = test::body_json(call("GET", "/v1/shelters/1", "ed"));
  EXPECT_EQ(rec["name"], evil);
  EXPECT_EQ(rec["address"], evil2);
  EXPECT_EQ(rec["opening_hours"], "1 OR 1=1");
  EXPECT_EQ(nearest_result(1)["name"], evil);
  EXPECT_EQ(nearest_result(2)["name"], "Stortinget") << "other rows untouched";
  json entries = test::body_json(call("GET", "/v1/audit?shelter=1", "root"))["entries"];
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1]["reason"], evil);
  EXPECT_EQ(entries[1]["after"]["name"], evil);
  problem(call("GET", "/v1/audit?shelter=1%20OR%201=1", "root"), 400, "invalid_parameter");
  problem(call("GET", "/v1/audit?shelter=1;DROP%20TABLE%20audit", "root"), 400, "invalid_parameter");
  problem(call("GET", "/v1/shelters/1%20OR%201=1", "root"), 404, "not_found");
  EXPECT_EQ(test::body_json(call("GET", "/v1/audit", "root"))["entries"].size(), 12u);
}

TEST_F(WriteApi, AuditIsLimitedToTheEditorsRegion) {
  ASSERT_EQ(status(1, "ola", {{"status", "closed"}, {"reason", "a"}}).status, 200);
  ASSERT_EQ(patch(7, "root", {{"capacity", 7}, {"reason", "b"}}).status, 200);
  ASSERT_EQ(patch(8, "fiji", {{"capacity", 8}, {"reason", "c"}}).status, 200);
  json all = test::body_json(call("GET", "/v1/audit?after=11", "root"));
  EXPECT_EQ(all["entries"].size(), 3u);
  json ed = test::body_json(call("GET", "/v1/audit?after=11", "ed"));
  ASSERT_EQ(ed["entries"].size(), 1u) << ed;
  EXPECT_EQ(ed["entries"][0]["shelter"], 1);
  json fiji = test::body_json(call("GET", "/v1/audit", "fiji"));
  for (auto& e : fiji["entries"]) EXPECT_TRUE(e["shelter"] == 8 || e["shelter"] == 9) << e;
  EXPECT_EQ(fiji["entries"].size(), 3u);  // two creates and the change
  json page = test::body_json(call("GET", "/v1/audit?limit=2", "root"));
  EXPECT_EQ(page["entries"].size(), 2u);
  EXPECT_EQ(page["next_after"], 2);
  problem(call("GET", "/v1/audit?limit=0", "root"), 400, "invalid_parameter");
  problem(call("GET", "/v1/audit?shelter=1&shelter=2", "root"), 400, "invalid_parameter");
  problem(call("GET", "/v1/audit?who=1", "root"), 400, "unknown_parameter");
}

TEST_F(WriteApi, MethodsPreflightAndAServerWithoutWriter) {
  Response r = call("DELETE", "/v1/shelters/1", "root");
  problem(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header("Allow").value_or(""), "GET, PATCH, OPTIONS");
  EXPECT_EQ(call("GET", "/v1/shelters/1/status", "root").status, 405);
  Response pre = call("OPTIONS", "/v1/shelters/1/status", "");
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.header("Access-Control-Allow-Headers").value_or(""), "Authorization, Content-Type, If-Match");
  Handler read_only(holder);
  Request req{.method = "POST", .target = "/v1/shelters/1/status", .body = "{}"};
  problem(read_only.handle(req), 404, "not_found");
  // Metrics name the routes and the new statuses.
  status(1, "", {{"status", "open"}, {"reason", "r"}});
  std::string m = handler.handle(test::get("/metrics")).body;
  EXPECT_NE(m.find("rifugio_http_requests_total{route=\"shelter_status\",status=\"401\"} 1"), std::string::npos) << m;
}

}  // namespace
}  // namespace rifugio::api
