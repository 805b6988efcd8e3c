// Base-map tiles: `rifugio tiles build` (tilemaker) on a small drawn map,
// read back from MBTiles, and served at /tiles/ by the handler; the labels
// the shipped style draws find their names in the tiles (the drawn map and
// the real east Oslo extract).

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <protozero/pbf_reader.hpp>
#include <set>

#include "../routing/ascii_map.hpp"
#include "../test_util.hpp"
#include "api/gzip.hpp"
#include "api/handler.hpp"
#include "tiles/mbtiles.hpp"
#include "tiles/tilemaker.hpp"

namespace {

using namespace rifugio;

/// XYZ tile of a point at zoom z.
std::pair<long, long> tile_of(const Location& l, int z) {
  const double n = std::pow(2.0, z), lat = l.lat * M_PI / 180;
  return {static_cast<long>((l.lon + 180) / 360 * n),
          static_cast<long>((1 - std::asinh(std::tan(lat)) / M_PI) / 2 * n)};
}

/// A decoded vector tile: layer name -> each feature's string attributes.
using Decoded = std::map<std::string, std::vector<std::map<std::string, std::string>>>;

/// Reads the layers, keys and string values of a Mapbox Vector Tile (spec 2.1:
/// Tile.layers = 3; Layer: name = 1, features = 2, keys = 3, values = 4;
/// Feature.tags = 2, packed key/value index pairs; Value.string_value = 1).
Decoded decode(const std::string& gz) {
  Decoded out;
  const std::string raw = api::gzip_decompress(gz);  // the reader points into it
  protozero::pbf_reader tile(raw);
  while (tile.next(3)) {
    protozero::pbf_reader layer = tile.get_message();
    std::string name;
    std::vector<std::string> keys, values;
    std::vector<std::vector<std::uint32_t>> tags;
    while (layer.next()) {
      switch (layer.tag()) {
        case 1: name = layer.get_string(); break;
        case 2: {
          protozero::pbf_reader f = layer.get_message();
          std::vector<std::uint32_t> t;
          while (f.next()) {
            if (f.tag() == 2) {
              auto r = f.get_packed_uint32();
              t.assign(r.begin(), r.end());
            } else f.skip();
          }
          tags.push_back(std::move(t));
          break;
        }
        case 3: keys.push_back(layer.get_string()); break;
        case 4: {
          protozero::pbf_reader v = layer.get_message();
          std::string sv;
          while (v.next()) {
            if (v.tag() == 1) sv = v.get_string();
            else v.skip();
          }
          values.push_back(std::move(sv));
          break;
        }
        default: layer.skip();
      }
    }
    auto& feats = out[name];
    for (const auto& t : tags) {
      auto& props = feats.emplace_back();
      for (std::size_t i = 0; i + 1 < t.size(); i += 2) props[keys.at(t[i])] = values.at(t[i + 1]);
    }
  }
  return out;
}

nlohmann::json shipped_style() {
  std::ifstream in(tiles::resources_dir() + "/style.json");
  return nlohmann::json::parse(in);
}

/// The attribute a label layer draws: its text-field must be ["get", NAME].
std::string label_field(const nlohmann::json& layer) {
  const auto& f = layer["layout"]["text-field"];
  EXPECT_TRUE(f.is_array() && f.size() == 2 && f[0] == "get") << layer["id"] << ": text-field " << f.dump();
  return f.is_array() && f.size() == 2 ? f[1].get<std::string>() : "";
}

class Tiles : public testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v tilemaker >/dev/null 2>&1") != 0) GTEST_SKIP() << "tilemaker is not installed (Debian tilemaker)";
    map_.write_osm(dir_.file("m.osm"));
    tiles::build_tiles(dir_.file("m.osm"), dir_.file("m.mbtiles"), {.quiet = true});
    mb_ = tiles::MbTiles::open(dir_.file("m.mbtiles"));
  }
  test::TempDir dir_;
  test::AsciiMap map_{R"(
 A-------B-------C
         |
         D   E---F
             |   |
             H---G
)", {{"ABC", {{"highway", "residential"}, {"name", "Storgata"}}}, {"BD", {{"highway", "steps"}}},
      {"EFGHE", {{"natural", "water"}, {"name", "Lilletjern"}}}}};
  std::shared_ptr<const tiles::MbTiles> mb_;
};

TEST_F(Tiles, BuildWritesZoomSixToFourteen) {
  EXPECT_EQ(mb_->metadata("minzoom"), "6");
  EXPECT_EQ(mb_->metadata("maxzoom"), "14");
  for (int z : {12, 13, 14}) {
    auto [x, y] = tile_of(map_.at('B'), z);
    auto t = mb_->tile(z, x, y);
    ASSERT_TRUE(t) << "z" << z << " " << x << "/" << y;
    EXPECT_GT(api::gzip_decompress(*t).size(), 20u);
    EXPECT_FALSE(mb_->tile(z, x, (1L << z) - 1 - y)) << "rows are flipped from TMS";
  }
  EXPECT_FALSE(mb_->tile(14, -1, 0));
  EXPECT_FALSE(mb_->tile(3, 8, 0));
}

TEST_F(Tiles, ServedByTheHandler) {
  spatial::SnapshotHolder holder;
  holder.replace(spatial::Snapshot::build(1, {}));
  api::HandlerOptions opts;
  opts.tiles = mb_;
  opts.tiles_style = R"({"version":8,"sources":{"r":{"type":"vector","tiles":["{base}/tiles/{z}/{x}/{y}.pbf"]}},"layers":[]})";
  opts.public_url = "https://shelters.example";
  api::Handler h(holder, opts);
  auto [x, y] = tile_of(map_.at('B'), 14);
  const std::string target = "/tiles/14/" + std::to_string(x) + "/" + std::to_string(y) + ".pbf";
  auto gz = h.handle({.method = "GET", .target = target, .headers = {{"Accept-Encoding", "gzip"}}});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.header("Content-Encoding").value_or(""), "gzip");
  EXPECT_EQ(gz.header("Content-Type").value_or(""), "application/vnd.mapbox-vector-tile");
  auto plain = h.handle({.method = "GET", .target = target});
  EXPECT_EQ(plain.status, 200);
  EXPECT_FALSE(plain.header("Content-Encoding"));
  EXPECT_EQ(plain.body, api::gzip_decompress(gz.body));
  EXPECT_EQ(h.handle({.method = "GET", .target = "/tiles/14/0/0.pbf"}).status, 204) << "empty tile outside the extract";
  EXPECT_EQ(h.handle({.method = "GET", .target = "/tiles/14/x/0.pbf"}).status, 404);
  EXPECT_EQ(h.handle({.method = "GET", .target = "/tiles/14/1/2.png"}).status, 404);
  auto style = nlohmann::json::parse(h.handle({.method = "GET", .target = "/tiles/style.json"}).body);
  EXPECT_EQ(style["sources"]["r"]["tiles"][0], "https://shelters.example/tiles/{z}/{x}/{y}.pbf");
  api::Handler without(holder);
  EXPECT_EQ(without.handle({.method = "GET", .target = target}).status, 404);
}

TEST_F(Tiles, StreetAndLakeNamesAreInTheTiles) {
  auto [x, y] = tile_of(map_.at('B'), 14);
  auto t = mb_->tile(14, x, y);
  ASSERT_TRUE(t);
  Decoded d = decode(*t);
  std::set<std::string> streets, lakes;
  for (const auto& f : d["transportation"])
    if (f.contains("name")) streets.insert(f.at("name"));
  for (const auto& f : d["water_name"]) lakes.insert(f.at("name"));
  EXPECT_EQ(streets, std::set<std::string>{"Storgata"}) << "the steps have no name";
  EXPECT_EQ(lakes, std::set<std::string>{"Lilletjern"}) << "one label point per named lake";
  ASSERT_EQ(d["water"].size(), 1u) << "the lake itself";
}

TEST(TilesStyle, ShippedStyleIsSelfContained) {
  auto style = shipped_style();
  EXPECT_EQ(style["version"], 8);
  EXPECT_FALSE(style.contains("glyphs")) << "no glyphs URL: the app's own fonts draw the labels";
  EXPECT_FALSE(style.contains("sprite"));
  EXPECT_EQ(style["sources"]["rifugio"]["tiles"][0], "{base}/tiles/{z}/{x}/{y}.pbf");
  int labels = 0;
  for (const auto& l : style["layers"]) {
    if (l["type"] != "symbol") continue;
    ++labels;
    EXPECT_FALSE(l["layout"].contains("icon-image")) << l["id"] << ": there is no sprite";
    const auto& font = l["layout"]["text-font"];
    ASSERT_TRUE(font.is_array() && font.size() == 1) << l["id"];
    EXPECT_TRUE(font[0] == "Noto Sans Regular" || font[0] == "Noto Sans Bold") << l["id"] << ": web/src/map/fonts.ts has no " << font;
  }
  EXPECT_GE(labels, 4);
}

TEST(TilesStyle, LabelFieldsAreDeclaredByTheTileConfig) {
  std::ifstream in(tiles::resources_dir() + "/config.json");
  auto config = nlohmann::json::parse(in);
  std::map<std::string, nlohmann::json> fields;
  for (const auto& vl : config["settings"]["metadata"]["json"]["vector_layers"]) fields[vl["id"]] = vl["fields"];
  const auto style = shipped_style();
  for (const auto& l : style["layers"]) {
    if (l["type"] != "symbol") continue;
    const std::string layer = l["source-layer"];
    ASSERT_TRUE(config["layers"].contains(layer)) << l["id"] << ": no tile layer " << layer;
    EXPECT_TRUE(fields[layer].contains(label_field(l))) << l["id"] << ": " << layer << " declares no " << label_field(l);
  }
}

/// A hand-written extract with one named thing for each label layer.
constexpr const char* kLabelled = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="rifugio test">
  <node id="1" version="1" lat="59.9100" lon="10.7500"/>
  <node id="2" version="1" lat="59.9100" lon="10.7560"/>
  <node id="3" version="1" lat="59.9120" lon="10.7500"/>
  <node id="4" version="1" lat="59.9120" lon="10.7560"/>
  <node id="5" version="1" lat="59.9110" lon="10.7580"/>
  <node id="6" version="1" lat="59.9112" lon="10.7590"/>
  <node id="7" version="1" lat="59.9108" lon="10.7590"/>
  <node id="10" version="1" lat="59.9115" lon="10.7530"><tag k="place" v="suburb"/><tag k="name" v="Grünerløkka"/></node>
  <node id="11" version="1" lat="59.9105" lon="10.7520"><tag k="place" v="city"/><tag k="name" v="Oslo"/></node>
  <node id="12" version="1" lat="59.9102" lon="10.7540"><tag k="place" v="neighbourhood"/><tag k="name" v="Vaterland"/></node>
  <way id="100" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="name" v="Storgata"/></way>
  <way id="101" version="1"><nd ref="3"/><nd ref="4"/><tag k="waterway" v="river"/><tag k="name" v="Akerselva"/></way>
  <way id="102" version="1"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="5"/><tag k="natural" v="water"/><tag k="name" v="Dammen"/></way>
</osm>
)";

/// Each label layer of the style finds names in the tiles (field and source layer), at zoom 14.
TEST(TilesLabels, EveryLabelLayerHasNamesToDraw) {
  if (std::system("command -v tilemaker >/dev/null 2>&1") != 0) GTEST_SKIP() << "tilemaker is not installed (Debian tilemaker)";
  test::TempDir dir;
  std::ofstream(dir.file("l.osm")) << kLabelled;
  tiles::build_tiles(dir.file("l.osm"), dir.file("l.mbtiles"), {.quiet = true});
  auto mb = tiles::MbTiles::open(dir.file("l.mbtiles"));
  // The drawing spans two zoom 14 tiles: take every tile around it.
  auto [x, y] = tile_of({.lon = 10.754, .lat = 59.911}, 14);
  std::vector<Decoded> tiles;
  for (long i = x - 1; i <= x + 1; ++i)
    for (long j = y - 1; j <= y + 1; ++j)
      if (auto t = mb->tile(14, i, j)) tiles.push_back(decode(*t));
  ASSERT_FALSE(tiles.empty());
  const auto style = shipped_style();
  std::map<std::string, std::set<std::string>> names;  // source layer -> names
  for (const auto& l : style["layers"]) {
    if (l["type"] != "symbol") continue;
    const std::string field = label_field(l), layer = l["source-layer"];
    for (const auto& d : tiles)
      if (auto it = d.find(layer); it != d.end())
        for (const auto& f : it->second)
          if (auto v = f.find(field); v != f.end() && !v->second.empty()) names[layer].insert(v->second);
    EXPECT_FALSE(names[layer].empty()) << l["id"] << ": no " << layer << "." << field << " in the tiles";
  }
  EXPECT_EQ(names["transportation"], std::set<std::string>{"Storgata"});
  EXPECT_EQ(names["water"], std::set<std::string>{"Akerselva"});
  EXPECT_EQ(names["water_name"], std::set<std::string>{"Dammen"});
  EXPECT_EQ(names["place"], (std::set<std::string>{"Grünerløkka", "Oslo", "Vaterland"}));
}

/// The real extract (routing-filtered: streets and paths only, see its
/// PROVENANCE.md): the street labels find Oslo's street names, letters intact.
TEST(TilesOslo, StreetNamesAreInTheTiles) {
  if (std::system("command -v tilemaker >/dev/null 2>&1") != 0) GTEST_SKIP() << "tilemaker is not installed (Debian tilemaker)";
  RIFUGIO_REQUIRE_DATA(osm, "osm-oslo/oslo-east-2019-10.osm.pbf");
  test::TempDir dir;
  tiles::build_tiles(osm.string(), dir.file("oslo.mbtiles"), {.quiet = true});
  auto mb = tiles::MbTiles::open(dir.file("oslo.mbtiles"));
  std::set<std::string> streets;
  int n = 0;
  // Every zoom 14 tile of the extract (x 8679..8684, y 4763..4770).
  for (long x = 8670; x <= 8690; ++x)
    for (long y = 4755; y <= 4780; ++y)
      if (auto t = mb->tile(14, x, y)) {
        ++n;
        const Decoded d = decode(*t);
        for (const auto& f : d.at("transportation"))
          if (auto v = f.find("name"); v != f.end()) streets.insert(v->second);
      }
  EXPECT_GE(n, 40) << "east Oslo's zoom 14 tiles";
  EXPECT_GT(streets.size(), 500u);
  for (const char* s : {"Tøyengata", "Schweigaards gate", "Karl Johans gate", "Abildsøveien"})
    EXPECT_TRUE(streets.contains(s)) << s;
}

}  // namespace
