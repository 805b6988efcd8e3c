#pragma once
// API tokens: issued once, stored only as argon2id hashes, checked with one
// hash verification. A token reads "rf_<id>_<secret>": <id> is 16 hex digits
// (public, the lookup key, safe to log and to revoke by), <secret> is 32
// random bytes in unpadded base64url. The whole token is hashed.
//
// Usage:
//   auto issued = issue_token(store, "ola", 30);   // print issued.token once
//   Authentication a = authenticate(store, "rf_...", now_utc());
//   if (a.user) ... else a.failure names why (never the token).

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

}  // namespace rifugio
