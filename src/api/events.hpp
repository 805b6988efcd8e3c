#pragma once
// Live updates for GET /v1/events (Server-Sent Events). When a new snapshot
// is published, the hub diffs it against the previous one, formats the
// events once (SSE wire text shared by every subscriber) and hands the batch
// to its listeners: the server registers one per event-loop thread, which
// posts the batch to that thread and writes it to the thread's own streams.
// No Asio here; the handler stays a pure Request -> Response function.
//
// Usage (what rifugio serve does, under the lock that orders publishing):
//   auto hub = std::make_shared<api::EventHub>();
//   opts.handler.events = hub;
//   auto before = holder.current();
//   holder.replace(next);
//   hub->publish(before.get(), *next);
//
// Events (docs/http.md):
//   event: status    id: <revision>  data: {"id","status","occupancy","capacity","status_time","revision"}
//   event: revision  id: <revision>  data: {"revision", "previous", "complete"}

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "spatial/snapshot.hpp"

namespace rifugio::api {

/// The events of one published revision in SSE wire format.
struct EventBatch {
  std::int64_t revision = 0;
  std::string text;    ///< complete events, each ending in a blank line
  std::size_t count = 0;  ///< events in text (for the events-sent counter)
};

/// What changed between two snapshots as far as live updates go.
struct SnapshotDiff {
  /// The `status` events (status, occupancy, capacity or status time changed), by id.
  std::string status_events;
  std::size_t status_count = 0;  ///< events in status_events
  /// True when those events are the whole difference: no shelter was added,
  /// retired, moved or renamed, so a client up to date at `previous` is up
  /// to date at `revision` after applying them.
  bool complete = true;
};

/// Compare two snapshots (shelters sorted by id; only records whose version
/// differs are inspected). With more than `max_events` live changes, sends
/// none and reports complete = false instead (clients then refetch).
SnapshotDiff diff_snapshots(const spatial::Snapshot& before, const spatial::Snapshot& after, std::size_t max_events);

/// `event: status` for one shelter at a revision.
std::string status_event(const Shelter& s, std::int64_t revision);
/// `event: revision`; previous < 0 leaves "previous" out (a client that
/// reconnected from an older revision: it must refetch).
std::string revision_event(std::int64_t revision, std::int64_t previous, bool complete);

class EventHub {
 public:
  /// Receives each batch on the publishing thread; must not block (post it).
  using Listener = std::function<void(std::shared_ptr<const EventBatch>)>;

  struct Options {
    /// Above this many status events in one revision (an import), send only
    /// the `revision` event with complete = false. DEFAULT: 2000.
    std::size_t max_status_events = 2000;
    /// Streams allowed at once; more get 503. DEFAULT: 50,000.
    std::size_t max_clients = 50'000;
  };

  EventHub() = default;
  explicit EventHub(Options o) : opts_(o) {}

  /// Register a listener; the key unregisters it. After unlisten() returns,
  /// the listener is not called again.
  std::uint64_t listen(Listener l);
  void unlisten(std::uint64_t key);

  /// Diff `after` against `before` (nullptr: nothing to compare, only a
  /// revision event) and hand the batch to every listener. Callers publish
  /// in revision order (rifugio serve holds one mutex around swap + publish).
  void publish(const spatial::Snapshot* before, const spatial::Snapshot& after);

  const Options& options() const { return opts_; }

  /// Connected streams and events written, for /metrics. The server counts.
  void add_clients(std::int64_t delta) { clients_.fetch_add(delta, std::memory_order_relaxed); }
  std::int64_t clients() const { return clients_.load(std::memory_order_relaxed); }
  void add_sent(std::uint64_t n) { sent_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }

 private:
  Options opts_;
  std::mutex mutex_;  ///< listeners_ only; taken per publish, never per client
  std::map<std::uint64_t, Listener> listeners_;
  std::uint64_t next_key_ = 1;
  std::atomic<std::int64_t> clients_{0};
  std::atomic<std::uint64_t> sent_{0};
};

}  // namespace rifugio::api
