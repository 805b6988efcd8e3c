#pragma once
// Walking search on the graph: the k shelters nearest by walking time from a
// point, and the route from a point to one shelter.
//
// Usage:
//   auto graph = routing::Graph::open("var/oslo.graph");
//   routing::ShelterNodeCache cache(graph);                 // one per graph
//   auto nodes = cache.get(holder.current());               // snapped once per snapshot revision
//   routing::WalkQuery q{.nearest = {.origin = Location::from_lon_lat(10.75, 59.91), .k = 5}};
//   routing::WalkAnswer a = routing::nearest_by_walking(*nodes, q);
//   if (a.basis == routing::Basis::off_graph) ... fall back to Snapshot::nearest (straight line)
//   for (auto& r : a.routes) ... r.shelter->name, r.distance_m, r.time_s, r.path
//
// One Dijkstra from the origin (snapped onto the nearest usable edge), which
// stops as soon as the k best shelters are settled, or the distance limit
// (within / max_distance) is passed. Distances: origin -> snapped point
// (straight) + network + shelter's node -> shelter (straight). Walking time is
// distance / speed; steps cost the same per metre as the rest (OSM rarely
// says how many steps there are).

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "routing/graph.hpp"
#include "spatial/snapshot.hpp"

namespace rifugio::routing {

/// How a person walks.
struct WalkProfile {
  /// Walking speed, metres per second. DEFAULT: 5 km/h (1.389 m/s). > 0.
  double speed_mps = 5.0 / 3.6;
  /// Avoid steps and wheelchair=no ways. DEFAULT: false.
  bool step_free = false;
  /// A point farther than this from the graph is "off the graph". DEFAULT: 500 m.
  double max_snap_m = 500;
};

/// A shelter placed on the graph, as reached from one end of its edge.
struct ShelterNode {
  NodeId node;             ///< an end of the edge the shelter snapped to
  NodeId other;            ///< the edge's other end (== node for a zero-length edge)
  const Shelter* shelter;  ///< into the snapshot ShelterNodes keeps alive
  double along_m;          ///< along the edge from `node` to `via`
  double straight_m;       ///< straight from `via` to the shelter
  Location via;            ///< where the shelter meets the edge
  [[nodiscard]] double offset_m() const { return along_m + straight_m; }
};

/// Every shelter of one snapshot that lies within max_snap_m of the graph,
/// snapped onto its nearest edge (Graph::snap): one entry for each end of
/// that edge. Keeps the snapshot alive. A shelter on the origin's edge is
/// also reached directly along it.
class ShelterNodes {
 public:
  static std::shared_ptr<const ShelterNodes> build(std::shared_ptr<const Graph> graph,
                                                   std::shared_ptr<const spatial::Snapshot> snapshot,
                                                   double max_snap_m = 500);
  const Graph& graph() const { return *graph_; }
  const spatial::Snapshot& snapshot() const { return *snapshot_; }
  std::int64_t revision() const { return snapshot_->revision(); }
  /// Shelters at node n (usually none), unchecked.
  std::span<const ShelterNode> at(NodeId n) const {
    if (!(marks_[n >> 6] >> (n & 63) & 1u)) return {};
    return lookup(n);
  }
  /// Whether a shelter was placed on the graph.
  bool placed(ShelterId id) const { return std::binary_search(placed_ids_.begin(), placed_ids_.end(), id); }
  std::size_t placed() const { return placed_ids_.size(); }
  std::size_t off_graph() const { return off_graph_; }  ///< shelters with a location but no node

 private:
  std::span<const ShelterNode> lookup(NodeId n) const;
  std::shared_ptr<const Graph> graph_;
  std::shared_ptr<const spatial::Snapshot> snapshot_;
  std::vector<ShelterNode> entries_;  ///< sorted by (node, shelter id)
  std::vector<ShelterId> placed_ids_;  ///< sorted
  std::vector<std::uint64_t> marks_;  ///< bit per node: has a shelter
  std::size_t off_graph_ = 0;
};

/// ShelterNodes of the latest snapshot asked for: built on the first request
/// of a new revision (one thread builds, others wait for it), then shared.
class ShelterNodeCache {
 public:
  explicit ShelterNodeCache(std::shared_ptr<const Graph> graph, double max_snap_m = 500)
      : graph_(std::move(graph)), max_snap_m_(max_snap_m) {}
  std::shared_ptr<const ShelterNodes> get(const std::shared_ptr<const spatial::Snapshot>& snapshot) const;
  const std::shared_ptr<const Graph>& graph() const { return graph_; }

 private:
  std::shared_ptr<const Graph> graph_;
  double max_snap_m_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const ShelterNodes> current_;
};

struct WalkQuery {
  /// Origin, k and the shelter filters, as for a straight-line query.
  /// max_distance_m limits the walking distance.
  spatial::NearestQuery nearest;
  WalkProfile profile;
  /// Only shelters reachable in this many seconds. DEFAULT: no limit.
  std::optional<double> within_s;
  /// Fill WalkRoute::path. DEFAULT: true.
  bool geometry = true;
};

enum class Basis {
  walking,   ///< routes on the graph
  off_graph  ///< the origin is farther than max_snap_m from the graph: no routes
};

struct WalkRoute {
  const Shelter* shelter;
  double distance_m;  ///< walked: to the graph, along it, to the shelter
  double time_s;      ///< distance_m / speed
  /// Origin, point where it meets the graph, graph nodes..., shelter. LONGITUDE first.
  std::vector<Location> path;
};

struct WalkAnswer {
  Basis basis = Basis::off_graph;
  double origin_offset_m = 0;   ///< origin to the graph, straight line (walking only)
  std::vector<WalkRoute> routes;  ///< nearest first; ties by shelter id
  std::uint64_t settled = 0;      ///< graph nodes the search settled (for metrics)
};

/// The k shelters nearest on foot that pass the filters. Thread-safe.
WalkAnswer nearest_by_walking(const ShelterNodes& shelters, const WalkQuery& q);

/// The walking route from `from` to one shelter. basis off_graph when `from`
/// is off the graph; routes empty when the shelter is off the graph or not
/// reachable (another component, or only by steps on a step-free profile).
WalkAnswer route_to(const ShelterNodes& shelters, const Location& from, ShelterId to, const WalkProfile& profile);

/// Network distance in centimetres from a snap point to every node
/// (UINT32_MAX: unreachable), by a plain Dijkstra with no early stop: the
/// reference for tests.
std::vector<std::uint32_t> distances_from(const Graph& g, const Snap& from, bool step_free);

}  // namespace rifugio::routing
