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
  /// False for a query without filters: the search then skips all filter data.
  [[nodiscard]] bool any() const {
    return status != kAllStatus || kinds != kAllKinds || need != 0 || min_free != kUnknownFree;
  }
  [[nodiscard]] bool pass(std::uint32_t flags, std::int32_t free) const {
    return (flags & status) && (flags & kinds) && (flags & need) == need && free >= min_free;
  }
};

bool indexable(const Shelter& s) { return s.location && s.location->valid(); }

bool in_box(const Location& l, const BBox& b) {
  if (l.lat < b.south || l.lat > b.north) return false;
  return b.west <= b.east ? (l.lon >= b.west && l.lon <= b.east) : (l.lon >= b.west || l.lon <= b.east);
}

/// A candidate; `pos` is the index in shelters_, which is sorted by id, so
/// (distance, pos) orders like (distance, id). `v` points at the vector the
/// search just read (still in cache), for the bearing.
struct Cand {
  double d;
  std::uint32_t pos;
  const Vec3* v;
  friend bool operator<(const Cand& a, const Cand& b) { return a.d < b.d || (a.d == b.d && a.pos < b.pos); }
};

/// Keeps the k best in a max-heap; true when `c` got in. A full heap has its
/// root replaced and sifted down once (pop_heap + push_heap would sift twice).
bool offer_bounded(std::vector<Cand>& heap, std::size_t k, const Cand& c) {
  if (heap.size() < k) {
    heap.push_back(c);
    std::push_heap(heap.begin(), heap.end());
    return true;
  }
  if (!(c < heap.front())) return false;
  std::size_t i = 0;
  const std::size_t n = heap.size();
  for (std::size_t child = 1; child < n; child = 2 * i + 1) {
    if (child + 1 < n && heap[child] < heap[child + 1]) ++child;
    if (!(c < heap[child])) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = c;
  return true;
}

/// The search's candidate buffer, reused by each thread's queries so that a
/// query allocates only its answer.
std::vector<Cand>& scratch_heap(std::size_t k) {
  thread_local std::vector<Cand> heap;
  heap.clear();
  if (heap.capacity() < k) heap.reserve(k);
  return heap;
}

double at(const Vec3& v, unsigned axis) { return axis == 0 ? v.x : axis == 1 ? v.y : v.z; }

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

// The reference predicate, written from the Shelter fields (not the packed flags).
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

/// Static k-d tree over unit vectors (reduced latitude). Implicit layout: node
/// n has children 2n+1 and 2n+2 and its point range is found by halving, so a
/// node is only its split (16 bytes; 2 MB at a million shelters, which keeps the
/// upper tree in cache). Filter summaries live in side arrays that a query
/// without filters never touches.
///
/// At a million shelters a k = 5 query visits ~28 nodes and 4-5 leaves and
/// computes ~34 squared chords and ~12 distances: its time goes mostly to
/// cache misses on the lower nodes and the leaves, so the points of a pair of
/// leaves are prefetched from their parent. (Blocked node layouts, float
/// splits, 16-point leaves and float prefilters measured no faster.)
struct Snapshot::Index {
  static constexpr std::uint32_t kLeafSize = 8;

  struct Point {
    Vec3 v;
    std::uint32_t pos;  ///< index into shelters_
  };
  struct Split {
    double value;  ///< left child: coordinate <= value; right child: >= value
    std::uint32_t axis;
  };
  std::vector<Point> points;
  std::vector<std::uint32_t> flags;  ///< per point, see flags_of()
  std::vector<std::int32_t> free;    ///< per point, see free_of()
  std::vector<Split> splits;         ///< per internal node
  std::vector<std::uint32_t> node_flags;  ///< per node: OR of its points' flags
  std::vector<std::int32_t> node_free;    ///< per node: max of its points' free
  /// The vector of shelters_[i] (unused for shelters without a location):
  /// the brute force's cache, so it scans without trigonometry per shelter.
  std::vector<Vec3> by_pos;

  static bool is_leaf(std::uint32_t begin, std::uint32_t end) { return end - begin <= kLeafSize; }

  void build(std::uint32_t node, std::uint32_t begin, std::uint32_t end) {
    if (node >= node_flags.size()) {
      node_flags.resize(2 * node + 2, 0);
      node_free.resize(2 * node + 2, kUnknownFree);
      splits.resize(2 * node + 2);
    }
    Vec3 lo = points[begin].v, hi = lo;
    for (std::uint32_t i = begin; i < end; ++i) {
      const Vec3& v = points[i].v;
      lo = {std::min(lo.x, v.x), std::min(lo.y, v.y), std::min(lo.z, v.z)};
      hi = {std::max(hi.x, v.x), std::max(hi.y, v.y), std::max(hi.z, v.z)};
      node_flags[node] |= flags[i];
      node_free[node] = std::max(node_free[node], free[i]);
    }
    if (is_leaf(begin, end)) return;
    const double ex = hi.x - lo.x, ey = hi.y - lo.y, ez = hi.z - lo.z;
    const unsigned axis = ex >= ey && ex >= ez ? 0 : (ey >= ez ? 1 : 2);
    const std::uint32_t mid = begin + (end - begin) / 2;
    // Sort an index permutation so points, flags and free move together.
    std::vector<std::uint32_t> perm(end - begin);
    for (std::uint32_t i = 0; i < perm.size(); ++i) perm[i] = begin + i;
    std::nth_element(perm.begin(), perm.begin() + (mid - begin), perm.end(), [&](std::uint32_t a, std::uint32_t b) {
      return at(points[a].v, axis) < at(points[b].v, axis);
    });
    permute(begin, perm);
    splits[node] = {at(points[mid].v, axis), axis};
    build(2 * node + 1, begin, mid);
    build(2 * node + 2, mid, end);
  }

  void permute(std::uint32_t begin, const std::vector<std::uint32_t>& perm) {
    std::vector<Point> p;
    std::vector<std::uint32_t> fl;
    std::vector<std::int32_t> fr;
    for (std::uint32_t i : perm) p.push_back(points[i]), fl.push_back(flags[i]), fr.push_back(free[i]);
    std::copy(p.begin(), p.end(), points.begin() + begin);
    std::copy(fl.begin(), fl.end(), flags.begin() + begin);
    std::copy(fr.begin(), fr.end(), free.begin() + begin);
  }

  /// Exact k nearest by reported (ellipsoidal) distance. Cells are pruned by
  /// chord with the bound a*s*(1-f) <= d, so nothing that could rank is skipped.
  /// `off` holds q's per-axis distance to the current cell (as nanoflann does).
  struct Search {
    const Index& ix;
    Vec3 q;
    Filter f;
    bool filtered;
    std::size_t k;
    double max_d;
    double bound_c2;
    std::vector<Cand>& heap;  ///< max-heap of the best so far

    void offer(const Cand& c) {
      if (offer_bounded(heap, k, c) && heap.size() == k)
        bound_c2 = std::min(bound_c2, detail::max_chord2_within(heap.front().d));
    }

    void scan(std::uint32_t begin, std::uint32_t end) {
      for (std::uint32_t i = begin; i < end; ++i) {
        const Point& p = ix.points[i];
        const double c2 = detail::chord2(q, p.v);
        if (c2 > bound_c2 || (filtered && !f.pass(ix.flags[i], ix.free[i]))) continue;
        const double d = detail::distance_from_chord2(c2, q.z, p.v.z);
        if (d <= max_d) offer({d, p.pos, &p.v});
      }
    }

    static void prefetch(const void* first, std::size_t bytes) {
      const char* p = static_cast<const char*>(first);
      for (std::size_t at = 0; at < bytes; at += 64) __builtin_prefetch(p + at);
      __builtin_prefetch(p + bytes - 1);
    }

    void visit(std::uint32_t node, std::uint32_t begin, std::uint32_t end, double rd, Vec3 off) {
      if (filtered && !f.pass(ix.node_flags[node], ix.node_free[node])) return;
      if (is_leaf(begin, end)) return scan(begin, end);
      if (end - begin <= 2 * kLeafSize) prefetch(&ix.points[begin], (end - begin) * sizeof(Point));
      const Split& s = ix.splits[node];
      const std::uint32_t mid = begin + (end - begin) / 2;
      const double diff = at(q, s.axis) - s.value;
      if (diff < 0) visit(2 * node + 1, begin, mid, rd, off);
      else visit(2 * node + 2, mid, end, rd, off);
      double& o = s.axis == 0 ? off.x : s.axis == 1 ? off.y : off.z;
      rd += diff * diff - o * o;
      if (rd > bound_c2) return;
      o = diff;
      if (diff < 0) visit(2 * node + 2, mid, end, rd, off);
      else visit(2 * node + 1, begin, mid, rd, off);
    }
  };

  /// Points whose vectors may lie in [lo, hi] (cells pruned by box overlap)
  /// and whose location is in `box`.
  void collect_box(std::uint32_t node, std::uint32_t begin, std::uint32_t end, Vec3 cell_lo, Vec3 cell_hi,
                   const Vec3& lo, const Vec3& hi, const std::vector<Shelter>& all, const BBox& box,
                   std::vector<std::uint32_t>& out) const {
    if (cell_hi.x < lo.x || cell_lo.x > hi.x || cell_hi.y < lo.y || cell_lo.y > hi.y || cell_hi.z < lo.z ||
        cell_lo.z > hi.z)
      return;
    if (is_leaf(begin, end)) {
      for (std::uint32_t i = begin; i < end; ++i)
        if (in_box(*all[points[i].pos].location, box)) out.push_back(points[i].pos);
      return;
    }
    const Split& s = splits[node];
    const std::uint32_t mid = begin + (end - begin) / 2;
    Vec3 left_hi = cell_hi, right_lo = cell_lo;
    (s.axis == 0 ? left_hi.x : s.axis == 1 ? left_hi.y : left_hi.z) = s.value;
    (s.axis == 0 ? right_lo.x : s.axis == 1 ? right_lo.y : right_lo.z) = s.value;
    collect_box(2 * node + 1, begin, mid, cell_lo, left_hi, lo, hi, all, box, out);
    collect_box(2 * node + 2, mid, end, right_lo, cell_hi, lo, hi, all, box, out);
  }
};

Snapshot::Snapshot() = default;
Snapshot::~Snapshot() = default;

std::shared_ptr<const Snapshot> Snapshot::build(std::int64_t revision, std::vector<Shelter> shelters) {
  std::shared_ptr<Snapshot> snap(new Snapshot());
  snap->revision_ = revision;
  snap->built_at_ = now_utc();
  std::erase_if(shelters, [](const Shelter& s) { return s.retired; });
  const auto by_id = [](const Shelter& a, const Shelter& b) { return a.id < b.id; };
  if (!std::is_sorted(shelters.begin(), shelters.end(), by_id)) std::stable_sort(shelters.begin(), shelters.end(), by_id);
  snap->shelters_ = std::move(shelters);
  snap->index_ = std::make_unique<Index>();
  Index& ix = *snap->index_;
  const auto& all = snap->shelters_;
  ix.by_pos.resize(all.size(), Vec3{0, 0, 0});
  for (std::uint32_t i = 0; i < all.size(); ++i) {
    if (!indexable(all[i])) continue;
    ix.by_pos[i] = detail::to_vec(*all[i].location);
    ix.points.push_back({ix.by_pos[i], i});
    ix.flags.push_back(flags_of(all[i]));
    ix.free.push_back(free_of(all[i]));
  }
  if (!ix.points.empty()) ix.build(0, 0, static_cast<std::uint32_t>(ix.points.size()));
  return snap;
}

const Shelter* Snapshot::by_id(ShelterId id) const {
  auto it = std::lower_bound(shelters_.begin(), shelters_.end(), id,
                             [](const Shelter& s, ShelterId v) { return s.id < v; });
  return it != shelters_.end() && it->id == id ? &*it : nullptr;
}

namespace {
/// Distances and bearings are computed for the answers only.
std::vector<NearestHit> to_hits(std::vector<Cand>& c, const std::vector<Shelter>& all, const Vec3& o) {
  std::sort(c.begin(), c.end());
  const detail::Reduced from = detail::reduced(o);
  std::vector<NearestHit> hits;
  hits.reserve(c.size());
  for (const Cand& x : c) {
    // Sine and cosine of the longitude difference from the vectors: no
    // trigonometry and no access to the Shelter record.
    const Vec3& v = *x.v;
    const double sin_l = o.x * v.y - o.y * v.x, cos_l = o.x * v.x + o.y * v.y;
    const double r = std::sqrt(sin_l * sin_l + cos_l * cos_l);  // 0: a point on the axis, dlon 0
    hits.push_back({&all[x.pos], x.d,
                    detail::bearing(from, detail::reduced(v), r > 0.0 ? sin_l / r : 0.0, r > 0.0 ? cos_l / r : 1.0)});
  }
  return hits;
}
}  // namespace

std::vector<NearestHit> Snapshot::nearest(const NearestQuery& q) const {
  if (q.k == 0 || !q.origin.valid() || index_->points.empty()) return {};
  const double max_d = q.max_distance_m.value_or(std::numeric_limits<double>::infinity());
  const Filter f(q);
  const Vec3 origin = detail::to_vec(q.origin);
  Index::Search s{*index_, origin, f, f.any(), q.k, max_d,
                  q.max_distance_m ? detail::max_chord2_within(max_d) : std::numeric_limits<double>::infinity(),
                  scratch_heap(std::min<std::size_t>(q.k, index_->points.size()))};
  s.visit(0, 0, static_cast<std::uint32_t>(index_->points.size()), 0.0, Vec3{0, 0, 0});
  return to_hits(s.heap, shelters_, origin);
}

std::vector<NearestHit> Snapshot::nearest_brute_force(const NearestQuery& q) const {
  if (q.k == 0 || !q.origin.valid()) return {};
  // Same arithmetic as distance_m(q.origin, location), with the vectors cached.
  const Vec3 origin = detail::to_vec(q.origin);
  std::vector<Cand> best;  // max-heap of the k best
  for (std::uint32_t i = 0; i < shelters_.size(); ++i) {
    const Shelter& s = shelters_[i];
    if (!indexable(s) || !matches(s, q)) continue;
    const Vec3& v = index_->by_pos[i];
    const Cand c{detail::distance(origin, v), i, &v};
    if (!q.max_distance_m || c.d <= *q.max_distance_m) offer_bounded(best, q.k, c);
  }
  return to_hits(best, shelters_, origin);
}

std::vector<const Shelter*> Snapshot::in_bbox(const BBox& box) const {
  std::vector<std::uint32_t> pos;
  if (index_->points.empty() || box.south > box.north) return {};
  const double s = std::max(box.south, -90.0), n = std::min(box.north, 90.0);
  // A box across the antimeridian is two boxes in vector space.
  const double spans[2][2] = {{box.west, box.west <= box.east ? box.east : 180.0}, {-180.0, box.east}};
  for (int i = 0; i < (box.west <= box.east ? 1 : 2); ++i) {
    Vec3 lo, hi;
    region_box(std::max(spans[i][0], -180.0), std::min(spans[i][1], 180.0), s, n, lo, hi);
    index_->collect_box(0, 0, static_cast<std::uint32_t>(index_->points.size()), Vec3{-2, -2, -2}, Vec3{2, 2, 2},
                        lo, hi, shelters_, box, pos);
  }
  std::sort(pos.begin(), pos.end());
  pos.erase(std::unique(pos.begin(), pos.end()), pos.end());
  std::vector<const Shelter*> out;
  out.reserve(pos.size());
  for (std::uint32_t p : pos) out.push_back(&shelters_[p]);
  return out;
}

}  // namespace rifugio::spatial
