#include "api/signing.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.hpp"

namespace rifugio::api {

namespace {

void init_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw Error("libsodium could not be initialised");
}

constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
constexpr std::string_view kAlgorithm = "Ed25519";

}  // namespace

std::string base64_encode(std::string_view bytes) {
  init_sodium();
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    kVariant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  init_sodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, &end, kVariant) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

SigningKey SigningKey::generate() {
  init_sodium();
  SigningKey k;
  crypto_sign_keypair(k.public_.data(), k.secret_.data());
  return k;
}

SigningKey SigningKey::load(const std::filesystem::path& file) {
  init_sodium();
  auto fail = [&](std::string_view why) {
    return InputError(fmt::format("{}: not a usable signing key file: {}", file.string(), why));
  };
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot read the signing key: {}", file.string(), std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object()) throw fail("not a JSON object");
  if (j.value("algorithm", "") != kAlgorithm) throw fail("\"algorithm\" must be \"Ed25519\"");
  if (!j.contains("secret_key") || !j["secret_key"].is_string()) throw fail("\"secret_key\" is missing");
  auto secret = base64_decode(j["secret_key"].get<std::string>());
  if (!secret || secret->size() != kSecretBytes)
    throw fail(fmt::format("\"secret_key\" must be base64 of {} bytes", kSecretBytes));
  SigningKey k;
  std::memcpy(k.secret_.data(), secret->data(), kSecretBytes);
  sodium_memzero(secret->data(), secret->size());
  crypto_sign_ed25519_sk_to_pk(k.public_.data(), k.secret_.data());
  // The seed half determines the key pair; the stored halves must agree with it.
  std::array<unsigned char, kPublicBytes> derived{};
  std::array<unsigned char, kSecretBytes> check{};
  crypto_sign_seed_keypair(derived.data(), check.data(), k.secret_.data());
  bool consistent = sodium_memcmp(check.data(), k.secret_.data(), kSecretBytes) == 0;
  sodium_memzero(check.data(), check.size());
  if (!consistent) throw fail("\"secret_key\" is not a libsodium Ed25519 secret key (seed and public half disagree)");
  if (j.contains("public_key")) {
    auto pub = j["public_key"].is_string() ? base64_decode(j["public_key"].get<std::string>()) : std::nullopt;
    if (!pub || pub->size() != kPublicBytes ||
        std::memcmp(pub->data(), k.public_.data(), kPublicBytes) != 0)
      throw fail("\"public_key\" does not belong to \"secret_key\"");
  }
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
    std::fprintf(stderr, "rifugio: warning: %s is readable by other users; it should have mode 0600\n",
                 file.c_str());
  return k;
}

void SigningKey::save(const std::filesystem::path& file) const {
  auto fail = [&](std::string_view what) {
    return InputError(fmt::format("{}: cannot {} the signing key: {}", file.string(), what, std::strerror(errno)));
  };
  std::string secret(reinterpret_cast<const char*>(secret_.data()), secret_.size());
  std::string text = fmt::format(R"({{"algorithm":"{}","public_key":"{}","secret_key":"{}"}})"
                                 "\n",
                                 kAlgorithm, public_key_base64(), base64_encode(secret));
  sodium_memzero(secret.data(), secret.size());
  // O_EXCL: never replace a key that exists (another process may have just made one).
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    sodium_memzero(text.data(), text.size());
    throw fail("create");
  }
  bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask
  std::size_t done = 0;
  while (ok && done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!ok) {
    ::unlink(file.c_str());
    errno = saved;
    throw fail("write");
  }
}

SigningKey SigningKey::load_or_create(const std::filesystem::path& file, bool* created) {
  if (created) *created = false;
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) return load(file);
  auto parent = file.parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) throw InputError(fmt::format("{}: cannot create the folder for the signing key: {}", file.string(), ec.message()));
  }
  SigningKey k = generate();
  try {
    k.save(file);
  } catch (const InputError&) {
    if (std::filesystem::exists(file, ec)) return load(file);  // another process made one first: use it
    throw;
  }
  if (created) *created = true;
  return k;
}

std::string SigningKey::sign(std::string_view message) const {
  std::string sig(kSignatureBytes, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(), secret_.data());
  return sig;
}

std::string SigningKey::public_key_base64() const {
  return base64_encode(std::string_view(reinterpret_cast<const char*>(public_.data()), public_.size()));
}

bool verify_signature(std::string_view message, std::string_view signature, const SigningKey::PublicKey& key) {
  init_sodium();
  return signature.size() == SigningKey::kSignatureBytes &&
         crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     key.data()) == 0;
}

}  // namespace rifugio::api
