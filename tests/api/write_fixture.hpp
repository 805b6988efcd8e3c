#pragma once
// The write API's test fixture: a real SQLite store with the sample
// shelters (ids 1..11: 7 is in Bærum, 8 and 9 in Fiji), an admin "root", an
// editor "ed" (NO/Oslo), an editor "fiji" (FJ), a warden "ola" (shelters 1
// and 2), a token for each, an expired and a revoked token; the handler
// publishes each commit into `holder`.

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "../test_util.hpp"
#include "api/handler.hpp"
#include "api/write.hpp"
#include "api_fixture.hpp"
#include "storage/accounts.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rifugio::api {

using nlohmann::json;

class WriteApi : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteStore seed(dir.file("r.db"));
    ChangeSet cs{"test", "seed", false, {}};
    for (auto s : test::sample_shelters()) {  // ids 1..11 in order: 7 is in Bærum, 8 and 9 in Fiji
      s.id = 0;
      s.keys = {{"t", s.name}};
      cs.changes.push_back({Change::Op::create, s, ""});
    }
    seed.commit(cs);
    seed.add_user({.name = "root", .role = Role::admin});
    seed.add_user({.name = "ed", .role = Role::editor, .country = "NO", .municipality = "Oslo"});
    seed.add_user({.name = "fiji", .role = Role::editor, .country = "FJ"});
    seed.add_user({.name = "ola", .role = Role::warden, .shelters = {1, 2}});
    const UnixTime now = now_utc();
    for (auto name : {"root", "ed", "fiji", "ola"}) tokens[name] = issue_token(seed, name, 0, now).token;
    expired = issue_token(seed, "root", 1, now - 2 * 86400).token;
    auto r = issue_token(seed, "root", 0, now);
    revoked = r.token;
    seed.revoke_token(r.record.id, now);
    holder.replace(spatial::Snapshot::build(seed.revision(), seed.list({})));
  }

  Response call(std::string method, std::string target, const std::string& who, json body = nullptr,
                Headers extra = {}) {
    Request r{.method = std::move(method), .target = std::move(target)};
    if (!who.empty()) r.headers.emplace_back("Authorization", "Bearer " + (tokens.count(who) ? tokens[who] : who));
    for (auto& h : extra) r.headers.push_back(std::move(h));
    if (!body.is_null()) r.body = body.dump();
    return handler.handle(r);
  }
  Response status(ShelterId id, const std::string& who, json body, Headers extra = {}) {
    return call("POST", "/v1/shelters/" + std::to_string(id) + "/status", who, std::move(body), std::move(extra));
  }
  Response patch(ShelterId id, const std::string& who, json body, Headers extra = {}) {
    return call("PATCH", "/v1/shelters/" + std::to_string(id), who, std::move(body), std::move(extra));
  }
  /// Give `name` the password "<name> password 1" (argon2id costs about
  /// 0.1 s, so only the tests that sign in pay for it).
  std::string give_password(const std::string& name) {
    SqliteStore s(dir.file("r.db"));
    std::string pw = name + " password 1";
    set_password(s, name, pw);
    return pw;
  }
  struct SignedIn {
    Response response;
    std::string cookie;  ///< "rifugio_session=..." as the browser sends it back
    std::string csrf;
  };
  SignedIn sign_in(const std::string& user, const std::string& password, std::string peer = "") {
    Request r{.method = "POST", .target = "/v1/session", .body = json{{"user", user}, {"password", password}}.dump()};
    r.peer = std::move(peer);
    SignedIn out{handler.handle(r), "", ""};
    if (out.response.status != 200) return out;
    std::string set = std::string(out.response.header("Set-Cookie").value_or(""));
    out.cookie = set.substr(0, set.find(';'));
    out.csrf = test::body_json(out.response)["csrf"];
    return out;
  }
  /// A request with the session's cookie and, unless `csrf` says otherwise, its CSRF token.
  Response with_session(std::string method, std::string target, const SignedIn& s, json body = nullptr,
                        std::optional<std::string> csrf = std::nullopt) {
    Request r{.method = std::move(method), .target = std::move(target)};
    r.headers.emplace_back("Cookie", "theme=dark; " + s.cookie);
    const std::string token = csrf.value_or(s.csrf);
    if (!token.empty()) r.headers.emplace_back("X-CSRF-Token", token);
    if (!body.is_null()) r.body = body.dump();
    return handler.handle(r);
  }
  json problem(const Response& r, int code, std::string_view name) {
    EXPECT_EQ(r.status, code) << r.body;
    EXPECT_EQ(r.header("Content-Type").value_or(""), "application/problem+json");
    json j = test::body_json(r);
    EXPECT_EQ(j["code"], name) << r.body;
    return j;
  }
  json nearest_result(ShelterId id) {
    Response r = handler.handle(test::get("/v1/nearest?lat=59.9111&lon=10.7522&k=10"));
    EXPECT_EQ(r.status, 200);
    const json j = test::body_json(r);
    for (auto& x : j["results"])
      if (x["id"] == id) return x;
    return nullptr;
  }

  rifugio::test::TempDir dir;
  spatial::SnapshotHolder holder;
  std::map<std::string, std::string> tokens;
  std::string expired, revoked;
  Handler handler{holder, {.writer = std::make_shared<Writer>(std::make_unique<SqliteStore>(dir.file("r.db")),
                                                              [this](Store& s, std::int64_t rev) {
                                                                holder.replace(spatial::Snapshot::build(rev, s.list({})));
                                                              })}};
};


}  // namespace rifugio::api
