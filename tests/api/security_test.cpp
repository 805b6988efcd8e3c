// Every protected endpoint, old and new, against every way of not being
// allowed: no credentials, a bad, expired or revoked token, no, a made-up,
// an expired or a signed-out session (401); a role or region that does not
// reach, a cookie without or with a wrong CSRF token (403). Then injection
// strings in every text field and query parameter, stored or refused verbatim.

#include <gtest/gtest.h>

#include "write_fixture.hpp"

namespace rifugio::api {
namespace {

using Security = WriteApi;

struct Endpoint {
  std::string method, target;
  json body;
};

// Each protected endpoint with a body that would be accepted from an admin.
std::vector<Endpoint> endpoints() {
  const json create = {{"name", "N"}, {"municipality", "Oslo"}, {"country", "NO"}, {"reason", "r"}};
  return {
      {"GET", "/v1/shelters", nullptr},
      {"POST", "/v1/shelters", create},
      {"GET", "/v1/shelters/1", nullptr},
      {"PATCH", "/v1/shelters/1", {{"capacity", 5}, {"reason", "r"}}},
      {"POST", "/v1/shelters/1/status", {{"status", "full"}, {"reason", "r"}}},
      {"POST", "/v1/shelters/1/retire", {{"reason", "r"}}},
      {"POST", "/v1/status/bulk", {{"status", "full"}, {"reason", "r"}, {"ids", {1}}}},
      {"GET", "/v1/audit", nullptr},
      {"GET", "/v1/session", nullptr},
      {"DELETE", "/v1/session", nullptr},
      {"GET", "/v1/imports/mappings", nullptr},
      {"POST", "/v1/imports?mapping=t&dry_run=false", nullptr},
  };
}

TEST_F(Security, EveryEndpointAnswers401WithoutValidCredentials) {
  give_password("root");
  auto out = sign_in("root", "root password 1");
  ASSERT_EQ(out.response.status, 200);
  ASSERT_EQ(with_session("DELETE", "/v1/session", out).status, 204);
  SqliteStore side(dir.file("r.db"));
  auto old = start_session(side, "root", now_utc() - kSessionSeconds - 60);
  const SignedIn expired_session{{}, "rifugio_session=" + old.id, old.record.csrf};
  const SignedIn made_up{{}, "rifugio_session=" + std::string(43, 'x'), "x"};
  std::string wrong = tokens["root"];
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';

  for (const auto& e : endpoints()) {
    SCOPED_TRACE(e.method + " " + e.target);
    for (const std::string& who : {std::string(), wrong, expired, revoked})
      problem(call(e.method, e.target, who, e.body), 401, "unauthorized");
    for (const SignedIn* s : {static_cast<const SignedIn*>(&out), &expired_session, &made_up})
      problem(with_session(e.method, e.target, *s, e.body), 401, "unauthorized");
  }
  EXPECT_EQ(holder.current()->revision(), 1) << "nothing was written";
}

TEST_F(Security, CookieChangesWithoutTheCsrfTokenAnswer403) {
  auto s = sign_in("root", give_password("root"));
  ASSERT_EQ(s.response.status, 200);
  for (const auto& e : endpoints()) {
    if (e.method == "GET") continue;
    SCOPED_TRACE(e.method + " " + e.target);
    problem(with_session(e.method, e.target, s, e.body, ""), 403, "forbidden");
    problem(with_session(e.method, e.target, s, e.body, "not-the-token"), 403, "forbidden");
    problem(with_session(e.method, e.target, s, e.body, s.csrf + "x"), 403, "forbidden");
  }
  EXPECT_EQ(holder.current()->revision(), 1);
  EXPECT_EQ(with_session("GET", "/v1/session", s).status, 200) << "the session survived";
}

TEST_F(Security, RolesAndRegionsAnswer403OnEveryChange) {
  // Shelter 7 is in Bærum: outside "ed" (Oslo) and "fiji"; "ola" wards 1 and 2 only.
  const json in_baerum = {{"name", "N"}, {"municipality", "Bærum"}, {"country", "NO"}, {"reason", "r"}};
  struct Case {
    std::string who, method, target;
    json body;
  };
  const std::vector<Case> cases = {
      {"ola", "POST", "/v1/shelters", in_baerum},
      {"ed", "POST", "/v1/shelters", in_baerum},
      {"fiji", "POST", "/v1/shelters", in_baerum},
      {"ola", "PATCH", "/v1/shelters/1", {{"capacity", 5}, {"reason", "r"}}},
      {"ed", "PATCH", "/v1/shelters/7", {{"capacity", 5}, {"reason", "r"}}},
      {"ola", "POST", "/v1/shelters/3/status", {{"status", "full"}, {"reason", "r"}}},
      {"ed", "POST", "/v1/shelters/7/status", {{"status", "full"}, {"reason", "r"}}},
      {"ola", "POST", "/v1/shelters/1/retire", {{"reason", "r"}}},
      {"ed", "POST", "/v1/shelters/7/retire", {{"reason", "r"}}},
      {"fiji", "POST", "/v1/shelters/1/retire", {{"reason", "r"}}},
      {"ola", "POST", "/v1/status/bulk", {{"status", "full"}, {"reason", "r"}, {"ids", {1, 3}}}},
      {"ed", "POST", "/v1/status/bulk", {{"status", "full"}, {"reason", "r"}, {"municipality", "Bærum"}}},
      {"ola", "GET", "/v1/audit", nullptr},
      {"ed", "GET", "/v1/audit?shelter=7", nullptr},
      {"ola", "GET", "/v1/imports/mappings", nullptr},
      {"ola", "POST", "/v1/imports?mapping=t&dry_run=true", nullptr},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.who + " " + c.method + " " + c.target);
    json j = problem(call(c.method, c.target, c.who, c.body), 403, "forbidden");
    EXPECT_NE(j["detail"].get<std::string>().find(c.who), std::string::npos) << "names who was refused";
  }
  EXPECT_EQ(holder.current()->revision(), 1);
  // The same through a session: the cookie carries the same role.
  auto s = sign_in("ed", give_password("ed"));
  problem(with_session("PATCH", "/v1/shelters/7", s, {{"capacity", 5}, {"reason", "r"}}), 403, "forbidden");
  EXPECT_EQ(with_session("PATCH", "/v1/shelters/1", s, {{"capacity", 5}, {"reason", "r"}}).status, 200);
}

TEST_F(Security, InjectionStringsAreStoredOrRefusedVerbatim) {
  const std::vector<std::string> evil = {"'); DROP TABLE shelters;--", "\" OR 1=1 --", "1; DELETE FROM audit",
                                         "Robert'); DROP TABLE users;-- \\ %00 <script>alert(1)</script>",
                                         "' UNION SELECT hash FROM api_tokens --"};
  std::size_t n = 0;
  for (const auto& e : evil) {
    SCOPED_TRACE(e);
    const json body = {{"name", e},          {"address", e},          {"municipality", "Oslo"},
                       {"region", e},        {"country", "NO"},       {"opening_hours", e},
                       {"licence", e},       {"key", {{"source", e}, {"id", e + std::to_string(n)}}},
                       {"reason", e}};
    Response r = call("POST", "/v1/shelters", "ed", body);
    ASSERT_EQ(r.status, 201) << r.body;
    ++n;
    const ShelterId id = test::body_json(r)["id"];
    json rec = test::body_json(call("GET", "/v1/shelters/" + std::to_string(id), "ed"));
    for (auto f : {"name", "address", "region", "opening_hours", "licence"}) EXPECT_EQ(rec[f], e) << f;
    EXPECT_EQ(rec["keys"][0]["source"], e);
    EXPECT_EQ(rec["source"], e);
    EXPECT_EQ(holder.current()->by_id(id)->name, e);
    json entries = test::body_json(call("GET", "/v1/audit?shelter=" + std::to_string(id), "root"))["entries"];
    EXPECT_EQ(entries[0]["reason"], e);
    // Found by searching for it, in every text parameter.
    const std::string q = percent_encode(e);
    EXPECT_EQ(test::body_json(call("GET", "/v1/shelters?q=" + q, "ed"))["total"], 1) << "q";
    EXPECT_EQ(test::body_json(call("GET", "/v1/shelters?source=" + q, "ed"))["total"], 1) << "source";
    EXPECT_EQ(test::body_json(call("GET", "/v1/shelters?municipality=" + q, "root"))["total"], 0);
    EXPECT_EQ(test::body_json(call("GET", "/v1/shelters?country=" + q, "root"))["total"], 0);
    // Refused where the value has a fixed form; the answer quotes it as data.
    for (auto param : {"status", "retired", "limit", "offset"})
      problem(call("GET", std::string("/v1/shelters?") + param + "=" + q, "root"), 400, "invalid_parameter");
    problem(call("GET", "/v1/audit?shelter=" + q, "root"), 400, "invalid_parameter");
    problem(call("GET", "/v1/audit?after=" + q, "root"), 400, "invalid_parameter");
    problem(call("POST", "/v1/shelters", "root", {{"name", "x"}, {"country", e}, {"reason", "r"}}), 422,
            "invalid_field");
    problem(call("POST", "/v1/status/bulk", "root", {{"status", e}, {"reason", "r"}, {"ids", {1}}}), 422,
            "invalid_field");
    // Selecting by an injected municipality changes nothing.
    Response bulk =
        call("POST", "/v1/status/bulk", "root", {{"status", "closed"}, {"reason", e}, {"municipality", e}});
    ASSERT_EQ(bulk.status, 200) << bulk.body;
    EXPECT_EQ(test::body_json(bulk)["updated"], 0);
    // Signing in as it is a plain wrong name.
    problem(sign_in(e, e + " password").response, 401, "unauthorized");
  }
  // The register is whole: the seeded shelters, the new ones, every account.
  EXPECT_EQ(test::body_json(call("GET", "/v1/shelters?retired=any&limit=500", "root"))["total"], 11 + evil.size());
  SqliteStore side(dir.file("r.db"));
  for (auto name : {"root", "ed", "fiji", "ola"}) EXPECT_TRUE(side.user(name)) << name;
  EXPECT_EQ(call("GET", "/v1/shelters/2", "root").status, 200);
}

}  // namespace
}  // namespace rifugio::api
