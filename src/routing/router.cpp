#include "routing/router.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>

#include "spatial/geodesy.hpp"

namespace rifugio::routing {

namespace {

constexpr std::uint32_t kInf = std::numeric_limits<std::uint32_t>::max();

/// Per-thread search state, reused across queries: entries are valid only
/// where stamp == generation, so nothing is cleared between searches. The
/// heap is keyed by dist + h (h: an A* lower bound of what is left, 0 for a
/// plain Dijkstra); h is fixed per node, so a node's first pop is its best.
struct Workspace {
  std::vector<std::uint32_t> dist;
  std::vector<NodeId> parent;
  std::vector<std::uint32_t> stamp;
  std::vector<std::uint32_t> settled;
  std::vector<std::uint64_t> heap;  ///< (key << 32 | node), min-heap
  std::uint32_t generation = 0;

  void begin(std::uint32_t n) {
    if (dist.size() < n) {
      dist.resize(n), parent.resize(n), stamp.assign(n, 0), settled.assign(n, 0), generation = 0;
    }
    if (++generation == 0) {  // wrapped: clear once every 4 billion searches
      std::fill(stamp.begin(), stamp.end(), 0u);
      std::fill(settled.begin(), settled.end(), 0u);
      generation = 1;
    }
    heap.clear();
  }
  [[nodiscard]] std::uint32_t get(NodeId n) const { return stamp[n] == generation ? dist[n] : kInf; }
  void push(NodeId n, std::uint32_t d, NodeId from, std::uint32_t h = 0) {
    if (get(n) <= d) return;
    stamp[n] = generation, dist[n] = d, parent[n] = from;
    const std::uint64_t key = std::min<std::uint64_t>(std::uint64_t{d} + h, kInf - 1);
    heap.push_back(key << 32 | n);
    std::push_heap(heap.begin(), heap.end(), std::greater<>());
  }
  /// Pops the next node to settle, its distance and key; false when the heap is empty.
  bool pop(NodeId& n, std::uint32_t& d, std::uint32_t& key) {
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), std::greater<>());
      const std::uint64_t top = heap.back();
      heap.pop_back();
      n = static_cast<NodeId>(top & 0xFFFFFFFFu);
      if (settled[n] == generation) continue;
      settled[n] = generation;
      d = dist[n];
      key = static_cast<std::uint32_t>(top >> 32);
      return true;
    }
    return false;
  }
};

Workspace& workspace() {
  thread_local Workspace w;
  return w;
}

/// A* lower bound in cm of the walk left from a node to `to`: 99% of the
/// planar distance (which is within 0.5% of the ellipsoid's below ~50 km), so
/// it never overestimates. None (0) without a target.
struct Heuristic {
  bool on = false;
  FixedLocation to{};
  double cos_lat = 1;
  std::uint32_t operator()(const Graph& g, NodeId n) const {
    if (!on) return 0;
    const FixedLocation p = g.fixed_location_unchecked(n);
    const double dx = (double(p.lon) - to.lon) * cos_lat, dy = double(p.lat) - to.lat;
    return static_cast<std::uint32_t>(std::min(0.99 * std::sqrt(dx * dx + dy * dy) * kMetresPerFixed * 100.0, 4e9));
  }
};

void seed(Workspace& w, const Graph& g, const Snap& s, const Heuristic& h) {
  w.push(s.node_a, s.to_a_cm, kNoNode, h(g, s.node_a));
  if (s.node_b != s.node_a) w.push(s.node_b, s.to_b_cm, kNoNode, h(g, s.node_b));
}

void relax(Workspace& w, const Graph& g, NodeId u, std::uint32_t du, std::uint32_t forbidden, const Heuristic& h) {
  for (const Edge& e : g.edges_unchecked(u)) {
    if (e.flags() & forbidden) continue;
    const std::uint64_t nd = std::uint64_t{du} + e.length_cm();
    if (nd < kInf && w.get(e.target) > nd) w.push(e.target, static_cast<std::uint32_t>(nd), u, h(g, e.target));
  }
}

/// Origin, its snapped point, graph nodes, the shelter's snapped point, the
/// shelter; `direct`: along the origin's edge, no graph node between.
std::vector<Location> path_to(const Workspace& w, const Graph& g, const ShelterNode& to, const Location& origin,
                              const Snap& s, bool direct) {
  std::vector<Location> rev;
  rev.push_back(*to.shelter->location);
  rev.push_back(to.via);
  if (!direct)
    for (NodeId x = to.node; x != kNoNode; x = w.parent[x]) rev.push_back(g.location(x));
  rev.push_back(s.point);
  rev.push_back(origin);
  std::vector<Location> out;
  out.reserve(rev.size());
  for (auto it = rev.rbegin(); it != rev.rend(); ++it)
    if (out.empty() || !(out.back() == *it)) out.push_back(*it);
  return out;
}

}  // namespace

// ---- ShelterNodes ----

std::shared_ptr<const ShelterNodes> ShelterNodes::build(std::shared_ptr<const Graph> graph,
                                                        std::shared_ptr<const spatial::Snapshot> snapshot,
                                                        double max_snap_m) {
  auto out = std::make_shared<ShelterNodes>();
  out->graph_ = std::move(graph);
  out->snapshot_ = std::move(snapshot);
  const Graph& g = *out->graph_;
  for (const Shelter& s : out->snapshot_->shelters()) {
    if (!s.location || !s.location->valid()) continue;
    const auto snap = g.snap(*s.location, {.max_distance_m = max_snap_m});
    if (!snap) {
      ++out->off_graph_;
      continue;
    }
    out->placed_ids_.push_back(s.id);
    out->entries_.push_back({snap->node_a, snap->node_b, &s, snap->to_a_cm / 100.0, snap->offset_m, snap->point});
    if (snap->node_b != snap->node_a)
      out->entries_.push_back({snap->node_b, snap->node_a, &s, snap->to_b_cm / 100.0, snap->offset_m, snap->point});
  }
  std::sort(out->entries_.begin(), out->entries_.end(), [](const ShelterNode& a, const ShelterNode& b) {
    return std::pair(a.node, a.shelter->id) < std::pair(b.node, b.shelter->id);
  });
  std::sort(out->placed_ids_.begin(), out->placed_ids_.end());
  out->marks_.assign((std::size_t{g.node_count()} + 63) / 64, 0);
  for (const auto& e : out->entries_) out->marks_[e.node >> 6] |= std::uint64_t{1} << (e.node & 63);
  return out;
}

std::span<const ShelterNode> ShelterNodes::lookup(NodeId n) const {
  auto lo = std::lower_bound(entries_.begin(), entries_.end(), n, [](const ShelterNode& e, NodeId x) { return e.node < x; });
  auto hi = lo;
  while (hi != entries_.end() && hi->node == n) ++hi;
  return {lo, hi};
}

std::shared_ptr<const ShelterNodes> ShelterNodeCache::get(const std::shared_ptr<const spatial::Snapshot>& snapshot) const {
  std::lock_guard lock(mutex_);
  if (!current_ || current_->revision() != snapshot->revision())
    current_ = ShelterNodes::build(graph_, snapshot, max_snap_m_);
  return current_;
}

// ---- searches ----

namespace {

/// The k best shelters passing q's filters (or only shelter `only`).
WalkAnswer search(const ShelterNodes& shelters, const WalkQuery& q, std::optional<ShelterId> only) {
  WalkAnswer a;
  const Graph& g = shelters.graph();
  const auto snap = g.snap(q.nearest.origin, {.max_distance_m = q.profile.max_snap_m, .step_free = q.profile.step_free});
  if (!snap) return a;
  a.basis = Basis::walking;
  a.origin_offset_m = snap->offset_m;
  const std::uint32_t k = only ? 1 : q.nearest.k;
  if (k == 0 || (only && !shelters.placed(*only))) return a;
  // One target: A* towards it (the cos of the mean latitude, with the 1% margin, is safe below ~50 km).
  Heuristic heuristic;
  if (only) {
    const Location t = *shelters.snapshot().by_id(*only)->location;
    heuristic = {true, FixedLocation::from(t), std::cos((t.lat + q.nearest.origin.lat) / 2 * 3.14159265358979323846 / 180)};
  }

  // Limit on the whole walk, metres.
  double limit_m = std::numeric_limits<double>::infinity();
  if (q.within_s) limit_m = *q.within_s * q.profile.speed_mps;
  if (q.nearest.max_distance_m) limit_m = std::min(limit_m, *q.nearest.max_distance_m);

  struct Found {
    double total_m;
    const ShelterNode* at;
    bool direct = false;  ///< along the origin's own edge
  };
  std::vector<Found> found;  // sorted, at most k, one per shelter
  auto kth = [&] { return found.size() < k ? std::numeric_limits<double>::infinity() : found.back().total_m; };
  auto before = [](const Found& x, const Found& y) {
    return x.total_m < y.total_m || (x.total_m == y.total_m && x.at->shelter->id < y.at->shelter->id);
  };
  auto offer = [&](const Found& f) {
    // A shelter is reachable from both ends of its edge: keep the better.
    auto same = std::find_if(found.begin(), found.end(), [&](const Found& x) { return x.at->shelter == f.at->shelter; });
    if (same != found.end()) {
      if (!before(f, *same)) return;
      found.erase(same);
    }
    if (found.size() == k && !before(f, found.back())) return;
    found.insert(std::upper_bound(found.begin(), found.end(), f, before), f);
    if (found.size() > k) found.pop_back();
  };

  auto wanted = [&](const ShelterNode& sn, double total) {
    return total <= limit_m && (only ? sn.shelter->id == *only : spatial::matches(*sn.shelter, q.nearest));
  };
  // Shelters on the origin's own edge: straight along it.
  for (const ShelterNode& sn : shelters.at(snap->node_a)) {
    if (sn.other != snap->node_b) continue;
    const double total = a.origin_offset_m + std::abs(snap->to_a_cm / 100.0 - sn.along_m) + sn.straight_m;
    if (wanted(sn, total)) offer({total, &sn, true});
  }

  Workspace& w = workspace();
  w.begin(g.node_count());
  seed(w, g, *snap, heuristic);
  const std::uint32_t forbidden = q.profile.step_free ? kEdgeNotStepFree : 0u;
  NodeId u;
  std::uint32_t du, key;
  while (w.pop(u, du, key)) {
    const double walked = a.origin_offset_m + du / 100.0;
    const double bound = a.origin_offset_m + key / 100.0;  // no walk through u is shorter
    if (bound > limit_m || bound > kth()) break;  // every later shelter is farther
    ++a.settled;
    for (const ShelterNode& sn : shelters.at(u)) {
      const double total = walked + sn.offset_m();
      if (wanted(sn, total)) offer({total, &sn});
    }
    relax(w, g, u, du, forbidden, heuristic);
  }
  for (const Found& f : found) {
    WalkRoute r{f.at->shelter, f.total_m, f.total_m / q.profile.speed_mps, {}};
    if (q.geometry) r.path = path_to(w, g, *f.at, q.nearest.origin, *snap, f.direct);
    a.routes.push_back(std::move(r));
  }
  return a;
}

}  // namespace

WalkAnswer nearest_by_walking(const ShelterNodes& shelters, const WalkQuery& q) { return search(shelters, q, std::nullopt); }

WalkAnswer route_to(const ShelterNodes& shelters, const Location& from, ShelterId to, const WalkProfile& profile) {
  return search(shelters, {.nearest = {.origin = from, .k = 1}, .profile = profile}, to);
}

std::vector<std::uint32_t> distances_from(const Graph& g, const Snap& from, bool step_free) {
  // Independent of Workspace on purpose: plain arrays, std::priority_queue.
  std::vector<std::uint32_t> dist(g.node_count(), kInf);
  using Item = std::pair<std::uint32_t, NodeId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
  auto offer = [&](NodeId n, std::uint32_t d) {
    if (d < dist[n]) dist[n] = d, pq.push({d, n});
  };
  offer(from.node_a, from.to_a_cm);
  offer(from.node_b, from.to_b_cm);
  const std::uint32_t forbidden = step_free ? kEdgeNotStepFree : 0u;
  while (!pq.empty()) {
    auto [d, u] = pq.top();
    pq.pop();
    if (d != dist[u]) continue;
    for (const Edge& e : g.edges_unchecked(u))
      if (!(e.flags() & forbidden)) offer(e.target, d + e.length_cm());
  }
  return dist;
}

}  // namespace rifugio::routing
