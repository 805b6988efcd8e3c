// GDAL's OGC API - Features driver reads every shelter through the real
// server (label e2e: needs gdal-bin's ogrinfo; skips without it).

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include "api/server.hpp"
#include "api_fixture.hpp"

namespace rifugio::api {
namespace {

constexpr int kShelters = 250;

std::vector<Shelter> grid() {
  std::vector<Shelter> v;
  for (int i = 0; i < kShelters; ++i) {
    // Spread over Europe, with a few either side of the antimeridian.
    double lon = i % 25 == 0 ? (i % 50 == 0 ? 179.9 : -179.9) : -10 + (i % 40) * 0.9;
    double lat = 35 + (i / 40) * 3.1;
    Shelter s = test::make_shelter(i + 1, "Shelter " + std::to_string(i + 1), lon, lat);
    s.status = static_cast<Status>(i % 4);
    v.push_back(std::move(s));
  }
  return v;
}

/// stdout of a shell command, and its exit status.
std::pair<std::string, int> run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return {"", -1};
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  return {out, ::pclose(p)};
}

bool have_ogrinfo() { return run("command -v ogrinfo >/dev/null 2>&1 && echo yes").first == "yes\n"; }

class OapifTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_ogrinfo()) GTEST_SKIP() << "ogrinfo not found (apt-get install gdal-bin)";
    holder.replace(spatial::Snapshot::build(7, grid()));
    server = std::make_unique<Server>(ServerOptions{.address = "127.0.0.1", .port = 0, .threads = 2}, holder);
    runner = std::thread([this] { server->run(); });
    url = "OAPIF:http://127.0.0.1:" + std::to_string(server->port()) + "/ogc";
  }
  void TearDown() override {
    if (!server) return;
    server->stop();
    runner.join();
  }
  /// ogrinfo on the server with GDAL's caches and proxies out of the way.
  std::string ogrinfo(const std::string& args) {
    auto [out, status] = run("env -u http_proxy -u HTTP_PROXY -u https_proxy -u HTTPS_PROXY GDAL_HTTP_TIMEOUT=20 "
                             "ogrinfo -ro " + args + " '" + url + "' 2>&1");
    EXPECT_EQ(status, 0) << out;
    return out;
  }

  spatial::SnapshotHolder holder;
  std::unique_ptr<Server> server;
  std::thread runner;
  std::string url;
};

TEST_F(OapifTest, SummaryCountsEveryShelter) {
  std::string out = ogrinfo("-al -so");
  EXPECT_NE(out.find("Layer name: shelters"), std::string::npos) << out;
  EXPECT_NE(out.find("Feature Count: " + std::to_string(kShelters)), std::string::npos) << out;
  EXPECT_NE(out.find("Geometry: Point"), std::string::npos) << out;
}

TEST_F(OapifTest, ReadsEveryShelterAcrossPages) {
  std::string out = ogrinfo("-al -q -oo PAGE_SIZE=60");
  std::regex feature(R"(OGRFeature\(shelters\):(\d+))");
  std::set<int> ids;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), feature); it != std::sregex_iterator(); ++it)
    ids.insert(std::stoi((*it)[1]));
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kShelters)) << out.substr(0, 2000);
  EXPECT_NE(out.find("name (String) = Shelter 250"), std::string::npos);
}

TEST_F(OapifTest, AttributeAndSpatialFilters) {
  // -where on status is passed to the server as status=open when it can be.
  int open = 0;
  for (const Shelter& s : grid()) open += s.status == Status::open;
  std::string out = ogrinfo("-al -so -where \"status = 'open'\"");
  EXPECT_NE(out.find("Feature Count: " + std::to_string(open)), std::string::npos) << out;
  out = ogrinfo("-al -so -spat 179 -90 180 90");
  EXPECT_NE(out.find("Feature Count: 5"), std::string::npos) << out;
}

}  // namespace
}  // namespace rifugio::api
