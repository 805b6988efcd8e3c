#pragma once
// The operator's Ed25519 key pair (libsodium) that signs the offline register
// snapshot (docs/snapshot-format.md), and the base64 the signature and keys
// travel in.
//
// The key file is a small JSON document, created with mode 0600:
//   {"algorithm":"Ed25519","public_key":"<base64, 32 bytes>","secret_key":"<base64, 64 bytes>"}
// `secret_key` is libsodium's 64-byte secret key (seed followed by the public key).
// The secret key never leaves this class except into that file.
//
// Usage:
//   auto key = SigningKey::load_or_create("var/signing.key");
//   std::string sig = key.sign(body);                 // 64 raw bytes
//   bool ok = verify_signature(body, sig, key.public_key());

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace rifugio::api {

/// Standard base64 (RFC 4648 section 4, with padding).
std::string base64_encode(std::string_view bytes);
/// Inverse of base64_encode; nullopt when `text` is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

class SigningKey {
 public:
  static constexpr std::size_t kPublicBytes = 32;
  static constexpr std::size_t kSecretBytes = 64;
  static constexpr std::size_t kSignatureBytes = 64;
  using PublicKey = std::array<unsigned char, kPublicBytes>;

  /// A new random key pair.
  static SigningKey generate();
  /// Read a key file. @throws InputError naming the file when it cannot be
  /// read or is not a valid key file (bad JSON, wrong sizes, a public key that
  /// does not belong to the secret key).
  static SigningKey load(const std::filesystem::path& file);
  /// load(file), or when it does not exist: generate a key pair and write it
  /// there (parent folders created, mode 0600, never overwriting a file that
  /// appears meanwhile). `created` (optional) tells which happened.
  /// @throws InputError naming the file when it cannot be read or written.
  static SigningKey load_or_create(const std::filesystem::path& file, bool* created = nullptr);

  /// Write the key file with mode 0600; fails if `file` exists.
  /// @throws InputError naming the file.
  void save(const std::filesystem::path& file) const;

  /// The detached Ed25519 signature of `message`: kSignatureBytes raw bytes.
  std::string sign(std::string_view message) const;
  const PublicKey& public_key() const { return public_; }
  std::string public_key_base64() const;

  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  ~SigningKey();  ///< wipes the secret key from memory

 private:
  SigningKey() = default;
  std::array<unsigned char, kSecretBytes> secret_{};
  PublicKey public_{};
};

/// True when `signature` (raw bytes) is a valid Ed25519 signature of `message` by `key`.
bool verify_signature(std::string_view message, std::string_view signature, const SigningKey::PublicKey& key);

}  // namespace rifugio::api
