#pragma once
// Small street networks drawn as ASCII art (as Valhalla's gurka tests do),
// written out as OSM XML for build_graph().
//
//   const std::string map = R"(
//     A---B---C
//         |
//         D
//   )";
//   AsciiMap m(map, {{"ABC", {{"highway", "footway"}}}, {"BD", {{"highway", "steps"}}}});
//   m.write_osm(dir.file("map.osm"));
//   m.at('D')  // the Location of D
//
// Every letter or digit is a point; one character is `grid_m` metres both
// across and down (DEFAULT 10 m), so the drawing is to scale. Other characters
// (-, |, ~, spaces) are only drawing. Ways list their points in order; a
// point no way lists is still placed (for origins and shelters) but is not
// in the OSM file. The map sits at 59.9 N, 10.75 E.

#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/location.hpp"

namespace rifugio::test {

struct AsciiWay {
  std::string nodes;                                     ///< point names in order
  std::vector<std::pair<std::string, std::string>> tags;
};

class AsciiMap {
 public:
  AsciiMap(const std::string& drawing, std::vector<AsciiWay> ways, double grid_m = 10.0)
      : ways_(std::move(ways)) {
    // Metres per radian north and east at 59.9 N on WGS84 (radii of curvature),
    // so distances on the ellipsoid match the drawing.
    constexpr double kDeg = 3.14159265358979323846 / 180.0, lat0 = 59.9, lon0 = 10.75;
    constexpr double a = 6378137.0, e2 = 6.69437999014e-3;
    const double w = 1 - e2 * std::sin(lat0 * kDeg) * std::sin(lat0 * kDeg);
    const double north_m = a * (1 - e2) / (w * std::sqrt(w)), east_m = a / std::sqrt(w) * std::cos(lat0 * kDeg);
    int row = 0, col = 0;
    for (char c : drawing) {
      if (c == '\n') {
        ++row, col = 0;
        continue;
      }
      if (std::isalnum(static_cast<unsigned char>(c))) {
        if (points_.count(c)) throw std::invalid_argument(std::string("point drawn twice: ") + c);
        const double x = col * grid_m, y = -row * grid_m;
        points_[c] = Location::from_lon_lat(lon0 + x / east_m / kDeg, lat0 + y / north_m / kDeg);
      }
      ++col;
    }
    for (const auto& w : ways_)
      for (char c : w.nodes)
        if (!points_.count(c)) throw std::invalid_argument(std::string("way names a point not drawn: ") + c);
  }

  Location at(char name) const { return points_.at(name); }

  void write_osm(const std::string& path) const {
    std::ofstream out(path);
    out << "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\" generator=\"rifugio-test\">\n";
    char buf[160];
    for (const auto& [c, l] : points_) {
      std::snprintf(buf, sizeof buf, "  <node id=\"%d\" version=\"1\" lat=\"%.7f\" lon=\"%.7f\"/>\n", node_id(c), l.lat, l.lon);
      out << buf;
    }
    for (std::size_t i = 0; i < ways_.size(); ++i) {
      out << "  <way id=\"" << i + 1 << "\" version=\"1\">\n";
      for (char c : ways_[i].nodes) out << "    <nd ref=\"" << node_id(c) << "\"/>\n";
      for (const auto& [k, v] : ways_[i].tags) out << "    <tag k=\"" << k << "\" v=\"" << v << "\"/>\n";
      out << "  </way>\n";
    }
    out << "</osm>\n";
    if (!out) throw std::runtime_error("cannot write " + path);
  }

 private:
  static int node_id(char c) { return 1000 + static_cast<unsigned char>(c); }
  std::map<char, Location> points_;
  std::vector<AsciiWay> ways_;
};

}  // namespace rifugio::test
