#include "api/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rifugio::api {

namespace {
constexpr std::size_t kRoutes = static_cast<std::size_t>(Route::count_);
constexpr std::size_t kStatusSlots = Metrics::kStatuses.size() + 1;  // + "other"
constexpr std::size_t kBucketSlots = Metrics::kBuckets.size() + 1;  // + Inf

constexpr std::array<std::string_view, kRoutes> kRouteNames{
    "nearest",         "route",    "snapshot", "snapshot_key",   "ogc_landing", "ogc_conformance", "ogc_api",
    "ogc_collections", "ogc_collection", "ogc_items", "ogc_item",   "healthz",         "readyz",
    "metrics",         "static",   "tiles",          "shelter",        "shelter_status", "audit",
    "shelters",        "shelter_retire", "bulk_status",    "imports",        "session",        "events",
    "shelter_reports", "reports",
    "preflight",       "not_found",   "rejected"};

std::size_t status_slot(int status) {
  auto it = std::find(Metrics::kStatuses.begin(), Metrics::kStatuses.end(), status);
  return static_cast<std::size_t>(it - Metrics::kStatuses.begin());  // end() is the "other" slot
}

/// Each thread keeps using one shard; threads beyond kShards share.
std::size_t this_thread_shard(std::size_t shards) {
  static std::atomic<std::size_t> next{0};
  thread_local std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine % shards;
}
}  // namespace

struct alignas(64) Metrics::Shard {
  struct Series {
    std::array<std::atomic<std::uint64_t>, kBucketSlots> buckets{};  // not cumulative
    std::atomic<std::uint64_t> sum_ns{0};
  };
  std::array<std::array<Series, kStatusSlots>, kRoutes> series{};
};

std::string_view route_name(Route r) { return kRouteNames[static_cast<std::size_t>(r)]; }

Metrics::Metrics() : shards_(new Shard[kShards]) {}
Metrics::~Metrics() = default;

void Metrics::record(Route route, int status, std::chrono::nanoseconds latency) noexcept {
  auto& s = shards_[this_thread_shard(kShards)].series[static_cast<std::size_t>(route)][status_slot(status)];
  double secs = std::chrono::duration<double>(latency).count();
  std::size_t b = std::lower_bound(kBuckets.begin(), kBuckets.end(), secs) - kBuckets.begin();
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.sum_ns.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count())),
                     std::memory_order_relaxed);
}

std::string Metrics::render(const spatial::Snapshot* snap, UnixTime now, const EventCounts* events) const {
  std::string out;
  auto emit = [&out](std::string_view s) { out.append(s); };
  emit("# HELP rifugio_http_requests_total HTTP requests answered, by route and status.\n"
       "# TYPE rifugio_http_requests_total counter\n");
  std::string hist =
      "# HELP rifugio_http_request_duration_seconds Time to compute an answer (routing, query, "
      "JSON, gzip), by route and status.\n"
      "# TYPE rifugio_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < kRoutes; ++r) {
    for (std::size_t st = 0; st < kStatusSlots; ++st) {
      std::array<std::uint64_t, kBucketSlots> b{};
      std::uint64_t sum_ns = 0;
      for (std::size_t sh = 0; sh < kShards; ++sh) {
        const auto& s = shards_[sh].series[r][st];
        for (std::size_t i = 0; i < kBucketSlots; ++i) b[i] += s.buckets[i].load(std::memory_order_relaxed);
        sum_ns += s.sum_ns.load(std::memory_order_relaxed);
      }
      std::uint64_t total = 0;
      for (auto v : b) total += v;
      if (total == 0) continue;
      std::string status = st + 1 == kStatusSlots ? "other" : std::to_string(kStatuses[st]);
      std::string labels = fmt::format("route=\"{}\",status=\"{}\"", kRouteNames[r], status);
      out += fmt::format("rifugio_http_requests_total{{{}}} {}\n", labels, total);
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBucketSlots; ++i) {
        cumulative += b[i];
        std::string le = i < kBuckets.size() ? fmt::format("{}", kBuckets[i]) : "+Inf";
        hist += fmt::format("rifugio_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, le,
                            cumulative);
      }
      hist += fmt::format("rifugio_http_request_duration_seconds_sum{{{}}} {}\n", labels, sum_ns / 1e9);
      hist += fmt::format("rifugio_http_request_duration_seconds_count{{{}}} {}\n", labels, total);
    }
  }
  out += hist;
  if (events)
    out += fmt::format(
        "# HELP rifugio_event_clients Live-update streams (GET /v1/events) open now.\n"
        "# TYPE rifugio_event_clients gauge\nrifugio_event_clients {}\n"
        "# HELP rifugio_events_sent_total Events written to live-update streams (one per event per stream).\n"
        "# TYPE rifugio_events_sent_total counter\nrifugio_events_sent_total {}\n",
        events->clients, events->sent);
  out += fmt::format(
      "# HELP rifugio_snapshot_loaded 1 when a snapshot is loaded and queries can be answered.\n"
      "# TYPE rifugio_snapshot_loaded gauge\nrifugio_snapshot_loaded {}\n",
      snap ? 1 : 0);
  if (!snap) return out;
  std::array<std::size_t, 4> counts{};
  {
    std::lock_guard lock(cache_mutex_);
    if (cached_revision_ != snap->revision()) {
      cached_status_counts_ = {};
      for (const Shelter& s : snap->shelters()) ++cached_status_counts_[static_cast<std::size_t>(s.status)];
      cached_revision_ = snap->revision();
    }
    counts = cached_status_counts_;
  }
  out += fmt::format(
      "# HELP rifugio_snapshot_revision Register revision of the snapshot being served.\n"
      "# TYPE rifugio_snapshot_revision gauge\nrifugio_snapshot_revision {}\n"
      "# HELP rifugio_snapshot_age_seconds Seconds since the snapshot being served was built.\n"
      "# TYPE rifugio_snapshot_age_seconds gauge\nrifugio_snapshot_age_seconds {}\n"
      "# HELP rifugio_shelters Shelters in the snapshot (not retired), by status.\n"
      "# TYPE rifugio_shelters gauge\n",
      snap->revision(), std::max<std::int64_t>(0, now - snap->built_at()));
  for (Status s : {Status::unknown, Status::open, Status::closed, Status::full})
    out += fmt::format("rifugio_shelters{{status=\"{}\"}} {}\n", to_string(s), counts[static_cast<std::size_t>(s)]);
  return out;
}

}  // namespace rifugio::api
