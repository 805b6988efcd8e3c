#include "routing/graph_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <osmium/io/any_input.hpp>
#include <osmium/osm/node.hpp>
#include <osmium/osm/way.hpp>
#include <vector>

#include "core/error.hpp"
#include "routing/detail/format.hpp"
#include "routing/graph.hpp"
#include "routing/walk_tags.hpp"
#include "spatial/geodesy.hpp"

namespace rifugio::routing {

namespace {

constexpr double kDegToRad = 3.14159265358979323846 / 180.0;
constexpr std::int32_t kMissing = INT32_MIN;

struct HalfEdge {
  std::uint32_t a, b;  ///< a < b
  std::uint32_t flags;
  std::uint32_t length_cm;
};

struct UnionFind {
  std::vector<std::uint32_t> parent, size;
  explicit UnionFind(std::uint32_t n) : parent(n), size(n, 1) { std::iota(parent.begin(), parent.end(), 0u); }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(std::uint32_t a, std::uint32_t b) {
    a = find(a), b = find(b);
    if (a == b) return;
    if (size[a] < size[b]) std::swap(a, b);
    parent[b] = a;
    size[a] += size[b];
  }
};

void write_section(std::ofstream& out, const void* data, std::size_t bytes, std::uint64_t& pos) {
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  pos += bytes;
  static const char zeros[8] = {};
  if (pos % 8) {
    out.write(zeros, static_cast<std::streamsize>(8 - pos % 8));
    pos += 8 - pos % 8;
  }
}

std::uint64_t padded(std::uint64_t bytes) { return (bytes + 7) / 8 * 8; }

}  // namespace

BuildStats build_graph(const std::string& osm_path, const std::string& out_path, const BuildOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  BuildStats stats;
  std::error_code ec;
  const std::uint64_t file_size = std::filesystem::file_size(osm_path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot read the OSM extract: {}", osm_path, ec.message()));
  const std::uint64_t total = 2 * file_size;
  auto report = [&](std::uint64_t done) {
    if (opt.progress) opt.progress(std::min(done, total), total);
  };

  // Pass 1: walkable ways and their node ids.
  std::vector<osmium::object_id_type> refs;
  std::vector<std::uint64_t> way_start{0};
  std::vector<std::uint8_t> way_flags;
  try {
    osmium::io::Reader reader{osm_path, osmium::osm_entity_bits::way};
    std::string key;
    while (osmium::memory::Buffer buffer = reader.read()) {
      for (const osmium::Way& way : buffer.select<osmium::Way>()) {
        ++stats.ways_read;
        const auto& tags = way.tags();
        const WayClass c = classify_way([&](std::string_view k) {
          key.assign(k);
          return tags.get_value_by_key(key.c_str());
        });
        if (!c.walkable || way.nodes().size() < 2) continue;
        ++stats.ways_walkable;
        for (const osmium::NodeRef& r : way.nodes()) refs.push_back(r.ref());
        way_start.push_back(refs.size());
        way_flags.push_back(static_cast<std::uint8_t>(c.flags));
      }
      report(reader.offset());
    }
    reader.close();
  } catch (const std::runtime_error& e) {  // osmium::io_error and its format errors
    throw InputError(fmt::format("{}: {}", osm_path, e.what()));
  }
  if (stats.ways_walkable == 0) throw InputError(fmt::format("{}: no walkable way in the extract", osm_path));

  // Pass 2: locations of those nodes.
  std::vector<osmium::object_id_type> ids(refs);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.size() >= kNoNode) throw InputError(fmt::format("{}: too many nodes for one graph", osm_path));
  std::vector<FixedLocation> locs(ids.size(), FixedLocation{kMissing, kMissing});
  try {
    osmium::io::Reader reader{osm_path, osmium::osm_entity_bits::node};
    while (osmium::memory::Buffer buffer = reader.read()) {
      for (const osmium::Node& node : buffer.select<osmium::Node>()) {
        auto it = std::lower_bound(ids.begin(), ids.end(), node.id());
        if (it == ids.end() || *it != node.id() || !node.location().valid()) continue;
        locs[it - ids.begin()] = {node.location().x(), node.location().y()};
      }
      report(file_size + reader.offset());
    }
    reader.close();
  } catch (const std::runtime_error& e) {
    throw InputError(fmt::format("{}: {}", osm_path, e.what()));
  }
  report(total);

  // Edges between consecutive nodes of each way.
  RawGraph raw;
  raw.nodes = std::move(locs);
  std::vector<RawEdge>& und = raw.edges;
  und.reserve(refs.size());
  for (std::size_t w = 0; w + 1 < way_start.size(); ++w) {
    std::uint32_t prev = kNoNode;
    for (std::uint64_t i = way_start[w]; i < way_start[w + 1]; ++i) {
      const auto idx = static_cast<std::uint32_t>(std::lower_bound(ids.begin(), ids.end(), refs[i]) - ids.begin());
      if (raw.nodes[idx].lon == kMissing) {
        ++stats.missing_nodes;
        prev = kNoNode;  // a gap: do not join across it
        continue;
      }
      if (prev != kNoNode && prev != idx) und.push_back({prev, idx, way_flags[w]});
      prev = idx;
    }
  }
  refs = {};
  ids = {};
  auto stats2 = write_graph(std::move(raw), out_path, std::filesystem::path(osm_path).filename().string(), opt);
  stats2.ways_read = stats.ways_read;
  stats2.ways_walkable = stats.ways_walkable;
  stats2.missing_nodes = stats.missing_nodes;
  stats2.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return stats2;
}

BuildStats write_graph(RawGraph raw, const std::string& out_path, const std::string& source, const BuildOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  BuildStats stats;
  std::error_code ec;
  const std::vector<FixedLocation>& locs = raw.nodes;
  std::vector<HalfEdge> und;
  und.reserve(raw.edges.size());
  for (const RawEdge& e : raw.edges) {
    if (e.a >= locs.size() || e.b >= locs.size())
      throw InputError(fmt::format("{}: edge ({}, {}) names a node past the last", source, e.a, e.b));
    if (e.a == e.b || locs[e.a].lon == kMissing || locs[e.b].lon == kMissing) continue;
    const double m = spatial::distance_m(locs[e.a].to_location(), locs[e.b].to_location());
    und.push_back({std::min(e.a, e.b), std::max(e.a, e.b), e.flags & 3u,
                   static_cast<std::uint32_t>(std::min<double>(std::llround(m * 100.0), Edge::kLengthMask))});
  }
  raw.edges = {};
  // One edge per (a, b, flags), the shortest.
  std::sort(und.begin(), und.end(), [](const HalfEdge& x, const HalfEdge& y) {
    return std::tie(x.a, x.b, x.flags, x.length_cm) < std::tie(y.a, y.b, y.flags, y.length_cm);
  });
  und.erase(std::unique(und.begin(), und.end(),
                        [](const HalfEdge& x, const HalfEdge& y) { return x.a == y.a && x.b == y.b && x.flags == y.flags; }),
            und.end());

  // Keep only nodes with an edge.
  std::vector<std::uint32_t> old_to_used(locs.size(), kNoNode);
  for (const auto& e : und) old_to_used[e.a] = old_to_used[e.b] = 0;
  std::vector<std::uint32_t> used;  // used index -> old index
  for (std::uint32_t i = 0; i < locs.size(); ++i)
    if (old_to_used[i] == 0) old_to_used[i] = static_cast<std::uint32_t>(used.size()), used.push_back(i);
  const auto n = static_cast<std::uint32_t>(used.size());
  if (n == 0) throw InputError(fmt::format("{}: the walkable ways have no located nodes", source));

  // Islands.
  UnionFind uf(n);
  for (const auto& e : und) uf.join(old_to_used[e.a], old_to_used[e.b]);
  std::uint32_t largest = 0;
  for (std::uint32_t i = 0; i < n; ++i)
    if (uf.find(i) == i && uf.size[i] > uf.size[largest]) largest = i;
  largest = uf.find(largest);

  // Grid over the nodes' box, about 4 nodes per cell, cells >= 20 m.
  std::int32_t min_lon = INT32_MAX, min_lat = INT32_MAX, max_lon = INT32_MIN, max_lat = INT32_MIN;
  for (auto o : used) {
    min_lon = std::min(min_lon, locs[o].lon), max_lon = std::max(max_lon, locs[o].lon);
    min_lat = std::min(min_lat, locs[o].lat), max_lat = std::max(max_lat, locs[o].lat);
  }
  const double max_abs_lat = std::max(std::abs(min_lat / 1e7), std::abs(max_lat / 1e7));
  const double min_cos = std::max(0.01, std::cos(std::min(max_abs_lat, 89.0) * kDegToRad));
  const double mid_cos = std::max(0.01, std::cos((min_lat + max_lat) / 2e7 * kDegToRad));
  const double w_m = (double(max_lon) - min_lon) * kMetresPerFixed * mid_cos;
  const double h_m = (double(max_lat) - min_lat) * kMetresPerFixed;
  double side_m = std::max(20.0, std::sqrt(std::max(w_m * h_m, 1.0) / std::max(1.0, n / 4.0)));
  detail::FileHeader h{};
  auto grid_for = [&](double side) {
    h.cell_lat = std::max<std::int32_t>(1, static_cast<std::int32_t>(std::min(side / kMetresPerFixed, 1.8e9)));
    h.cell_lon = std::max<std::int32_t>(1, static_cast<std::int32_t>(std::min(side / kMetresPerFixed / mid_cos, 1.8e9)));
    h.grid_cols = static_cast<std::uint32_t>((std::int64_t{max_lon} - min_lon) / h.cell_lon + 1);
    h.grid_rows = static_cast<std::uint32_t>((std::int64_t{max_lat} - min_lat) / h.cell_lat + 1);
  };
  grid_for(side_m);
  while (std::uint64_t{h.grid_cols} * h.grid_rows > std::max<std::uint64_t>(16, 4ull * n)) grid_for(side_m *= 1.5);
  h.grid_lon0 = min_lon;
  h.grid_lat0 = min_lat;
  h.min_cos_lat = min_cos;
  const std::uint64_t cells = std::uint64_t{h.grid_cols} * h.grid_rows;
  auto cell_of = [&](const FixedLocation& l) {
    return std::uint64_t((std::int64_t{l.lat} - min_lat) / h.cell_lat) * h.grid_cols +
           std::uint64_t((std::int64_t{l.lon} - min_lon) / h.cell_lon);
  };

  // Renumber by cell.
  std::vector<std::uint64_t> cell(n);
  for (std::uint32_t i = 0; i < n; ++i) cell[i] = cell_of(locs[used[i]]);
  std::vector<std::uint32_t> order(n);  // new id -> used index
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return cell[x] < cell[y]; });
  std::vector<std::uint32_t> used_to_new(n);
  for (std::uint32_t i = 0; i < n; ++i) used_to_new[order[i]] = i;

  std::vector<FixedLocation> coords(n);
  std::vector<std::uint8_t> node_flags(n, 0);
  std::vector<std::uint32_t> cell_first(cells + 1, 0);
  for (std::uint32_t i = 0; i < n; ++i) {
    coords[i] = locs[used[order[i]]];
    const std::uint32_t root = uf.find(order[i]);
    if (root != largest && uf.size[root] < opt.island_nodes) node_flags[i] = 1, ++stats.island_nodes;
    ++cell_first[cell[order[i]] + 1];
  }
  for (std::uint64_t c = 0; c < cells; ++c) cell_first[c + 1] += cell_first[c];

  // CSR, both directions, each row sorted by (target, length).
  std::vector<std::uint32_t> first_edge(std::uint64_t{n} + 1, 0);
  for (const auto& e : und) {
    ++first_edge[used_to_new[old_to_used[e.a]] + 1];
    ++first_edge[used_to_new[old_to_used[e.b]] + 1];
  }
  for (std::uint32_t i = 0; i < n; ++i) first_edge[i + 1] += first_edge[i];
  if (2 * und.size() >= (std::uint64_t{1} << 32)) throw InputError(fmt::format("{}: too many edges for one graph", source));
  std::vector<Edge> edges(2 * und.size());
  {
    std::vector<std::uint32_t> fill(first_edge.begin(), first_edge.end() - 1);
    for (const auto& e : und) {
      const std::uint32_t a = used_to_new[old_to_used[e.a]], b = used_to_new[old_to_used[e.b]];
      edges[fill[a]++] = Edge::make(b, e.length_cm, e.flags);
      edges[fill[b]++] = Edge::make(a, e.length_cm, e.flags);
    }
  }
  for (std::uint32_t i = 0; i < n; ++i)
    std::sort(edges.begin() + first_edge[i], edges.begin() + first_edge[i + 1],
              [](const Edge& x, const Edge& y) { return std::pair(x.target, x.packed) < std::pair(y.target, y.packed); });
  stats.nodes = n;
  stats.edges = und.size();

  // Write.
  std::memcpy(h.magic, detail::kMagic, sizeof h.magic);
  h.version = detail::kFormatVersion;
  h.endian = detail::kEndianMark;
  h.header_bytes = sizeof h;
  h.node_count = n;
  h.edge_count = edges.size();
  h.built_at = static_cast<std::int64_t>(std::time(nullptr));
  std::strncpy(h.source, source.c_str(), sizeof h.source - 1);
  std::uint64_t pos = sizeof h;
  h.coords_offset = pos, pos += padded(coords.size() * sizeof(FixedLocation));
  h.first_edge_offset = pos, pos += padded(first_edge.size() * 4);
  h.edges_offset = pos, pos += padded(edges.size() * sizeof(Edge));
  h.node_flags_offset = pos, pos += padded(node_flags.size());
  h.cell_first_offset = pos, pos += padded(cell_first.size() * 4);
  h.file_bytes = pos;

  const std::string tmp = out_path + ".tmp";
  {
    auto parent = std::filesystem::path(out_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(fmt::format("{}: cannot write the graph", tmp));
    std::uint64_t written = 0;
    write_section(out, &h, sizeof h, written);
    write_section(out, coords.data(), coords.size() * sizeof(FixedLocation), written);
    write_section(out, first_edge.data(), first_edge.size() * 4, written);
    write_section(out, edges.data(), edges.size() * sizeof(Edge), written);
    write_section(out, node_flags.data(), node_flags.size(), written);
    write_section(out, cell_first.data(), cell_first.size() * 4, written);
    out.close();
    if (!out || written != h.file_bytes) {
      std::filesystem::remove(tmp, ec);
      throw InputError(fmt::format("{}: writing the graph failed (disk full?)", tmp));
    }
  }
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot replace the graph: {}", out_path, ec.message()));
  stats.file_bytes = h.file_bytes;
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return stats;
}

}  // namespace rifugio::routing
