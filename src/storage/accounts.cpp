#include "storage/accounts.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <cstring>

#include "core/error.hpp"

namespace rifugio {

namespace {

void init_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw Error("libsodium could not be initialised");
}

constexpr std::string_view kPrefix = "rf_";
constexpr std::size_t kIdHexDigits = 16;
constexpr std::size_t kSecretBytes = 32;
// A token carries 256 random bits, so a slow hash adds no strength against
// guessing; interactive limits keep one check per write request near 50 ms.
// The hash is argon2id so a stolen database still reveals nothing usable.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMemLimit = 8u << 20;  // 8 MiB

std::string random_hex(std::size_t digits) {
  std::string bytes(digits / 2, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  std::string out(digits + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  out.resize(digits);
  return out;
}

std::string random_base64url(std::size_t n) {
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(n, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), n, variant);
  out.resize(std::strlen(out.c_str()));
  sodium_memzero(bytes.data(), bytes.size());
  return out;
}

}  // namespace

std::optional<std::string> token_id(std::string_view t) {
  if (!t.starts_with(kPrefix) || t.size() < kPrefix.size() + kIdHexDigits + 2) return std::nullopt;
  std::string_view id = t.substr(kPrefix.size(), kIdHexDigits);
  if (id.find_first_not_of("0123456789abcdef") != std::string_view::npos) return std::nullopt;
  if (t[kPrefix.size() + kIdHexDigits] != '_') return std::nullopt;
  return std::string(id);
}

bool verify_token_hash(const std::string& hash, std::string_view token) {
  init_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), token.data(), token.size()) == 0;
}

IssuedToken issue_token(Store& store, const std::string& user, int expires_days, UnixTime now) {
  init_sodium();
  if (expires_days < 0) throw InputError("--expires-days: must be 0 (never) or more");
  if (!store.user(user)) throw NotFound(fmt::format("user {} does not exist", user));
  IssuedToken out;
  out.record.id = random_hex(kIdHexDigits);
  out.token = fmt::format("{}{}_{}", kPrefix, out.record.id, random_base64url(kSecretBytes));
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, out.token.data(), out.token.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw Error("argon2id: out of memory while hashing the token");
  out.record.hash = hash;
  out.record.user = user;
  out.record.created = now;
  out.record.expires = expires_days ? now + static_cast<UnixTime>(expires_days) * 86400 : 0;
  store.add_token(out.record);
  return out;
}

namespace {

// Passwords are guessable, unlike tokens: a moderate argon2id cost (libsodium's
// interactive limits: 2 passes over 64 MiB, about 0.1 s) slows offline guessing.
constexpr unsigned long long kPasswordOps = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kPasswordMem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

std::string hash_secret(std::string_view secret, unsigned long long ops, std::size_t mem) {
  init_sodium();
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, secret.data(), secret.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw Error("argon2id: out of memory while hashing");
  return hash;
}

// Verified in place of a missing user's hash: the same algorithm and cost as
// a real one, of a random password nobody knows.
const std::string& dummy_hash() {
  static const std::string hash = hash_secret(random_base64url(32), kPasswordOps, kPasswordMem);
  return hash;
}

}  // namespace

void set_password(Store& store, const std::string& user, std::string_view password) {
  if (password.size() < kMinPassword)
    throw InputError(fmt::format("password: at least {} characters", kMinPassword));
  if (password.size() > kMaxPassword) throw InputError(fmt::format("password: at most {} bytes", kMaxPassword));
  if (!store.user(user)) throw NotFound(fmt::format("user {} does not exist", user));
  store.set_password_hash(user, hash_secret(password, kPasswordOps, kPasswordMem));
}

std::string password_hash_or_dummy(Store& store, const std::string& user) {
  auto hash = store.password_hash(user);
  if (!hash || hash->empty()) return "";
  return *hash;
}

bool verify_password(const std::string& hash, std::string_view password) {
  init_sodium();
  // Without a hash (unknown user, no password set) the dummy is verified and
  // the answer is no: the same work either way.
  const std::string& h = hash.empty() ? dummy_hash() : hash;
  if (password.size() > kMaxPassword) password = password.substr(0, kMaxPassword);
  const bool ok = crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
  return ok && !hash.empty();
}

std::optional<User> check_password(Store& store, const std::string& user, std::string_view password) {
  if (!verify_password(password_hash_or_dummy(store, user), password)) return std::nullopt;
  return store.user(user);
}

std::string session_hash(std::string_view id) {
  init_sodium();
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(id.data()), id.size(), nullptr, 0);
  std::string out(sizeof h * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), h, sizeof h);
  out.resize(sizeof h * 2);
  return out;
}

IssuedSession start_session(Store& store, const std::string& user, UnixTime now, UnixTime ttl) {
  init_sodium();
  IssuedSession out;
  // A session id carries 256 random bits: a fast hash is enough to keep a
  // stolen database from yielding usable cookies.
  out.id = random_base64url(kSecretBytes);
  out.record = {session_hash(out.id), user, random_base64url(kSecretBytes), now, now + ttl, 0};
  store.add_session(out.record);
  return out;
}

SessionCheck check_session(Store& store, std::string_view id, UnixTime now) {
  if (id.size() < 40 || id.size() > 64 ||
      id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != std::string_view::npos)
    return {std::nullopt, std::nullopt, "malformed"};
  auto rec = store.session(session_hash(id));
  if (!rec) return {std::nullopt, std::nullopt, "unknown"};
  if (rec->revoked) return {std::nullopt, std::nullopt, "signed out"};
  if (rec->expires <= now) return {std::nullopt, std::nullopt, "expired"};
  auto user = store.user(rec->user);
  if (!user) return {std::nullopt, std::nullopt, "unknown"};
  return {std::move(user), std::move(rec), ""};
}

bool secrets_equal(std::string_view a, std::string_view b) {
  init_sodium();
  // The length of a CSRF token is public; only the contents are compared in constant time.
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Authentication authenticate(Store& store, std::string_view token, UnixTime now) {
  auto id = token_id(token);
  if (!id) return {std::nullopt, "malformed"};
  auto rec = store.token(*id);
  if (!rec) return {std::nullopt, "unknown"};
  if (!verify_token_hash(rec->hash, token)) return {std::nullopt, "wrong secret"};
  if (rec->revoked) return {std::nullopt, "revoked"};
  if (rec->expires && rec->expires <= now) return {std::nullopt, "expired"};
  auto user = store.user(rec->user);
  if (!user) return {std::nullopt, "unknown"};
  return {std::move(user), ""};
}

}  // namespace rifugio
