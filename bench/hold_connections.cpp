// hold_connections: open N keep-alive HTTP connections to a server, make one
// request on each (so the server has set up a full session), then keep them
// idle while a load test runs elsewhere. Every --ping seconds each connection
// sends another small request, so a server's idle timeout (rifugio: 30 s)
// does not end the experiment early. Used by bench/http.sh.
//
//   hold_connections --port 8080 --count 10000 --seconds 40 [--target /healthz]
//
// Prints "held N" once every connection has had its first answer (scripts
// wait for that line), then on exit a summary:
//   "open N closed_by_server N failed N answers N".
// Loopback only: the address is always 127.0.0.1.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Options {
  int port = 8080;
  int count = 10000;
  double seconds = 60;  ///< hold this long after all are open, then exit
  double ping_s = 20;   ///< a request on every connection this often
  std::string target = "/healthz";
};

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "hold_connections: %s needs a value\n", argv[i]);
      std::exit(2);
    }
    const char* v = argv[++i];
    if (a == "--port") o.port = std::atoi(v);
    else if (a == "--count") o.count = std::atoi(v);
    else if (a == "--seconds") o.seconds = std::atof(v);
    else if (a == "--ping") o.ping_s = std::atof(v);
    else if (a == "--target") o.target = v;
    else {
      std::fprintf(stderr, "hold_connections: unknown option %s\n", argv[i - 1]);
      std::exit(2);
    }
  }
  if (o.port <= 0 || o.port > 65535 || o.count <= 0) {
    std::fprintf(stderr, "usage: hold_connections --port P --count N [--seconds S] [--ping S] [--target PATH]\n");
    std::exit(2);
  }
  return o;
}

struct Conn {
  int fd = -1;
  bool connected = false;
  int awaiting = 0;  ///< requests sent, answers not yet complete (heuristic: count status lines)
  bool answered = false;  ///< the first answer came
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  const std::string request = "GET " + o.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  int ep = epoll_create1(EPOLL_CLOEXEC);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(o.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  std::vector<Conn> conns(static_cast<std::size_t>(o.count));
  long failed = 0, closed = 0, answers = 0;
  auto drop = [&](Conn& c, bool by_server) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
    (by_server ? closed : failed)++;
  };
  auto send_request = [&](Conn& c) {
    ssize_t n = ::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(request.size())) ++c.awaiting;
    else drop(c, false);
  };

  // Connect in batches so the listen backlog is not overrun.
  std::size_t next = 0;
  long first_answers = 0;
  bool announced = false;
  using Clock = std::chrono::steady_clock;
  auto all_open_at = Clock::time_point::max();
  auto last_ping = Clock::now();
  std::vector<epoll_event> events(1024);
  char buf[16384];
  while (!g_stop) {
    int in_flight = 0;
    for (auto& c : conns) in_flight += c.fd >= 0 && (!c.connected || c.awaiting > 0);
    while (next < conns.size() && in_flight < 512) {
      Conn& c = conns[next];
      c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (c.fd < 0) {
        std::fprintf(stderr, "hold_connections: socket: %s (raise ulimit -n)\n", std::strerror(errno));
        ++failed;
        ++next;
        continue;
      }
      int one = 1;
      setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
      ev.data.u64 = next;
      epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
      if (::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS)
        drop(c, false);
      ++next;
      ++in_flight;
    }
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int i = 0; i < n; ++i) {
      Conn& c = conns[events[i].data.u64];
      if (c.fd < 0) continue;
      if (!c.connected && (events[i].events & EPOLLOUT)) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          drop(c, false);
          continue;
        }
        c.connected = true;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = events[i].data.u64;
        epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        send_request(c);
        continue;
      }
      if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        ssize_t r = ::recv(c.fd, buf, sizeof buf, 0);
        if (r <= 0) {
          if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
          drop(c, true);
          continue;
        }
        // Count answers by their status lines (bodies here are tiny JSON).
        for (std::string_view s(buf, static_cast<std::size_t>(r)); !s.empty();) {
          auto p = s.find("HTTP/1.1 ");
          if (p == std::string_view::npos) break;
          if (c.awaiting > 0) --c.awaiting;
          if (!c.answered) {
            c.answered = true;
            ++first_answers;
          }
          ++answers;
          s.remove_prefix(p + 9);
        }
      }
    }
    if (!announced && next == conns.size() && first_answers + failed + closed >= o.count) {
      long open = 0;
      for (auto& c : conns) open += c.fd >= 0;
      std::printf("held %ld\n", open);
      std::fflush(stdout);
      announced = true;
      all_open_at = Clock::now();
    }
    auto now = Clock::now();
    if (announced && std::chrono::duration<double>(now - all_open_at).count() >= o.seconds) break;
    if (announced && std::chrono::duration<double>(now - last_ping).count() >= o.ping_s) {
      for (auto& c : conns)
        if (c.fd >= 0) send_request(c);
      last_ping = now;
    }
  }
  long open = 0;
  for (auto& c : conns)
    if (c.fd >= 0) {
      ++open;
      ::close(c.fd);
    }
  std::printf("open %ld closed_by_server %ld failed %ld answers %ld\n", open, closed, failed, answers);
  return 0;
}
