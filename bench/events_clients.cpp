// events_clients: how long a warden's status change takes to reach every open
// app. Against a running `rifugio serve` on 127.0.0.1:
//
//   1. reference: --changes status POSTs (one every --interval-ms) with no
//      stream open; each one's latency (request sent -> answer read);
//   2. opens --count GET /v1/events streams and waits for every head;
//   3. the same number of POSTs again, one every --interval-ms, each on a
//      different shelter; for every (stream, change) pair the delay from just
//      before the POST is sent to the moment that stream has read the change's
//      `status` event.
//
//   events_clients --port 8080 --token rf_... --count 5000 --changes 50
//       --interval-ms 200 --ids 12,17,... (2 x changes shelter ids whose status is not "closed")
//
// Prints the POST latencies of both phases and p50/p95/p99/max of the
// delays over all pairs, and how many pairs never arrived (within --timeout).
// Exit status 1 when a stream failed or an event is missing. Loopback only.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  int count = 5000;
  int changes = 50;
  int interval_ms = 200;
  double timeout_s = 30;  ///< after the last POST, wait this long for stragglers
  std::string token;
  std::vector<long> ids;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "events_clients: %s\nusage: events_clients --port P --token T --ids ID,ID,... [--count N] "
               "[--changes M] [--interval-ms MS] [--timeout S]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (i + 1 >= argc) usage("an option needs a value");
    const char* v = argv[++i];
    if (a == "--port") o.port = std::atoi(v);
    else if (a == "--count") o.count = std::atoi(v);
    else if (a == "--changes") o.changes = std::atoi(v);
    else if (a == "--interval-ms") o.interval_ms = std::atoi(v);
    else if (a == "--timeout") o.timeout_s = std::atof(v);
    else if (a == "--token") o.token = v;
    else if (a == "--ids") {
      for (const char* p = v; *p;) {
        char* end = nullptr;
        long id = std::strtol(p, &end, 10);
        if (end == p) usage("--ids: a comma-separated list of shelter ids");
        o.ids.push_back(id);
        p = *end == ',' ? end + 1 : end;
      }
    } else usage("unknown option");
  }
  if (o.port <= 0 || o.port > 65535 || o.count <= 0 || o.changes <= 0 || o.interval_ms < 0) usage("bad values");
  if (o.token.empty()) usage("--token is required");
  if (static_cast<int>(o.ids.size()) < 2 * o.changes) usage("--ids needs 2 x --changes ids");
  return o;
}

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

/// One blocking keep-alive connection for the POSTs.
class Poster {
 public:
  Poster(const Options& o) : o_(o) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto addr = loopback(o.port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      std::perror("events_clients: connect");
      std::exit(1);
    }
  }
  ~Poster() { ::close(fd_); }

  /// The status POST's request bytes, built before the clock starts.
  std::string request(long id, int n) const {
    std::string body = R"({"status":"closed","reason":"bench/events.sh change )" + std::to_string(n) + "\"}";
    return "POST /v1/shelters/" + std::to_string(id) + "/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
           o_.token + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }
  /// Send and read the answer; its HTTP status (0 on failure).
  int send(const std::string& req) {
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return 0;
    std::string in;
    char buf[8192];
    for (;;) {
      auto end = in.find("\r\n\r\n");
      if (end != std::string::npos) {
        auto cl = in.find("Content-Length: ");
        std::size_t len = cl == std::string::npos || cl > end ? 0 : std::stoul(in.substr(cl + 16));
        if (in.size() >= end + 4 + len) return std::atoi(in.c_str() + 9);
      }
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return 0;
      in.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  const Options& o_;
  int fd_ = -1;
};

struct Stream {
  int fd = -1;
  bool head = false;  ///< the 200 head has arrived
  std::string carry;  ///< an incomplete line kept for the next read
  std::vector<bool> seen;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void print_latencies(const char* what, const std::vector<double>& ms) {
  std::printf("%-44s n=%zu p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms\n", what, ms.size(),
              percentile(ms, 50), percentile(ms, 95), percentile(ms, 99),
              ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()));
}

/// POSTs changes [first, first + changes) of o.ids one every interval; t_send[i] is
/// written just before request i goes out. Returns each answer's latency in ms.
std::vector<double> post_changes(const Options& o, int first, std::vector<std::atomic<std::int64_t>>* t_send,
                                 int* failures) {
  Poster poster(o);
  std::vector<double> ms;
  auto next = Clock::now();
  for (int i = 0; i < o.changes; ++i) {
    std::this_thread::sleep_until(next);
    next += std::chrono::milliseconds(o.interval_ms);
    std::string req = poster.request(o.ids[static_cast<std::size_t>(first + i)], i);
    auto t0 = Clock::now();
    if (t_send) (*t_send)[static_cast<std::size_t>(i)].store(t0.time_since_epoch().count(), std::memory_order_release);
    int status = poster.send(req);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (status != 200) {
      std::fprintf(stderr, "events_clients: POST for shelter %ld answered %d\n", o.ids[static_cast<std::size_t>(first + i)],
                   status);
      ++*failures;
    }
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  std::signal(SIGPIPE, SIG_IGN);
  int failures = 0;

  // 1. Reference: the POSTs with no stream open.
  auto reference = post_changes(o, 0, nullptr, &failures);

  // 2. Open the streams, a few hundred connects in flight at a time.
  const std::string subscribe = "GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
  int ep = epoll_create1(EPOLL_CLOEXEC);
  auto addr = loopback(o.port);
  std::vector<Stream> streams(static_cast<std::size_t>(o.count));
  std::unordered_map<long, int> change_of;  // shelter id -> change number
  for (int i = 0; i < o.changes; ++i) change_of[o.ids[static_cast<std::size_t>(o.changes + i)]] = i;
  int heads = 0, dropped = 0;
  auto t_open = Clock::now();
  std::size_t next = 0;
  int connecting = 0;
  std::vector<epoll_event> events(1024);
  std::vector<std::atomic<std::int64_t>> t_send(static_cast<std::size_t>(o.changes));
  std::vector<double> delays;
  delays.reserve(static_cast<std::size_t>(o.count) * static_cast<std::size_t>(o.changes));
  char buf[65536];

  // Reads what a stream has and records the changes it completes. The
  // stream's text is scanned for `data: {"id":N,`: the change's shelter.
  auto on_readable = [&](Stream& s) {
    for (;;) {
      ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
      if (n <= 0) {
        epoll_ctl(ep, EPOLL_CTL_DEL, s.fd, nullptr);
        ::close(s.fd);
        s.fd = -1;
        ++dropped;
        return;
      }
      auto now = Clock::now().time_since_epoch().count();
      s.carry.append(buf, static_cast<std::size_t>(n));
      if (!s.head) {
        auto end = s.carry.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        if (s.carry.compare(0, 12, "HTTP/1.1 200") != 0) {
          std::fprintf(stderr, "events_clients: stream refused: %.40s\n", s.carry.c_str());
          ++failures;
        }
        s.head = true;
        ++heads;
        --connecting;
        s.carry.erase(0, end + 4);
      }
      std::size_t pos = 0;
      constexpr std::string_view kData = "data: {\"id\":";
      for (;;) {
        auto at = s.carry.find(kData, pos);
        if (at == std::string::npos) break;
        auto nl = s.carry.find('\n', at);
        if (nl == std::string::npos) {
          pos = at;
          break;
        }
        long id = std::strtol(s.carry.c_str() + at + kData.size(), nullptr, 10);
        if (auto it = change_of.find(id); it != change_of.end() && !s.seen[static_cast<std::size_t>(it->second)]) {
          s.seen[static_cast<std::size_t>(it->second)] = true;
          auto sent = t_send[static_cast<std::size_t>(it->second)].load(std::memory_order_acquire);
          delays.push_back(static_cast<double>(now - sent) / 1e6);
        }
        pos = nl + 1;
      }
      // Keep only a possibly incomplete last line.
      auto last_nl = s.carry.rfind('\n');
      s.carry.erase(0, last_nl == std::string::npos ? 0 : std::max(pos, last_nl + 1));
    }
  };

  while (heads + dropped < o.count) {
    while (next < streams.size() && connecting < 256) {
      Stream& s = streams[next];
      s.seen.assign(static_cast<std::size_t>(o.changes), false);
      s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (s.fd < 0) {
        std::fprintf(stderr, "events_clients: socket: %s (raise ulimit -n)\n", std::strerror(errno));
        return 1;
      }
      epoll_event ev{};
      ev.events = EPOLLOUT;
      ev.data.u64 = next;
      epoll_ctl(ep, EPOLL_CTL_ADD, s.fd, &ev);
      if (::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
        std::fprintf(stderr, "events_clients: connect: %s\n", std::strerror(errno));
        return 1;
      }
      ++next;
      ++connecting;
    }
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1000);
    for (int i = 0; i < n; ++i) {
      Stream& s = streams[events[i].data.u64];
      if (s.fd < 0) continue;
      if (events[i].events & EPOLLOUT) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || ::send(s.fd, subscribe.data(), subscribe.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(subscribe.size())) {
          std::fprintf(stderr, "events_clients: connect failed: %s\n", std::strerror(err ? err : errno));
          return 1;
        }
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = events[i].data.u64;
        epoll_ctl(ep, EPOLL_CTL_MOD, s.fd, &ev);
        continue;
      }
      on_readable(s);
    }
    if (Clock::now() - t_open > std::chrono::seconds(120)) {
      std::fprintf(stderr, "events_clients: only %d of %d streams opened in 120 s\n", heads, o.count);
      return 1;
    }
  }
  std::printf("streams open: %d in %.1f s\n", heads, std::chrono::duration<double>(Clock::now() - t_open).count());
  std::fflush(stdout);

  // 3. The changes, posted from another thread while this one reads.
  const std::size_t expected = static_cast<std::size_t>(heads) * static_cast<std::size_t>(o.changes);
  std::vector<double> live_posts;
  std::atomic<bool> posted{false};
  std::thread poster([&] {
    live_posts = post_changes(o, o.changes, &t_send, &failures);
    posted = true;
  });
  auto give_up = Clock::time_point::max();
  while (delays.size() < expected) {
    if (posted && give_up == Clock::time_point::max())
      give_up = Clock::now() + std::chrono::milliseconds(static_cast<long>(o.timeout_s * 1000));
    if (Clock::now() > give_up) break;
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int i = 0; i < n; ++i) {
      Stream& s = streams[events[i].data.u64];
      if (s.fd >= 0) on_readable(s);
    }
  }
  poster.join();
  for (auto& s : streams)
    if (s.fd >= 0) ::close(s.fd);

  print_latencies("reference: POST status, no stream open", reference);
  char what[96];
  std::snprintf(what, sizeof what, "POST status, %d streams open", heads);
  print_latencies(what, live_posts);
  std::snprintf(what, sizeof what, "delay POST -> event read, %d x %d pairs", heads, o.changes);
  print_latencies(what, delays);
  std::printf("missing %zu of %zu pairs, streams dropped %d\n", expected - delays.size(), expected, dropped);
  return failures || dropped || delays.size() < expected ? 1 : 0;
}
