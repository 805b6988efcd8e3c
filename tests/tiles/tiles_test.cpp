// Base-map tiles: `rifugio tiles build` (tilemaker) on a small drawn map,
// read back from MBTiles, and served at /tiles/ by the handler.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

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
         D
)", {{"ABC", {{"highway", "residential"}, {"name", "Storgata"}}}, {"BD", {{"highway", "steps"}}}}};
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

TEST(TilesStyle, ShippedStyleIsSelfContained) {
  std::ifstream in(tiles::resources_dir() + "/style.json");
  ASSERT_TRUE(in);
  auto style = nlohmann::json::parse(in);
  EXPECT_EQ(style["version"], 8);
  EXPECT_FALSE(style.contains("glyphs")) << "no glyphs: nothing fetched outside the deployment";
  EXPECT_FALSE(style.contains("sprite"));
  for (const auto& l : style["layers"]) EXPECT_NE(l["type"], "symbol") << l["id"];
  EXPECT_EQ(style["sources"]["rifugio"]["tiles"][0], "{base}/tiles/{z}/{x}/{y}.pbf");
}

}  // namespace
