#pragma once
// The HTTP/1.1 server: Boost.Beast on N io_contexts, each run by its own
// thread; the acceptor deals connections out round robin, so a connection's
// handlers all run on one thread (no thread per connection, no strands). Keep-alive, pipelining,
// timeouts for idle and slow clients, size limits answered with 414/431/413,
// graceful stop. Every request goes to Handler::handle (handler.hpp). An
// answer marked Response::event_stream (GET /v1/events) keeps its connection:
// each thread keeps a list of its streams and writes every EventHub batch to
// them itself, so broadcasting takes no lock per client.
//
// Usage:
//   spatial::SnapshotHolder holder;
//   holder.replace(spatial::Snapshot::build(store->revision(), store->list({})));
//   api::ServerOptions opts{.port = 8080, .handler = {.static_dir = "web/dist"}};
//   return api::serve(opts, holder);  // until SIGINT or SIGTERM

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "api/handler.hpp"
#include "core/error.hpp"
#include "spatial/snapshot.hpp"

namespace rifugio::api {

struct ServerOptions {
  /// Address to listen on (IPv4 or IPv6 literal). DEFAULT: "127.0.0.1".
  std::string address = "127.0.0.1";
  /// TCP port; 0 picks a free one (see Server::port()). DEFAULT: 8080.
  std::uint16_t port = 8080;
  /// Threads running the event loop. DEFAULT: every core.
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  /// A keep-alive connection with no request starting is closed after this. DEFAULT: 30 s.
  std::chrono::milliseconds idle_timeout{30'000};
  /// Once a request starts, its headers must arrive within this (slowloris). DEFAULT: 10 s.
  std::chrono::milliseconds header_timeout{10'000};
  /// Time to receive a body, and to send a response. DEFAULT: 30 s.
  std::chrono::milliseconds io_timeout{30'000};
  /// Longest request target; longer gets 414. DEFAULT: 8 KiB.
  std::size_t max_target_bytes = 8 * 1024;
  /// Largest header block (fields, not the request line); larger gets 431. DEFAULT: 16 KiB.
  std::size_t max_header_bytes = 16 * 1024;
  /// Largest request body; larger gets 413. DEFAULT: 1 MiB.
  std::size_t max_body_bytes = 1024 * 1024;
  /// Largest body of POST /v1/imports (a whole official list); larger gets 413. DEFAULT: 64 MiB.
  std::size_t max_import_body_bytes = 64 * 1024 * 1024;
  /// On stop, requests in flight get this long to finish. DEFAULT: 5 s.
  std::chrono::milliseconds shutdown_grace{5'000};
  /// Event streams get a ": ping" comment this often, so proxies keep them open. DEFAULT: 15 s.
  std::chrono::milliseconds event_ping{15'000};
  /// A stream whose client does not read is closed once this much waits
  /// beyond what the kernel buffers (it reconnects and refetches). DEFAULT: 256 KiB.
  std::size_t event_backlog_bytes = 256 * 1024;
  /// Raise the open-file limit to the hard limit so many clients can connect. DEFAULT: true.
  bool raise_fd_limit = true;
  HandlerOptions handler;
};

/// Failing to listen (address in use, bad address).
class ServerError : public Error {
 public:
  using Error::Error;
};

/// A listening server. The constructor binds (so port() is known at once);
/// run() serves until stop(). stop() may be called from any thread or a
/// signal-handling thread.
class Server {
 public:
  /// @throws ServerError when the address cannot be bound.
  Server(const ServerOptions& opts, const spatial::SnapshotHolder& holder);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// The bound port (the real one when options.port was 0).
  std::uint16_t port() const;
  /// Serve with options.threads threads (the caller's is one of them) until
  /// stop() and every connection has closed or the grace time has passed.
  void run();
  /// Stop accepting, close idle connections, let requests in flight finish.
  void stop();
  const Handler& handler() const;

  struct Impl;  ///< opaque: keeps Boost out of this header

 private:
  friend int serve(const ServerOptions&, const spatial::SnapshotHolder&, std::function<void(std::uint16_t)>);
  std::shared_ptr<Impl> impl_;
};

/// Bind, call on_ready with the bound port (the real one when opts.port is 0;
/// the server is accepting), serve until SIGINT or SIGTERM, stop gracefully.
/// Returns 0. @throws ServerError when it cannot bind.
int serve(const ServerOptions& opts, const spatial::SnapshotHolder& holder,
          std::function<void(std::uint16_t port)> on_ready = {});

}  // namespace rifugio::api
