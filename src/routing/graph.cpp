#include "routing/graph.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "routing/detail/format.hpp"
#include "spatial/geodesy.hpp"

namespace rifugio::routing {

namespace {
constexpr double kDegToRad = 3.14159265358979323846 / 180.0;
/// Candidate edges for snapping: at nodes this much farther than the nearest node.
constexpr double kSnapSlackM = 150.0;
}  // namespace

FixedLocation FixedLocation::from(const Location& l) {
  return {static_cast<std::int32_t>(std::lround(l.lon * kScale)),
          static_cast<std::int32_t>(std::lround(l.lat * kScale))};
}

GraphFormatError::GraphFormatError(const std::string& file, const std::string& what)
    : InputError(fmt::format("{}: not a usable walking graph: {}", file, what)) {}

double local_distance_m(const Location& a, const Location& b) {
  const double c = std::cos((a.lat + b.lat) * 0.5 * kDegToRad);
  const double dx = (b.lon - a.lon) * c, dy = b.lat - a.lat;
  return std::sqrt(dx * dx + dy * dy) * kMetresPerFixed * 1e7;
}

std::shared_ptr<const Graph> Graph::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(fmt::format("{}: cannot open the walking graph: {}", path, std::strerror(errno)));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    throw InputError(fmt::format("{}: cannot stat: {}", path, std::strerror(errno)));
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < sizeof(detail::FileHeader)) {
    ::close(fd);
    throw GraphFormatError(path, fmt::format("{} bytes, shorter than the header", size));
  }
  void* map = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) throw InputError(fmt::format("{}: cannot map: {}", path, std::strerror(errno)));

  std::shared_ptr<Graph> g(new Graph());
  g->path_ = path;
  g->map_ = map;
  g->map_len_ = size;
  const auto* base = static_cast<const std::uint8_t*>(map);
  detail::FileHeader h;
  std::memcpy(&h, base, sizeof h);
  if (std::memcmp(h.magic, detail::kMagic, sizeof h.magic) != 0)
    throw GraphFormatError(path, "wrong magic (build one with `rifugio graph build EXTRACT.osm.pbf -o FILE`)");
  if (h.endian != detail::kEndianMark) throw GraphFormatError(path, "written on a machine of other byte order");
  if (h.version != detail::kFormatVersion)
    throw GraphFormatError(path, fmt::format("format version {}, this build reads version {}; rebuild the graph",
                                             h.version, detail::kFormatVersion));
  if (h.header_bytes != sizeof h) throw GraphFormatError(path, "header size mismatch");
  if (h.file_bytes != size)
    throw GraphFormatError(path, fmt::format("truncated or padded: header says {} bytes, file has {}", h.file_bytes, size));
  if (h.node_count == 0) throw GraphFormatError(path, "no nodes");
  if (h.grid_cols == 0 || h.grid_rows == 0 || h.cell_lon <= 0 || h.cell_lat <= 0 ||
      std::uint64_t{h.grid_cols} * h.grid_rows > (std::uint64_t{1} << 32) - 2 ||
      !(h.min_cos_lat > 0 && h.min_cos_lat <= 1))
    throw GraphFormatError(path, "bad grid parameters");
  if (h.edge_count >= (std::uint64_t{1} << 32)) throw GraphFormatError(path, "too many edges");

  const std::uint64_t n = h.node_count, cells = std::uint64_t{h.grid_cols} * h.grid_rows;
  auto section = [&](std::uint64_t offset, std::uint64_t bytes, const char* name) {
    if (offset % 8 != 0 || offset < sizeof h || offset > size || bytes > size - offset)
      throw GraphFormatError(path, fmt::format("section {} out of bounds", name));
    return base + offset;
  };
  g->coords_ = reinterpret_cast<const FixedLocation*>(section(h.coords_offset, n * 8, "coords"));
  g->first_edge_ = reinterpret_cast<const std::uint32_t*>(section(h.first_edge_offset, (n + 1) * 4, "first_edge"));
  g->edges_ = reinterpret_cast<const Edge*>(section(h.edges_offset, h.edge_count * 8, "edges"));
  g->node_flags_ = section(h.node_flags_offset, n, "node_flags");
  g->cell_first_ = reinterpret_cast<const std::uint32_t*>(section(h.cell_first_offset, (cells + 1) * 4, "cell_first"));

  // The CSR and the cell table index everything else: check them once.
  if (g->first_edge_[0] != 0 || g->first_edge_[n] != h.edge_count)
    throw GraphFormatError(path, "edge table does not cover the edges");
  for (std::uint64_t i = 0; i < n; ++i)
    if (g->first_edge_[i] > g->first_edge_[i + 1]) throw GraphFormatError(path, fmt::format("edge table not sorted at node {}", i));
  for (std::uint64_t e = 0; e < h.edge_count; ++e)
    if (g->edges_[e].target >= n) throw GraphFormatError(path, fmt::format("edge {} points past the last node", e));
  if (g->cell_first_[0] != 0 || g->cell_first_[cells] != n) throw GraphFormatError(path, "cell table does not cover the nodes");
  for (std::uint64_t c = 0; c < cells; ++c)
    if (g->cell_first_[c] > g->cell_first_[c + 1]) throw GraphFormatError(path, fmt::format("cell table not sorted at cell {}", c));

  g->node_count_ = h.node_count;
  g->edge_count_ = h.edge_count;
  g->grid_lon0_ = h.grid_lon0;
  g->grid_lat0_ = h.grid_lat0;
  g->cell_lon_ = h.cell_lon;
  g->cell_lat_ = h.cell_lat;
  g->grid_cols_ = h.grid_cols;
  g->grid_rows_ = h.grid_rows;
  g->min_cos_lat_ = h.min_cos_lat;
  g->info_ = {.version = h.version,
              .node_count = h.node_count,
              .edge_count = h.edge_count,
              .built_at = h.built_at,
              .source = std::string(h.source, strnlen(h.source, sizeof h.source)),
              .file_bytes = size};
  return g;
}

Graph::~Graph() {
  if (map_) munmap(map_, map_len_);
}

Location Graph::location(NodeId n) const {
  if (n >= node_count_) throw std::out_of_range(fmt::format("node {} of {}", n, node_count_));
  return coords_[n].to_location();
}

template <typename F>
void Graph::for_nodes_within(const Location& p, double radius_m, F&& f) const {
  const FixedLocation fp = FixedLocation::from(p);
  const double r_lat = radius_m / kMetresPerFixed, r_lon = r_lat / min_cos_lat_;
  auto cell_range = [](double lo, double hi, std::int32_t origin, std::int32_t size, std::uint32_t count,
                       std::int64_t& first, std::int64_t& last) {
    first = static_cast<std::int64_t>(std::floor((lo - origin) / size));
    last = static_cast<std::int64_t>(std::floor((hi - origin) / size));
    first = std::max<std::int64_t>(first, 0);
    last = std::min<std::int64_t>(last, std::int64_t{count} - 1);
  };
  std::int64_t c0, c1, r0, r1;
  cell_range(fp.lon - r_lon, fp.lon + r_lon, grid_lon0_, cell_lon_, grid_cols_, c0, c1);
  cell_range(fp.lat - r_lat, fp.lat + r_lat, grid_lat0_, cell_lat_, grid_rows_, r0, r1);
  const double cos_p = std::cos(p.lat * kDegToRad);
  for (std::int64_t r = r0; r <= r1; ++r) {
    const std::uint64_t row = static_cast<std::uint64_t>(r) * grid_cols_;
    if (c0 > c1) break;
    for (std::uint32_t i = cell_first_[row + c0], end = cell_first_[row + c1 + 1]; i < end; ++i) {
      const FixedLocation q = coords_[i];
      const double dx = (q.lon - fp.lon) * cos_p, dy = q.lat - fp.lat;
      const double d = std::sqrt(dx * dx + dy * dy) * kMetresPerFixed;
      if (d <= radius_m) f(static_cast<NodeId>(i), d);
    }
  }
}

std::optional<NodeId> Graph::nearest_node(const Location& p, double max_distance_m) const {
  if (!p.valid()) return std::nullopt;
  const double cell_m = std::min(cell_lat_, cell_lon_) * kMetresPerFixed * min_cos_lat_;
  for (double r = std::max(cell_m, 25.0);; r *= 2) {
    r = std::min(r, max_distance_m);
    NodeId best = kNoNode;
    double best_d = INFINITY;
    for_nodes_within(p, r, [&](NodeId n, double d) {
      if (!is_island(n) && (d < best_d || (d == best_d && n < best))) best = n, best_d = d;
    });
    if (best != kNoNode) return best;
    if (r >= max_distance_m) return std::nullopt;
  }
}

namespace {

// Nearest point to p on segment a-b in a local plane around p (metres).
struct Projection {
  double t, d;
};
Projection project(const FixedLocation& p, double cos_p, const FixedLocation& a, const FixedLocation& b) {
  const double ax = (a.lon - p.lon) * cos_p, ay = a.lat - p.lat;
  const double bx = (b.lon - p.lon) * cos_p, by = b.lat - p.lat;
  const double ex = bx - ax, ey = by - ay, len2 = ex * ex + ey * ey;
  double t = len2 > 0 ? -(ax * ex + ay * ey) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double x = ax + t * ex, y = ay + t * ey;
  return {t, std::sqrt(x * x + y * y) * kMetresPerFixed};
}

}  // namespace

namespace {
struct SnapCandidate {
  NodeId a = kNoNode, b = kNoNode;
  Edge edge{};
  double t = 0, d = INFINITY;
};

std::optional<Snap> finish_snap(const Graph& g, const Location& p, const SnapCandidate& c, double max_m) {
  if (c.a == kNoNode || c.d > max_m) return std::nullopt;
  const FixedLocation a = g.fixed_location_unchecked(c.a), b = g.fixed_location_unchecked(c.b);
  Snap s;
  s.node_a = c.a;
  s.node_b = c.b;
  s.to_a_cm = static_cast<std::uint32_t>(std::lround(c.t * c.edge.length_cm()));
  s.to_b_cm = c.edge.length_cm() - s.to_a_cm;
  s.point = Location::from_lon_lat((a.lon + c.t * (b.lon - a.lon)) / FixedLocation::kScale,
                                   (a.lat + c.t * (b.lat - a.lat)) / FixedLocation::kScale);
  s.offset_m = spatial::distance_m(p, s.point);
  return s;
}
}  // namespace

std::optional<Snap> Graph::snap(const Location& p, const SnapOptions& opt) const {
  if (!p.valid()) return std::nullopt;
  const auto nearest = nearest_node(p, opt.max_distance_m + kSnapSlackM);
  if (!nearest) return std::nullopt;
  const FixedLocation fp = FixedLocation::from(p);
  const double cos_p = std::cos(p.lat * kDegToRad);
  const std::uint32_t forbidden = opt.step_free ? kEdgeNotStepFree : 0u;
  SnapCandidate best;
  // Any edge nearer than best.d has an end within best.d + slack (edges up to
  // 2 * slack long): widen the radius until that is inside it.
  for (double r = local_distance_m(p, location(*nearest)) + kSnapSlackM;; r = std::max(r * 2, best.d + kSnapSlackM)) {
    r = std::min(r, opt.max_distance_m + kSnapSlackM);
    best = {};
    for_nodes_within(p, r, [&](NodeId u, double) {
      if (is_island(u)) return;
      for (const Edge& e : edges_unchecked(u)) {
        if (e.flags() & forbidden) continue;
        const auto pr = project(fp, cos_p, coords_[u], coords_[e.target]);
        // Ties: the lower (a, b) pair, so the answer does not depend on visiting order.
        if (pr.d < best.d - 1e-9 ||
            (std::abs(pr.d - best.d) <= 1e-9 && std::pair(u, e.target) < std::pair(best.a, best.b)))
          best = {u, e.target, e, pr.t, pr.d};
      }
    });
    if (best.d + kSnapSlackM <= r || r >= opt.max_distance_m + kSnapSlackM) break;
  }
  return finish_snap(*this, p, best, opt.max_distance_m);
}

std::optional<Snap> Graph::snap_brute_force(const Location& p, const SnapOptions& opt) const {
  if (!p.valid()) return std::nullopt;
  const FixedLocation fp = FixedLocation::from(p);
  const double cos_p = std::cos(p.lat * kDegToRad);
  const std::uint32_t forbidden = opt.step_free ? kEdgeNotStepFree : 0u;
  SnapCandidate best;
  for (NodeId u = 0; u < node_count_; ++u) {
    if (is_island(u)) continue;
    for (const Edge& e : edges_unchecked(u)) {
      if (e.flags() & forbidden) continue;
      const auto pr = project(fp, cos_p, coords_[u], coords_[e.target]);
      if (pr.d < best.d - 1e-9 || (std::abs(pr.d - best.d) <= 1e-9 && std::pair(u, e.target) < std::pair(best.a, best.b)))
        best = {u, e.target, e, pr.t, pr.d};
    }
  }
  return finish_snap(*this, p, best, opt.max_distance_m);
}

}  // namespace rifugio::routing
