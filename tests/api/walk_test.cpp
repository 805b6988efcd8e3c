// GET /v1/nearest?by=walking and GET /v1/route through the handler, on a
// small network drawn as ASCII art (one character = 10 m).

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "../routing/ascii_map.hpp"
#include "../test_util.hpp"
#include "api/handler.hpp"
#include "routing/graph_builder.hpp"

namespace {

using namespace rifugio;
using nlohmann::json;

// The river again: B is nearer in a straight line, G on foot.
const std::string kMap = R"(
 A-------B-----------------C
                           |
~~~~~~~~~~~~~~~~~~~~~~~~~~~D~~~~
                           |
 E-------F--------G--------H
)";

class WalkApi : public testing::Test {
 protected:
  void SetUp() override {
    map_.write_osm(dir_.file("m.osm"));
    routing::build_graph(dir_.file("m.osm"), dir_.file("m.graph"));
    std::vector<Shelter> list;
    for (auto [id, c] : {std::pair{1, 'B'}, std::pair{2, 'G'}}) {
      Shelter s;
      s.id = id;
      s.name = std::string("at ") + c;
      s.location = map_.at(c);
      list.push_back(s);
    }
    Shelter far;
    far.id = 3;
    far.name = "far away";
    far.location = Location::from_lon_lat(11.5, 60.5);
    list.push_back(far);
    holder_.replace(spatial::Snapshot::build(7, list));
    api::HandlerOptions opts;
    opts.walking = std::make_shared<const routing::ShelterNodeCache>(routing::Graph::open(dir_.file("m.graph")));
    with_graph_ = std::make_unique<api::Handler>(holder_, opts);
    without_graph_ = std::make_unique<api::Handler>(holder_);
  }
  std::string at(char c) const {
    const Location l = map_.at(c);
    return fmt::format("lat={:.7f}&lon={:.7f}", l.lat, l.lon);
  }
  std::string from(char c) const {
    const Location l = map_.at(c);
    return fmt::format("from={:.7f},{:.7f}", l.lat, l.lon);
  }
  static json get(const api::Handler& h, const std::string& target, int status = 200) {
    auto r = h.handle({.method = "GET", .target = target});
    EXPECT_EQ(r.status, status) << target << "\n" << r.body;
    return json::parse(r.body);
  }

  test::TempDir dir_;
  rifugio::test::AsciiMap map_{kMap,
                               {{"ABC", {{"highway", "residential"}}},
                                {"CDH", {{"highway", "footway"}, {"bridge", "yes"}}},
                                {"EFGH", {{"highway", "residential"}}}}};
  spatial::SnapshotHolder holder_;
  std::unique_ptr<api::Handler> with_graph_, without_graph_;
};

TEST_F(WalkApi, NearestByWalkingRanksByTheWalkAndDrawsIt) {
  auto j = get(*with_graph_, "/v1/nearest?" + at('F') + "&k=2&by=walking");
  EXPECT_EQ(j["walk"]["basis"], "walking");
  EXPECT_EQ(j["walk"]["profile"], "default");
  EXPECT_LT(j["walk"]["origin_to_graph_m"].get<double>(), 0.1);
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_EQ(j["results"][0]["name"], "at G");
  EXPECT_NEAR(j["results"][0]["distance_m"].get<double>(), 90, 0.5);
  EXPECT_EQ(j["results"][1]["name"], "at B");
  EXPECT_NEAR(j["results"][1]["distance_m"].get<double>(), 400, 0.5);
  EXPECT_NEAR(j["results"][1]["straight_distance_m"].get<double>(), 40, 0.5);
  EXPECT_NEAR(j["results"][1]["walk_s"].get<double>(), 288, 1);  // 400 m at 5 km/h, whole seconds up
  const auto& route = j["results"][1]["route"];
  EXPECT_EQ(route["type"], "LineString");
  EXPECT_GE(route["coordinates"].size(), 5u);
  EXPECT_FALSE(j.contains("none_in_reach"));
  // The straight-line answer (the default) ranks B first.
  auto s = get(*with_graph_, "/v1/nearest?" + at('F') + "&k=2");
  EXPECT_EQ(s["walk"]["basis"], "straight-line");
  EXPECT_EQ(s["results"][0]["name"], "at B");
}

TEST_F(WalkApi, FallsBackToTheStraightLineAndSaysWhy) {
  auto j = get(*without_graph_, "/v1/nearest?" + at('F') + "&k=1&by=walking");
  EXPECT_EQ(j["walk"]["basis"], "straight-line");
  EXPECT_EQ(j["walk"]["fallback"], "no_graph");
  EXPECT_EQ(j["results"][0]["name"], "at B");
  auto far = get(*with_graph_, "/v1/nearest?lat=60.5&lon=11.5&k=1&by=walking");
  EXPECT_EQ(far["walk"]["basis"], "straight-line");
  EXPECT_EQ(far["walk"]["fallback"], "origin_off_graph");
  EXPECT_EQ(far["results"][0]["name"], "far away");
}

TEST_F(WalkApi, WithinSaysWhenNothingIsInReach) {
  // 120 s at 5 km/h is 167 m: G (90 m) only.
  auto j = get(*with_graph_, "/v1/nearest?" + at('F') + "&by=walking&within=120");
  EXPECT_EQ(j["within_s"], 120);
  EXPECT_EQ(j["none_in_reach"], false);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["name"], "at G");
  auto none = get(*with_graph_, "/v1/nearest?" + at('F') + "&by=walking&within=30");
  EXPECT_EQ(none["none_in_reach"], true);
  EXPECT_TRUE(none["results"].empty());
  // A slower walker: 120 s at 2 km/h is 67 m.
  EXPECT_EQ(get(*with_graph_, "/v1/nearest?" + at('F') + "&by=walking&within=120&speed_kmh=2")["none_in_reach"], true);
  // Straight line with within: the lower bound (B at 40 m is "in reach").
  auto straight = get(*with_graph_, "/v1/nearest?" + at('F') + "&within=40");
  EXPECT_EQ(straight["walk"]["basis"], "straight-line");
  EXPECT_EQ(straight["results"].size(), 1u);
}

TEST_F(WalkApi, RouteToOneShelter) {
  auto j = get(*with_graph_, "/v1/route?" + from('F') + "&to=1");
  EXPECT_EQ(j["revision"], 7);
  EXPECT_EQ(j["walk"]["basis"], "walking");
  EXPECT_NEAR(j["distance_m"].get<double>(), 400, 0.5);
  EXPECT_EQ(j["shelter"]["name"], "at B");
  EXPECT_EQ(j["route"]["type"], "LineString");
  EXPECT_FALSE(j["shelter"].contains("route"));
  auto off = get(*with_graph_, "/v1/route?" + from('F') + "&to=3");
  EXPECT_EQ(off["walk"]["fallback"], "shelter_off_graph");
  EXPECT_EQ(off["route"]["coordinates"].size(), 2u);
  EXPECT_EQ(get(*without_graph_, "/v1/route?" + from('F') + "&to=1")["walk"]["fallback"], "no_graph");
  EXPECT_EQ(get(*with_graph_, "/v1/route?" + from('F') + "&to=99", 404)["code"], "not_found");
}

TEST_F(WalkApi, BadParametersAreNamed) {
  EXPECT_EQ(get(*with_graph_, "/v1/route?to=1", 400)["parameter"], "from");
  EXPECT_EQ(get(*with_graph_, "/v1/route?from=59.9", 400)["parameter"], "to");
  EXPECT_EQ(get(*with_graph_, "/v1/route?from=59.9&to=1", 400)["parameter"], "from");
  EXPECT_EQ(get(*with_graph_, "/v1/route?from=91,10&to=1", 400)["parameter"], "from");
  EXPECT_EQ(get(*with_graph_, "/v1/route?from=59.9,10.7&to=x", 400)["parameter"], "to");
  EXPECT_EQ(get(*with_graph_, "/v1/route?from=59.9,10.7&to=1&k=3", 400)["code"], "unknown_parameter");
  EXPECT_EQ(get(*with_graph_, "/v1/nearest?lat=59.9&lon=10.7&by=car", 400)["parameter"], "by");
  EXPECT_EQ(get(*with_graph_, "/v1/nearest?lat=59.9&lon=10.7&within=0", 400)["parameter"], "within");
  EXPECT_EQ(get(*with_graph_, "/v1/nearest?lat=59.9&lon=10.7&speed_kmh=50", 400)["parameter"], "speed_kmh");
}

TEST_F(WalkApi, RouteRequestsAreCountedUnderTheirOwnLabel) {
  get(*with_graph_, "/v1/route?" + from('F') + "&to=1");
  auto m = with_graph_->handle({.method = "GET", .target = "/metrics"});
  EXPECT_NE(m.body.find("route=\"route\",status=\"200\""), std::string::npos);
}

}  // namespace
