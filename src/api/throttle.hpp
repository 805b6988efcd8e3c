#pragma once
// Sign-in throttling: after `free_failures` failed attempts within `window`,
// a key (a user name, a client address) must wait before the next attempt,
// and the wait doubles with every further failure. Kept in memory: a restart
// forgets it, which costs an attacker a restart per few guesses.
//
// Usage (api::Writer::sign_in):
//   if (auto wait = throttle.wait("user:" + name, now)) -> 429, Retry-After: wait
//   throttle.failed("user:" + name, now);   // before checking, so parallel guesses count
//   ... password right: throttle.succeeded("user:" + name); throttle.forgive_one("peer:" + address);

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "core/shelter.hpp"

namespace rifugio::api {

class SignInThrottle {
 public:
  struct Options {
    /// Failures within the window that cost nothing. DEFAULT: 5.
    std::size_t free_failures = 5;
    /// Failures older than this are forgotten. DEFAULT: 15 min.
    UnixTime window_s = 15 * 60;
    /// The wait after the first failure past the free ones; doubles with each
    /// further one up to max_delay_s. DEFAULT: 30 s, at most 15 min.
    UnixTime first_delay_s = 30;
    UnixTime max_delay_s = 15 * 60;
    /// Keys remembered at most; beyond it the oldest are dropped. DEFAULT: 100,000.
    std::size_t max_keys = 100'000;
  };

  SignInThrottle() : SignInThrottle(Options{}) {}
  explicit SignInThrottle(Options o) : opts_(o) {}

  /// Seconds `key` must still wait before it may try (0 = now).
  UnixTime wait(const std::string& key, UnixTime now);
  /// Count one failed attempt of `key` at `now`.
  void failed(const std::string& key, UnixTime now);
  /// Forget the failures of `key` (a correct password).
  void succeeded(const std::string& key);
  /// Take back the newest failure of `key`: an attempt counted in advance
  /// that turned out right (for keys whose other failures must stay).
  void forgive_one(const std::string& key);

 private:
  void forget_old(std::deque<UnixTime>& failures, UnixTime now) const;
  Options opts_;
  std::unordered_map<std::string, std::deque<UnixTime>> failures_;  ///< oldest first
};

}  // namespace rifugio::api
