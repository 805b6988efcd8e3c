// Accounts and API tokens: argon2id hashes only, revocation, expiry.

#include "storage/accounts.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "../test_util.hpp"
#include "core/error.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rifugio {
namespace {

constexpr UnixTime kNow = 1'800'000'000;

class Accounts : public ::testing::Test {
 protected:
  void SetUp() override {
    Shelter s;
    s.name = "A";
    s.country = "NO";
    s.keys = {{"t", "1"}};
    shelter = store.commit({"test", "seed", false, {{Change::Op::create, s, ""}}}).ids.at(0);
    store.add_user({.name = "root", .role = Role::admin});
    store.add_user({.name = "ed", .role = Role::editor, .country = "NO", .municipality = "Oslo"});
    store.add_user({.name = "ola", .role = Role::warden, .shelters = {shelter}});
  }
  test::TempDir dir;
  SqliteStore store{dir.file("r.db")};
  ShelterId shelter = 0;
};

TEST_F(Accounts, UsersRoundTripWithTheirScope) {
  auto ed = store.user("ed");
  ASSERT_TRUE(ed);
  EXPECT_EQ(ed->role, Role::editor);
  EXPECT_EQ(ed->country, "NO");
  EXPECT_EQ(ed->municipality, "Oslo");
  auto ola = store.user("ola");
  ASSERT_TRUE(ola);
  EXPECT_EQ(ola->shelters, std::vector<ShelterId>{shelter});
  EXPECT_FALSE(store.user("nobody"));
  EXPECT_EQ(ed->region, "");
  const std::string area = R"({"type":"Polygon","coordinates":[[[10,59],[11,59],[11,60],[10,59]]]})";
  store.add_user({.name = "area", .role = Role::editor, .region = area});
  EXPECT_EQ(store.user("area")->region, area) << "an area alone is a region";
  EXPECT_THROW(store.add_user({.name = "ed", .role = Role::admin}), Conflict);
  EXPECT_THROW(store.add_user({.name = "x", .role = Role::editor}), InputError);  // no region
  EXPECT_THROW(store.add_user({.name = "y", .role = Role::warden}), InputError);  // no shelter
  EXPECT_THROW(store.add_user({.name = "z", .role = Role::warden, .shelters = {999}}), NotFound);
  EXPECT_FALSE(store.user("z")) << "a failed add leaves nothing behind";
  // An odd name is data, never SQL.
  const std::string evil = "'); DROP TABLE users;--";
  store.add_user({.name = evil, .role = Role::admin});
  EXPECT_TRUE(store.user(evil));
  EXPECT_TRUE(store.user("ed"));
}

TEST_F(Accounts, TokenIsStoredOnlyAsAnArgon2idHash) {
  auto issued = issue_token(store, "ed", 0, kNow);
  ASSERT_TRUE(issued.token.starts_with("rf_" + issued.record.id + "_")) << issued.token;
  EXPECT_GE(issued.token.size(), 3u + 16 + 1 + 43);
  auto rec = store.token(issued.record.id);
  ASSERT_TRUE(rec);
  EXPECT_NE(rec->hash, issued.token);
  EXPECT_TRUE(rec->hash.starts_with("$argon2id$")) << rec->hash;
  EXPECT_EQ(rec->hash.find(issued.token.substr(20)), std::string::npos) << "the secret must not appear in the hash";
  // Nothing in the database file holds the secret.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("r.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM api_tokens WHERE hash = ?1 OR id = ?1 OR instr(hash, ?2) > 0", -1, &q,
                     nullptr);
  sqlite3_bind_text(q, 1, issued.token.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 2, issued.token.substr(20).c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), 0);
  sqlite3_finalize(q);
  sqlite3_close(db);

  auto ok = authenticate(store, issued.token, kNow);
  ASSERT_TRUE(ok.user) << ok.failure;
  EXPECT_EQ(ok.user->name, "ed");
  // Two tokens of one user differ.
  EXPECT_NE(issue_token(store, "ed", 0, kNow).token, issued.token);
}

TEST_F(Accounts, WrongMalformedRevokedAndExpiredTokensAreRejected) {
  auto issued = issue_token(store, "ola", 1, kNow);
  std::string wrong = issued.token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(authenticate(store, wrong, kNow).failure, "wrong secret");
  EXPECT_EQ(authenticate(store, "rf_0123456789abcdef_xyz", kNow).failure, "unknown");
  EXPECT_EQ(authenticate(store, "Bearer", kNow).failure, "malformed");
  EXPECT_EQ(authenticate(store, "", kNow).failure, "malformed");
  EXPECT_EQ(authenticate(store, "rf_'); DROP TABLE api_tokens;--_x", kNow).failure, "malformed");

  EXPECT_TRUE(authenticate(store, issued.token, kNow + 86399).user);
  EXPECT_EQ(authenticate(store, issued.token, kNow + 86400).failure, "expired");

  store.revoke_token(issued.record.id, kNow + 5);
  auto r = authenticate(store, issued.token, kNow + 10);
  EXPECT_FALSE(r.user);
  EXPECT_EQ(r.failure, "revoked");
  EXPECT_EQ(store.token(issued.record.id)->revoked, kNow + 5);
  store.revoke_token(issued.record.id, kNow + 99);  // again: no change, no error
  EXPECT_EQ(store.token(issued.record.id)->revoked, kNow + 5);
  EXPECT_THROW(store.revoke_token("0000000000000000", kNow), NotFound);
  EXPECT_THROW(issue_token(store, "nobody", 0, kNow), NotFound);
  EXPECT_THROW(issue_token(store, "ed", -1, kNow), InputError);
}

TEST_F(Accounts, PasswordsAreArgon2idHashesAndChecked) {
  const std::string pw = "a long enough one";
  EXPECT_EQ(store.password_hash("ed"), "") << "no password yet";
  EXPECT_FALSE(store.password_hash("nobody"));
  EXPECT_FALSE(check_password(store, "ed", pw)) << "no password: nothing matches";
  set_password(store, "ed", pw);
  auto hash = store.password_hash("ed");
  ASSERT_TRUE(hash);
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_EQ(hash->find(pw), std::string::npos);
  ASSERT_TRUE(check_password(store, "ed", pw));
  EXPECT_EQ(check_password(store, "ed", pw)->name, "ed");
  EXPECT_FALSE(check_password(store, "ed", "a long enough onE"));
  EXPECT_FALSE(check_password(store, "root", pw)) << "another user's password";
  EXPECT_FALSE(check_password(store, "nobody", pw));
  EXPECT_FALSE(verify_password("", pw)) << "the dummy hash never matches";
  try {
    set_password(store, "ed", "short");
    FAIL() << "a short password was taken";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("short"), std::string::npos) << "the message repeats the password";
  }
  EXPECT_THROW(set_password(store, "ed", std::string(kMaxPassword + 1, 'x')), InputError);
  EXPECT_THROW(set_password(store, "nobody", pw), NotFound);
  EXPECT_TRUE(check_password(store, "ed", pw)) << "a refused change keeps the old password";
}

TEST_F(Accounts, SessionsStoreOnlyTheHashAndExpire) {
  auto s = start_session(store, "ola", kNow);
  EXPECT_EQ(s.id.size(), 43u);
  EXPECT_EQ(s.record.id_hash, session_hash(s.id));
  EXPECT_NE(s.record.csrf, s.id);
  EXPECT_FALSE(store.session(s.id));
  auto c = check_session(store, s.id, kNow + 60);
  ASSERT_TRUE(c.user) << c.failure;
  EXPECT_EQ(c.user->name, "ola");
  EXPECT_EQ(c.session->csrf, s.record.csrf);
  EXPECT_EQ(check_session(store, s.id, kNow + kSessionSeconds).failure, "expired");
  EXPECT_EQ(check_session(store, std::string(43, 'A'), kNow).failure, "unknown");
  EXPECT_EQ(check_session(store, "short", kNow).failure, "malformed");
  EXPECT_EQ(check_session(store, "' OR 1=1 --" + std::string(40, ' '), kNow).failure, "malformed");
  store.revoke_session(s.record.id_hash, kNow + 5);
  EXPECT_EQ(check_session(store, s.id, kNow + 6).failure, "signed out");
  EXPECT_THROW(start_session(store, "nobody", kNow), NotFound);
  EXPECT_TRUE(secrets_equal("abc", "abc"));
  EXPECT_FALSE(secrets_equal("abc", "abd"));
  EXPECT_FALSE(secrets_equal("abc", "abcd"));
}

TEST_F(Accounts, AccountsSurviveReopening) {
  EXPECT_GE(SqliteStore::schema_version(), 2);
  SqliteStore again(dir.file("r.db"));
  EXPECT_TRUE(again.user("root"));
}

}  // namespace
}  // namespace rifugio
