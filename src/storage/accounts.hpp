#pragma once
// API tokens, passwords and browser sessions.
//
// API tokens: issued once, stored only as argon2id hashes, checked with one
// hash verification. A token reads "rf_<id>_<secret>": <id> is 16 hex digits
// (public, the lookup key, safe to log and to revoke by), <secret> is 32
// random bytes in unpadded base64url. The whole token is hashed.
//
// Usage:
//   auto issued = issue_token(store, "ola", 30);   // print issued.token once
//   Authentication a = authenticate(store, "rf_...", now_utc());
//   if (a.user) ... else a.failure names why (never the token).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "storage/store.hpp"

namespace rifugio {

struct IssuedToken {
  std::string token;  ///< the secret token: shown once, never stored
  ApiToken record;    ///< as stored (hash only)
};

/// Create a token for an existing user. expires_days: 0 = never expires.
/// @throws NotFound for an unknown user, InputError for a negative duration.
IssuedToken issue_token(Store& store, const std::string& user, int expires_days, UnixTime now);

/// The public id of a token ("rf_<id>_..."), or nullopt when malformed.
std::optional<std::string> token_id(std::string_view token);

struct Authentication {
  std::optional<User> user;  ///< set when the token is valid
  /// Why not: "malformed", "unknown", "wrong secret", "expired", "revoked".
  std::string failure;
};

/// Check a presented token. Expiry and revocation are only reported once
/// the secret matched, so a guess learns nothing about real token ids.
Authentication authenticate(Store& store, std::string_view token, UnixTime now);

/// Whether `token` matches an argon2id hash (constant-time in the secret).
bool verify_token_hash(const std::string& hash, std::string_view token);

// Passwords (the /admin page signs in with them; scripts use tokens).
// Stored as argon2id hashes (libsodium crypto_pwhash_str, moderate cost:
// a person signs in rarely, an attacker with the database guesses slowly).

/// Shortest and longest password accepted, in bytes.
inline constexpr std::size_t kMinPassword = 10;
inline constexpr std::size_t kMaxPassword = 1024;

/// Hash and store a new password. @throws InputError when it is too short or
/// too long (the message never contains it), NotFound for an unknown user.
void set_password(Store& store, const std::string& user, std::string_view password);

/// Check a password. An unknown user or one without a password is checked
/// against a fixed dummy hash, so the answer takes as long as for a real
/// user with a wrong password and timing does not tell which names exist.
/// Returns the user when the password matches.
std::optional<User> check_password(Store& store, const std::string& user, std::string_view password);

/// The two halves of check_password, for callers that must not hold a lock
/// while hashing: the stored hash (or the dummy) under the lock, then the
/// slow verification outside it. An empty `hash` never matches.
std::string password_hash_or_dummy(Store& store, const std::string& user);
bool verify_password(const std::string& hash, std::string_view password);

// Browser sessions: a random id in the cookie (32 bytes, base64url), its
// BLAKE2b hash in the store, and a CSRF token the page sends back as a header.

inline constexpr UnixTime kSessionSeconds = 12 * 3600;

struct IssuedSession {
  std::string id;      ///< the cookie value: shown once, never stored
  UserSession record;  ///< as stored (hash of the id, csrf, expiry)
};

/// Start a session of `ttl` seconds for an existing user. @throws NotFound.
IssuedSession start_session(Store& store, const std::string& user, UnixTime now,
                            UnixTime ttl = kSessionSeconds);

/// The hex BLAKE2b-256 of a session id (its key in the store).
std::string session_hash(std::string_view id);

struct SessionCheck {
  std::optional<User> user;    ///< set when the session is valid
  std::optional<UserSession> session;
  std::string failure;         ///< "malformed", "unknown", "expired", "signed out"
};

/// Check a presented session id.
SessionCheck check_session(Store& store, std::string_view id, UnixTime now);

/// Whether two secrets are equal, in time independent of where they differ.
bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace rifugio
