#pragma once
// Request counters and latency histograms by route and status, in the
// Prometheus text format. record() is on every request's path: it does a few
// relaxed atomic adds into a per-thread shard, so threads do not share cache
// lines; render() (a scrape) sums the shards.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "spatial/snapshot.hpp"

namespace rifugio::api {

/// What a request was routed to: the "route" label.
enum class Route : std::uint8_t {
  nearest,
  route,  ///< GET /v1/route (walking)
  snapshot,
  snapshot_key,
  ogc_landing,
  ogc_conformance,
  ogc_api,
  ogc_collections,
  ogc_collection,
  ogc_items,
  ogc_item,
  healthz,
  readyz,
  metrics,
  static_file,
  tiles,       ///< /tiles/style.json and /tiles/{z}/{x}/{y}.pbf (base map)
  shelter,         ///< GET, PATCH /v1/shelters/{id} (write API)
  shelter_status,  ///< POST /v1/shelters/{id}/status (write API)
  audit,           ///< GET /v1/audit (write API)
  shelters,        ///< GET (search), POST (create) /v1/shelters
  shelter_retire,  ///< POST /v1/shelters/{id}/retire
  bulk_status,     ///< POST /v1/status/bulk
  imports,         ///< /v1/imports (upload, validate, commit)
  session,         ///< /v1/session (admin page sign-in)
  events,          ///< GET /v1/events (Server-Sent Events)
  shelter_reports, ///< POST, GET /v1/shelters/{id}/reports (crowd reports)
  reports,         ///< GET /v1/reports, POST /v1/reports/{id}/confirm|dismiss (queue)
  preflight,   ///< OPTIONS
  not_found,   ///< no route matched
  rejected,    ///< refused by the transport before routing (414, 431, 413, 408, 400)
  count_
};
std::string_view route_name(Route r);

/// Live-update figures for Metrics::render (GET /v1/events).
struct EventCounts {
  std::int64_t clients = 0;  ///< streams open now
  std::uint64_t sent = 0;    ///< events written to streams since start
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  /// Count one answered request. Cheap and thread-safe.
  void record(Route route, int status, std::chrono::nanoseconds latency) noexcept;
  /// The Prometheus exposition (text format 0.0.4), with snapshot gauges
  /// (revision, age, shelters by status) when a snapshot is loaded, and the
  /// live-update figures when given.
  std::string render(const spatial::Snapshot* snap, UnixTime now, const EventCounts* events = nullptr) const;

  /// Upper bounds of the latency buckets, seconds.
  static constexpr std::array<double, 13> kBuckets{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                   0.01,    0.025,  0.05,    0.1,    0.25,  1.0};
  /// Statuses with their own label; any other counts as "other".
  static constexpr std::array<int, 20> kStatuses{200, 201, 202, 204, 304, 400, 401, 403, 404, 405,
                                                 408, 409, 412, 413, 414, 422, 429, 431, 500, 503};

 private:
  struct Shard;
  static constexpr std::size_t kShards = 16;
  std::unique_ptr<Shard[]> shards_;
  // Shelters by status, cached per snapshot revision so scrapes stay O(1).
  mutable std::mutex cache_mutex_;
  mutable std::int64_t cached_revision_ = -1;
  mutable std::array<std::size_t, 4> cached_status_counts_{};
};

}  // namespace rifugio::api
