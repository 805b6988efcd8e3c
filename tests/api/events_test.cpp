// Live updates (GET /v1/events) on a real loopback server with a real SQLite
// store behind the write API: a warden's change reaches every subscriber,
// reconnects with Last-Event-ID, pings, 1,000 subscribers, a client that
// never reads, and stop. Plus the snapshot diff the events come from.

#include "api/events.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "../test_util.hpp"
#include "api/server.hpp"
#include "api/write.hpp"
#include "api_fixture.hpp"
#include "http_client.hpp"
#include "storage/accounts.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rifugio::api {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::Client;
using Clock = std::chrono::steady_clock;

/// One parsed event: its type, id and data (JSON).
struct Event {
  std::string type;
  std::int64_t id = -1;
  json data;
};

/// Parse the events in SSE text; comments (": ping") are skipped.
std::vector<Event> parse_events(const std::string& text) {
  std::vector<Event> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find("\n\n", pos);
    if (end == std::string::npos) break;
    Event e;
    std::string block = text.substr(pos, end - pos);
    pos = end + 2;
    std::size_t line_start = 0;
    while (line_start <= block.size()) {
      std::size_t nl = block.find('\n', line_start);
      std::string line = block.substr(line_start, nl == std::string::npos ? std::string::npos : nl - line_start);
      if (line.starts_with("event: ")) e.type = line.substr(7);
      if (line.starts_with("id: ")) e.id = std::stoll(line.substr(4));
      if (line.starts_with("data: ")) e.data = json::parse(line.substr(6));
      if (nl == std::string::npos) break;
      line_start = nl + 1;
    }
    if (!e.type.empty()) out.push_back(std::move(e));
  }
  return out;
}

class Events : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteStore seed(dir.file("r.db"));
    ChangeSet cs{"test", "seed", false, {}};
    for (auto s : test::sample_shelters()) {  // ids 1..11 in order
      s.id = 0;
      s.keys = {{"t", s.name}};
      cs.changes.push_back({Change::Op::create, s, ""});
    }
    seed.commit(cs);
    seed.add_user({.name = "ola", .role = Role::warden, .shelters = {1, 2}});
    seed.add_user({.name = "root", .role = Role::admin});
    warden = issue_token(seed, "ola", 0, now_utc()).token;
    admin = issue_token(seed, "root", 0, now_utc()).token;
    holder.replace(spatial::Snapshot::build(seed.revision(), seed.list({})));
  }
  void TearDown() override { stop(); }

  /// Publish as rifugio serve does: swap in, then diff and stream, under one lock.
  void swap_in(std::shared_ptr<const spatial::Snapshot> next) {
    std::lock_guard lock(publishing);
    auto before = holder.current();
    holder.replace(next);
    hub->publish(before.get(), *next);
  }

  void start(ServerOptions o = {}) {
    o.address = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.handler.events = hub;
    o.handler.writer = std::make_shared<Writer>(std::make_unique<SqliteStore>(dir.file("r.db")),
                                                [this](Store& s, std::int64_t rev) {
                                                  swap_in(spatial::Snapshot::build(rev, s.list({})));
                                                });
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

  /// Open a stream; returns the head (status line and fields) and leaves the body unread.
  std::string subscribe(Client& c, const std::string& extra = "", const std::string& target = "/v1/events") {
    EXPECT_TRUE(c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n"));
    return c.read_until("\r\n\r\n").value_or("");
  }
  /// Wait until the hub counts n open streams (they register after their head is sent).
  void wait_for_clients(std::int64_t n) {
    auto until = Clock::now() + 10s;
    while (hub->clients() != n && Clock::now() < until) std::this_thread::sleep_for(5ms);
    ASSERT_EQ(hub->clients(), n);
  }
  int post_status(ShelterId id, const std::string& body) {
    Client c(port());
    std::string req = "POST /v1/shelters/" + std::to_string(id) +
                      "/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + warden +
                      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\n\r\n" + body;
    EXPECT_TRUE(c.send(req));
    auto r = c.read_response();
    return r ? r->status : 0;
  }
  /// The events up to and including the next `revision` event.
  std::vector<Event> next_revision(Client& c) {
    auto text = c.read_until("event: revision\n");
    if (!text) return {};
    auto rest = c.read_until("\n\n");
    return rest ? parse_events(*text + *rest) : std::vector<Event>{};
  }

  rifugio::test::TempDir dir;
  spatial::SnapshotHolder holder;
  std::shared_ptr<EventHub> hub = std::make_shared<EventHub>();
  std::mutex publishing;
  std::string warden, admin;
  std::unique_ptr<Server> server;
  std::thread runner;
};

TEST_F(Events, WardenStatusChangeReachesSubscriber) {
  start();
  Client c(port());
  std::string head = subscribe(c);
  EXPECT_NE(head.find("HTTP/1.1 200"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-cache"), std::string::npos) << head;
  EXPECT_NE(head.find("Access-Control-Allow-Origin: *"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << "a stream has no length: " << head;
  EXPECT_EQ(c.read_until("\n\n").value_or(""), "retry: 3000\n\n");
  wait_for_clients(1);

  const std::int64_t before = holder.current()->revision();
  ASSERT_EQ(post_status(1, R"({"status":"full","occupancy":100,"reason":"counted"})"), 200);
  auto events = next_revision(c);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "status");
  EXPECT_EQ(events[0].id, before + 1);
  const json& d = events[0].data;
  EXPECT_EQ(d["id"], 1);
  EXPECT_EQ(d["status"], "full");
  EXPECT_EQ(d["occupancy"], 100);
  EXPECT_EQ(d["capacity"], 100);
  EXPECT_EQ(d["revision"], before + 1);
  ASSERT_TRUE(d["status_time"].is_string());
  EXPECT_EQ(d["status_time"].get<std::string>().size(), 20u) << d;  // 2026-11-22T06:23:05Z
  EXPECT_EQ(events[1].type, "revision");
  EXPECT_EQ(events[1].data, json({{"revision", before + 1}, {"previous", before}, {"complete", true}}));

  // Metrics: one stream open, two events written.
  Client m(port());
  auto metrics = m.get("/metrics")->body;
  EXPECT_NE(metrics.find("rifugio_event_clients 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("rifugio_events_sent_total 2\n"), std::string::npos) << metrics;
}

TEST_F(Events, ChangeThroughAnotherConnectionArrives) {
  // What rifugio serve's watcher does with another process's commit: read
  // the store through its own connection and publish the new snapshot.
  start();
  Client c(port());
  subscribe(c);
  wait_for_clients(1);
  SqliteStore other(dir.file("r.db"));
  Shelter s = *other.get(2);
  s.status = Status::open;
  s.occupancy = 7;
  auto r = other.commit({"ed", "reopened", true, {{Change::Op::update, s, ""}}});
  SqliteStore watcher(dir.file("r.db"));
  swap_in(spatial::Snapshot::build(watcher.revision(), watcher.list({})));
  auto events = next_revision(c);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data["id"], 2);
  EXPECT_EQ(events[0].data["status"], "open");
  EXPECT_EQ(events[0].data["occupancy"], 7);
  EXPECT_EQ(events[1].data["revision"], r.revision);
}

TEST_F(Events, OtherEditsMakeTheRevisionIncomplete) {
  start();
  Client c(port());
  subscribe(c);
  wait_for_clients(1);
  Client w(port());
  std::string body = R"({"name":"Jernbanetorget T","reason":"sign"})";
  ASSERT_TRUE(w.send("PATCH /v1/shelters/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin +
                     "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
  ASSERT_EQ(w.read_response()->status, 200);
  auto events = next_revision(c);
  ASSERT_EQ(events.size(), 1u) << "a rename is no status event";
  EXPECT_EQ(events[0].data["complete"], false);
}

TEST_F(Events, LastEventIdOlderThanCurrentGetsRevisionAtOnce) {
  start();
  const std::int64_t rev = holder.current()->revision();
  Client old(port());
  subscribe(old, "Last-Event-ID: " + std::to_string(rev - 1) + "\r\n");
  EXPECT_EQ(old.read_until("\n\n").value_or(""), "retry: 3000\n\n");
  auto events = parse_events(old.read_until("\n\n").value_or(""));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "revision");
  EXPECT_EQ(events[0].id, rev);
  EXPECT_EQ(events[0].data, json({{"revision", rev}}));
  // ?since= does the same for a first connection (EventSource cannot set headers).
  Client since(port());
  subscribe(since, "", "/v1/events?since=" + std::to_string(rev - 1));
  since.read_until("\n\n");
  EXPECT_EQ(parse_events(since.read_until("\n\n").value_or("")).at(0).data["revision"], rev);

  // Up to date: nothing until the next change, which is not repeated to anyone.
  Client current(port());
  subscribe(current, "Last-Event-ID: " + std::to_string(rev) + "\r\n");
  current.read_until("\n\n");
  wait_for_clients(3);
  ASSERT_EQ(post_status(2, R"({"status":"open","reason":"x"})"), 200);
  auto next = next_revision(current);
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(next[0].data["id"], 2);
  EXPECT_EQ(next[1].id, rev + 1);

  Client bad(port());
  auto r = bad.get("/v1/events", "Last-Event-ID: yesterday\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("Last-Event-ID"), std::string::npos) << r->body;
  EXPECT_EQ(bad.get("/v1/events?since=-3")->status, 400);
  EXPECT_EQ(bad.get("/v1/events?from=3")->status, 400);
}

TEST_F(Events, PingsKeepStreamsOpenPastTheIdleTimeout) {
  start({.idle_timeout = 300ms, .event_ping = 100ms});
  Client c(port());
  subscribe(c);
  c.read_until("\n\n");
  auto t0 = Clock::now();
  for (int i = 0; i < 6; ++i) ASSERT_EQ(c.read_until("\n\n").value_or(""), ": ping\n\n");
  EXPECT_GT(Clock::now() - t0, 400ms) << "pings come every 100 ms, not in a burst";
  EXPECT_EQ(hub->clients(), 1) << "the idle timeout does not end a stream";
}

TEST_F(Events, ThousandSubscribersAllGetTheEvent) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  const std::size_t n = std::min<std::size_t>(1000, (rl.rlim_max - 100) / 2);
  start();
  std::vector<std::unique_ptr<Client>> clients;
  for (std::size_t i = 0; i < n; ++i) {
    clients.push_back(std::make_unique<Client>(port()));
    ASSERT_NE(subscribe(*clients.back()).find("200"), std::string::npos) << i;
  }
  wait_for_clients(static_cast<std::int64_t>(n));
  ASSERT_EQ(post_status(1, R"({"status":"closed","reason":"flooded"})"), 200);
  for (std::size_t i = 0; i < n; ++i) {
    auto events = next_revision(*clients[i]);
    ASSERT_EQ(events.size(), 2u) << "client " << i;
    ASSERT_EQ(events[0].data["status"], "closed") << "client " << i;
  }
  // Counted after the thread's last write: wait for it.
  auto until = Clock::now() + 5s;
  while (hub->sent() < 2 * n && Clock::now() < until) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(hub->sent(), 2 * n);
  // Clients leaving while the server stops: no connection is stranded (stop
  // would wait out the grace time).
  clients.clear();
  auto t0 = Clock::now();
  stop();
  EXPECT_LT(Clock::now() - t0, 3s);
}

TEST_F(Events, ClientThatNeverReadsIsDroppedOthersKeepUp) {
  // Revisions with 2,000 status changes each (~350 KB of events): far more
  // than the kernel buffers for the stalled client.
  std::vector<Shelter> shelters;
  for (ShelterId id = 1; id <= 2000; ++id) shelters.push_back(test::make_shelter(id, "S", 10.7, 59.9));
  std::int64_t rev = holder.current()->revision();
  swap_in(spatial::Snapshot::build(++rev, shelters));
  start({.io_timeout = 60s, .event_backlog_bytes = 16 * 1024});
  // The stalled client asks for a tiny receive window and never reads.
  int stalled = ::socket(AF_INET, SOCK_STREAM, 0);
  int small = 4096;
  ::setsockopt(stalled, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(stalled, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string req = "GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(stalled, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  Client reader(port());
  subscribe(reader);
  wait_for_clients(2);
  // The reader takes each batch before the next is published, so only the
  // stalled client falls behind (however slow this build is).
  std::atomic<int> read{0};
  std::thread drain([&] {
    for (int i = 0; i < 40; ++i) {
      auto events = next_revision(reader);
      read = i + 1;
      ASSERT_EQ(events.size(), 2001u) << "batch " << i;
    }
  });
  for (int i = 0; i < 40; ++i) {
    for (auto& s : shelters) {
      s.status = i % 2 ? Status::open : Status::closed;
      ++s.version;
    }
    swap_in(spatial::Snapshot::build(++rev, shelters));
    auto until = Clock::now() + 10s;
    while (read < i + 1 && Clock::now() < until) std::this_thread::sleep_for(1ms);
  }
  drain.join();
  wait_for_clients(1);
  // The stalled one's connection is closed (its kernel buffer still holds events to discard).
  char tmp[65536];
  timeval tv{5, 0};
  ::setsockopt(stalled, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ssize_t got;
  while ((got = ::recv(stalled, tmp, sizeof tmp, 0)) > 0) {
  }
  EXPECT_EQ(got, 0) << "the server closed the stalled stream";
  ::close(stalled);
}

TEST_F(Events, StopEndsStreamsPromptly) {
  start({.shutdown_grace = 30s});
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(std::make_unique<Client>(port()));
    subscribe(*clients.back());
  }
  wait_for_clients(5);
  auto t0 = Clock::now();
  server->stop();
  for (auto& c : clients) EXPECT_TRUE(c->closed_within(3s));
  runner.join();
  EXPECT_LT(Clock::now() - t0, 3s) << "streams do not hold the server for the grace time";
  server.reset();
  EXPECT_EQ(hub->clients(), 0);
}

TEST(SnapshotDiff, StatusEventsForLiveFieldsOnly) {
  auto a = test::sample_shelters();
  a.pop_back();  // the retired one is never in a snapshot
  auto b = a;
  b[0].status = Status::full;  // id 1
  b[0].version++;
  b[3].occupancy = 100;  // id 4
  b[3].version++;
  b[4].status_time = 1'800'000'000;  // id 5: re-confirmed, same status
  b[4].version++;
  auto before = spatial::Snapshot::build(1, a);
  auto after = spatial::Snapshot::build(2, b);
  auto d = diff_snapshots(*before, *after, 100);
  EXPECT_TRUE(d.complete);
  auto events = parse_events(d.status_events);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].data, json({{"id", 1}, {"status", "full"}, {"occupancy", nullptr}, {"capacity", 100},
                                  {"status_time", nullptr}, {"revision", 2}}));
  EXPECT_EQ(events[1].data["occupancy"], 100);
  EXPECT_EQ(events[2].data["status_time"], "2027-01-15T08:00:00Z");

  b[1].name = "Renamed";  // id 2
  b[1].version++;
  d = diff_snapshots(*before, *spatial::Snapshot::build(2, b), 100);
  EXPECT_EQ(d.status_count, 3u);
  EXPECT_FALSE(d.complete);
  // Limit exceeded: no status events, incomplete (clients refetch).
  d = diff_snapshots(*before, *after, 2);
  EXPECT_EQ(d.status_count, 0u);
  EXPECT_TRUE(d.status_events.empty());
  EXPECT_FALSE(d.complete);
  // A shelter gone or new is not described by status events.
  auto fewer = a;
  fewer.pop_back();
  EXPECT_FALSE(diff_snapshots(*before, *spatial::Snapshot::build(2, fewer), 100).complete);
  EXPECT_FALSE(diff_snapshots(*spatial::Snapshot::build(2, fewer), *before, 100).complete);
  EXPECT_TRUE(diff_snapshots(*before, *before, 100).status_events.empty());
}

}  // namespace
}  // namespace rifugio::api

namespace rifugio::api {
namespace {

TEST(EventsHandler, StreamHeadWithoutSockets) {
  spatial::SnapshotHolder holder;
  holder.replace(test::sample_snapshot());
  EXPECT_EQ(Handler(holder).handle(test::get("/v1/events")).status, 404) << "no hub: not enabled";
  Handler handler(holder, {.events = std::make_shared<EventHub>()});
  Response r = handler.handle(test::get("/v1/events?since=3"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.event_stream, test::kRevision);
  EXPECT_EQ(r.header("Content-Type").value_or(""), "text/event-stream");
  EXPECT_FALSE(r.header("Content-Encoding")) << "a stream is never gzipped";
  EXPECT_EQ(r.body, "retry: 3000\n\n" + revision_event(test::kRevision, -1, false));
  Request head = test::get("/v1/events");
  head.method = "HEAD";
  EXPECT_FALSE(handler.handle(head).event_stream) << "HEAD answers the head only";
  Request post = test::get("/v1/events");
  post.method = "POST";
  EXPECT_EQ(handler.handle(post).status, 405);
  // Full: 429 with Retry-After.
  auto hub = std::make_shared<EventHub>(EventHub::Options{.max_clients = 1});
  Handler full(holder, {.events = hub});
  hub->add_clients(1);
  Response busy = full.handle(test::get("/v1/events"));
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(busy.header("Retry-After").value_or(""), "30");
  EXPECT_FALSE(busy.event_stream);
}

}  // namespace
}  // namespace rifugio::api
