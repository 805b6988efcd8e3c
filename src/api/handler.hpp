#pragma once
// The HTTP handler: routes one Request to one Response with no networking, so
// the same code answers the Beast server, the command line and unit tests.
// Reads only the current snapshot (lock-free); only the write API
// (HandlerOptions::writer) touches the store.
//
// Usage (one-shot, e.g. `rifugio serve --request /v1/nearest?lat=59.91&lon=10.75`):
//   spatial::SnapshotHolder holder;
//   holder.replace(spatial::Snapshot::build(rev, shelters));
//   api::Handler h(holder);
//   api::Response r = h.handle({.method = "GET", .target = "/v1/nearest?lat=59.91&lon=10.75"});
//   std::cout << r.status << '\n' << r.body << '\n';

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/error.hpp"
#include "api/events.hpp"
#include "api/http.hpp"
#include "api/metrics.hpp"
#include "api/offline_snapshot.hpp"
#include "api/signing.hpp"
#include "api/static_files.hpp"
#include "routing/router.hpp"
#include "tiles/mbtiles.hpp"
#include "spatial/snapshot.hpp"

namespace rifugio::api {

class Writer;
class Reports;

/// Content-Security-Policy for the app's HTML and scripts: everything comes
/// from this deployment (it must work when the outside world is unreachable),
/// nothing may frame it. 'wasm-unsafe-eval' lets the map's right-to-left text
/// plugin (WebAssembly, from this origin) compile; it allows no JavaScript eval.
inline constexpr std::string_view kDefaultCsp =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data: blob:; "
    "style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; worker-src 'self' blob:; font-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

struct HandlerOptions {
  /// Folder served at "/" (the web app build, web/dist). DEFAULT: "" = none.
  std::string static_dir;
  /// Absolute URL clients reach the server by, for links in OGC documents,
  /// e.g. "https://shelters.example.org". DEFAULT: "" = "http://" + Host header.
  std::string public_url;
  /// gzip bodies at least this long when the client accepts it. DEFAULT: 1024 bytes.
  std::size_t gzip_min_bytes = 1024;
  /// zlib level 1..9. DEFAULT: 5 (most of level 9's gain at a third of its cost).
  int gzip_level = 5;
  /// Sent with HTML responses. DEFAULT: kDefaultCsp.
  std::string content_security_policy = std::string(kDefaultCsp);
  /// Signs GET /v1/snapshot and is published at /v1/snapshot/key.
  /// DEFAULT: none = both answer 404 (the offline snapshot is off).
  std::shared_ptr<const SigningKey> signing_key;
  /// zlib level of the offline snapshot, compressed once per revision. DEFAULT: 9.
  int snapshot_gzip_level = 9;
  /// With a signing key: sign each revision's offline snapshot on a thread of
  /// the handler as soon as it is published (rifugio serve), so no request
  /// waits for it (~8 s at a million shelters); requests meanwhile get the
  /// previous revision's. DEFAULT: false = the first request of a revision
  /// builds it (the one-shot mode).
  bool sign_ahead = false;
  /// The walking graph (rifugio serve --graph) for /v1/nearest?by=walking and
  /// /v1/route. DEFAULT: none = both answer by straight line, marked
  /// walk.fallback = "no_graph".
  std::shared_ptr<const routing::ShelterNodeCache> walking;
  /// Base-map vector tiles (rifugio serve --tiles FILE.mbtiles) served at
  /// /tiles/{z}/{x}/{y}.pbf. DEFAULT: none = /tiles/* answers 404.
  std::shared_ptr<const tiles::MbTiles> tiles;
  /// The MapLibre style served at /tiles/style.json; "{base}" is replaced by
  /// the base URL. DEFAULT: "" (with tiles: src/tiles/resources/style.json, loaded by the CLI).
  std::string tiles_style;
  /// The write API (/v1/shelters/{id}, /v1/shelters/{id}/status, /v1/audit;
  /// see api/write.hpp). DEFAULT: none = those answer 404.
  std::shared_ptr<Writer> writer;
  /// Live updates at GET /v1/events: the hub rifugio serve publishes each new
  /// snapshot to; the server streams its events. DEFAULT: none = 404.
  std::shared_ptr<EventHub> events;
  /// Crowd reports (/v1/shelters/{id}/reports, /v1/reports...; see
  /// api/reports.hpp) and their summaries in /v1/nearest. DEFAULT: none =
  /// those answer 404 and /v1/nearest carries no "reports".
  std::shared_ptr<Reports> reports;
};

class Handler {
 public:
  explicit Handler(const spatial::SnapshotHolder& holder, HandlerOptions opts = {});

  /// Answer one request. Never throws: errors become problem+json responses.
  /// HEAD answers have an empty body and a Content-Length header.
  Response handle(const Request& req) const;

  /// Answer for a request the transport refused before routing (414, 431,
  /// 413, 408, 400); counted in the metrics under route "rejected".
  Response reject(ErrorCode code, std::string_view detail) const;

  const HandlerOptions& options() const { return opts_; }
  /// Revision of the signed offline snapshot ready to send; -1 when none is.
  std::int64_t signed_revision() const;
  const Metrics& metrics() const { return metrics_; }

 private:
  Response dispatch(const Request& req, Route& route) const;
  void finish(const Request& req, Response& res) const;
  Response offline_snapshot(const Request& req) const;
  Response write_api(const Request& req, Route& route, const Target& t, std::string_view id) const;
  Response reports_api(const Request& req, Route& route, const Target& t, std::string_view rest) const;
  Response base_map(const Request& req, std::string_view path, const std::string& base) const;
  Response event_stream(const Request& req, const Target& t) const;
  /// The signed document of the current snapshot: built by the sign_ahead
  /// thread, or else on the first request of a revision (by one thread);
  /// meanwhile requests get the previous revision's, or wait when there is
  /// none. Shared by every thread.
  std::shared_ptr<const SignedSnapshot> signed_snapshot() const;
  /// Builds the signed document of `snap` unless the current one is of its
  /// revision; call with signing_ held.
  std::shared_ptr<const SignedSnapshot> sign_locked(const spatial::Snapshot& snap) const;
  /// sign_ahead's thread: signs each new revision of holder_ until stopped.
  void sign_ahead(std::stop_token stop) const;

  const spatial::SnapshotHolder& holder_;
  HandlerOptions opts_;
  StaticFiles static_;
  mutable Metrics metrics_;
  mutable std::atomic<std::shared_ptr<const SignedSnapshot>> signed_;
  mutable std::mutex signing_;  ///< held only while building a signed snapshot
  std::jthread signer_;         ///< with sign_ahead; last, so it stops before the rest goes
};

/// The absolute base URL for links: opts.public_url, else "http://" + Host
/// (when Host is a plain host[:port]), else "http://localhost".
std::string base_url(const Request& req, const HandlerOptions& opts);

}  // namespace rifugio::api
