#include "api/handler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "api/gzip.hpp"
#include "api/nearest_json.hpp"
#include "api/ogc.hpp"
#include "api/params.hpp"
#include "api/reports.hpp"
#include "api/walk.hpp"
#include "api/write.hpp"

namespace rifugio::api {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kAllow = "GET, HEAD, OPTIONS";

Response json_response(const json& j, std::string_view content_type) {
  Response r;
  r.headers.emplace_back("Content-Type", std::string(content_type));
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

std::shared_ptr<const spatial::Snapshot> require(const spatial::SnapshotHolder& h) {
  auto snap = h.current();
  if (!snap) throw ApiError(ErrorCode::not_ready, "no snapshot of the register is loaded yet; retry shortly");
  return snap;
}

bool compressible(std::string_view content_type) {
  if (content_type.starts_with("text/event-stream")) return false;  // streamed, written as it happens
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("application/geo+json") || content_type.starts_with("application/problem+json") ||
         content_type.starts_with("application/vnd.oai.openapi+json") || content_type.starts_with("image/svg") ||
         content_type.starts_with("application/manifest+json") || content_type.starts_with("application/xml");
}

/// A header value made of token characters and commas only (safe to echo).
bool plain_list(std::string_view v) {
  return v.size() < 512 && v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_, ") ==
                               std::string_view::npos;
}

/// Which route a decoded path names; `rest` gets the feature id for ogc_item.
Route match(std::string_view path, std::string_view& rest) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/v1/nearest") return Route::nearest;
  if (path == "/v1/route") return Route::route;
  if (path.starts_with("/tiles/")) return Route::tiles;
  if (path == "/v1/snapshot") return Route::snapshot;
  if (path == "/v1/snapshot/key") return Route::snapshot_key;
  if (path == "/v1/audit") return Route::audit;
  if (path == "/v1/session") return Route::session;
  if (path == "/v1/imports" || path == "/v1/imports/mappings") return Route::imports;
  if (path == "/v1/shelters") return Route::shelters;
  if (path == "/v1/status/bulk") return Route::bulk_status;
  if (path == "/v1/events") return Route::events;
  if (constexpr std::string_view kReports = "/v1/reports"; path == kReports || path.starts_with("/v1/reports/")) {
    rest = path.substr(std::min(path.size(), kReports.size() + 1));  // "" or "{id}/confirm|dismiss"
    return Route::reports;
  }
  if (path.starts_with("/v1/shelters/") && path.ends_with("/reports")) {
    rest = path.substr(13, path.size() - 13 - 8);
    if (!rest.empty() && rest.find('/') == std::string_view::npos) return Route::shelter_reports;
  }
  if (constexpr std::string_view kShelters = "/v1/shelters/"; path.starts_with(kShelters)) {
    rest = path.substr(kShelters.size());
    Route r = rest.ends_with("/status")   ? Route::shelter_status
              : rest.ends_with("/retire") ? Route::shelter_retire
                                          : Route::shelter;
    if (r != Route::shelter) rest.remove_suffix(7);  // "/status", "/retire"
    if (!rest.empty() && rest.find('/') == std::string_view::npos) return r;
  }
  if (path == "/healthz") return Route::healthz;
  if (path == "/readyz") return Route::readyz;
  if (path == "/metrics") return Route::metrics;
  if (path == "/ogc") return Route::ogc_landing;
  if (path == "/ogc/conformance") return Route::ogc_conformance;
  if (path == "/ogc/api") return Route::ogc_api;
  if (path == "/ogc/collections") return Route::ogc_collections;
  constexpr std::string_view kColl = "/ogc/collections/shelters";
  if (path == kColl) return Route::ogc_collection;
  if (path == fmt::format("{}/items", kColl)) return Route::ogc_items;
  if (path.starts_with(fmt::format("{}/items/", kColl))) {
    rest = path.substr(kColl.size() + 7);
    if (rest.find('/') == std::string_view::npos) return Route::ogc_item;
  }
  return Route::not_found;
}

/// Whether an If-None-Match value ("*" or a list of entity tags, weak or not)
/// names `etag`. RFC 9110 13.1.2: weak comparison.
bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  std::string_view rest = if_none_match;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view tag = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

const SigningKey& require_key(const HandlerOptions& opts) {
  if (!opts.signing_key)
    throw ApiError(ErrorCode::not_found, "the offline snapshot is not enabled on this server (no signing key)");
  return *opts.signing_key;
}

}  // namespace

std::string base_url(const Request& req, const HandlerOptions& opts) {
  if (!opts.public_url.empty()) {
    std::string u = opts.public_url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    return u;
  }
  auto host = req.header("Host");
  // Only echo a Host that is a plain host[:port]; anything else could forge links.
  if (host && !host->empty() && host->size() < 256 &&
      host->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
          std::string_view::npos)
    return fmt::format("http://{}", *host);
  return "http://localhost";
}

Handler::Handler(const spatial::SnapshotHolder& holder, HandlerOptions opts)
    : holder_(holder), opts_(std::move(opts)), static_(opts_.static_dir) {
  if (opts_.sign_ahead && opts_.signing_key) signer_ = std::jthread([this](std::stop_token st) { sign_ahead(st); });
}

/// /tiles/style.json and /tiles/{z}/{x}/{y}.pbf from the MBTiles file.
Response Handler::base_map(const Request& req, std::string_view path, const std::string& base) const {
  if (!opts_.tiles)
    throw ApiError(ErrorCode::not_found, "no base map on this server (rifugio serve --tiles FILE.mbtiles)");
  if (path == "/tiles/style.json") {
    std::string style = opts_.tiles_style;
    for (std::size_t at; (at = style.find("{base}")) != std::string::npos;) style.replace(at, 6, base);
    Response r;
    r.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-cache"}};
    r.body = std::move(style);
    return r;
  }
  int z = -1;
  long x = -1, y = -1;
  char tail[8] = {};
  const std::string p(path);
  if (std::sscanf(p.c_str(), "/tiles/%d/%ld/%ld.%7s", &z, &x, &y, tail) != 4 || std::string_view(tail) != "pbf" ||
      p != fmt::format("/tiles/{}/{}/{}.pbf", z, x, y))
    throw ApiError(ErrorCode::not_found, fmt::format("no resource at {}; tiles are /tiles/{{z}}/{{x}}/{{y}}.pbf", path));
  Response r;
  auto tile = opts_.tiles->tile(z, x, y);
  if (!tile) {  // outside the extract: an empty tile, not an error
    r.status = 204;
    r.headers = {{"Cache-Control", "public, max-age=3600"}};
    return r;
  }
  r.headers = {{"Content-Type", "application/vnd.mapbox-vector-tile"}, {"Cache-Control", "public, max-age=3600"}};
  auto ae = req.header("Accept-Encoding");
  if (ae && accepts_gzip(*ae)) {  // stored gzip-compressed by tilemaker
    r.body = std::move(*tile);
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = gzip_decompress(*tile);
  }
  r.headers.emplace_back("Vary", "Accept-Encoding");
  return r;
}

Response Handler::handle(const Request& req) const {
  auto t0 = Clock::now();
  Route route = Route::not_found;
  Response res;
  try {
    res = dispatch(req, route);
  } catch (const ApiError& e) {
    res = problem_response(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "rifugio: internal error answering {} {}: {}\n", req.method, req.target, e.what());
    res = problem_response(ErrorCode::internal_error, "internal error; it has been logged");
  }
  finish(req, res);
  metrics_.record(route, res.status, Clock::now() - t0);
  return res;
}

Response Handler::reject(ErrorCode code, std::string_view detail) const {
  Response res = problem_response(code, detail);
  finish(Request{}, res);
  metrics_.record(Route::rejected, res.status, std::chrono::nanoseconds(0));
  return res;
}

Response Handler::dispatch(const Request& req, Route& route) const {
  Target t = parse_target(req.target);
  std::string_view rest;
  route = match(t.path, rest);
  bool api_path = t.path.starts_with("/v1/") || t.path == "/v1" || t.path.starts_with("/ogc/") ||
                  t.path.starts_with("/tiles/");
  if (route == Route::not_found && static_.enabled() && !api_path) route = Route::static_file;

  if (route == Route::not_found) {
    if (t.path.starts_with("/ogc/collections/") && !t.path.starts_with("/ogc/collections/shelters/"))
      throw ApiError(ErrorCode::not_found, fmt::format("no collection at {}; the only one is 'shelters'", t.path));
    throw ApiError(ErrorCode::not_found, fmt::format("no resource at {}", t.path));
  }
  if (route == Route::shelter || route == Route::shelter_status || route == Route::audit || route == Route::session ||
      route == Route::shelters || route == Route::shelter_retire || route == Route::bulk_status ||
      route == Route::imports)
    return write_api(req, route, t, rest);
  if (route == Route::shelter_reports || route == Route::reports) return reports_api(req, route, t, rest);
  if (req.method == "OPTIONS") {
    route = Route::preflight;
    Response r;
    r.status = 204;
    r.headers = {{"Access-Control-Allow-Methods", std::string(kAllow)},
                 {"Access-Control-Max-Age", "86400"},
                 {"Allow", std::string(kAllow)}};
    auto asked = req.header("Access-Control-Request-Headers");
    r.headers.emplace_back("Access-Control-Allow-Headers", asked && plain_list(*asked)
                                                               ? std::string(*asked)
                                                               : "Accept, Accept-Encoding, If-None-Match");
    return r;
  }
  if (req.method != "GET" && req.method != "HEAD") {
    Response r = problem_response(ErrorCode::method_not_allowed,
                                  fmt::format("{} is not allowed on {}; use GET, HEAD or OPTIONS", req.method, t.path));
    r.headers.emplace_back("Allow", std::string(kAllow));
    return r;
  }

  const std::string base = base_url(req, opts_);
  switch (route) {
    case Route::nearest: {
      spatial::NearestQuery q = parse_nearest_query(t.query);
      const WalkParams walk = parse_walk_params(t.query);
      auto snap = require(holder_);
      const ReportView reports = opts_.reports ? opts_.reports->view() : ReportView{};
      Response r;
      if (walk.walking && opts_.walking) {
        json j = nearest_walk_json(snap, q, walk, opts_.walking.get());
        add_report_summaries(j, *snap, reports);
        r = json_response(j, "application/json");
      } else {
        // Straight line (the hot path): the same bytes as nearest_walk_json's
        // dump, written directly.
        if (walk.within_s)
          q.max_distance_m = std::min(q.max_distance_m.value_or(INFINITY), *walk.within_s * walk.speed_mps);
        r.headers.reserve(12);
        r.headers.emplace_back("Content-Type", "application/json");
        write_nearest_json(r.body, *snap, q, snap->nearest(q),
                           {.speed_mps = walk.speed_mps,
                            .fallback = walk.walking ? "no_graph" : nullptr,
                            .within_s = walk.within_s},
                           reports.empty() ? nullptr : &reports);
      }
      r.headers.emplace_back("Cache-Control", "no-cache");
      return r;
    }
    case Route::route: {
      const RouteQuery q = parse_route_query(t.query);
      auto snap = require(holder_);
      Response r = json_response(route_json(snap, q, opts_.walking.get()), "application/json");
      r.headers.emplace_back("Cache-Control", "no-cache");
      return r;
    }
    case Route::snapshot:
      return offline_snapshot(req);
    case Route::events:
      return event_stream(req, t);
    case Route::snapshot_key: {
      Response r = json_response({{"algorithm", "Ed25519"}, {"public_key", require_key(opts_).public_key_base64()}},
                                 "application/json");
      r.headers.emplace_back("Cache-Control", "no-cache");
      return r;
    }
    case Route::healthz:
      return json_response({{"status", "ok"}}, "application/json");
    case Route::readyz: {
      auto snap = require(holder_);
      return json_response({{"status", "ready"}, {"revision", snap->revision()}}, "application/json");
    }
    case Route::metrics: {
      auto snap = holder_.current();
      Response r;
      r.headers = {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}, {"Cache-Control", "no-store"}};
      std::optional<EventCounts> events;
      if (opts_.events) events = EventCounts{.clients = opts_.events->clients(), .sent = opts_.events->sent()};
      r.body = metrics_.render(snap.get(), now_utc(), events ? &*events : nullptr);
      return r;
    }
    case Route::ogc_landing:
      return json_response(ogc::landing(base), ogc::kJson);
    case Route::ogc_conformance:
      return json_response(ogc::conformance(), ogc::kJson);
    case Route::ogc_api:
      return json_response(ogc::openapi(base), ogc::kOpenApi);
    case Route::ogc_collections:
      return json_response(ogc::collections(base, holder_.current().get()), ogc::kJson);
    case Route::ogc_collection:
      return json_response(ogc::collection(base, holder_.current().get()), ogc::kJson);
    case Route::ogc_items: {
      ItemsQuery q = parse_items_query(t.query);
      auto snap = require(holder_);
      return json_response(ogc::items(base, *snap, q, t.query, now_utc()), ogc::kGeoJson);
    }
    case Route::ogc_item: {
      auto snap = require(holder_);
      auto id = parse_shelter_id(rest);
      const Shelter* s = id ? snap->by_id(*id) : nullptr;
      if (!s) throw ApiError(ErrorCode::not_found, fmt::format("no shelter with id '{}'", rest));
      return json_response(ogc::item(base, *s), ogc::kGeoJson);
    }
    case Route::tiles:
      return base_map(req, t.path, base);
    case Route::static_file: {
      auto r = static_.serve(t.path);
      if (!r) {
        route = Route::not_found;
        throw ApiError(ErrorCode::not_found, fmt::format("no file at {}", t.path));
      }
      return std::move(*r);
    }
    default:
      throw ApiError(ErrorCode::internal_error, "unrouted path");
  }
}

/// The write API's routes. Cookies are SameSite=Strict and every
/// cookie-authenticated change needs the X-CSRF-Token header, which another
/// origin cannot send without a preflight that allows no credentials; so
/// CORS may stay open to any origin for token holders.
Response Handler::write_api(const Request& req, Route& route, const Target& t, std::string_view id) const {
  const bool mappings = route == Route::imports && t.path.starts_with("/v1/imports/mappings");
  const bool post_only = route == Route::shelter_status || route == Route::shelter_retire ||
                         route == Route::bulk_status || (route == Route::imports && !mappings);
  const std::string_view allow = route == Route::shelter    ? "GET, PATCH, OPTIONS"
                                 : post_only                ? "POST, OPTIONS"
                                 : route == Route::session  ? "GET, POST, DELETE, OPTIONS"
                                 : route == Route::shelters ? "GET, POST, OPTIONS"
                                                            : "GET, OPTIONS";
  if (req.method == "OPTIONS") {
    route = Route::preflight;
    Response r;
    r.status = 204;
    r.headers = {{"Access-Control-Allow-Methods", std::string(allow)},
                 {"Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match"},
                 {"Access-Control-Max-Age", "86400"},
                 {"Allow", std::string(allow)}};
    return r;
  }
  const std::string_view m = req.method;
  const bool allowed = route == Route::shelter    ? m == "GET" || m == "PATCH"
                       : post_only                ? m == "POST"
                       : route == Route::session  ? m == "GET" || m == "POST" || m == "DELETE"
                       : route == Route::shelters ? m == "GET" || m == "POST"
                                                  : m == "GET";
  if (!allowed) {
    Response r = problem_response(ErrorCode::method_not_allowed,
                                  fmt::format("{} is not allowed on {}; use {}", req.method, t.path, allow));
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
  }
  if (!opts_.writer) throw ApiError(ErrorCode::not_found, fmt::format("the write API is not enabled on this server ({})", t.path));
  Writer& w = *opts_.writer;
  Response r;
  switch (route) {
    case Route::audit: r = w.audit(req, t.query); break;
    case Route::shelter_status: r = w.post_status(req, id); break;
    case Route::shelter: r = m == "PATCH" ? w.patch_shelter(req, id) : w.get_shelter(req, id); break;
    case Route::session: r = m == "POST" ? w.sign_in(req) : m == "DELETE" ? w.sign_out(req) : w.get_session(req); break;
    case Route::shelters: r = m == "POST" ? w.create_shelter(req) : w.list_shelters(req, t.query); break;
    case Route::shelter_retire: r = w.retire_shelter(req, id); break;
    case Route::bulk_status: r = w.bulk_status(req); break;
    case Route::imports: r = mappings ? w.import_mappings(req) : w.import_file(req, t.query); break;
    default: throw ApiError(ErrorCode::internal_error, "unrouted write path");
  }
  r.headers.emplace_back("Access-Control-Expose-Headers", "ETag, Location");
  return r;
}

/// GET /v1/events: the stream's head and its first bytes; the server keeps
/// the connection (Response::event_stream) and writes later events to it.
Response Handler::event_stream(const Request& req, const Target& t) const {
  if (!opts_.events) throw ApiError(ErrorCode::not_found, "live updates are not enabled on this server (/v1/events)");
  std::optional<std::int64_t> since;
  auto parse_revision = [](std::string_view v) -> std::optional<std::int64_t> {
    std::int64_t n = 0;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    for (char c : v) n = n * 10 + (c - '0');
    return n;
  };
  for (const auto& [name, value] : t.query) {
    if (name != "since")
      throw ApiError(ErrorCode::unknown_parameter, fmt::format("/v1/events has no parameter '{}'; only 'since'", name));
    since = parse_revision(value);
    if (!since)
      throw ApiError(ErrorCode::invalid_parameter, fmt::format("since: '{}' is not a revision number", value));
  }
  // EventSource sends the id of the last event it saw when it reconnects:
  // newer than the revision the page was loaded with.
  if (auto last = req.header("Last-Event-ID"); last && !last->empty()) {
    since = parse_revision(*last);
    if (!since)
      throw ApiError(ErrorCode::bad_request, fmt::format("Last-Event-ID: '{}' is not a revision number", *last));
  }
  auto snap = require(holder_);
  if (opts_.events->clients() >= static_cast<std::int64_t>(opts_.events->options().max_clients)) {
    Response r = problem_response(ErrorCode::too_many_requests,
                                  fmt::format("{} live-update streams are open, the most this server takes; retry later",
                                              opts_.events->options().max_clients));
    r.headers.emplace_back("Retry-After", "30");
    return r;
  }
  Response r;
  r.headers = {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  r.body = "retry: 3000\n\n";  // EventSource's reconnect delay, ms
  // A client that is not at this revision (it missed events, or the
  // register was replaced) hears at once that it must refetch.
  if (since && *since != snap->revision()) r.body += revision_event(snap->revision(), -1, false);
  if (req.method == "GET") r.event_stream = snap->revision();
  return r;
}

/// Crowd reports: public POST and GET on a shelter, the authenticated queue.
/// The queue uses the write API's authentication, so what holds for it
/// (bearer tokens; session cookies with their CSRF header) holds here.
Response Handler::reports_api(const Request& req, Route& route, const Target& t, std::string_view rest) const {
  std::string_view action;  // the queue: "" (the list), "confirm" or "dismiss"
  std::string_view report_id;
  if (route == Route::reports && !rest.empty()) {
    const auto slash = rest.find('/');
    report_id = rest.substr(0, slash);
    action = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (report_id.empty() || (action != "confirm" && action != "dismiss"))
      throw ApiError(ErrorCode::not_found,
                     fmt::format("no resource at {}; reports are handled at /v1/reports/{{id}}/confirm or /dismiss", t.path));
  }
  const std::string_view allow = route == Route::shelter_reports ? "GET, HEAD, POST, OPTIONS"
                                 : action.empty()                ? "GET, HEAD, OPTIONS"
                                                                 : "POST, OPTIONS";
  if (req.method == "OPTIONS") {
    route = Route::preflight;
    Response r;
    r.status = 204;
    r.headers = {{"Access-Control-Allow-Methods", std::string(allow)},
                 {"Access-Control-Allow-Headers", "Authorization, Content-Type, X-CSRF-Token"},
                 {"Access-Control-Max-Age", "86400"},
                 {"Allow", std::string(allow)}};
    return r;
  }
  const bool get = req.method == "GET" || req.method == "HEAD";
  const bool allowed = route == Route::shelter_reports ? get || req.method == "POST"
                       : action.empty()                ? get
                                                       : req.method == "POST";
  if (!allowed) {
    Response r = problem_response(ErrorCode::method_not_allowed,
                                  fmt::format("{} is not allowed on {}; use {}", req.method, t.path, allow));
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
  }
  if (!opts_.reports) throw ApiError(ErrorCode::not_found, fmt::format("crowd reports are not enabled on this server ({})", t.path));
  Reports& reports = *opts_.reports;
  if (route == Route::shelter_reports) return get ? reports.summary(rest) : reports.post(req, rest);
  if (action.empty()) return reports.queue(req, t.query);
  return action == "confirm" ? reports.confirm(req, report_id) : reports.dismiss(req, report_id);
}

std::shared_ptr<const SignedSnapshot> Handler::signed_snapshot() const {
  require_key(opts_);
  auto snap = require(holder_);
  auto doc = signed_.load(std::memory_order_acquire);
  if (doc && doc->revision == snap->revision()) return doc;
  // The previous revision is still a genuine, signed register: send it while
  // the signing thread (or, without one, another request) builds the new one.
  // Only a server that has signed nothing yet holds the request.
  if (doc && opts_.sign_ahead) return doc;
  std::unique_lock lock(signing_, std::try_to_lock);
  if (!lock.owns_lock()) {
    if (doc) return doc;
    lock.lock();
  }
  return sign_locked(*snap);
}

std::shared_ptr<const SignedSnapshot> Handler::sign_locked(const spatial::Snapshot& snap) const {
  auto doc = signed_.load(std::memory_order_acquire);
  if (doc && doc->revision == snap.revision()) return doc;
  doc = sign_snapshot(snap, require_key(opts_), opts_.snapshot_gzip_level);
  signed_.store(doc, std::memory_order_release);
  return doc;
}

void Handler::sign_ahead(std::stop_token stop) const {
  std::mutex m;
  std::condition_variable_any cv;
  std::int64_t failed = -1;  // a revision that failed is reported once, not retried
  while (!stop.stop_requested()) {
    auto snap = holder_.current();
    auto doc = signed_.load(std::memory_order_acquire);
    if (snap && (!doc || doc->revision != snap->revision()) && snap->revision() != failed) {
      try {
        std::lock_guard lock(signing_);
        const auto t0 = std::chrono::steady_clock::now();
        if (sign_locked(*snap) != doc)
          fmt::print(stderr, "rifugio: offline snapshot of revision {} signed in {:.1f} s\n", snap->revision(),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      } catch (const std::exception& e) {
        failed = snap->revision();
        fmt::print(stderr, "rifugio: signing the offline snapshot of revision {} failed: {}\n", failed, e.what());
      }
      continue;
    }
    // The publishers (write API, watcher) do not know the handler: look 20 times a second.
    std::unique_lock lock(m);
    cv.wait_for(lock, stop, std::chrono::milliseconds(50), [] { return false; });
  }
}

std::int64_t Handler::signed_revision() const {
  auto doc = signed_.load(std::memory_order_acquire);
  return doc ? doc->revision : -1;
}

Response Handler::offline_snapshot(const Request& req) const {
  auto doc = signed_snapshot();
  Response r;
  r.headers = {{"ETag", doc->etag},
               {"Cache-Control", "no-cache"},
               {"Rifugio-Signature", doc->signature},
               {"Access-Control-Expose-Headers", "ETag, Rifugio-Signature"}};
  if (auto inm = req.header("If-None-Match"); inm && etag_matches(*inm, doc->etag)) {
    r.status = 304;
    r.headers.emplace_back("Vary", "Accept-Encoding");
    return r;
  }
  r.headers.emplace_back("Content-Type", "application/json");
  // Compressed once per revision; finish() leaves a body with a Content-Encoding alone.
  if (auto ae = req.header("Accept-Encoding"); ae && accepts_gzip(*ae)) {
    r.body = doc->gzip;
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = doc->body;
  }
  return r;
}

void Handler::finish(const Request& req, Response& res) const {
  std::string type(res.header("Content-Type").value_or(""));
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  // Everything served is public and read-only, so any origin may read it.
  res.headers.emplace_back("Access-Control-Allow-Origin", "*");
  if (type.starts_with("text/html")) {
    res.headers.emplace_back("Content-Security-Policy", opts_.content_security_policy);
    res.headers.emplace_back("X-Frame-Options", "DENY");
  } else if (type.starts_with("text/javascript") || type.starts_with("application/javascript")) {
    // A worker (the service worker, the map's workers) takes its policy from
    // its own script's response: it needs the page's, or it cannot fetch.
    res.headers.emplace_back("Content-Security-Policy", opts_.content_security_policy);
  } else {
    res.headers.emplace_back("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
  if (compressible(type)) {
    res.headers.emplace_back("Vary", "Accept-Encoding");
    auto ae = req.header("Accept-Encoding");
    if (ae && res.body.size() >= opts_.gzip_min_bytes && !res.header("Content-Encoding") && accepts_gzip(*ae)) {
      res.body = gzip_compress(res.body, opts_.gzip_level);
      res.headers.emplace_back("Content-Encoding", "gzip");
    }
  }
  if (req.method == "HEAD") {
    res.set_header("Content-Length", std::to_string(res.body.size()));
    res.body.clear();
  }
}

}  // namespace rifugio::api
