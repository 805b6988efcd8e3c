#pragma once
// Builds a walking graph file from an OSM extract (PBF, XML, O5M; compressed
// or not, by file name) with libosmium, in two passes: ways (which are
// walkable, walk_tags.hpp), then the locations of their nodes.
//
// Usage:
//   auto stats = routing::build_graph("oslo.osm.pbf", "var/oslo.graph",
//                                     {.progress = [](auto done, auto total) {...}});
//
// Every OSM node of a walkable way becomes a graph node (geometry is exact,
// no shape points to store); consecutive nodes of a way become an edge in
// both directions. The file is written next to the target and renamed over
// it, so a server that has the old file mapped keeps a consistent view.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "routing/graph.hpp"

namespace rifugio::routing {

struct BuildOptions {
  /// Called now and then with bytes read so far and the total to read (both
  /// passes). DEFAULT: none.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  /// Connected components smaller than this (other than the largest) are
  /// islands: kept, never snapped to. DEFAULT: 1000 nodes.
  std::uint32_t island_nodes = 1000;
};

struct BuildStats {
  std::uint64_t ways_read = 0;      ///< every way in the extract
  std::uint64_t ways_walkable = 0;
  std::uint64_t nodes = 0;          ///< graph nodes
  std::uint64_t edges = 0;          ///< undirected edges (the file stores both halves)
  std::uint64_t island_nodes = 0;
  std::uint64_t missing_nodes = 0;  ///< node refs of walkable ways absent from the extract
  std::uint64_t file_bytes = 0;
  double seconds = 0;
};

/// A graph not (necessarily) from OSM: generated networks for benchmarks and tests.
struct RawEdge {
  std::uint32_t a, b;      ///< indices into RawGraph::nodes; walkable both ways
  std::uint32_t flags = 0; ///< EdgeFlag bits
};
struct RawGraph {
  /// Node positions; lon == INT32_MIN marks a node without a location
  /// (its edges are dropped). Nodes without edges are dropped.
  std::vector<FixedLocation> nodes;
  std::vector<RawEdge> edges;  ///< lengths are computed from the positions
};

/// Write `raw` as a graph file (the second half of build_graph). `source` is
/// recorded in the header. @throws InputError on bad edges or write failure.
BuildStats write_graph(RawGraph raw, const std::string& out_path, const std::string& source,
                       const BuildOptions& opt = {});

/// @throws InputError when the extract cannot be read (libosmium's message,
///         with the file name) or has no walkable way; when out_path cannot be written.
BuildStats build_graph(const std::string& osm_path, const std::string& out_path, const BuildOptions& opt = {});

}  // namespace rifugio::routing
