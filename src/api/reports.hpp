#pragma once
// Crowd reports: citizens say a shelter is locked, full, damaged or open;
// everyone sees how many said so and how long ago; the shelter's warden and
// the region's editors confirm (the status changes, audited) or dismiss.
//
//   POST /v1/shelters/{id}/reports   {"kind", "note"?}        public, rate limited
//   GET  /v1/shelters/{id}/reports   the public summary
//   GET  /v1/reports?state=&shelter=&limit=                   the queue (write API's authentication)
//   POST /v1/reports/{id}/confirm    {"reason"?}               sets the status as the caller
//   POST /v1/reports/{id}/dismiss    {"reason"?}
//
// Rate limits live in memory (they restart with the server) and are checked
// before anything is stored:
//   - per client 10 reports per 10 minutes: enough for one person checking
//     several shelters in an evening, too few to spray a district;
//   - per client one report per shelter per 10 minutes: repeating a report
//     adds nothing (one client counts once in the summary anyway);
//   - per shelter 100 reports per ttl: many phones (a botnet, a crowd
//     fooling around) cannot grow one shelter's queue without bound.
// A client is its address, IPv6 cut to its /64 (one device can use any
// address in its prefix), stored only as a keyed BLAKE2b hash whose key
// lives in this process's memory: rows cannot be traced back to addresses.
//
// Usage (what rifugio serve does):
//   auto reports = std::make_shared<api::Reports>(open_store(path), holder, writer, {.ttl_s = 7200});
//   api::Handler handler(holder, {.writer = writer, .reports = reports});

#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/http.hpp"
#include "api/report_summary.hpp"
#include "spatial/snapshot.hpp"
#include "storage/store.hpp"

namespace rifugio::api {

class Writer;

struct ReportOptions {
  /// Reports older than this stop counting. DEFAULT: 7200 s (rifugio serve --report-ttl).
  std::int64_t ttl_s = 7200;
  /// Per client: at most per_client reports per client_window_s. DEFAULT: 10 per 600 s.
  std::size_t per_client = 10;
  std::int64_t client_window_s = 600;
  /// Per client and shelter: one report per repeat_s. DEFAULT: 600 s.
  std::int64_t repeat_s = 600;
  /// Per shelter: at most per_shelter reports per ttl_s. DEFAULT: 100.
  std::size_t per_shelter = 100;
  /// The clock (tests move it). DEFAULT: now_utc.
  std::function<UnixTime()> clock;
};

/// The longest note, in characters (code points).
inline constexpr std::size_t kMaxNote = 280;

class Reports {
 public:
  /// store: a connection only this object uses; holder: the published
  /// register (which shelters exist); writer: authentication and the status
  /// commit of the queue (null = the queue answers 404).
  Reports(std::unique_ptr<Store> store, const spatial::SnapshotHolder& holder, std::shared_ptr<Writer> writer,
          ReportOptions opts = {});

  /// The answers; each throws ApiError.
  Response post(const Request& req, std::string_view shelter_id);
  Response summary(std::string_view shelter_id) const;
  Response queue(const Request& req, const QueryParams& query);
  Response confirm(const Request& req, std::string_view report_id);
  Response dismiss(const Request& req, std::string_view report_id);

  /// The summaries now: one atomic load, no lock (for /v1/nearest).
  ReportView view() const;

  /// The keyed hash a peer address is stored as (IPv6 by its /64).
  std::string client_key(std::string_view peer) const;

 private:
  UnixTime now() const { return opts_.clock ? opts_.clock() : now_utc(); }
  /// 429 with Retry-After when `client` may not report `shelter` now. Needs mutex_.
  void check_limits(const std::string& client, ShelterId shelter, UnixTime now);
  void remember(const std::string& client, ShelterId shelter, UnixTime now);
  /// Forget limiter entries too old to matter, now and then. Needs mutex_.
  void sweep(UnixTime now);
  /// Re-read one shelter's open reports (all, when id is 0) and publish new tallies. Needs mutex_.
  void refresh(ShelterId id, UnixTime now);
  Response settle(const Request& req, std::string_view report_id, ReportState state);

  struct ClientState {
    std::deque<UnixTime> recent;                          ///< accepted reports in the client window
    std::vector<std::pair<ShelterId, UnixTime>> last;     ///< last report per shelter in the repeat window
  };

  std::mutex mutex_;
  std::unique_ptr<Store> store_;
  const spatial::SnapshotHolder& holder_;
  std::shared_ptr<Writer> writer_;
  ReportOptions opts_;
  std::array<unsigned char, 32> key_{};  ///< the client hash key, random per process
  std::unordered_map<std::string, ClientState> clients_;
  std::unordered_map<ShelterId, std::deque<UnixTime>> shelters_;  ///< accepted reports per shelter in the ttl
  std::size_t since_sweep_ = 0;
  std::atomic<std::shared_ptr<const TallyMap>> tallies_;
};

}  // namespace rifugio::api
