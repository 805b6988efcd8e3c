#include "spatial/snapshot.hpp"

#include <algorithm>
#include <climits>
#include <limits>

#include "spatial/detail/ellipsoid.hpp"
#include "spatial/geodesy.hpp"

namespace rifugio::spatial {

namespace {

using detail::Vec3;

// Filter attributes packed in one word so a node can OR its subtree's words:
// a subtree whose OR fails the query's test holds no match and is skipped.
constexpr std::uint32_t status_bit(Status s) { return 1u << static_cast<unsigned>(s); }
constexpr std::uint32_t kind_bit(Kind k) { return 1u << (4 + static_cast<unsigned>(k)); }
constexpr std::uint32_t kStepFreeBit = 1u << 12;
constexpr std::uint32_t kAllStatus = 0xFu;
constexpr std::uint32_t kAllKinds = 0x3Fu << 4;
constexpr std::int32_t kUnknownFree = INT_MIN;

std::uint32_t flags_of(const Shelter& s) {
  return status_bit(s.status) | kind_bit(s.kind) | (s.step_free == StepFree::yes ? kStepFreeBit : 0);
}

/// Free places as min_free counts them; kUnknownFree when capacity is unknown or it is full.
std::int32_t free_of(const Shelter& s) {
  if (!s.capacity || s.status == Status::full) return kUnknownFree;
  return std::max(0, *s.capacity - s.occupancy.value_or(0));
}

struct Filter {
  std::uint32_t status = kAllStatus;
  std::uint32_t kinds = kAllKinds;
  std::uint32_t need = 0;  ///< kStepFreeBit or 0
  std::int32_t min_free = kUnknownFree;

  explicit Filter(const NearestQuery& q) {
    if (q.open_only) status = status_bit(Status::open) | (q.include_unknown_status ? status_bit(Status::unknown) : 0);
    if (q.kind) kinds = kind_bit(*q.kind);
    if (q.step_free) need = kStepFreeBit;
    if (q.min_free) min_free = *q.min_free;
  }
  [[nodiscard]] bool pass(std::uint32_t flags, std::int32_t free) const {
    return (flags & status) && (flags & kinds) && (flags & need) == need && free >= min_free;
  }
};

/// The reference predicate, written from the Shelter fields (not the packed flags).
bool matches(const Shelter& s, const NearestQuery& q) {
  if (q.open_only && !(s.status == Status::open || (q.include_unknown_status && s.status == Status::unknown)))
    return false;
  if (q.kind && s.kind != *q.kind) return false;
  if (q.step_free && s.step_free != StepFree::yes) return false;
  if (q.min_free) {
    if (!s.capacity || s.status == Status::full) return false;
    if (std::max(0, *s.capacity - s.occupancy.value_or(0)) < *q.min_free) return false;
  }
  return true;
}

bool indexable(const Shelter& s) { return s.location && s.location->valid(); }

bool in_box(const Location& l, const BBox& b) {
  if (l.lat < b.south || l.lat > b.north) return false;
  return b.west <= b.east ? (l.lon >= b.west && l.lon <= b.east) : (l.lon >= b.west || l.lon <= b.east);
}

/// A candidate; `pos` is the index in shelters_, which is sorted by id, so
/// (distance, pos) orders like (distance, id).
struct Cand {
  double d;
  std::uint32_t pos;
  friend bool operator<(const Cand& a, const Cand& b) { return a.d < b.d || (a.d == b.d && a.pos < b.pos); }
};

/// Keeps the k best in a max-heap; true when `c` got in.
bool offer_bounded(std::vector<Cand>& heap, std::size_t k, const Cand& c) {
  if (heap.size() == k) {
    if (!(c < heap.front())) return false;
    std::pop_heap(heap.begin(), heap.end());
    heap.back() = c;
  } else {
    heap.push_back(c);
  }
  std::push_heap(heap.begin(), heap.end());
  return true;
}

}  // namespace

/// Static k-d tree over unit vectors (reduced latitude), nodes in pre-order:
/// the left child of node n is n + 1.
struct Snapshot::Index {
  static constexpr std::uint32_t kLeafSize = 8;

  struct Point {
    Vec3 v;
    std::uint32_t pos;  ///< index into shelters_
    std::uint32_t flags;
    std::int32_t free;
  };
  struct Node {
    Vec3 lo, hi;          ///< bounding box of the subtree's vectors
    std::uint32_t begin, end;  ///< range in points
    std::uint32_t right;  ///< right child; 0 for a leaf
    std::uint32_t flags;  ///< OR of the points' flags
    std::int32_t max_free;
  };
  std::vector<Point> points;
  std::vector<Node> nodes;
  /// The vector of shelters_[i] (unused for shelters without a location):
  /// the brute force's cache, so it scans without trigonometry per shelter.
  std::vector<Vec3> by_pos;

  std::uint32_t build(std::uint32_t begin, std::uint32_t end) {
    const auto id = static_cast<std::uint32_t>(nodes.size());
    Node n{points[begin].v, points[begin].v, begin, end, 0, 0, kUnknownFree};
    for (std::uint32_t i = begin; i < end; ++i) {
      const Point& p = points[i];
      n.lo = {std::min(n.lo.x, p.v.x), std::min(n.lo.y, p.v.y), std::min(n.lo.z, p.v.z)};
      n.hi = {std::max(n.hi.x, p.v.x), std::max(n.hi.y, p.v.y), std::max(n.hi.z, p.v.z)};
      n.flags |= p.flags;
      n.max_free = std::max(n.max_free, p.free);
    }
    nodes.push_back(n);
    if (end - begin <= kLeafSize) return id;
    const double ex = n.hi.x - n.lo.x, ey = n.hi.y - n.lo.y, ez = n.hi.z - n.lo.z;
    double Vec3::*axis = ex >= ey && ex >= ez ? &Vec3::x : (ey >= ez ? &Vec3::y : &Vec3::z);
    const std::uint32_t mid = begin + (end - begin) / 2;
    std::nth_element(points.begin() + begin, points.begin() + mid, points.begin() + end,
                     [axis](const Point& a, const Point& b) { return a.v.*axis < b.v.*axis; });
    build(begin, mid);
    const std::uint32_t right = build(mid, end);
    nodes[id].right = right;
    return id;
  }

  static double box_chord2(const Node& n, const Vec3& q) {
    auto gap = [](double v, double lo, double hi) { return v < lo ? lo - v : (v > hi ? v - hi : 0.0); };
    const double dx = gap(q.x, n.lo.x, n.hi.x), dy = gap(q.y, n.lo.y, n.hi.y), dz = gap(q.z, n.lo.z, n.hi.z);
    return dx * dx + dy * dy + dz * dz;
  }

  /// Exact k nearest by reported (ellipsoidal) distance. Nodes are pruned by
  /// chord with the bound a*s*(1-f) <= d, so nothing that could rank is skipped.
  struct Search {
    const Index& ix;
    Vec3 q;
    Filter f;
    std::size_t k;
    double max_d;
    double bound_c2;
    std::vector<Cand> heap;  ///< max-heap of the best so far

    void offer(Cand c) {
      if (offer_bounded(heap, k, c) && heap.size() == k) bound_c2 = std::min(bound_c2, detail::max_chord2_within(heap.front().d));
    }

    void visit(std::uint32_t id) {
      const Node& n = ix.nodes[id];
      if (!f.pass(n.flags, n.max_free)) return;
      if (n.right == 0) {
        for (std::uint32_t i = n.begin; i < n.end; ++i) {
          const Point& p = ix.points[i];
          const double c2 = detail::chord2(q, p.v);
          if (c2 > bound_c2 || !f.pass(p.flags, p.free)) continue;
          const double d = detail::distance_from_chord2(c2, q.z, p.v.z);
          if (d <= max_d) offer({d, p.pos});
        }
        return;
      }
      std::uint32_t near = id + 1, far = n.right;
      double dn = box_chord2(ix.nodes[near], q), df = box_chord2(ix.nodes[far], q);
      if (df < dn) {
        std::swap(near, far);
        std::swap(dn, df);
      }
      if (dn <= bound_c2) visit(near);
      if (df <= bound_c2) visit(far);
    }
  };

  void collect_box(std::uint32_t id, const Vec3& lo, const Vec3& hi, const std::vector<Shelter>& all,
                   const BBox& box, std::vector<std::uint32_t>& out) const {
    const Node& n = nodes[id];
    if (n.hi.x < lo.x || n.lo.x > hi.x || n.hi.y < lo.y || n.lo.y > hi.y || n.hi.z < lo.z || n.lo.z > hi.z)
      return;
    if (n.right == 0) {
      for (std::uint32_t i = n.begin; i < n.end; ++i)
        if (in_box(*all[points[i].pos].location, box)) out.push_back(points[i].pos);
      return;
    }
    collect_box(id + 1, lo, hi, all, box, out);
    collect_box(n.right, lo, hi, all, box, out);
  }
};

namespace {

/// Bounding box in vector space of the lon/lat rectangle lon in [w, e] (w <= e),
/// lat in [s, n]: the extremes lie at the corners or where a coordinate crosses
/// an axis (lat 0, lon 0/+-90/180). Padded a little against rounding.
void region_box(double w, double e, double s, double n, Vec3& lo, Vec3& hi) {
  const Vec3 vs = detail::to_vec(Location::from_lon_lat(0, s));
  const Vec3 vn = detail::to_vec(Location::from_lon_lat(0, n));
  const double cmin = std::min(vs.x, vn.x), cmax = (s <= 0 && n >= 0) ? 1.0 : std::max(vs.x, vn.x);
  auto range = [w, e](double (*fn)(double), double at_max, double at_min, double& mn, double& mx) {
    mn = std::min(fn(w * detail::kDegToRad), fn(e * detail::kDegToRad));
    mx = std::max(fn(w * detail::kDegToRad), fn(e * detail::kDegToRad));
    if (w <= at_max && at_max <= e) mx = 1.0;
    if (w <= at_min && at_min <= e) mn = -1.0;
  };
  double cl, ch, sl, sh;
  range([](double a) { return std::cos(a); }, 0.0, 180.0, cl, ch);
  range([](double a) { return std::sin(a); }, 90.0, -90.0, sl, sh);
  auto product = [cmin, cmax](double a, double b, double& mn, double& mx) {
    const double v[] = {cmin * a, cmin * b, cmax * a, cmax * b};
    mn = *std::min_element(std::begin(v), std::end(v));
    mx = *std::max_element(std::begin(v), std::end(v));
  };
  product(cl, ch, lo.x, hi.x);
  product(sl, sh, lo.y, hi.y);
  lo.z = vs.z;
  hi.z = vn.z;
  constexpr double pad = 1e-9;
  lo = {lo.x - pad, lo.y - pad, lo.z - pad};
  hi = {hi.x + pad, hi.y + pad, hi.z + pad};
}

}  // namespace

Snapshot::Snapshot() = default;
Snapshot::~Snapshot() = default;

std::shared_ptr<const Snapshot> Snapshot::build(std::int64_t revision, std::vector<Shelter> shelters) {
  std::shared_ptr<Snapshot> snap(new Snapshot());
  snap->revision_ = revision;
  snap->built_at_ = now_utc();
  std::erase_if(shelters, [](const Shelter& s) { return s.retired; });
  std::stable_sort(shelters.begin(), shelters.end(), [](const Shelter& a, const Shelter& b) { return a.id < b.id; });
  snap->shelters_ = std::move(shelters);
  snap->index_ = std::make_unique<Index>();
  Index& ix = *snap->index_;
  const auto& all = snap->shelters_;
  ix.by_pos.resize(all.size(), Vec3{0, 0, 0});
  for (std::uint32_t i = 0; i < all.size(); ++i) {
    if (!indexable(all[i])) continue;
    ix.by_pos[i] = detail::to_vec(*all[i].location);
    ix.points.push_back({ix.by_pos[i], i, flags_of(all[i]), free_of(all[i])});
  }
  ix.points.shrink_to_fit();
  if (!ix.points.empty()) {
    ix.nodes.reserve(4 * ix.points.size() / Index::kLeafSize + 1);
    ix.build(0, static_cast<std::uint32_t>(ix.points.size()));
  }
  return snap;
}

const Shelter* Snapshot::by_id(ShelterId id) const {
  auto it = std::lower_bound(shelters_.begin(), shelters_.end(), id,
                             [](const Shelter& s, ShelterId v) { return s.id < v; });
  return it != shelters_.end() && it->id == id ? &*it : nullptr;
}

namespace {
std::vector<NearestHit> to_hits(std::vector<Cand>& c, const std::vector<Shelter>& all, const Location& origin) {
  std::sort(c.begin(), c.end());
  std::vector<NearestHit> hits;
  hits.reserve(c.size());
  for (const Cand& x : c) hits.push_back({&all[x.pos], x.d, bearing_deg(origin, *all[x.pos].location)});
  return hits;
}
}  // namespace

std::vector<NearestHit> Snapshot::nearest(const NearestQuery& q) const {
  if (q.k == 0 || !q.origin.valid() || index_->nodes.empty()) return {};
  const double max_d = q.max_distance_m.value_or(std::numeric_limits<double>::infinity());
  Index::Search s{*index_, detail::to_vec(q.origin), Filter(q), q.k, max_d,
                  q.max_distance_m ? detail::max_chord2_within(max_d) : std::numeric_limits<double>::infinity(),
                  {}};
  s.heap.reserve(std::min<std::size_t>(q.k, index_->points.size()));
  s.visit(0);
  return to_hits(s.heap, shelters_, q.origin);
}

std::vector<NearestHit> Snapshot::nearest_brute_force(const NearestQuery& q) const {
  if (q.k == 0 || !q.origin.valid()) return {};
  // Same arithmetic as distance_m(q.origin, location), with the vectors cached.
  const Vec3 origin = detail::to_vec(q.origin);
  std::vector<Cand> best;  // max-heap of the k best
  for (std::uint32_t i = 0; i < shelters_.size(); ++i) {
    const Shelter& s = shelters_[i];
    if (!indexable(s) || !matches(s, q)) continue;
    const Cand c{detail::distance(origin, index_->by_pos[i]), i};
    if (!q.max_distance_m || c.d <= *q.max_distance_m) offer_bounded(best, q.k, c);
  }
  return to_hits(best, shelters_, q.origin);
}

std::vector<const Shelter*> Snapshot::in_bbox(const BBox& box) const {
  std::vector<std::uint32_t> pos;
  if (index_->nodes.empty() || box.south > box.north) return {};
  const double s = std::max(box.south, -90.0), n = std::min(box.north, 90.0);
  // A box across the antimeridian is two boxes in vector space.
  const double spans[2][2] = {{box.west, box.west <= box.east ? box.east : 180.0}, {-180.0, box.east}};
  for (int i = 0; i < (box.west <= box.east ? 1 : 2); ++i) {
    Vec3 lo, hi;
    region_box(std::max(spans[i][0], -180.0), std::min(spans[i][1], 180.0), s, n, lo, hi);
    index_->collect_box(0, lo, hi, shelters_, box, pos);
  }
  std::sort(pos.begin(), pos.end());
  pos.erase(std::unique(pos.begin(), pos.end()), pos.end());
  std::vector<const Shelter*> out;
  out.reserve(pos.size());
  for (std::uint32_t p : pos) out.push_back(&shelters_[p]);
  return out;
}

}  // namespace rifugio::spatial
