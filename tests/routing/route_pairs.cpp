// route_pairs GRAPH < pairs.csv > distances.csv
// For each line "id,lon1,lat1,lon2,lat2" (points on graph nodes), prints
// "id,metres" of the shortest walk between the two nodes (-1: a point is not
// within 0.5 m of a node, -2: not connected). Used by pgrouting_compare.sh to
// compare our network distances with pgr_dijkstra's on the same OSM nodes.

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "routing/router.hpp"

int main(int argc, char** argv) try {
  using namespace rifugio;
  if (argc != 2) {
    std::cerr << "usage: route_pairs GRAPH < pairs.csv\n";
    return 2;
  }
  auto g = routing::Graph::open(argv[1]);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string id;
    double lon1, lat1, lon2, lat2;
    char c;
    if (!std::getline(in, id, ',') || !(in >> lon1 >> c >> lat1 >> c >> lon2 >> c >> lat2)) continue;
    const auto a = g->nearest_node(Location::from_lon_lat(lon1, lat1), 0.5);
    const auto b = g->nearest_node(Location::from_lon_lat(lon2, lat2), 0.5);
    if (!a || !b) {
      std::printf("%s,-1\n", id.c_str());
      continue;
    }
    routing::Snap s;
    s.node_a = s.node_b = *a;
    s.point = g->location(*a);
    const auto dist = routing::distances_from(*g, s, false);
    if (dist[*b] == UINT32_MAX) std::printf("%s,-2\n", id.c_str());
    else std::printf("%s,%.2f\n", id.c_str(), dist[*b] / 100.0);
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "route_pairs: " << e.what() << '\n';
  return 1;
}
