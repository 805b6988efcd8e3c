// The operator's signing key file: created with mode 0600 when missing,
// reused afterwards, refused when damaged; base64.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../test_util.hpp"
#include "api/handler.hpp"
#include "api/signing.hpp"
#include "api_fixture.hpp"
#include "core/error.hpp"

namespace rifugio::api {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(Base64, RoundTripAndRejects) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
  EXPECT_FALSE(base64_decode("Zg="));    // bad padding
  EXPECT_FALSE(base64_decode("Z!=="));   // not the alphabet
  EXPECT_FALSE(base64_decode("Zg==x"));  // trailing garbage
}

TEST(SigningKeyFile, CreatedWithMode0600AndReused) {
  ::rifugio::test::TempDir dir;
  std::string path = dir.file("var/keys/signing.key");  // parent folders do not exist yet
  // Even with a permissive umask the file is private.
  mode_t old_umask = ::umask(0);
  bool created = false;
  SigningKey first = SigningKey::load_or_create(path, &created);
  ::umask(old_umask);
  EXPECT_TRUE(created);
  EXPECT_EQ(mode_of(path), 0600u);

  nlohmann::json j = nlohmann::json::parse(read_file(path));
  EXPECT_EQ(j["algorithm"], "Ed25519");
  EXPECT_EQ(j["public_key"], first.public_key_base64());
  EXPECT_EQ(base64_decode(j["secret_key"].get<std::string>())->size(), 64u);

  SigningKey again = SigningKey::load_or_create(path, &created);
  EXPECT_FALSE(created) << "an existing key is reused, never replaced";
  EXPECT_EQ(again.public_key(), first.public_key());
  EXPECT_EQ(mode_of(path), 0600u);
  // Ed25519 is deterministic: the reloaded key makes the same signatures.
  EXPECT_EQ(again.sign("register"), first.sign("register"));
  EXPECT_TRUE(verify_signature("register", again.sign("register"), first.public_key()));
}

TEST(SigningKeyFile, SecretNeverInResponses) {
  ::rifugio::test::TempDir dir;
  std::string path = dir.file("signing.key");
  auto key = std::make_shared<const SigningKey>(SigningKey::load_or_create(path));
  std::string secret = nlohmann::json::parse(read_file(path))["secret_key"];
  std::string seed_b64 = base64_encode(base64_decode(secret)->substr(0, 32));

  spatial::SnapshotHolder holder;
  holder.replace(test::sample_snapshot());
  Handler h(holder, {.signing_key = key});
  for (auto target : {"/v1/snapshot", "/v1/snapshot/key", "/metrics", "/ogc/api"}) {
    Response r = h.handle(test::get(target));
    std::string all = r.body;
    for (auto& [k, v] : r.headers) all += k + ": " + v + "\n";
    EXPECT_EQ(all.find(secret), std::string::npos) << target;
    EXPECT_EQ(all.find(seed_b64.substr(0, 40)), std::string::npos) << target;
  }
}

TEST(SigningKeyFile, DamagedFilesAreRefusedWithTheirName) {
  ::rifugio::test::TempDir dir;
  SigningKey good = SigningKey::generate();
  std::string path = dir.file("good.key");
  good.save(path);
  nlohmann::json j = nlohmann::json::parse(read_file(path));

  auto write = [&](const std::string& name, const std::string& text) {
    std::string p = dir.file(name);
    std::ofstream(p) << text;
    return p;
  };
  auto expect_refused = [&](const std::string& p, std::string_view why) {
    SCOPED_TRACE(p);
    try {
      (void)SigningKey::load(p);
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find(p), std::string::npos) << msg;
      EXPECT_NE(msg.find(why), std::string::npos) << msg;
      EXPECT_EQ(msg.find(j["secret_key"].get<std::string>()), std::string::npos) << "never echo the secret";
    }
  };
  expect_refused(write("a", "not json"), "JSON");
  expect_refused(write("b", R"({"algorithm":"RSA","secret_key":"AAAA"})"), "algorithm");
  expect_refused(write("c", R"({"algorithm":"Ed25519","secret_key":"AAAA"})"), "64 bytes");
  auto other = j;
  other["public_key"] = SigningKey::generate().public_key_base64();
  expect_refused(write("d", other.dump()), "public_key");
  // A secret key whose public half was altered is not a key pair.
  auto secret = *base64_decode(j["secret_key"].get<std::string>());
  secret[40] = static_cast<char>(secret[40] ^ 1);
  auto broken = j;
  broken.erase("public_key");
  broken["secret_key"] = base64_encode(secret);
  expect_refused(write("e", broken.dump()), "secret_key");
  expect_refused(dir.file("missing.key"), "cannot read");

  // save() never overwrites.
  EXPECT_THROW(SigningKey::generate().save(path), InputError);
  EXPECT_EQ(SigningKey::load(path).public_key(), good.public_key());
}

}  // namespace
}  // namespace rifugio::api
