// Who is calling: API tokens, browser sessions (cookie + CSRF header), and
// signing in and out. Writer::authenticate is the one check every protected
// endpoint makes.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "api/detail/write_common.hpp"
#include "api/error.hpp"
#include "api/write.hpp"
#include "storage/accounts.hpp"

namespace rifugio::api {

namespace {

using nlohmann::json;
using namespace detail;

constexpr std::size_t kMaxUserName = 200;

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

/// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string_view> cookie(const Request& req, std::string_view name) {
  auto h = req.header("Cookie");
  if (!h) return std::nullopt;
  std::string_view rest = *h;
  while (!rest.empty()) {
    auto semi = rest.find(';');
    std::string_view pair = trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) return trim(pair.substr(eq + 1));
  }
  return std::nullopt;
}

bool safe_method(const Request& req) { return req.method == "GET" || req.method == "HEAD"; }

std::string set_cookie(std::string_view value, UnixTime max_age) {
  return fmt::format("{}={}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}", Writer::kSessionCookie, value,
                     max_age);
}

json session_json(const User& u, const UserSession& s) {
  return {{"user", user_json(u)}, {"csrf", s.csrf}, {"expires", format_time(s.expires)}};
}

/// The session of the cookie, with its CSRF token checked on every method but
/// GET and HEAD; 401 or 403 otherwise.
SessionCheck require_session(Store& store, const Request& req) {
  auto id = cookie(req, Writer::kSessionCookie);
  if (!id || id->empty())
    throw ApiError(ErrorCode::unauthorized,
                   "this endpoint needs you to sign in (POST /v1/session) or an API token: Authorization: Bearer rf_...");
  auto s = check_session(store, *id, now_utc());
  if (!s.user)
    throw ApiError(ErrorCode::unauthorized, s.failure == "expired"      ? "the session has expired: sign in again"
                                            : s.failure == "signed out" ? "the session was signed out: sign in again"
                                                                        : "the session is not valid: sign in again");
  // A cookie comes with every request the browser makes to this origin,
  // whoever asked for it; a header only with this site's own scripts.
  if (!safe_method(req)) {
    auto csrf = req.header("X-CSRF-Token");
    if (!csrf || !secrets_equal(trim(*csrf), s.session->csrf))
      throw ApiError(ErrorCode::forbidden, "CSRF token missing or wrong: send the session's csrf value as X-CSRF-Token");
  }
  return s;
}

}  // namespace

User Writer::authenticate(const Request& req) {
  std::lock_guard lock(mutex_);
  return authenticate_locked(req);
}

User Writer::authenticate_locked(const Request& req) {
  auto h = req.header("Authorization");
  if (!h || h->empty()) return std::move(*require_session(*store_, req).user);
  std::string_view v = *h;
  constexpr std::string_view kScheme = "bearer ";
  if (v.size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), v.begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
    throw ApiError(ErrorCode::unauthorized, "Authorization: only the Bearer scheme is accepted");
  v.remove_prefix(kScheme.size());
  v = trim(v);
  auto a = rifugio::authenticate(*store_, v, now_utc());
  if (!a.user) {
    // Never echo the token; say "expired" or "revoked" only to its holder.
    const bool known = a.failure == "expired" || a.failure == "revoked";
    throw ApiError(ErrorCode::unauthorized, known ? fmt::format("the token has {}", a.failure == "expired" ? "expired" : "been revoked")
                                                  : std::string("the token is not valid"));
  }
  return std::move(*a.user);
}

Response Writer::sign_in(const Request& req) {
  const json body = parse_body(req);
  const std::string name = require_string(body, "user", kMaxUserName);
  const std::string password = require_string(body, "password", kMaxPassword);
  const std::string by_user = "user:" + name;
  const std::string by_peer = "peer:" + req.peer;  // "" (no socket: tests, CLI) is not throttled by address
  std::string hash;
  {
    std::lock_guard lock(mutex_);
    const UnixTime now = now_utc();
    UnixTime wait = throttle_.wait(by_user, now);
    if (!req.peer.empty()) wait = std::max(wait, throttle_.wait(by_peer, now));
    if (wait > 0) {
      Response r = problem_response(ErrorCode::too_many_requests,
                                    fmt::format("too many failed sign-ins: try again in {} s", wait));
      r.headers.emplace_back("Retry-After", std::to_string(wait));
      return r;
    }
    // Counted before the check, so parallel guesses cannot outrun the count.
    throttle_.failed(by_user, now);
    if (!req.peer.empty()) throttle_.failed(by_peer, now);
    hash = password_hash_or_dummy(*store_, name);
  }
  // The slow part (argon2id) runs without the lock: writes go on meanwhile.
  const bool ok = verify_password(hash, password);
  std::lock_guard lock(mutex_);
  auto user = ok ? store_->user(name) : std::nullopt;
  if (!user) throw ApiError(ErrorCode::unauthorized, "wrong user name or password");
  // The failure counted above was this success. The address keeps its other
  // failures: one valid account must not let it go on guessing others.
  throttle_.succeeded(by_user);
  if (!req.peer.empty()) throttle_.forgive_one(by_peer);
  auto issued = start_session(*store_, user->name, now_utc());
  Response r = json_answer(session_json(*user, issued.record));
  r.headers.emplace_back("Set-Cookie", set_cookie(issued.id, kSessionSeconds));
  return r;
}

Response Writer::get_session(const Request& req) {
  std::lock_guard lock(mutex_);
  auto s = require_session(*store_, req);
  return json_answer(session_json(*s.user, *s.session));
}

Response Writer::sign_out(const Request& req) {
  std::lock_guard lock(mutex_);
  auto s = require_session(*store_, req);  // valid, with its CSRF token: nobody else signs you out
  store_->revoke_session(s.session->id_hash, now_utc());
  Response r;
  r.status = 204;
  r.headers = {{"Cache-Control", "no-store"}, {"Set-Cookie", set_cookie("", 0)}};
  return r;
}

}  // namespace rifugio::api
