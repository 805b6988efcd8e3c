// Passwords and browser sessions through the handler: sign in, the cookie's
// attributes, CSRF on every cookie-authenticated change, expiry, sign-out,
// and sign-in throttling per user name and per client address.

#include <gtest/gtest.h>

#include "write_fixture.hpp"

namespace rifugio::api {
namespace {

using Sessions = WriteApi;

TEST_F(Sessions, SignInSetsAStrictCookieAndReturnsTheUserAndCsrf) {
  const std::string pw = give_password("ed");
  auto s = sign_in("ed", pw);
  ASSERT_EQ(s.response.status, 200) << s.response.body;
  const std::string set = std::string(s.response.header("Set-Cookie").value_or(""));
  EXPECT_TRUE(set.starts_with("rifugio_session=")) << set;
  for (auto attr : {"; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict", "; Max-Age=43200"})
    EXPECT_NE(set.find(attr), std::string::npos) << attr << " missing in " << set;
  EXPECT_EQ(s.response.header("Cache-Control").value_or(""), "no-store");
  json j = test::body_json(s.response);
  EXPECT_EQ(j["user"], json({{"name", "ed"}, {"role", "editor"}, {"country", "NO"}, {"municipality", "Oslo"},
                             {"shelters", json::array()}, {"region", nullptr}}));
  EXPECT_GE(j["csrf"].get<std::string>().size(), 40u);
  EXPECT_EQ(j["expires"].get<std::string>().size(), 20u) << j["expires"];  // 2026-12-01T12:00:00Z
  EXPECT_EQ(s.response.body.find(pw), std::string::npos);

  // The store keeps only a hash of the session id.
  const std::string id = s.cookie.substr(s.cookie.find('=') + 1);
  SqliteStore side(dir.file("r.db"));
  EXPECT_FALSE(side.session(id)) << "the id itself is not a key";
  auto rec = side.session(session_hash(id));
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->user, "ed");
  EXPECT_EQ(rec->id_hash.size(), 64u);
  EXPECT_EQ(rec->id_hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(rec->expires - rec->created, 12 * 3600);

  // GET /v1/session answers the same body while the cookie is valid.
  Response who = with_session("GET", "/v1/session", s);
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(test::body_json(who)["user"]["name"], "ed");
  EXPECT_EQ(test::body_json(who)["csrf"], j["csrf"]);
  // The cookie works on the write API, with the CSRF token.
  Response st = with_session("POST", "/v1/shelters/1/status", s, {{"status", "full"}, {"reason", "door count"}});
  ASSERT_EQ(st.status, 200) << st.body;
  json audit = test::body_json(with_session("GET", "/v1/audit?shelter=1", s))["entries"];
  EXPECT_EQ(audit.back()["actor"], "ed");
  EXPECT_EQ(audit.back()["reason"], "door count");
}

TEST_F(Sessions, WrongUserAndWrongPasswordGetTheSameAnswer) {
  give_password("ed");
  auto wrong_pw = sign_in("ed", "not the password");
  auto no_user = sign_in("nobody", "not the password");
  auto no_pw = sign_in("fiji", "fiji password 1");  // a user without a password cannot sign in
  for (auto* s : {&wrong_pw, &no_user, &no_pw}) {
    json j = problem(s->response, 401, "unauthorized");
    EXPECT_EQ(j["detail"], "wrong user name or password");
    EXPECT_FALSE(s->response.header("Set-Cookie"));
  }
  EXPECT_EQ(wrong_pw.response.body, no_user.response.body);
  auto field = [&](json body, const std::string& name) {
    Request r{.method = "POST", .target = "/v1/session", .body = body.dump()};
    json j = problem(handler.handle(r), 422, "invalid_field");
    EXPECT_EQ(j["field"], name) << body;
  };
  field({{"password", "x"}}, "user");
  field({{"user", "ed"}}, "password");
  field({{"user", 5}, {"password", "x"}}, "user");
  field({{"user", "ed"}, {"password", std::string(2000, 'x')}}, "password");
  Request r{.method = "POST", .target = "/v1/session", .body = "user=ed&password=x"};
  problem(handler.handle(r), 400, "invalid_body");
}

TEST_F(Sessions, CookieRequestsNeedTheCsrfToken) {
  auto s = sign_in("root", give_password("root"));
  ASSERT_EQ(s.response.status, 200);
  const json st = {{"status", "closed"}, {"reason", "r"}};
  for (std::optional<std::string> bad : {std::optional<std::string>(""), std::optional<std::string>("wrong"),
                                         std::optional<std::string>(s.csrf.substr(0, s.csrf.size() - 1) + "x")}) {
    json j = problem(with_session("POST", "/v1/shelters/1/status", s, st, bad), 403, "forbidden");
    EXPECT_EQ(j["detail"].get<std::string>().find(s.csrf), std::string::npos);
    EXPECT_NE(j["detail"].get<std::string>().find("CSRF"), std::string::npos);
    problem(with_session("PATCH", "/v1/shelters/1", s, {{"capacity", 5}, {"reason", "r"}}, bad), 403, "forbidden");
    problem(with_session("DELETE", "/v1/session", s, nullptr, bad), 403, "forbidden");
  }
  // Another session's token does not do either.
  auto other = sign_in("root", "root password 1");
  problem(with_session("POST", "/v1/shelters/1/status", s, st, other.csrf), 403, "forbidden");
  EXPECT_EQ(holder.current()->revision(), 1) << "nothing was written";
  // Reads need no token.
  EXPECT_EQ(with_session("GET", "/v1/shelters/1", s, nullptr, "").status, 200);
  EXPECT_EQ(with_session("POST", "/v1/shelters/1/status", s, st).status, 200);
}

TEST_F(Sessions, SignOutRevokesAndExpiredSessionsAreRefused) {
  auto s = sign_in("ola", give_password("ola"));
  ASSERT_EQ(s.response.status, 200);
  Response out = with_session("DELETE", "/v1/session", s);
  ASSERT_EQ(out.status, 204) << out.body;
  const std::string cleared = std::string(out.header("Set-Cookie").value_or(""));
  EXPECT_TRUE(cleared.starts_with("rifugio_session=;")) << cleared;
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;
  json j = problem(with_session("GET", "/v1/session", s), 401, "unauthorized");
  EXPECT_NE(j["detail"].get<std::string>().find("signed out"), std::string::npos);
  problem(with_session("POST", "/v1/shelters/1/status", s, {{"status", "full"}, {"reason", "r"}}), 401, "unauthorized");

  // A session started 12 hours and a second ago has expired.
  SqliteStore side(dir.file("r.db"));
  auto old = start_session(side, "ola", now_utc() - kSessionSeconds - 1);
  SignedIn stale{{}, std::string("rifugio_session=") + old.id, old.record.csrf};
  j = problem(with_session("GET", "/v1/session", stale), 401, "unauthorized");
  EXPECT_NE(j["detail"].get<std::string>().find("expired"), std::string::npos);
  problem(with_session("POST", "/v1/shelters/1/status", stale, {{"status", "full"}, {"reason", "r"}}), 401,
          "unauthorized");
  // Made-up and missing cookies.
  SignedIn made_up{{}, "rifugio_session=" + std::string(43, 'A'), "x"};
  problem(with_session("GET", "/v1/session", made_up), 401, "unauthorized");
  SignedIn junk{{}, "rifugio_session='; DROP TABLE sessions;--", "x"};
  problem(with_session("GET", "/v1/session", junk), 401, "unauthorized");
  Request none{.method = "GET", .target = "/v1/session"};
  problem(handler.handle(none), 401, "unauthorized");
  EXPECT_EQ(holder.current()->revision(), 1);
}

TEST_F(Sessions, FailedSignInsAreThrottledPerUserAndPerAddress) {
  const std::string pw = give_password("ed");
  // Four failures, then the right password: it works and the count starts over.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(sign_in("ed", "guess " + std::to_string(i)).response.status, 401);
  ASSERT_EQ(sign_in("ed", pw).response.status, 200);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sign_in("ed", "guess " + std::to_string(i)).response.status, 401) << i;
  // The 6th attempt within 15 minutes waits, even with the right password.
  auto throttled = sign_in("ed", pw);
  json j = problem(throttled.response, 429, "too_many_requests");
  const std::string retry = std::string(throttled.response.header("Retry-After").value_or(""));
  ASSERT_FALSE(retry.empty());
  EXPECT_GT(std::stoi(retry), 0);
  EXPECT_LE(std::stoi(retry), 30);
  EXPECT_FALSE(throttled.response.header("Set-Cookie"));
  // Other names are not affected...
  EXPECT_EQ(sign_in("root", give_password("root")).response.status, 200);
  // ...but one address guessing many names is.
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(sign_in("name" + std::to_string(i), "guess", "203.0.113.9").response.status, 401) << i;
  problem(sign_in("root", "root password 1", "203.0.113.9").response, 429, "too_many_requests");
  EXPECT_EQ(sign_in("root", "root password 1", "198.51.100.1").response.status, 200);
  // Successful sign-ins from one address are not failures: any number of them.
  for (int i = 0; i < 8; ++i) EXPECT_EQ(sign_in("root", "root password 1", "198.51.100.2").response.status, 200) << i;
}

}  // namespace
}  // namespace rifugio::api
