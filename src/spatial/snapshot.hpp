#pragma once
// The immutable read snapshot: every public shelter of one register revision
// plus a spatial index on the sphere. Built once per committed change and
// swapped in atomically (SnapshotHolder); readers never take a lock.
//
// Usage:
//   auto snap = Snapshot::build(store.revision(), store.list());
//   NearestQuery q{.origin = Location::from_lon_lat(10.75, 59.91), .k = 5};
//   for (const NearestHit& h : snap->nearest(q)) ... h.shelter->name, h.distance_m
//
// This is the one query path: `rifugio nearest` and GET /v1/nearest both call it.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/shelter.hpp"

namespace rifugio::spatial {

/// Filters and limits of a k-nearest query. Defaults answer "the 5 nearest
/// shelters, whatever their state".
struct NearestQuery {
  Location origin;                  ///< must be valid()
  std::uint32_t k = 5;              ///< DEFAULT: 5; 1..1000 (the caller validates)
  std::optional<double> max_distance_m;  ///< DEFAULT: no limit
  bool open_only = false;           ///< status open (or unknown, see include_unknown_status)
  bool include_unknown_status = true;  ///< with open_only: also keep status unknown
  std::optional<std::int32_t> min_free;  ///< at least N free places (capacity - occupancy,
                                         ///< or capacity when occupancy is unknown); not full
  bool step_free = false;           ///< step_free == yes only
  std::optional<Kind> kind;         ///< only this kind
};

/// Whether one shelter passes a query's filters (open, min_free, step_free,
/// kind); distance limits are not checked here. The one definition of the
/// filter rules: the index, the brute force and walking searches use it.
bool matches(const Shelter& s, const NearestQuery& q);

struct NearestHit {
  const Shelter* shelter;  ///< points into the snapshot; valid while the snapshot lives
  double distance_m;       ///< along the surface, metres
  double bearing_deg;      ///< initial bearing from the origin, [0, 360)
};

/// West/south/east/north in degrees. west > east means the box crosses the antimeridian.
struct BBox {
  double west, south, east, north;
};

class Snapshot {
 public:
  /// Index every shelter that is not retired and has a location. Shelters
  /// without a location stay reachable through by_id() but never appear in
  /// nearest() or in_bbox().
  static std::shared_ptr<const Snapshot> build(std::int64_t revision, std::vector<Shelter> shelters);

  std::int64_t revision() const { return revision_; }
  UnixTime built_at() const { return built_at_; }
  /// All non-retired shelters, sorted by id.
  const std::vector<Shelter>& shelters() const { return shelters_; }
  const Shelter* by_id(ShelterId id) const;

  /// The k nearest matching shelters, nearest first; equal distances ordered by id.
  std::vector<NearestHit> nearest(const NearestQuery& q) const;
  /// Same answer by scanning every shelter: the reference for tests and benchmarks.
  std::vector<NearestHit> nearest_brute_force(const NearestQuery& q) const;
  /// Shelters inside the box (with a location), sorted by id.
  std::vector<const Shelter*> in_bbox(const BBox& box) const;

  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

 private:
  Snapshot();
  struct Index;
  std::int64_t revision_ = 0;
  UnixTime built_at_ = 0;
  std::vector<Shelter> shelters_;
  std::unique_ptr<Index> index_;
};

/// Holds the current snapshot. Readers call current() (lock-free); a writer
/// publishes a new snapshot with replace().
class SnapshotHolder {
 public:
  std::shared_ptr<const Snapshot> current() const { return current_.load(std::memory_order_acquire); }
  void replace(std::shared_ptr<const Snapshot> next) {
    current_.store(std::move(next), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const Snapshot>> current_;
};

}  // namespace rifugio::spatial
