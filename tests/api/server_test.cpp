// The Beast server on a real loopback socket: keep-alive, pipelining, gzip,
// size limits, timeouts, many connections, graceful stop.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "api/gzip.hpp"
#include "api/server.hpp"
#include "api/signing.hpp"
#include "api_fixture.hpp"
#include "http_client.hpp"

namespace rifugio::api {
namespace {

using namespace std::chrono_literals;
using test::Client;
using Clock = std::chrono::steady_clock;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { holder.replace(test::sample_snapshot()); }
  void TearDown() override { stop(); }

  void start(ServerOptions o = {}) {
    o.address = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    server = std::make_unique<Server>(o, holder);
    runner = std::thread([this] { server->run(); });
  }
  void stop() {
    if (!server) return;
    server->stop();
    runner.join();
    server.reset();
  }
  std::uint16_t port() const { return server->port(); }

  spatial::SnapshotHolder holder;
  std::unique_ptr<Server> server;
  std::thread runner;
};

TEST_F(ServerTest, KeepAliveAndPipelining) {
  start();
  Client c(port());
  for (int i = 0; i < 3; ++i) {
    auto r = c.get("/v1/nearest?lat=59.91&lon=10.75");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("content-type"), "application/json");
    EXPECT_FALSE(r->header("date").empty());
    EXPECT_EQ(nlohmann::json::parse(r->body)["results"].size(), 5u);
  }
  // Three requests in one write come back in order.
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(c.read_response()->status, 200);
  EXPECT_EQ(c.read_response()->status, 404);
  EXPECT_EQ(c.read_response()->status, 200);
  // Connection: close is honoured.
  auto last = c.get("/healthz", "Connection: close\r\n");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->header("connection"), "close");
  EXPECT_TRUE(c.closed_within(2s));
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAlive) {
  start();
  Client c(port());
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(c.read_response()->status, 200);
  EXPECT_TRUE(c.closed_within(2s));
}

TEST_F(ServerTest, GzipAndHeadOnTheWire) {
  start();
  Client c(port());
  auto plain = c.get("/ogc/api");
  auto gz = c.get("/ogc/api", "Accept-Encoding: gzip, deflate\r\n");
  ASSERT_TRUE(plain && gz);
  EXPECT_EQ(gz->header("content-encoding"), "gzip");
  EXPECT_EQ(gz->header("vary"), "Accept-Encoding");
  EXPECT_EQ(gzip_decompress(gz->body), plain->body);
  ASSERT_TRUE(c.send("HEAD /ogc/api HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto head = c.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->header("content-length"), std::to_string(plain->body.size()));
  // No body bytes followed the HEAD answer: the next answer parses cleanly.
  EXPECT_EQ(c.get("/healthz")->status, 200);
}

TEST_F(ServerTest, SignedSnapshotAnd304OnTheWire) {
  auto key = std::make_shared<const SigningKey>(SigningKey::generate());
  start({.handler = {.signing_key = key}});
  Client c(port());
  auto gz = c.get("/v1/snapshot", "Accept-Encoding: gzip\r\n");
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->status, 200);
  EXPECT_EQ(gz->header("content-encoding"), "gzip");
  EXPECT_EQ(gz->header("etag"), "\"42\"");
  EXPECT_EQ(gz->header("access-control-expose-headers"), "ETag, Rifugio-Signature");
  auto sig = base64_decode(gz->header("rifugio-signature"));
  ASSERT_TRUE(sig);
  EXPECT_TRUE(verify_signature(gzip_decompress(gz->body), *sig, key->public_key()));
  // 304 has no body: the next answer on the same connection parses cleanly.
  auto nm = c.get("/v1/snapshot", "If-None-Match: \"42\"\r\nAccept-Encoding: gzip\r\n");
  ASSERT_TRUE(nm);
  EXPECT_EQ(nm->status, 304);
  EXPECT_TRUE(nm->body.empty());
  EXPECT_EQ(nm->header("etag"), "\"42\"");
  EXPECT_EQ(c.get("/v1/snapshot/key")->status, 200);
}

TEST_F(ServerTest, CorsPreflightOnTheWire) {
  start();
  Client c(port());
  ASSERT_TRUE(c.send("OPTIONS /v1/nearest HTTP/1.1\r\nHost: x\r\nOrigin: https://a.example\r\n"
                     "Access-Control-Request-Method: GET\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->header("access-control-allow-origin"), "*");
  EXPECT_EQ(c.get("/healthz")->status, 200);
}

TEST_F(ServerTest, UriTooLong) {
  start();
  {
    Client c(port());  // just under the limit: routed normally
    auto r = c.get("/v1/nearest?lat=1&lon=2&pad=" + std::string(8000, 'x'));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(c.get("/healthz")->status, 200);
  }
  for (std::size_t len : {9000u, 40000u}) {  // over the limit; and past the parser's whole-header cap
    Client c(port());
    auto r = c.get("/v1/nearest?pad=" + std::string(len, 'x'));
    ASSERT_TRUE(r) << len;
    EXPECT_EQ(r->status, 414) << len;
    EXPECT_EQ(nlohmann::json::parse(r->body)["code"], "uri_too_long");
    EXPECT_TRUE(c.closed_within(3s));
  }
}

TEST_F(ServerTest, HeadersTooLarge) {
  start();
  {
    Client c(port());
    auto r = c.get("/healthz", "X-Pad: " + std::string(15000, 'y') + "\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  std::string many;
  for (int i = 0; i < 400; ++i) many += "X-Field-" + std::to_string(i) + ": " + std::string(100, 'z') + "\r\n";
  for (const std::string& extra : {"X-Pad: " + std::string(17000, 'y') + "\r\n", many}) {
    Client c(port());
    auto r = c.get("/healthz", extra);
    ASSERT_TRUE(r) << extra.size();
    EXPECT_EQ(r->status, 431) << extra.size();
    EXPECT_EQ(nlohmann::json::parse(r->body)["code"], "headers_too_large");
    EXPECT_TRUE(c.closed_within(3s));
  }
}

TEST_F(ServerTest, BodyTooLarge) {
  start();
  {
    Client c(port());  // a small body is read and the connection stays usable
    ASSERT_TRUE(c.send("POST /v1/nearest HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'b')));
    EXPECT_EQ(c.read_response()->status, 405);
    EXPECT_EQ(c.get("/healthz")->status, 200);
  }
  {
    Client c(port());  // declared too large: refused before reading it
    ASSERT_TRUE(c.send("POST /v1/nearest HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_TRUE(c.closed_within(3s));
  }
  {
    Client c(port());  // chunked, growing past the limit
    ASSERT_TRUE(c.send("POST /v1/nearest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    std::string chunk = "10000\r\n" + std::string(0x10000, 'c') + "\r\n";
    for (int i = 0; i < 20 && c.send(chunk); ++i) {
    }
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
}

TEST_F(ServerTest, OnlyImportUploadsMayBeLarge) {
  start({.max_body_bytes = 1000, .max_import_body_bytes = 100'000});
  const std::string big(50'000, 'x');
  auto post = [&](const std::string& target, const std::string& body, bool chunked = false) {
    Client c(port());
    std::string head = "POST " + target + " HTTP/1.1\r\nHost: x\r\n";
    if (chunked) {
      std::string hex = fmt::format("{:x}", body.size());
      c.send(head + "Transfer-Encoding: chunked\r\n\r\n" + hex + "\r\n" + body + "\r\n0\r\n\r\n");
    } else {
      c.send(head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    auto r = c.read_response();
    return r ? r->status : 0;
  };
  // The whole body is read and handed on (no write API here: 404), not refused.
  EXPECT_EQ(post("/v1/imports?mapping=t&dry_run=true", big), 404);
  EXPECT_EQ(post("/v1/imports?mapping=t", big, true), 404);
  EXPECT_EQ(post("/v1/imports", std::string(150'000, 'x')), 413) << "the import limit holds too";
  EXPECT_EQ(post("/v1/imports/mappings", big), 413);
  EXPECT_EQ(post("/v1/shelters", big), 413);
  EXPECT_EQ(post("/v1/shelters", big, true), 413);
  EXPECT_EQ(post("/v1/nearest?x=/v1/imports", big), 413);
  EXPECT_EQ(post("/v1/shelters", std::string(900, 'x')), 404);
}

TEST_F(ServerTest, MalformedRequestIs400) {
  start();
  Client c(port());
  ASSERT_TRUE(c.send("THIS IS NOT HTTP\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(nlohmann::json::parse(r->body)["code"], "bad_request");
}

TEST_F(ServerTest, IdleConnectionsTimeOut) {
  start({.idle_timeout = 300ms, .header_timeout = 5s});
  Client fresh(port());
  Client used(port());
  EXPECT_EQ(used.get("/healthz")->status, 200);
  auto t0 = Clock::now();
  EXPECT_TRUE(fresh.closed_within(5s));
  EXPECT_TRUE(used.closed_within(5s));
  EXPECT_GE(Clock::now() - t0, 200ms);
}

TEST_F(ServerTest, SlowHeadersTimeOut) {
  // Idle time is long, header time short: a client that starts a request and
  // stalls (slowloris) is cut off by the header timeout.
  start({.idle_timeout = 30s, .header_timeout = 300ms});
  Client c(port());
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "));
  auto t0 = Clock::now();
  EXPECT_TRUE(c.closed_within(5s));
  EXPECT_LT(Clock::now() - t0, 5s);
  Client ok(port());
  EXPECT_EQ(ok.get("/healthz")->status, 200);
}

TEST_F(ServerTest, ManyOpenConnections) {
  // Each connection costs two descriptors here (client and server side).
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  std::size_t n = std::min<std::size_t>(3000, (rl.rlim_max - 100) / 2);
  start();
  std::vector<std::unique_ptr<Client>> idle;
  for (std::size_t i = 0; i < n; ++i) idle.push_back(std::make_unique<Client>(port()));
  auto t0 = Clock::now();
  Client c(port());
  EXPECT_EQ(c.get("/v1/nearest?lat=59.91&lon=10.75")->status, 200);
  EXPECT_LT(Clock::now() - t0, 2s) << "a new client waited behind " << n << " idle connections";
  // Every one of them is still served.
  for (std::size_t i = 0; i < n; i += 7) ASSERT_EQ(idle[i]->get("/healthz")->status, 200) << i;
}

TEST_F(ServerTest, GracefulStop) {
  start({.shutdown_grace = 10s});
  Client idle(port());
  Client busy(port());
  EXPECT_EQ(idle.get("/healthz")->status, 200);
  ASSERT_TRUE(busy.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // headers not finished
  std::this_thread::sleep_for(200ms);  // let the server start reading them
  auto t0 = Clock::now();
  server->stop();
  EXPECT_TRUE(idle.closed_within(3s)) << "idle connections close at once";
  // The request in flight is still answered, then the connection closes.
  ASSERT_TRUE(busy.send("\r\n"));
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  runner.join();
  EXPECT_LT(Clock::now() - t0, 5s) << "stop waits for connections, not for the grace time";
  server.reset();
}

TEST_F(ServerTest, StopGivesUpAfterGrace) {
  start({.header_timeout = 30s, .shutdown_grace = 300ms});
  Client stuck(port());
  ASSERT_TRUE(stuck.send("GET /healthz HTTP/1.1\r\n"));
  std::this_thread::sleep_for(200ms);
  auto t0 = Clock::now();
  server->stop();
  runner.join();
  EXPECT_LT(Clock::now() - t0, 3s);
  server.reset();
}

TEST_F(ServerTest, BindErrors) {
  start();
  ServerOptions o{.address = "127.0.0.1", .port = port()};
  EXPECT_THROW(Server(o, holder), ServerError);
  o.address = "not-an-address";
  EXPECT_THROW(Server(o, holder), ServerError);
}

TEST(Serve, StopsOnSigterm) {
  spatial::SnapshotHolder holder;
  std::promise<std::uint16_t> ready;
  std::future<int> rc = std::async(std::launch::async, [&] {
    return serve({.address = "127.0.0.1", .port = 0, .threads = 2}, holder,
                 [&](std::uint16_t port) { ready.set_value(port); });
  });
  auto bound = ready.get_future();
  ASSERT_EQ(bound.wait_for(5s), std::future_status::ready);
  // on_ready gets the port actually bound, not the 0 that was asked for.
  std::uint16_t port = bound.get();
  EXPECT_NE(port, 0);
  EXPECT_EQ(test::Client(port).get("/healthz")->status, 200);
  ::kill(::getpid(), SIGTERM);
  ASSERT_EQ(rc.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(rc.get(), 0);
}

}  // namespace
}  // namespace rifugio::api
