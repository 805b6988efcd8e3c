#include "api/server.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <ctime>
#include <limits>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace rifugio::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string to_std(beast::string_view s) { return std::string(s.data(), s.size()); }

/// RFC 9110 Date, formatted at most once a second per thread.
std::string_view http_date() {
  thread_local std::time_t last = 0;
  thread_local char buf[40] = {};
  std::time_t now = std::time(nullptr);
  if (now != last) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    last = now;
  }
  return buf;
}

void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/// How long the client may keep sending after an error answer before we close,
/// so the kernel does not reset the connection before the client reads it.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 2 * 1024 * 1024;

class Session;
class EventChannel;

}  // namespace

struct Server::Impl {
  Impl(const ServerOptions& o, const spatial::SnapshotHolder& holder)
      : opts(o), handler(holder, o.handler), iocs(make_contexts(std::max(1u, o.threads))), ioc(*iocs[0]),
        strand(net::make_strand(ioc)), acceptor(strand), retry_timer(strand), grace_timer(strand), signals(strand) {
    for (auto& c : iocs) guards.emplace_back(c->get_executor());
  }
  static std::vector<std::unique_ptr<net::io_context>> make_contexts(unsigned n) {
    std::vector<std::unique_ptr<net::io_context>> v;
    for (unsigned i = 0; i < n; ++i) v.push_back(std::make_unique<net::io_context>(1));
    return v;
  }
  /// The next connection's thread: round robin.
  std::size_t next_context() { return next_ioc++ % iocs.size(); }
  ~Impl();
  /// Register one listener per thread with the event hub (when there is one).
  void listen_for_events();
  void unlisten_events();

  void listen();
  void do_accept();
  void on_accept(std::size_t context, beast::error_code ec, tcp::socket socket);
  void stop();
  void remove(Session* s);

  ServerOptions opts;
  Handler handler;
  std::atomic<bool> stopping{false};
  std::atomic<bool> destroying{false};
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  // Declared after everything sessions touch: destroying the io_contexts
  // destroys pending handlers and with them the sessions. One per thread,
  // each run by its own thread alone (no shared scheduler lock, no cross-thread
  // wake-ups); the acceptor lives on the first and deals connections out.
  std::vector<std::unique_ptr<net::io_context>> iocs;
  net::io_context& ioc;  ///< iocs[0]: acceptor, timers, signals
  /// Keep every context's run() going while it has no connections; dropped on stop.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  std::size_t next_ioc = 0;  ///< used on the acceptor's strand only
  net::strand<net::io_context::executor_type> strand;  ///< acceptor, timers, signals
  tcp::acceptor acceptor;
  net::steady_timer retry_timer;
  net::steady_timer grace_timer;
  net::signal_set signals;
  /// Per thread: its event streams (destroyed before the contexts they use).
  std::vector<std::unique_ptr<EventChannel>> channels;
  std::vector<std::uint64_t> event_listeners;  ///< keys from EventHub::listen
  std::mutex listeners_mutex;
};

namespace {

/// One connection. All its handlers run on its own thread, so it needs no lock.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server::Impl& srv, EventChannel& channel)
      : peer_(peer_address(socket)), stream_(std::move(socket)), srv_(srv), opts_(srv.opts), channel_(channel) {}
  ~Session() { srv_.remove(this); }

  void start() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::wait, shared_from_this())); }

  /// The server is stopping: a connection waiting for its next request closes
  /// now; one with a request in flight closes after answering it.
  void on_server_stop() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) self->stream_.cancel();
      if (self->streaming_) self->close_stream();
    });
  }

  /// Write an event batch unless the stream began at or after its revision
  /// (it would repeat what the client has). On this session's thread only.
  /// False when the session is not (or no longer) streaming.
  bool deliver(const std::shared_ptr<const EventBatch>& b) {
    if (!streaming_) return false;
    if (b->revision <= stream_from_) return true;
    return enqueue(b);
  }
  void close_stream() {
    if (!streaming_) return;
    auto self = shared_from_this();  // the channel may hold the last reference
    streaming_ = false;
    std::vector<std::shared_ptr<const EventBatch>>().swap(backlog_);
    close();
    remove_from_channel();
  }
  std::size_t channel_index = 0;  ///< position in its EventChannel's list

 private:
  /// Wait for the first byte of the next request under the idle timeout; the
  /// header timeout starts only then, so keep-alive waits and slow senders
  /// have separate limits.
  void wait() {
    if (srv_.stopping) return close();
    if (buffer_.size() > 0) return read_header();  // pipelined request already here
    // Idle connections may be many (a whole country on alert): hold no
    // buffers or parser state while waiting.
    buffer_.shrink_to_fit();
    parser_.reset();
    std::string().swap(out_);
    idle_ = true;
    stream_.expires_after(opts_.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t n) {
    idle_ = false;
    if (ec) return close();  // idle timeout, client closed, or server stopping
    buffer_.commit(n);
    read_header();
  }

  void read_header() {
    parser_.emplace();
    // Room for the longest allowed target plus the largest header block; the
    // exact limits are checked once parsed (or on overflow, by where the
    // request line ends) to tell 414 from 431.
    parser_->header_limit(static_cast<std::uint32_t>(opts_.max_target_bytes + opts_.max_header_bytes + 64));
    // The larger of the two limits until the target is known (on_header).
    parser_->body_limit(std::max(opts_.max_body_bytes, opts_.max_import_body_bytes));
    // Usually the whole header arrived with the first bytes: parse it here
    // rather than through another asynchronous read (a timer and a post).
    if (buffer_.size() > 0) {
      beast::error_code ec;
      std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec != http::error::need_more) {
        if (!ec && !parser_->is_header_done()) ec = http::error::need_more;  // cannot happen; be safe
        if (ec != http::error::need_more) return on_header(ec, used);
      }
      // Incomplete: put() consumed nothing; read the rest as before.
    }
    stream_.expires_after(opts_.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == beast::error::timeout) {
      srv_.handler.reject(ErrorCode::request_timeout, "headers too slow");  // counted; the socket is gone
      return;
    }
    if (ec == http::error::header_limit) return header_overflow();
    if (ec == http::error::body_limit) {  // Content-Length over both limits; the header is parsed
      body_limit_ = import_upload(parser_->get()) ? opts_.max_import_body_bytes : opts_.max_body_bytes;
      return body_too_large();
    }
    if (ec) return parse_failed(ec);
    auto& msg = parser_->get();
    if (msg.target().size() > opts_.max_target_bytes) return uri_too_long();
    std::size_t header_bytes = 0;
    for (const auto& f : msg) header_bytes += f.name_string().size() + f.value().size() + 4;
    if (header_bytes > opts_.max_header_bytes) return headers_too_large();
    // Only an upload to /v1/imports may be large; everything else keeps the small limit.
    body_limit_ = import_upload(msg) ? opts_.max_import_body_bytes : opts_.max_body_bytes;
    if (auto n = parser_->content_length(); n && *n > body_limit_) return body_too_large();
    parser_->body_limit(body_limit_);  // chunked bodies: checked while they arrive
    if (parser_->is_done()) return process();
    stream_.expires_after(opts_.io_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) return body_too_large();
    if (ec == beast::error::timeout) {
      srv_.handler.reject(ErrorCode::request_timeout, "body too slow");
      return;
    }
    if (ec) return parse_failed(ec);
    process();
  }

  void header_overflow() {
    auto data = beast::buffers_to_string(buffer_.data());
    auto eol = data.find("\r\n");
    // The request line is method SP target SP version; 32 bytes cover the rest.
    if (eol == std::string::npos || eol > opts_.max_target_bytes + 32) return uri_too_long();
    headers_too_large();
  }
  void uri_too_long() {
    send_error(ErrorCode::uri_too_long, fmt::format("the request target is longer than {} bytes", opts_.max_target_bytes));
  }
  void headers_too_large() {
    send_error(ErrorCode::headers_too_large,
               fmt::format("the header fields are larger than {} bytes", opts_.max_header_bytes));
  }
  void body_too_large() {
    send_error(ErrorCode::body_too_large, fmt::format("the request body is larger than {} bytes", body_limit_));
  }
  void parse_failed(beast::error_code ec) {
    if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::partial_message)
      return send_error(ErrorCode::bad_request, fmt::format("malformed HTTP request: {}", ec.message()));
    close();  // connection reset, partial message at EOF, server stopping
  }

  void process() {
    auto& msg = parser_->get();
    Request req{.method = to_std(msg.method_string()), .target = to_std(msg.target())};
    req.headers.reserve(16);
    for (const auto& f : msg) req.headers.emplace_back(to_std(f.name_string()), to_std(f.value()));
    req.body = std::move(msg.body());
    req.peer = peer_;
    bool keep_alive = msg.keep_alive();
    Response res = srv_.handler.handle(req);
    if (res.event_stream && !srv_.stopping) return start_stream(res);
    send(std::move(res), keep_alive, false);
  }

  // ---- Event streams (GET /v1/events) ----------------------------------
  // A stream holds no parser or read buffer: a watch for the client closing,
  // the batch being written (shared with every other stream) and a short
  // backlog of batches waiting behind it.

  void start_stream(const Response& r) {
    stream_from_ = *r.event_stream;
    parser_.reset();
    buffer_.clear();
    buffer_.shrink_to_fit();
    auto head = std::make_shared<EventBatch>();
    serialize(r, true, head->text, true);
    streaming_ = true;
    add_to_channel();
    enqueue(std::move(head));
    watch_close();
  }

  /// Any read completing means the client closed (or sent something it should
  /// not on a stream: ignored). The bytes go to one scratch buffer per thread.
  void watch_close() {
    static thread_local char discard[512];
    if (!streaming_) return;
    stream_.expires_never();
    stream_.async_read_some(net::buffer(discard), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close_stream();
      self->watch_close();
    });
  }

  /// Write now what the socket takes; the rest goes out asynchronously, and
  /// batches arriving meanwhile wait in the backlog up to its bound.
  bool enqueue(std::shared_ptr<const EventBatch> b) {
    if (writing_) {
      backlog_bytes_ += b->text.size();
      if (backlog_bytes_ > opts_.event_backlog_bytes) {  // not reading: let it reconnect and refetch
        close_stream();
        return false;
      }
      backlog_.push_back(std::move(b));
      return true;
    }
    beast::error_code ec;
    auto& sock = stream_.socket();
    if (!sock.non_blocking()) sock.non_blocking(true, ec);
    std::size_t sent = 0;
    const std::string& text = b->text;
    while (!ec && sent < text.size()) sent += sock.write_some(net::buffer(text.data() + sent, text.size() - sent), ec);
    if (ec && ec != net::error::would_block && ec != net::error::try_again) {
      close_stream();
      return false;
    }
    if (sent == text.size()) return true;
    writing_ = std::move(b);
    stream_.expires_after(opts_.io_timeout);
    net::async_write(stream_, net::buffer(writing_->text.data() + sent, writing_->text.size() - sent),
                     [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_stream_written(e); });
    return true;
  }

  void on_stream_written(beast::error_code ec) {
    writing_.reset();
    if (ec || !streaming_) return close_stream();
    if (backlog_.empty()) return;
    auto next = std::move(backlog_.front());
    backlog_.erase(backlog_.begin());
    backlog_bytes_ -= next->text.size();
    enqueue(std::move(next));
  }

  void add_to_channel();
  void remove_from_channel();

  void send_error(ErrorCode code, std::string_view detail) { send(srv_.handler.reject(code, detail), false, true); }

  /// The response head and body as Beast's serializer wrote them: the
  /// handler's fields in order, Server, Date, Content-Length (unless the
  /// handler set it, as for HEAD; none on 1xx, 204 and 304), Connection: close
  /// when the connection ends.
  /// An event stream (stream = true) has no length: its body runs until either side closes.
  static void serialize(const Response& r, bool keep_alive, std::string& out, bool stream = false) {
    const auto status = static_cast<unsigned>(r.status);
    const bool no_body = (status >= 100 && status < 200) || status == 204 || status == 304;
    std::size_t size = 160 + (no_body ? 0 : r.body.size());
    for (const auto& [name, value] : r.headers) size += name.size() + value.size() + 4;
    out.reserve(size);
    const auto reason = http::obsolete_reason(static_cast<http::status>(status));
    fmt::format_to(std::back_inserter(out), "HTTP/1.1 {} ", status);
    out.append(reason.data(), reason.size());
    out += "\r\n";
    bool has_length = false;
    for (const auto& [name, value] : r.headers) {
      has_length = has_length || beast::iequals(name, "Content-Length");
      out += name;
      out += ": ";
      out += value;
      out += "\r\n";
    }
    out += "Server: rifugio\r\nDate: ";
    out += http_date();
    out += "\r\n";
    if (!has_length && !no_body && !stream) fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", r.body.size());
    if (!keep_alive) out += "Connection: close\r\n";
    out += "\r\n";
    if (!no_body) out += r.body;
  }

  void send(Response r, bool keep_alive, bool after_error) {
    keep_alive = keep_alive && !srv_.stopping;
    // Most answers fit the socket's send buffer: write them at once from a
    // per-thread buffer; only what the kernel did not take goes through an
    // asynchronous write from the connection's own buffer.
    thread_local std::string scratch;
    scratch.clear();
    serialize(r, keep_alive, scratch);
    if (scratch.capacity() > 64 * 1024 && scratch.size() < 16 * 1024) scratch.shrink_to_fit();
    beast::error_code ec;
    std::size_t sent = 0;
    auto& sock = stream_.socket();
    if (!sock.non_blocking()) sock.non_blocking(true, ec);
    while (!ec && sent < scratch.size()) sent += sock.write_some(net::buffer(scratch.data() + sent, scratch.size() - sent), ec);
    if (ec && ec != net::error::would_block && ec != net::error::try_again) return close();
    auto done = [self = shared_from_this(), keep_alive, after_error](beast::error_code e, std::size_t) {
      if (e) return self->close();
      if (after_error) return self->linger();
      if (!keep_alive) return self->close();
      self->wait();
    };
    if (sent == scratch.size()) return done({}, sent);
    out_.assign(scratch, sent);
    stream_.expires_after(opts_.io_timeout);
    net::async_write(stream_, net::buffer(out_), std::move(done));
  }

  /// After an error answer the request was not fully read. Closing at once
  /// would make the kernel send RST and the client might lose the answer, so
  /// half-close and discard what still arrives for a short while.
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    buffer_.consume(buffer_.size());
    stream_.expires_after(kLingerTime);
    drain();
  }
  void drain() {
    stream_.async_read_some(buffer_.prepare(16384), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kLingerBytes) return self->stream_.close();
      self->drain();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  /// Read once per connection (a system call), copied into each request.
  static std::string peer_address(const tcp::socket& socket) {
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    return ec ? std::string() : ep.address().to_string();
  }

  static bool import_upload(const http::request<http::string_body>& msg) {
    const auto target = msg.target();
    return msg.method() == http::verb::post && target.substr(0, target.find('?')) == "/v1/imports";
  }

  std::string peer_;
  std::size_t body_limit_ = 0;  ///< of the request being read
  beast::tcp_stream stream_;
  Server::Impl& srv_;
  const ServerOptions& opts_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string out_;  ///< the unsent rest of an answer
  bool idle_ = false;
  std::size_t drained_ = 0;
  EventChannel& channel_;
  bool streaming_ = false;
  std::int64_t stream_from_ = 0;  ///< the revision the stream started at
  std::shared_ptr<const EventBatch> writing_;  ///< being written asynchronously
  std::vector<std::shared_ptr<const EventBatch>> backlog_;
  std::size_t backlog_bytes_ = 0;
};

/// The event streams of one thread, and its ping timer. Touched only on that
/// thread: a batch is posted here once and written to each stream in turn.
class EventChannel {
 public:
  EventChannel(net::io_context& ioc, EventHub* hub, std::chrono::milliseconds ping)
      : hub_(hub), ping_every_(ping), ping_(ioc) {}

  void add(std::shared_ptr<Session> s) {
    s->channel_index = streams_.size();
    streams_.push_back(std::move(s));
    if (hub_) hub_->add_clients(1);
    if (!pinging_ && !stopped_) arm_ping();
  }
  void remove(Session* s) {
    std::size_t i = s->channel_index;
    if (i >= streams_.size() || streams_[i].get() != s) return;
    if (i + 1 != streams_.size()) {
      streams_[i] = std::move(streams_.back());
      streams_[i]->channel_index = i;
    }
    streams_.pop_back();
    if (hub_) hub_->add_clients(-1);
  }
  void broadcast(const std::shared_ptr<const EventBatch>& b) {
    std::uint64_t delivered = 0;
    // Backwards: a stream dropped on the way is swapped with the last one,
    // which has already had the batch.
    for (std::size_t i = streams_.size(); i-- > 0;) delivered += streams_[i]->deliver(b) ? 1 : 0;
    if (hub_ && b->count) hub_->add_sent(delivered * b->count);
  }
  /// Server stop: no more pings (the timer would keep the thread running), every stream closed.
  void stop() {
    stopped_ = true;
    ping_.cancel();
    while (!streams_.empty()) streams_.back()->close_stream();
  }

 private:
  void arm_ping() {
    pinging_ = true;
    ping_.expires_after(ping_every_);
    ping_.async_wait([this](beast::error_code ec) {
      pinging_ = false;
      if (ec || stopped_ || streams_.empty()) return;
      static const auto ping = std::make_shared<const EventBatch>(
          EventBatch{.revision = std::numeric_limits<std::int64_t>::max(), .text = ": ping\n\n", .count = 0});
      broadcast(ping);
      if (!streams_.empty()) arm_ping();
    });
  }

  EventHub* hub_;
  std::chrono::milliseconds ping_every_;
  net::steady_timer ping_;
  std::vector<std::shared_ptr<Session>> streams_;
  bool pinging_ = false;
  bool stopped_ = false;
};

void Session::add_to_channel() { channel_.add(shared_from_this()); }
void Session::remove_from_channel() { channel_.remove(this); }

}  // namespace

Server::Impl::~Impl() {
  destroying = true;
  unlisten_events();
}

void Server::Impl::listen_for_events() {
  for (std::size_t i = 0; i < iocs.size(); ++i)
    channels.push_back(std::make_unique<EventChannel>(*iocs[i], opts.handler.events.get(), opts.event_ping));
  auto* hub = opts.handler.events.get();
  if (!hub) return;
  std::lock_guard lock(listeners_mutex);
  for (std::size_t i = 0; i < iocs.size(); ++i)
    event_listeners.push_back(hub->listen([ioc = iocs[i].get(), ch = channels[i].get()](std::shared_ptr<const EventBatch> b) {
      net::post(*ioc, [ch, b = std::move(b)] { ch->broadcast(b); });
    }));
}

void Server::Impl::unlisten_events() {
  std::lock_guard lock(listeners_mutex);
  for (auto key : event_listeners) opts.handler.events->unlisten(key);
  event_listeners.clear();
}

void Server::Impl::listen() {
  beast::error_code ec;
  auto addr = net::ip::make_address(opts.address, ec);
  if (ec) throw ServerError(fmt::format("cannot listen: '{}' is not an IP address", opts.address));
  tcp::endpoint ep(addr, opts.port);
  auto fail = [&](std::string_view what) {
    throw ServerError(fmt::format("cannot listen on {}:{}: {} failed: {}", opts.address, opts.port, what, ec.message()));
  };
  if (acceptor.open(ep.protocol(), ec); ec) fail("open");
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) fail("SO_REUSEADDR");
  if (acceptor.bind(ep, ec); ec) fail("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) fail("listen");
}

void Server::Impl::do_accept() {
  std::size_t i = next_context();
  acceptor.async_accept(*iocs[i], beast::bind_front_handler(&Impl::on_accept, this, i));
}

void Server::Impl::on_accept(std::size_t context, beast::error_code ec, tcp::socket socket) {
  if (stopping || !acceptor.is_open()) return;
  if (ec) {
    // Out of file descriptors (EMFILE) and the like pass; back off instead of spinning.
    retry_timer.expires_after(std::chrono::milliseconds(50));
    retry_timer.async_wait([this](beast::error_code e) {
      if (!e) do_accept();
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto s = std::make_shared<Session>(std::move(socket), *this, *channels[context]);
  {
    std::lock_guard lock(sessions_mutex);
    sessions.emplace(s.get(), s);
  }
  s->start();
  do_accept();
}

void Server::Impl::stop() {
  net::post(strand, [this] {
    if (stopping.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    retry_timer.cancel();
    signals.cancel();
    // No more batches; streams close now (they have no request to finish).
    unlisten_events();
    for (std::size_t i = 0; i < iocs.size(); ++i) net::post(*iocs[i], [ch = channels[i].get()] { ch->stop(); });
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(sessions_mutex);
      for (auto& [p, w] : sessions)
        if (auto s = w.lock()) live.push_back(std::move(s));
    }
    if (!live.empty()) {
      // The grace timer keeps run() going until the last connection ends (it
      // is cancelled then) or the grace time is over (then everything stops).
      grace_timer.expires_after(opts.shutdown_grace);
      grace_timer.async_wait([this](beast::error_code e) {
        if (!e)
          for (auto& c : iocs) c->stop();
      });
      for (auto& s : live) s->on_server_stop();
    }
    // Only now may each context end when its connections have: the notices
    // above are queued on their contexts, so none returns from run() (and
    // strands a notice holding its session) before running them.
    for (auto& g : guards) g.reset();
  });
}

void Server::Impl::remove(Session* s) {
  bool last = false;
  {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(s);
    last = sessions.empty();
  }
  if (last && stopping && !destroying) net::post(strand, [this] { grace_timer.cancel(); });
}

Server::Server(const ServerOptions& opts, const spatial::SnapshotHolder& holder)
    : impl_(std::make_shared<Impl>(opts, holder)) {
  if (opts.raise_fd_limit) raise_fd_limit();
  impl_->listen_for_events();
  impl_->listen();
  impl_->do_accept();
}

Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

const Handler& Server::handler() const { return impl_->handler; }

void Server::stop() { impl_->stop(); }

void Server::run() {
  auto loop = [this](net::io_context& ioc) {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        // A handler threw past every guard: log it and keep serving.
        fmt::print(stderr, "rifugio: server loop: {}\n", e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->iocs.size(); ++i) threads.emplace_back(loop, std::ref(*impl_->iocs[i]));
  loop(impl_->ioc);
  for (auto& t : threads) t.join();
}

int serve(const ServerOptions& opts, const spatial::SnapshotHolder& holder,
          std::function<void(std::uint16_t port)> on_ready) {
  Server server(opts, holder);
  auto& impl = *server.impl_;
  impl.signals.add(SIGINT);
  impl.signals.add(SIGTERM);
  impl.signals.async_wait([&server](beast::error_code ec, int) {
    if (!ec) server.stop();
  });
  if (on_ready) on_ready(server.port());
  server.run();
  return 0;
}

}  // namespace rifugio::api
