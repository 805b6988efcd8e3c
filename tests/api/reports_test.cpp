// Crowd reports through the handler (no sockets) on a real SQLite store:
// validation, the three rate limits, distinct counting, expiry on a moved
// clock, summaries in /v1/nearest, and the queue (scoping, confirm through
// the write API's commit and audit, dismiss).

#include "api/reports.hpp"

#include <gtest/gtest.h>

#include "../test_util.hpp"
#include "api/handler.hpp"
#include "api/write.hpp"
#include "api_fixture.hpp"
#include "storage/accounts.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rifugio::api {
namespace {

using nlohmann::json;

constexpr ShelterId kExtra = 12;  // ids 12..31: more Oslo shelters, for the per-client limit

class ReportsApi : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteStore seed(dir.file("r.db"));
    ChangeSet cs{"test", "seed", false, {}};
    auto shelters = test::sample_shelters();  // ids 1..11: 7 is in Bærum, 8 and 9 in Fiji, 11 retired
    for (int i = 0; i < 20; ++i)
      shelters.push_back(test::make_shelter(kExtra + i, "Extra " + std::to_string(i), 10.70 + i * 0.001, 59.95));
    for (auto s : shelters) {
      s.id = 0;
      s.keys = {{"t", s.name}};
      cs.changes.push_back({Change::Op::create, s, ""});
    }
    seed.commit(cs);
    seed.add_user({.name = "root", .role = Role::admin});
    seed.add_user({.name = "ed", .role = Role::editor, .country = "NO", .municipality = "Oslo"});
    seed.add_user({.name = "fiji", .role = Role::editor, .country = "FJ"});
    seed.add_user({.name = "ola", .role = Role::warden, .shelters = {1, 2}});
    for (auto name : {"root", "ed", "fiji", "ola"}) tokens[name] = issue_token(seed, name, 0, now_utc()).token;
    holder.replace(spatial::Snapshot::build(seed.revision(), seed.list({})));
    writer = std::make_shared<Writer>(std::make_unique<SqliteStore>(dir.file("r.db")),
                                      [this](Store& s, std::int64_t rev) {
                                        holder.replace(spatial::Snapshot::build(rev, s.list({})));
                                      });
    reports = std::make_shared<Reports>(std::make_unique<SqliteStore>(dir.file("r.db")), holder, writer,
                                        ReportOptions{.clock = [this] { return clock; }});
    handler = std::make_unique<Handler>(holder, HandlerOptions{.writer = writer, .reports = reports});
  }

  Response report(ShelterId id, const std::string& peer, json body) {
    return handler->handle({.method = "POST", .target = "/v1/shelters/" + std::to_string(id) + "/reports",
                            .headers = {{"Content-Type", "application/json"}}, .body = body.dump(), .peer = peer});
  }
  Response report(ShelterId id, const std::string& peer, const char* kind) { return report(id, peer, {{"kind", kind}}); }
  Response call(std::string method, std::string target, const std::string& who, json body = nullptr) {
    Request r{.method = std::move(method), .target = std::move(target)};
    if (!who.empty()) r.headers.emplace_back("Authorization", "Bearer " + (tokens.count(who) ? tokens[who] : who));
    if (!body.is_null()) r.body = body.dump();
    return handler->handle(r);
  }
  json summary(ShelterId id) {
    Response r = handler->handle(test::get("/v1/shelters/" + std::to_string(id) + "/reports"));
    EXPECT_EQ(r.status, 200) << r.body;
    json j = test::body_json(r);
    EXPECT_EQ(j["shelter"], id);
    EXPECT_EQ(j["ttl_s"], 7200);
    return j["summary"];
  }
  json queue(const std::string& who, const std::string& query = "") {
    Response r = call("GET", "/v1/reports" + query, who);
    EXPECT_EQ(r.status, 200) << r.body;
    return test::body_json(r)["reports"];
  }
  json problem(const Response& r, int code, std::string_view name) {
    EXPECT_EQ(r.status, code) << r.body;
    EXPECT_EQ(r.header("Content-Type").value_or(""), "application/problem+json");
    json j = test::body_json(r);
    EXPECT_EQ(j["code"], name) << r.body;
    return j;
  }
  std::int64_t retry_after(const Response& r) {
    problem(r, 429, "too_many_requests");
    return std::stoll(std::string(r.header("Retry-After").value_or("-1")));
  }
  std::int64_t accepted(const Response& r) {
    EXPECT_EQ(r.status, 202) << r.body;
    return test::body_json(r)["report"]["id"].get<std::int64_t>();
  }
  json nearest_result(ShelterId id) {
    Response r = handler->handle(test::get("/v1/nearest?lat=59.9111&lon=10.7522&k=10"));
    EXPECT_EQ(r.status, 200);
    const json j = test::body_json(r);
    for (auto& x : j["results"])
      if (x["id"] == id) return x;
    ADD_FAILURE() << "shelter " << id << " is not in the answer: " << r.body;
    return nullptr;
  }
  std::size_t stored() { return SqliteStore(dir.file("r.db")).reports({.limit = 0}).size(); }

  rifugio::test::TempDir dir;
  spatial::SnapshotHolder holder;
  std::map<std::string, std::string> tokens;
  // A clock an hour behind, so a status set now (the real clock) is newer than every report until a test moves it.
  UnixTime clock = now_utc() - 3600;
  std::shared_ptr<Writer> writer;
  std::shared_ptr<Reports> reports;
  std::unique_ptr<Handler> handler;
};

TEST_F(ReportsApi, BadReportsAnswerWhatAndWhereAndStoreNothing) {
  EXPECT_EQ(problem(report(1, "10.0.0.1", "burning"), 422, "invalid_field")["field"], "kind");
  EXPECT_EQ(problem(report(1, "10.0.0.1", json{{"note", "x"}}), 422, "invalid_field")["field"], "kind");
  EXPECT_EQ(problem(report(1, "10.0.0.1", json{{"kind", 3}}), 422, "invalid_field")["field"], "kind");
  EXPECT_EQ(problem(report(1, "10.0.0.1", json{{"kind", "LOCKED"}}), 422, "invalid_field")["field"], "kind");
  EXPECT_EQ(problem(report(1, "10.0.0.1", json{{"kind", "locked"}, {"status", "x"}}), 422, "invalid_field")["field"],
            "status");
  std::string long_note;
  for (int i = 0; i < 281; ++i) long_note += "é";  // 281 characters, 562 bytes
  json j = problem(report(1, "10.0.0.1", json{{"kind", "locked"}, {"note", long_note}}), 422, "invalid_field");
  EXPECT_EQ(j["field"], "note");
  EXPECT_NE(j["detail"].get<std::string>().find("281"), std::string::npos) << j;
  for (const char* bad : {"line\nbreak", "tab\there", "bell\x07", "del\x7f", "c1 \xc2\x85", "bidi \xe2\x80\xae"}) {
    SCOPED_TRACE(bad);
    j = problem(report(1, "10.0.0.1", json{{"kind", "locked"}, {"note", bad}}), 422, "invalid_field");
    EXPECT_EQ(j["field"], "note");
    EXPECT_NE(j["detail"].get<std::string>().find("control character U+"), std::string::npos) << j;
  }
  EXPECT_EQ(problem(report(1, "10.0.0.1", json{{"kind", "locked"}, {"note", 5}}), 422, "invalid_field")["field"], "note");
  problem(handler->handle({.method = "POST", .target = "/v1/shelters/1/reports", .body = "{not json"}), 400,
          "invalid_body");
  problem(handler->handle({.method = "POST", .target = "/v1/shelters/1/reports", .body = "[]"}), 400, "invalid_body");
  problem(report(999, "10.0.0.1", "locked"), 404, "not_found");
  problem(report(11, "10.0.0.1", "locked"), 404, "not_found");  // retired
  problem(handler->handle({.method = "POST", .target = "/v1/shelters/abc/reports", .body = "{}"}), 404, "not_found");
  problem(handler->handle(test::get("/v1/shelters/999/reports")), 404, "not_found");
  problem(handler->handle({.method = "DELETE", .target = "/v1/shelters/1/reports"}), 405, "method_not_allowed");
  EXPECT_EQ(stored(), 0u);
  // None of those used up the client's allowance.
  for (ShelterId id = kExtra; id < kExtra + 10; ++id) accepted(report(id, "10.0.0.1", "open"));
  // 280 characters is fine.
  accepted(report(1, "10.0.0.2", json{{"kind", "locked"}, {"note", long_note.substr(2)}}));
}

TEST_F(ReportsApi, SummaryCountsDistinctClientsWithTheNewestAge) {
  EXPECT_EQ(summary(1), json::object());
  const UnixTime t0 = clock;
  Response r = report(1, "10.0.0.1", json{{"kind", "locked"}, {"note", "chained"}});
  accepted(r);
  json j = test::body_json(r);
  EXPECT_EQ(j["report"]["kind"], "locked");
  EXPECT_EQ(j["report"]["time"], format_time(t0));
  EXPECT_EQ(j["summary"]["locked"]["count"], 1);
  EXPECT_EQ(r.body.find("chained"), std::string::npos) << "notes are for the warden, not the public";
  clock += 60;
  accepted(report(1, "10.0.0.2", "locked"));
  clock += 60;
  accepted(report(1, "2001:db8:1:2::7", "locked"));
  accepted(report(1, "10.0.0.3", "full"));
  clock += 30;
  json s = summary(1);
  EXPECT_EQ(s, (json{{"locked", {{"count", 3}, {"newest", format_time(t0 + 120)}, {"age_s", 30}}},
                     {"full", {{"count", 1}, {"newest", format_time(t0 + 120)}, {"age_s", 30}}}}));
  // The same /64 and an IPv4-mapped address are the same clients.
  EXPECT_GT(retry_after(report(1, "2001:db8:1:2:ffff::1", "locked")), 0);
  EXPECT_GT(retry_after(report(1, "::ffff:10.0.0.2", "full")), 0);
  EXPECT_GT(retry_after(report(1, "[2001:db8:1:2::9]", "full")), 0);
  accepted(report(1, "2001:db8:1:3::7", "full"));  // the next /64 is someone else
  // One client repeating after the repeat window is still one person.
  clock += 600;
  accepted(report(1, "10.0.0.1", "locked"));
  EXPECT_EQ(summary(1)["locked"]["count"], 3);
  EXPECT_EQ(summary(1)["locked"]["age_s"], 0);
  EXPECT_EQ(summary(1)["full"]["count"], 2);
  // In /v1/nearest on that shelter only.
  EXPECT_EQ(nearest_result(1)["reports"], summary(1));
  EXPECT_FALSE(nearest_result(3).contains("reports"));
  EXPECT_EQ(summary(3), json::object());
}

TEST_F(ReportsApi, PerClientLimitTenPerTenMinutesWithRetryAfter) {
  for (ShelterId id = kExtra; id < kExtra + 10; ++id) {
    accepted(report(id, "192.0.2.9", "open"));
    clock += 10;
  }
  // The oldest of the ten leaves the window 600 s after it was sent: 100 s ago + 500.
  EXPECT_EQ(retry_after(report(kExtra + 10, "192.0.2.9", "open")), 500);
  accepted(report(kExtra + 10, "192.0.2.10", "open"));  // another client is not affected
  clock += 499;
  retry_after(report(kExtra + 10, "192.0.2.9", "open"));
  clock += 1;
  accepted(report(kExtra + 10, "192.0.2.9", "open"));
  EXPECT_EQ(stored(), 12u);
}

TEST_F(ReportsApi, OnePerShelterPerClientAndAHundredPerShelterPerTtl) {
  accepted(report(1, "192.0.2.1", "locked"));
  clock += 100;
  EXPECT_EQ(retry_after(report(1, "192.0.2.1", "full")), 500);  // any kind
  accepted(report(2, "192.0.2.1", "locked"));                  // another shelter is fine
  // A flood from many addresses is capped per shelter.
  for (int i = 2; i <= 100; ++i) accepted(report(1, "192.0.2." + std::to_string(i), "locked"));
  const auto wait = retry_after(report(1, "198.51.100.1", "locked"));
  EXPECT_EQ(wait, 7200 - 100);
  EXPECT_EQ(summary(1)["locked"]["count"], 100);
  clock += wait;
  accepted(report(1, "198.51.100.1", "locked"));
}

TEST_F(ReportsApi, ReportsExpireAfterTheTtl) {
  accepted(report(1, "10.0.0.1", "damaged"));
  clock += 3600;
  accepted(report(1, "10.0.0.2", "damaged"));
  clock += 3599;  // the first is 7199 s old
  EXPECT_EQ(summary(1)["damaged"]["count"], 2);
  EXPECT_EQ(summary(1)["damaged"]["age_s"], 3599);
  clock += 1;
  EXPECT_EQ(summary(1)["damaged"]["count"], 1);
  clock += 3600;
  EXPECT_EQ(summary(1), json::object());
  EXPECT_FALSE(nearest_result(1).contains("reports"));
  EXPECT_EQ(queue("root").size(), 2u) << "expired reports stay in the queue until handled";
}

TEST_F(ReportsApi, AStatusChangeAfterTheReportsReplacesThem) {
  accepted(report(1, "10.0.0.1", "locked"));
  ASSERT_EQ(call("POST", "/v1/shelters/1/status", "ola", {{"status", "full"}, {"reason", "checked: full"}}).status, 200);
  EXPECT_EQ(summary(1), json::object());
  clock = now_utc() + 5;  // a report after the status change counts again
  accepted(report(1, "10.0.0.2", "locked"));
  EXPECT_EQ(summary(1)["locked"]["count"], 1);
}

TEST_F(ReportsApi, QueueNeedsATokenAndIsScopedToTheCaller) {
  const auto r1 = accepted(report(1, "10.0.0.1", json{{"kind", "locked"}, {"note", "gate chained"}}));
  accepted(report(3, "10.0.0.1", "full"));
  const auto r7 = accepted(report(7, "10.0.0.1", "damaged"));
  accepted(report(8, "10.0.0.1", "open"));
  for (const std::string& who : {std::string(), std::string("rf_nonsense")}) {
    problem(call("GET", "/v1/reports", who), 401, "unauthorized");
    problem(call("POST", "/v1/reports/" + std::to_string(r1) + "/confirm", who), 401, "unauthorized");
    problem(call("POST", "/v1/reports/" + std::to_string(r1) + "/dismiss", who), 401, "unauthorized");
  }
  auto shelters = [&](const std::string& who) {
    std::vector<ShelterId> ids;
    for (auto& r : queue(who)) ids.push_back(r["shelter"]);
    return ids;
  };
  EXPECT_EQ(shelters("root"), (std::vector<ShelterId>{8, 7, 3, 1}));  // newest first
  EXPECT_EQ(shelters("ed"), (std::vector<ShelterId>{3, 1}));
  EXPECT_EQ(shelters("fiji"), (std::vector<ShelterId>{8}));
  EXPECT_EQ(shelters("ola"), (std::vector<ShelterId>{1}));
  json first = queue("ola")[0];
  EXPECT_EQ(first["id"], r1);
  EXPECT_EQ(first["shelter_name"], "Jernbanetorget");
  EXPECT_EQ(first["kind"], "locked");
  EXPECT_EQ(first["note"], "gate chained");
  EXPECT_EQ(first["state"], "open");
  EXPECT_EQ(first["handled_by"], nullptr);
  EXPECT_EQ(first["similar"], 0);
  problem(call("GET", "/v1/reports?shelter=3", "ola"), 403, "forbidden");
  problem(call("GET", "/v1/reports?shelter=1", "fiji"), 403, "forbidden");
  problem(call("GET", "/v1/reports?shelter=999", "ola"), 404, "not_found");
  problem(call("POST", "/v1/reports/" + std::to_string(r7) + "/confirm", "ed"), 403, "forbidden");  // Bærum
  problem(call("POST", "/v1/reports/" + std::to_string(r7) + "/dismiss", "ola"), 403, "forbidden");
  EXPECT_EQ(problem(call("GET", "/v1/reports?state=gone", "root"), 400, "invalid_parameter")["parameter"], "state");
  problem(call("GET", "/v1/reports?limit=0", "root"), 400, "invalid_parameter");
  problem(call("GET", "/v1/reports?sort=age", "root"), 400, "unknown_parameter");
  EXPECT_EQ(queue("root", "?limit=2").size(), 2u);
  EXPECT_EQ(queue("root", "?state=dismissed").size(), 0u);
  problem(call("POST", "/v1/reports/999/confirm", "root"), 404, "not_found");
  problem(call("POST", "/v1/reports/abc/confirm", "root"), 404, "not_found");
  problem(call("POST", "/v1/reports/1/frobnicate", "root"), 404, "not_found");
  problem(call("GET", "/v1/reports/1/confirm", "root"), 405, "method_not_allowed");
  problem(call("POST", "/v1/reports", "root"), 405, "method_not_allowed");
  EXPECT_EQ(SqliteStore(dir.file("r.db")).report(r7)->state, ReportState::open);
}

TEST_F(ReportsApi, ConfirmSetsTheStatusAsTheCallerAuditedAndSettlesTheSameKind) {
  const auto a = accepted(report(1, "10.0.0.1", "locked"));
  const auto b = accepted(report(1, "10.0.0.2", "locked"));
  const auto c = accepted(report(1, "10.0.0.3", "open"));
  EXPECT_EQ(queue("ola")[1]["similar"], 1);  // a: b is like it
  const auto version = SqliteStore(dir.file("r.db")).get(1)->version;
  Response r = call("POST", "/v1/reports/" + std::to_string(a) + "/confirm", "ola", {{"reason", "saw it myself"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json j = test::body_json(r);
  EXPECT_EQ(j["shelter"], (json{{"id", 1}, {"status", "closed"}, {"version", version + 1}}));
  EXPECT_EQ(j["report"]["id"], a);
  EXPECT_EQ(j["report"]["state"], "confirmed");
  EXPECT_EQ(j["report"]["handled_by"], "ola");
  EXPECT_EQ(j["report"]["handled_reason"], "saw it myself");
  EXPECT_EQ(nearest_result(1)["status"], "closed");  // published at once
  // Audited as the caller, naming the report.
  json audit = test::body_json(call("GET", "/v1/audit?shelter=1", "root"))["entries"];
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back()["actor"], "ola");
  EXPECT_EQ(audit.back()["reason"], "crowd report #" + std::to_string(a) + " confirmed: saw it myself");
  EXPECT_EQ(audit.back()["after"]["status"], "closed");
  // The other locked report went with it; the open one is still waiting.
  SqliteStore check(dir.file("r.db"));
  EXPECT_EQ(check.report(b)->state, ReportState::confirmed);
  EXPECT_EQ(check.report(c)->state, ReportState::open);
  EXPECT_EQ(check.get(1)->status_by, "ola");
  // Confirmed reports no longer count, and the status change replaces the contradicting one.
  EXPECT_EQ(summary(1), json::object());
  EXPECT_FALSE(nearest_result(1).contains("reports"));
  EXPECT_EQ(queue("ola").size(), 1u);
  EXPECT_EQ(queue("ola", "?state=confirmed").size(), 2u);
  // Once only.
  problem(call("POST", "/v1/reports/" + std::to_string(b) + "/confirm", "ola"), 409, "conflict");
  problem(call("POST", "/v1/reports/" + std::to_string(a) + "/dismiss", "root"), 409, "conflict");
  // full -> full, open -> open; an empty body is fine.
  r = call("POST", "/v1/reports/" + std::to_string(c) + "/confirm", "ed");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(test::body_json(r)["shelter"]["status"], "open");
  EXPECT_EQ(test::body_json(call("GET", "/v1/audit?shelter=1", "root"))["entries"].back()["reason"],
            "crowd report #" + std::to_string(c) + " confirmed");
  clock = now_utc() + 5;
  const auto f = accepted(report(2, "10.0.0.4", "full"));
  r = call("POST", "/v1/reports/" + std::to_string(f) + "/confirm", "root", {{"reason", 7}});
  EXPECT_EQ(problem(r, 422, "invalid_field")["field"], "reason");
  r = call("POST", "/v1/reports/" + std::to_string(f) + "/confirm", "root");
  EXPECT_EQ(test::body_json(r)["shelter"]["status"], "full");
}

TEST_F(ReportsApi, DismissRecordsWhoWhenWhyAndChangesNoStatus) {
  const auto a = accepted(report(1, "10.0.0.1", "locked"));
  accepted(report(1, "10.0.0.2", "locked"));
  const auto revision = holder.current()->revision();
  clock += 42;
  Response r = call("POST", "/v1/reports/" + std::to_string(a) + "/dismiss", "ola", {{"reason", "door was fine"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json j = test::body_json(r);
  EXPECT_FALSE(j.contains("shelter"));
  EXPECT_EQ(j["report"]["state"], "dismissed");
  EXPECT_EQ(j["report"]["handled_by"], "ola");
  EXPECT_EQ(j["report"]["handled_time"], format_time(clock));
  EXPECT_EQ(j["report"]["handled_reason"], "door was fine");
  EXPECT_EQ(holder.current()->revision(), revision);
  EXPECT_EQ(nearest_result(1)["status"], "open");
  EXPECT_EQ(summary(1)["locked"]["count"], 1);  // only that one
  EXPECT_EQ(queue("ola", "?state=dismissed").size(), 1u);
  EXPECT_EQ(queue("ola").size(), 1u);
}

TEST_F(ReportsApi, HostileNotesAreStoredVerbatimAndNeverLogged) {
  const std::string notes[] = {"'); DROP TABLE reports;--", "\" OR 1=1; --", "<img src=x onerror=alert(1)>",
                               "Robert'); DELETE FROM audit;--", "סגור ומוצף", "مغلق"};
  testing::internal::CaptureStderr();
  int i = 0;
  for (const auto& n : notes) accepted(report(kExtra + i++, "10.0.0.1", json{{"kind", "damaged"}, {"note", n}}));
  json q = queue("root");
  Response junk = report(1, "10.0.0.1", json{{"kind", "nope"}, {"note", notes[0]}});
  const std::string err = testing::internal::GetCapturedStderr();
  ASSERT_EQ(q.size(), std::size(notes));
  for (std::size_t k = 0; k < std::size(notes); ++k) EXPECT_EQ(q[std::size(notes) - 1 - k]["note"], notes[k]);
  for (const auto& n : notes) EXPECT_EQ(err.find(n), std::string::npos) << err;
  EXPECT_EQ(junk.body.find("DROP"), std::string::npos) << "a rejected note is not echoed either";
  SqliteStore check(dir.file("r.db"));
  EXPECT_EQ(check.list({}).size(), 30u);
  EXPECT_EQ(check.reports({.limit = 0}).size(), std::size(notes));
}

TEST_F(ReportsApi, TheQueueTakesTheSessionCookieWithItsCsrfToken) {
  const auto a = accepted(report(1, "10.0.0.1", "full"));
  {
    SqliteStore s(dir.file("r.db"));
    set_password(s, "ola", "ola password 1");
  }
  Response in = handler->handle({.method = "POST", .target = "/v1/session",
                                 .body = json{{"user", "ola"}, {"password", "ola password 1"}}.dump()});
  ASSERT_EQ(in.status, 200) << in.body;
  const std::string set(in.header("Set-Cookie").value_or(""));
  const std::string cookie = set.substr(0, set.find(';'));
  const std::string csrf = test::body_json(in)["csrf"];
  auto with_cookie = [&](std::string method, std::string target, std::string token) {
    Request r{.method = std::move(method), .target = std::move(target), .headers = {{"Cookie", cookie}}};
    if (!token.empty()) r.headers.emplace_back("X-CSRF-Token", std::move(token));
    return handler->handle(r);
  };
  Response q = with_cookie("GET", "/v1/reports", "");
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(test::body_json(q)["reports"][0]["id"], a);
  const std::string confirm = "/v1/reports/" + std::to_string(a) + "/confirm";
  problem(with_cookie("POST", confirm, ""), 403, "forbidden");
  problem(with_cookie("POST", confirm, "wrong"), 403, "forbidden");
  EXPECT_EQ(SqliteStore(dir.file("r.db")).report(a)->state, ReportState::open);
  Response ok = with_cookie("POST", confirm, csrf);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(test::body_json(ok)["shelter"]["status"], "full");
}

TEST_F(ReportsApi, PreflightAndAServerWithoutReports) {
  Response r = handler->handle({.method = "OPTIONS", .target = "/v1/shelters/1/reports"});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("Access-Control-Allow-Methods").value_or(""), "GET, HEAD, POST, OPTIONS");
  EXPECT_NE(r.header("Access-Control-Allow-Headers").value_or("").find("Content-Type"), std::string::npos);
  Handler bare(holder);
  EXPECT_EQ(bare.handle(test::get("/v1/shelters/1/reports")).status, 404);
  EXPECT_EQ(bare.handle(test::get("/v1/reports")).status, 404);
  EXPECT_FALSE(test::body_json(bare.handle(test::get("/v1/nearest?lat=59.9111&lon=10.7522")))["results"][0].contains(
      "reports"));
}

}  // namespace
}  // namespace rifugio::api
