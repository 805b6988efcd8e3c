// GET /v1/snapshot and /v1/snapshot/key (docs/snapshot-format.md) through the
// handler: signature over the uncompressed body, ETag / If-None-Match, a new
// revision, tampering, the published key, and the document itself.

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "api/gzip.hpp"
#include "api/handler.hpp"
#include "api/offline_snapshot.hpp"
#include "api/signing.hpp"
#include "api_fixture.hpp"

namespace rifugio::api {
namespace {

using nlohmann::json;
using test::get;

std::string raw(const SigningKey::PublicKey& k) { return std::string(reinterpret_cast<const char*>(k.data()), k.size()); }

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override { holder.replace(test::sample_snapshot()); }

  Response run(Headers extra = {}, std::string method = "GET") const {
    Request r = get("/v1/snapshot", std::move(extra));
    r.method = std::move(method);
    return handler.handle(r);
  }
  /// Whether the response's Rifugio-Signature verifies over `body` with the published key.
  bool verifies(const Response& r, std::string_view body) const {
    auto sig = base64_decode(r.header("Rifugio-Signature").value_or(""));
    return sig && verify_signature(body, *sig, key->public_key());
  }

  std::shared_ptr<const SigningKey> key = std::make_shared<const SigningKey>(SigningKey::generate());
  spatial::SnapshotHolder holder;
  Handler handler{holder, {.signing_key = key}};
};

TEST_F(SnapshotTest, SignedOverTheUncompressedBody) {
  Response r = run();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
  EXPECT_FALSE(r.header("Content-Encoding"));
  EXPECT_EQ(r.header("ETag").value_or(""), "\"42\"");
  EXPECT_EQ(r.header("Cache-Control").value_or(""), "no-cache");
  EXPECT_EQ(r.header("Access-Control-Expose-Headers").value_or(""), "ETag, Rifugio-Signature");
  EXPECT_EQ(r.header("Access-Control-Allow-Origin").value_or(""), "*");
  auto sig = base64_decode(r.header("Rifugio-Signature").value_or(""));
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->size(), 64u);
  EXPECT_TRUE(verifies(r, r.body));

  // gzip on the wire; the signature still covers the uncompressed bytes.
  Response gz = run({{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.header("Content-Encoding").value_or(""), "gzip");
  EXPECT_NE(gz.header("Vary").value_or("").find("Accept-Encoding"), std::string_view::npos);
  EXPECT_EQ(gzip_decompress(gz.body), r.body);
  EXPECT_EQ(gz.header("Rifugio-Signature"), r.header("Rifugio-Signature"));
  EXPECT_EQ(gz.header("ETag"), r.header("ETag"));
  EXPECT_TRUE(verifies(gz, gzip_decompress(gz.body)));
  EXPECT_FALSE(verifies(gz, gz.body)) << "the signature is over the uncompressed body, not the gzip";
}

TEST_F(SnapshotTest, TamperedBodyFailsVerification) {
  Response r = run();
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(verifies(r, r.body));
  // Move a shelter by one micro-degree; drop a row; append a byte.
  std::string moved = r.body;
  auto pos = moved.find("10752200");
  ASSERT_NE(pos, std::string::npos);
  moved[pos + 7] = '1';
  EXPECT_FALSE(verifies(r, moved));
  EXPECT_FALSE(verifies(r, r.body.substr(0, r.body.size() - 1)));
  EXPECT_FALSE(verifies(r, r.body + " "));
  // The same body signed by someone else's key does not pass as ours.
  SigningKey other = SigningKey::generate();
  EXPECT_FALSE(verify_signature(r.body, other.sign(r.body), key->public_key()));
  // A flipped bit in the signature fails too.
  auto sig = *base64_decode(r.header("Rifugio-Signature").value_or(""));
  sig[10] = static_cast<char>(sig[10] ^ 1);
  EXPECT_FALSE(verify_signature(r.body, sig, key->public_key()));
}

TEST_F(SnapshotTest, IfNoneMatchGives304) {
  for (std::string tag : {"\"42\"", "W/\"42\"", "\"41\", \"42\"", "\"7\",W/\"42\"", "*"}) {
    SCOPED_TRACE(tag);
    Response r = run({{"If-None-Match", tag}, {"Accept-Encoding", "gzip"}});
    EXPECT_EQ(r.status, 304);
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(r.header("ETag").value_or(""), "\"42\"");
    EXPECT_EQ(r.header("Cache-Control").value_or(""), "no-cache");
    EXPECT_FALSE(r.header("Content-Encoding"));
  }
  for (std::string tag : {"\"41\"", "42", "\"420\"", "\"4\"", ""}) {
    SCOPED_TRACE(tag);
    EXPECT_EQ(run({{"If-None-Match", tag}}).status, 200);
  }
}

TEST_F(SnapshotTest, NewRevisionGivesNewEtagAndBody) {
  Response before = run();
  ASSERT_EQ(before.status, 200);
  auto shelters = test::sample_shelters();
  shelters[0].status = Status::full;
  shelters[0].updated = 1'800'000'000;
  holder.replace(spatial::Snapshot::build(43, shelters));

  Response after = run({{"If-None-Match", "\"42\""}});
  ASSERT_EQ(after.status, 200) << "the client's copy is of an older revision";
  EXPECT_EQ(after.header("ETag").value_or(""), "\"43\"");
  EXPECT_NE(after.body, before.body);
  EXPECT_NE(after.header("Rifugio-Signature"), before.header("Rifugio-Signature"));
  EXPECT_TRUE(verifies(after, after.body));
  json j = json::parse(after.body);
  EXPECT_EQ(j["revision"], 43);
  EXPECT_EQ(j["generated"], format_time(1'800'000'000));
  EXPECT_EQ(run({{"If-None-Match", "\"43\""}}).status, 304);
}

TEST_F(SnapshotTest, SameRevisionSameBytes) {
  Response a = run(), b = run();
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.header("Rifugio-Signature"), b.header("Rifugio-Signature"));
  // Another server (or a restart) with the same key and revision sends the same bytes.
  Handler other(holder, {.signing_key = key});
  Response c = other.handle(get("/v1/snapshot"));
  EXPECT_EQ(c.body, a.body);
  EXPECT_EQ(c.header("Rifugio-Signature"), a.header("Rifugio-Signature"));
  EXPECT_EQ(snapshot_body(*test::sample_snapshot()), a.body);
}

TEST_F(SnapshotTest, DocumentFollowsTheFormat) {
  Response r = run();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find('\n'), std::string::npos) << "one line";
  EXPECT_EQ(r.body.find(", "), std::string::npos) << "no spaces between tokens";
  json j = json::parse(r.body);
  EXPECT_EQ(j["format"], "rifugio-snapshot/1");
  EXPECT_EQ(j["revision"], test::kRevision);
  EXPECT_EQ(j["generated"], "2023-11-14T22:13:20Z");  // the newest `updated` of the sample (1.7e9)
  EXPECT_EQ(j["columns"], json::parse(R"(["id","lon_e6","lat_e6","name","address","municipality","capacity","status","step_free","kind","occupancy"])"));
  // Published shelters with a location: not the retired one (11), not the one without a location (10).
  std::set<std::int64_t> ids;
  for (auto& row : j["rows"]) {
    ASSERT_EQ(row.size(), 11u);
    ids.insert(row[0].get<std::int64_t>());
  }
  EXPECT_EQ(ids, (std::set<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(j["rows"].size(), 9u) << "each shelter once";
  auto row = [&](std::int64_t id) {
    for (auto& x : j["rows"])
      if (x[0] == id) return x;
    return json();
  };
  EXPECT_EQ(row(1), json::parse(R"([1,10752200,59911100,"Jernbanetorget","Street 1","Oslo",100,"open","yes","public_shelter",null])"));
  EXPECT_EQ(row(3)[8], "no");
  EXPECT_EQ(row(3)[9], "bunker");
  EXPECT_EQ(row(4)[10], 95);
  EXPECT_EQ(row(5)[7], "full");
  EXPECT_TRUE(row(6)[6].is_null()) << "unknown capacity is null";
  EXPECT_EQ(row(6)[7], "unknown");
  EXPECT_EQ(row(7)[5], "Bærum") << "UTF-8 as is";
  EXPECT_EQ(row(7)[9], "metro_station");
  EXPECT_EQ(row(8)[1], 179950000);
  EXPECT_EQ(row(9)[1], -179950000) << "negative micro-degrees, longitude first";
  EXPECT_EQ(row(9)[2], -16800000);
  EXPECT_EQ(r.body.find("warden-7"), std::string::npos) << "who set a status is not published";
}

TEST_F(SnapshotTest, StringsAreEscapedAndEmptyTextIsEmpty) {
  auto shelters = test::sample_shelters();
  shelters[0].name = "Quote \" back\\slash\nnew line\ttab \x01 ctl";
  shelters[1].name = "bad \xC3 utf8 \xFF end";
  shelters[2].name = "";
  shelters[2].address = "";
  shelters[3].name = "Ωmega 😀";
  holder.replace(spatial::Snapshot::build(44, shelters));
  Response r = run();
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(verifies(r, r.body));
  json j = json::parse(r.body);  // throws on invalid JSON or UTF-8
  std::map<std::int64_t, json> rows;
  for (auto& x : j["rows"]) rows[x[0].get<std::int64_t>()] = x;
  EXPECT_EQ(rows[1][3], shelters[0].name);
  EXPECT_EQ(rows[2][3], "bad \xEF\xBF\xBD utf8 \xEF\xBF\xBD end");
  EXPECT_EQ(rows[3][3], "");
  EXPECT_EQ(rows[3][4], "");
  EXPECT_EQ(rows[4][3], "Ωmega 😀");
}

TEST_F(SnapshotTest, EmptyRegister) {
  holder.replace(spatial::Snapshot::build(1, {}));
  Response r = run();
  ASSERT_EQ(r.status, 200);
  json j = json::parse(r.body);
  EXPECT_TRUE(j["rows"].is_array());
  EXPECT_TRUE(j["rows"].empty());
  EXPECT_TRUE(verifies(r, r.body));
}

TEST_F(SnapshotTest, HeadHasLengthAndNoBody) {
  Response full = run({{"Accept-Encoding", "gzip"}});
  Response head = run({{"Accept-Encoding", "gzip"}}, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("Content-Length").value_or(""), std::to_string(full.body.size()));
  EXPECT_EQ(head.header("ETag"), full.header("ETag"));
}

TEST_F(SnapshotTest, KeyEndpointPublishesThePublicKeyOnly) {
  Response r = handler.handle(get("/v1/snapshot/key"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
  json j = json::parse(r.body);
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(j["algorithm"], "Ed25519");
  auto pub = base64_decode(j["public_key"].get<std::string>());
  ASSERT_TRUE(pub);
  EXPECT_EQ(*pub, raw(key->public_key()));
  // What an app does: verify the snapshot with the key it fetched.
  Response snap = run();
  SigningKey::PublicKey published{};
  std::copy(pub->begin(), pub->end(), published.begin());
  EXPECT_TRUE(verify_signature(snap.body, *base64_decode(snap.header("Rifugio-Signature").value_or("")), published));
}

TEST_F(SnapshotTest, WithoutAKeyBothAre404) {
  Handler off(holder);
  for (auto target : {"/v1/snapshot", "/v1/snapshot/key"}) {
    Response r = off.handle(get(target));
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.header("Content-Type").value_or(""), "application/problem+json");
  }
}

TEST_F(SnapshotTest, NotReadyWithoutSnapshot) {
  spatial::SnapshotHolder empty;
  Handler cold(empty, {.signing_key = key});
  EXPECT_EQ(cold.handle(get("/v1/snapshot")).status, 503);
  EXPECT_EQ(cold.handle(get("/v1/snapshot/key")).status, 200) << "the key does not depend on the data";
}

TEST_F(SnapshotTest, MetricsCountTheRoutes) {
  run();
  run({{"If-None-Match", "\"42\""}});
  handler.handle(get("/v1/snapshot/key"));
  std::string text = handler.handle(get("/metrics")).body;
  EXPECT_NE(text.find(R"(rifugio_http_requests_total{route="snapshot",status="200"} 1)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(rifugio_http_requests_total{route="snapshot",status="304"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(rifugio_http_requests_total{route="snapshot_key",status="200"} 1)"), std::string::npos);
}

// Readers on several threads while revisions change: every answer is a
// consistent (ETag, body, signature) triple.
TEST_F(SnapshotTest, ConcurrentReadersAndNewRevisions) {
  std::atomic<bool> done{false};
  std::atomic<int> checked{0}, bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&] {
      while (!done) {
        Response r = run({{"Accept-Encoding", "gzip"}});
        std::string body = gzip_decompress(r.body);
        auto rev = json::parse(body)["revision"].get<std::int64_t>();
        if (r.status != 200 || r.header("ETag").value_or("") != "\"" + std::to_string(rev) + "\"" || !verifies(r, body))
          ++bad;
        ++checked;
      }
    });
  auto shelters = test::sample_shelters();
  for (std::int64_t rev = 100; rev < 130; ++rev) {
    shelters[0].capacity = static_cast<std::int32_t>(rev);
    holder.replace(spatial::Snapshot::build(rev, shelters));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  while (checked < 100) std::this_thread::yield();
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad, 0);
  // Once the writer is done, the current revision is served.
  EXPECT_EQ(run().header("ETag").value_or(""), "\"129\"");
}

// With sign_ahead the handler signs each published revision on its own
// thread: the document of a new revision is ready without any request, and a
// request in the meantime gets the previous revision's instead of waiting.
TEST_F(SnapshotTest, SignAheadSignsEachRevisionWithoutARequest) {
  Handler ahead(holder, {.signing_key = key, .sign_ahead = true});
  auto wait_for = [&](std::int64_t rev) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (ahead.signed_revision() != rev && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return ahead.signed_revision();
  };
  ASSERT_EQ(wait_for(42), 42);
  auto shelters = test::sample_shelters();
  shelters[0].status = Status::full;
  holder.replace(spatial::Snapshot::build(43, shelters));
  ASSERT_EQ(wait_for(43), 43) << "revision 43 was not signed in the background";
  Request r = get("/v1/snapshot");
  Response res = ahead.handle(r);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.header("ETag").value_or(""), "\"43\"");
  EXPECT_TRUE(verifies(res, res.body));
  EXPECT_EQ(json::parse(res.body)["revision"], 43);

  // Without sign_ahead nothing is signed until a request asks.
  EXPECT_EQ(handler.signed_revision(), -1);
  EXPECT_EQ(run().header("ETag").value_or(""), "\"43\"");
  EXPECT_EQ(handler.signed_revision(), 43);
}

// The signing thread stops with its handler, also while there is work left.
TEST_F(SnapshotTest, SignAheadStopsWithTheHandler) {
  for (int i = 0; i < 20; ++i) {
    Handler ahead(holder, {.signing_key = key, .sign_ahead = true});
    holder.replace(spatial::Snapshot::build(50 + i, test::sample_shelters()));
  }
  Handler no_key(holder, {.sign_ahead = true});
  EXPECT_EQ(no_key.signed_revision(), -1) << "nothing to sign without a key";
  EXPECT_EQ(no_key.handle(get("/v1/snapshot")).status, 404);
}

}  // namespace
}  // namespace rifugio::api
