#pragma once
// The walking graph: an immutable, memory-mapped file of node coordinates and
// a CSR (compressed sparse row) adjacency, built once from an OSM extract by
// build_graph() (graph_builder.hpp) and opened read-only at start-up.
//
// Usage:
//   auto g = routing::Graph::open("var/oslo.graph");          // mmap, validated
//   if (auto s = g->snap(Location::from_lon_lat(10.75, 59.91))) ... s->node_a, s->offset_m
//
// Every edge is stored in both directions (walking ignores oneway), so the
// graph is symmetric. Node ids are dense 0..node_count()-1, ordered by grid
// cell of the node index (nearby nodes have nearby ids). On-disk layout:
// routing/detail/format.hpp and docs/graph-format.md.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/location.hpp"

namespace rifugio::routing {

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = 0xFFFFFFFFu;

/// Coordinates as stored: fixed-point 1e-7 degrees (OSM's precision, ~1 cm),
/// LONGITUDE first.
struct FixedLocation {
  std::int32_t lon;  ///< degrees east * 1e7
  std::int32_t lat;  ///< degrees north * 1e7
  static constexpr double kScale = 1e7;
  [[nodiscard]] Location to_location() const { return Location::from_lon_lat(lon / kScale, lat / kScale); }
  static FixedLocation from(const Location& l);
};

/// Bits of Edge::flags().
enum EdgeFlag : std::uint32_t {
  kEdgeSteps = 1u << 0,          ///< highway=steps (without a wheelchair ramp)
  kEdgeNoWheelchair = 1u << 1,   ///< wheelchair=no
};
/// Edges a step-free profile must not use.
inline constexpr std::uint32_t kEdgeNotStepFree = kEdgeSteps | kEdgeNoWheelchair;

/// One directed half of an undirected edge. 8 bytes.
struct Edge {
  NodeId target;
  std::uint32_t packed;  ///< length in centimetres (low 30 bits) | flags << 30

  static constexpr std::uint32_t kLengthMask = (1u << 30) - 1;
  [[nodiscard]] std::uint32_t length_cm() const { return packed & kLengthMask; }
  [[nodiscard]] std::uint32_t flags() const { return packed >> 30; }
  [[nodiscard]] double length_m() const { return length_cm() / 100.0; }
  static Edge make(NodeId target, std::uint32_t length_cm, std::uint32_t flags) {
    return {target, (length_cm > kLengthMask ? kLengthMask : length_cm) | (flags << 30)};
  }
};
static_assert(sizeof(Edge) == 8);

/// A malformed or incompatible graph file: names the file and what is wrong.
class GraphFormatError : public InputError {
 public:
  GraphFormatError(const std::string& file, const std::string& what);
};

/// Where a point meets the graph: the nearest point on an edge a-b.
struct Snap {
  NodeId node_a = kNoNode;     ///< one end of the edge
  NodeId node_b = kNoNode;     ///< the other end (== node_a when snapped to a lone node)
  std::uint32_t to_a_cm = 0;   ///< along the edge from the snapped point to node_a
  std::uint32_t to_b_cm = 0;   ///< along the edge from the snapped point to node_b
  double offset_m = 0;         ///< straight line from the query point to the snapped point
  Location point;              ///< the snapped point
};

/// Which edges a search may use.
struct SnapOptions {
  /// Farther than this from every usable edge: no snap. DEFAULT: 500 m.
  double max_distance_m = 500;
  /// Skip steps and wheelchair=no edges. DEFAULT: false.
  bool step_free = false;
};

/// Facts about a graph file (from its header).
struct GraphInfo {
  std::uint32_t version = 0;
  std::uint64_t node_count = 0;
  std::uint64_t edge_count = 0;  ///< directed halves: twice the undirected edges
  std::int64_t built_at = 0;     ///< unix seconds
  std::string source;            ///< file name of the OSM extract
  std::uint64_t file_bytes = 0;
};

class Graph {
 public:
  /// Memory-map a graph file and check its header and every section.
  /// @throws GraphFormatError when the file is not a graph of this version,
  ///         is truncated or inconsistent; InputError when it cannot be opened.
  static std::shared_ptr<const Graph> open(const std::string& path);

  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  [[nodiscard]] const GraphInfo& info() const { return info_; }
  [[nodiscard]] std::uint32_t node_count() const { return node_count_; }
  [[nodiscard]] std::uint64_t edge_count() const { return edge_count_; }
  [[nodiscard]] const std::string& path() const { return path_; }

  /// Checked: throws std::out_of_range for a bad id.
  [[nodiscard]] Location location(NodeId n) const;
  [[nodiscard]] FixedLocation fixed_location_unchecked(NodeId n) const { return coords_[n]; }
  /// Outgoing edges of n, unchecked (hot loop).
  [[nodiscard]] std::span<const Edge> edges_unchecked(NodeId n) const {
    return {edges_ + first_edge_[n], edges_ + first_edge_[n + 1]};
  }
  /// Nodes of small islands (components of fewer than ~1000 nodes that are
  /// not the largest): never snapped to, so a point is not trapped on a
  /// footway fragment that leads nowhere.
  [[nodiscard]] bool is_island(NodeId n) const { return (node_flags_[n] & 1u) != 0; }

  /// The nearest non-island node within max_distance_m, any edge flags.
  [[nodiscard]] std::optional<NodeId> nearest_node(const Location& p, double max_distance_m) const;
  /// The nearest point on a usable edge (see SnapOptions); std::nullopt when
  /// nothing usable is within max_distance_m. Candidate edges are those at
  /// nodes within (nearest node distance + 150 m): an edge longer than 300 m
  /// whose both ends are farther than that may be missed (then a nearer node
  /// is used).
  [[nodiscard]] std::optional<Snap> snap(const Location& p, const SnapOptions& opt = {}) const;
  /// Same answer by scanning every edge: the reference for tests.
  [[nodiscard]] std::optional<Snap> snap_brute_force(const Location& p, const SnapOptions& opt = {}) const;

 private:
  Graph() = default;
  template <typename F>
  void for_nodes_within(const Location& p, double radius_m, F&& f) const;

  std::string path_;
  GraphInfo info_;
  void* map_ = nullptr;
  std::size_t map_len_ = 0;
  std::uint32_t node_count_ = 0;
  std::uint64_t edge_count_ = 0;
  const FixedLocation* coords_ = nullptr;
  const std::uint32_t* first_edge_ = nullptr;  ///< node_count + 1 entries
  const Edge* edges_ = nullptr;
  const std::uint8_t* node_flags_ = nullptr;
  // Grid index: nodes are sorted by cell; cell c holds nodes cell_first_[c] .. cell_first_[c+1]-1.
  const std::uint32_t* cell_first_ = nullptr;
  std::int32_t grid_lon0_ = 0, grid_lat0_ = 0;   ///< south-west corner, fixed-point
  std::int32_t cell_lon_ = 1, cell_lat_ = 1;     ///< cell size, fixed-point
  std::uint32_t grid_cols_ = 0, grid_rows_ = 0;
  double min_cos_lat_ = 1;                       ///< smallest cos(lat) in the grid's box
};

/// Metres per 1e-7 degree of latitude (and of longitude at the equator).
inline constexpr double kMetresPerFixed = 6371008.8 * 3.14159265358979323846 / 180.0 / 1e7;

/// Planar distance in metres between two nearby points (equirectangular at
/// their mean latitude): within 0.1% of the geodesic below ~10 km. Used for
/// snapping and edge lengths.
double local_distance_m(const Location& a, const Location& b);

}  // namespace rifugio::routing
