// Handler tests: every endpoint and every error case, without sockets.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "api/gzip.hpp"
#include "api/handler.hpp"
#include "api/nearest_json.hpp"
#include "api/reports.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "../test_util.hpp"
#include "api_fixture.hpp"

namespace rifugio::api {
namespace {

using nlohmann::json;
using test::body_json;
using test::get;

class HandlerTest : public ::testing::Test {
 protected:
  void SetUp() override { holder.replace(test::sample_snapshot()); }
  Response run(const std::string& target, Headers extra = {}) const { return handler.handle(get(target, std::move(extra))); }

  /// Asserts a problem+json answer and returns it.
  json problem(const Response& r, int status, std::string_view code) const {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("Content-Type").value_or(""), "application/problem+json");
    json j = body_json(r);
    EXPECT_EQ(j["status"], status);
    EXPECT_EQ(j["code"], code);
    EXPECT_EQ(j["type"], "urn:rifugio:problem:" + std::string(code));
    EXPECT_FALSE(j["title"].get<std::string>().empty());
    return j;
  }
  /// A 400 whose detail and "parameter" name the parameter.
  void bad_param(const std::string& target, std::string_view param, std::string_view code = "invalid_parameter") {
    SCOPED_TRACE(target);
    json j = problem(run(target), 400, code);
    EXPECT_EQ(j.value("parameter", ""), param);
    EXPECT_NE(j["detail"].get<std::string>().find(param), std::string::npos) << j["detail"];
  }

  spatial::SnapshotHolder holder;
  rifugio::test::TempDir dir;
  Handler handler{holder, {.signing_key = std::make_shared<const SigningKey>(SigningKey::generate()),
                           .events = std::make_shared<EventHub>(),
                           .reports = std::make_shared<Reports>(std::make_unique<SqliteStore>(dir.file("r.db")), holder,
                                                                nullptr)}};
};

// --- health -----------------------------------------------------------------

TEST_F(HandlerTest, HealthAndReadiness) {
  EXPECT_EQ(run("/healthz").status, 200);
  Response ready = run("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(body_json(ready)["revision"], test::kRevision);

  spatial::SnapshotHolder empty;
  Handler cold(empty);
  EXPECT_EQ(cold.handle(get("/healthz")).status, 200);
  problem(cold.handle(get("/readyz")), 503, "not_ready");
  problem(cold.handle(get("/v1/nearest?lat=59.9&lon=10.7")), 503, "not_ready");
  problem(cold.handle(get("/ogc/collections/shelters/items")), 503, "not_ready");
  problem(cold.handle(get("/ogc/collections/shelters/items/1")), 503, "not_ready");
  // Metadata that does not need the data still answers.
  EXPECT_EQ(cold.handle(get("/ogc/collections/shelters")).status, 200);
  EXPECT_EQ(cold.handle(get("/metrics")).status, 200);
}

// --- /v1/nearest ------------------------------------------------------------

TEST_F(HandlerTest, NearestDefaultsToFiveNearestFirst) {
  Response r = run("/v1/nearest?lat=59.9111&lon=10.7522");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
  EXPECT_LT(r.body.size(), 2048u) << "k=5 answers must stay under 2 KB";
  json j = body_json(r);
  EXPECT_EQ(j["revision"], test::kRevision);
  EXPECT_EQ(j["origin"], json::array({10.7522, 59.9111}));
  EXPECT_EQ(j["walk"]["basis"], "straight-line");
  ASSERT_EQ(j["results"].size(), 5u);
  const json& first = j["results"][0];
  EXPECT_EQ(first["id"], 1);
  EXPECT_EQ(first["name"], "Jernbanetorget");
  EXPECT_EQ(first["address"], "Street 1");
  EXPECT_EQ(first["location"], json::array({10.7522, 59.9111}));  // [lon, lat]
  EXPECT_EQ(first["distance_m"], 0.0);
  EXPECT_EQ(first["walk_s"], 0);
  EXPECT_EQ(first["capacity"], 100);
  EXPECT_EQ(first["status"], "open");
  EXPECT_EQ(first["step_free"], "yes");
  EXPECT_EQ(first["kind"], "public_shelter");
  EXPECT_TRUE(first["occupancy"].is_null());
  double prev = -1;
  for (const json& h : j["results"]) {
    double d = h["distance_m"];
    EXPECT_GE(d, prev);
    prev = d;
    EXPECT_NEAR(h["walk_s"].get<double>(), d / kWalkSpeedMps, 1.0) << "walk_s is distance / 1.389 m/s, rounded up";
    double b = h["bearing_deg"];
    EXPECT_GE(b, 0);
    EXPECT_LT(b, 360);
    for (auto key : {"id", "name", "address", "location", "distance_m", "bearing_deg", "walk_s", "capacity", "status",
                     "step_free", "kind", "occupancy"})
      EXPECT_TRUE(h.contains(key)) << key;
  }
}

TEST_F(HandlerTest, NearestIsTheSnapshotQuery) {
  auto snap = holder.current();
  spatial::NearestQuery q{.origin = Location::from_lon_lat(10.70, 59.92), .k = 3, .open_only = true};
  auto hits = snap->nearest(q);
  json want = nearest_json(*snap, q, hits);
  json got = body_json(run("/v1/nearest?lat=59.92&lon=10.70&k=3&open=true"));
  EXPECT_EQ(got, want);
}

TEST_F(HandlerTest, NearestFilters) {
  auto ids = [&](const std::string& target) {
    Response r = run(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    std::vector<int> out;
    json j = body_json(r);
    for (const json& h : j["results"]) out.push_back(h["id"]);
    return out;
  };
  const std::string at = "/v1/nearest?lat=59.9111&lon=10.7522&k=100";
  EXPECT_EQ(ids(at).size(), 9u);  // every published shelter with a location
  for (int id : ids(at + "&open=true")) EXPECT_TRUE(id != 2 && id != 5) << "closed or full: " << id;
  for (int id : ids(at + "&step_free=true")) EXPECT_NE(id, 3);
  EXPECT_EQ(ids(at + "&kind=bunker"), std::vector<int>{3});
  EXPECT_EQ(ids(at + "&kind=metro_station"), std::vector<int>{7});
  for (int id : ids(at + "&min_free=10")) EXPECT_TRUE(id != 4 && id != 5 && id != 6) << id;
  auto near = ids(at + "&max_distance=1000");
  EXPECT_FALSE(near.empty());
  for (int id : near) EXPECT_TRUE(id >= 1 && id <= 6) << id;
  EXPECT_EQ(ids("/v1/nearest?lat=-17&lon=180&k=2"), (std::vector<int>{9, 8}));  // across the antimeridian
  EXPECT_EQ(ids("/v1/nearest?lat=59.9111&lon=10.7522&k=1&open=false"), std::vector<int>{1});
}

TEST_F(HandlerTest, NearestParameterErrors) {
  bad_param("/v1/nearest?lat=91&lon=10", "lat");
  bad_param("/v1/nearest?lat=-90.0001&lon=10", "lat");
  bad_param("/v1/nearest?lat=59&lon=abc", "lon");
  bad_param("/v1/nearest?lat=59&lon=180.5", "lon");
  bad_param("/v1/nearest?lat=NaN&lon=10", "lat");
  bad_param("/v1/nearest?lat=59&lon=nan", "lon");
  bad_param("/v1/nearest?lat=inf&lon=10", "lat");
  bad_param("/v1/nearest?lat=&lon=10", "lat");
  bad_param("/v1/nearest?lat=59&lon=10&k=0", "k");
  bad_param("/v1/nearest?lat=59&lon=10&k=101", "k");
  bad_param("/v1/nearest?lat=59&lon=10&k=100000", "k");
  bad_param("/v1/nearest?lat=59&lon=10&k=99999999999999999999999", "k");
  bad_param("/v1/nearest?lat=59&lon=10&k=2.5", "k");
  bad_param("/v1/nearest?lat=59&lon=10&k=-1", "k");
  bad_param("/v1/nearest?lat=59&lon=10&open=yes", "open");
  bad_param("/v1/nearest?lat=59&lon=10&step_free=maybe", "step_free");
  bad_param("/v1/nearest?lat=59&lon=10&kind=castle", "kind");
  bad_param("/v1/nearest?lat=59&lon=10&min_free=-3", "min_free");
  bad_param("/v1/nearest?lat=59&lon=10&max_distance=0", "max_distance");
  bad_param("/v1/nearest?lat=59&lon=10&max_distance=-5", "max_distance");
  bad_param("/v1/nearest?lat=59&lat=60&lon=10", "lat");  // repeated
  bad_param("/v1/nearest?lon=10", "lat", "missing_parameter");
  bad_param("/v1/nearest?lat=59", "lon", "missing_parameter");
  bad_param("/v1/nearest", "lat", "missing_parameter");
  bad_param("/v1/nearest?lat=59&lon=10&radius=5", "radius", "unknown_parameter");
  problem(run("/v1/nearest?lat=%zz&lon=10"), 400, "bad_request");
}

// --- routing, methods, CORS, headers -----------------------------------------

TEST_F(HandlerTest, UnknownRouteIs404) {
  json j = problem(run("/v2/nearest"), 404, "not_found");
  EXPECT_NE(j["detail"].get<std::string>().find("/v2/nearest"), std::string::npos);
  problem(run("/v1/nope"), 404, "not_found");
  problem(run("/ogc/collections/bridges"), 404, "not_found");
  problem(run("/ogc/collections/bridges/items"), 404, "not_found");
  problem(run("/"), 404, "not_found");  // no static folder configured
}

TEST_F(HandlerTest, WrongMethodIs405WithAllow) {
  for (std::string m : {"POST", "PUT", "DELETE", "PATCH"}) {
    Request req = get("/v1/nearest?lat=1&lon=2");
    req.method = m;
    Response r = handler.handle(req);
    problem(r, 405, "method_not_allowed");
    EXPECT_EQ(r.header("Allow").value_or(""), "GET, HEAD, OPTIONS");
  }
  Request req = get("/nowhere");
  req.method = "POST";
  EXPECT_EQ(handler.handle(req).status, 404) << "an unknown path is 404 whatever the method";
}

TEST_F(HandlerTest, PreflightAndCors) {
  Request req = get("/v1/nearest");
  req.method = "OPTIONS";
  req.headers.emplace_back("Origin", "https://example.org");
  req.headers.emplace_back("Access-Control-Request-Method", "GET");
  req.headers.emplace_back("Access-Control-Request-Headers", "accept, x-requested-with");
  Response r = handler.handle(req);
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("Access-Control-Allow-Origin").value_or(""), "*");
  EXPECT_EQ(r.header("Access-Control-Allow-Methods").value_or(""), "GET, HEAD, OPTIONS");
  EXPECT_EQ(r.header("Access-Control-Allow-Headers").value_or(""), "accept, x-requested-with");
  EXPECT_TRUE(r.header("Access-Control-Max-Age"));
  // A header list that is not plain tokens is not echoed.
  req.headers.back().second = "x\r\nSet-Cookie: a=b";
  EXPECT_EQ(handler.handle(req).header("Access-Control-Allow-Headers").value_or(""),
            "Accept, Accept-Encoding, If-None-Match");
}

TEST_F(HandlerTest, SecurityHeadersOnEveryAnswer) {
  for (const char* target : {"/v1/nearest?lat=59.9&lon=10.7", "/ogc", "/nope", "/v1/nearest?lat=x&lon=1"}) {
    Response r = run(target);
    EXPECT_EQ(r.header("X-Content-Type-Options").value_or(""), "nosniff") << target;
    EXPECT_EQ(r.header("Referrer-Policy").value_or(""), "no-referrer") << target;
    EXPECT_EQ(r.header("Access-Control-Allow-Origin").value_or(""), "*") << target;
    EXPECT_TRUE(r.header("Content-Security-Policy")) << target;
  }
}

TEST_F(HandlerTest, HeadHasLengthButNoBody) {
  Response g = run("/ogc/api");
  Request req = get("/ogc/api");
  req.method = "HEAD";
  Response h = handler.handle(req);
  EXPECT_EQ(h.status, 200);
  EXPECT_TRUE(h.body.empty());
  EXPECT_EQ(h.header("Content-Length").value_or(""), std::to_string(g.body.size()));
}

TEST_F(HandlerTest, GzipWhenAcceptedAndWorthIt) {
  Response plain = run("/ogc/api");
  ASSERT_GT(plain.body.size(), 1024u);
  EXPECT_FALSE(plain.header("Content-Encoding"));
  EXPECT_EQ(plain.header("Vary").value_or(""), "Accept-Encoding");

  Response gz = run("/ogc/api", {{"Accept-Encoding", "br, gzip;q=0.8"}});
  EXPECT_EQ(gz.header("Content-Encoding").value_or(""), "gzip");
  EXPECT_LT(gz.body.size(), plain.body.size());
  EXPECT_EQ(gzip_decompress(gz.body), plain.body);

  EXPECT_FALSE(run("/ogc/api", {{"Accept-Encoding", "gzip;q=0"}}).header("Content-Encoding"));
  EXPECT_FALSE(run("/ogc/api", {{"Accept-Encoding", "br"}}).header("Content-Encoding"));
  // Small answers are not worth compressing.
  EXPECT_FALSE(run("/healthz", {{"Accept-Encoding", "gzip"}}).header("Content-Encoding"));
}

TEST_F(HandlerTest, LinksUseHostOrPublicUrl) {
  EXPECT_EQ(body_json(run("/ogc"))["links"][0]["href"], "http://shelters.test:8080/ogc");
  Request evil = get("/ogc");
  evil.headers[0].second = "evil.example/\"><script>";
  EXPECT_EQ(body_json(handler.handle(evil))["links"][0]["href"], "http://localhost/ogc");
  Handler pub(holder, {.public_url = "https://shelters.example.org/"});
  EXPECT_EQ(body_json(pub.handle(get("/ogc")))["links"][0]["href"], "https://shelters.example.org/ogc");
}

// --- OGC API - Features --------------------------------------------------------

TEST_F(HandlerTest, OgcLandingAndConformance) {
  Response r = run("/ogc");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
  std::set<std::string> rels;
  json landing = body_json(r);
  for (const json& l : landing["links"]) rels.insert(l["rel"].get<std::string>());
  for (auto rel : {"self", "service-desc", "conformance", "data"}) EXPECT_TRUE(rels.count(rel)) << rel;
  EXPECT_EQ(run("/ogc/").status, 200);

  json c = body_json(run("/ogc/conformance"));
  std::set<std::string> classes(c["conformsTo"].begin(), c["conformsTo"].end());
  for (auto cls : {"core", "geojson", "oas30"})
    EXPECT_TRUE(classes.count(std::string("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/") + cls)) << cls;
}

TEST_F(HandlerTest, OpenApiDescribesEveryEndpoint) {
  Response r = run("/ogc/api");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/vnd.oai.openapi+json;version=3.0");
  json doc = body_json(r);
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  EXPECT_EQ(doc["servers"][0]["url"], "http://shelters.test:8080/ogc");
  // OGC paths are relative to the landing page; the rest carry their own server.
  for (auto path : {"/v1/nearest", "/v1/route", "/v1/snapshot", "/v1/snapshot/key", "/v1/events", "/v1/shelters/{id}/reports", "/healthz", "/readyz", "/metrics", "/", "/conformance", "/api", "/collections",
                    "/collections/shelters", "/collections/shelters/items", "/collections/shelters/items/{featureId}"}) {
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    const json& item = doc["paths"][path];
    EXPECT_TRUE(item.contains("get")) << path;
    std::string server = item.contains("servers") ? item["servers"][0]["url"] : doc["servers"][0]["url"];
    // Every documented path answers (with the id filled in).
    std::string target = server.substr(std::string("http://shelters.test:8080").size()) +
                         std::regex_replace(std::string(path), std::regex("\\{(featureId|id)\\}"), "1");
    if (target.ends_with("/")) target.pop_back();
    if (target == "/v1/nearest") target += "?lat=59.9&lon=10.7";
    if (target == "/v1/route") target += "?from=59.9,10.7&to=1";
    EXPECT_EQ(run(target).status, 200) << target;
  }
  EXPECT_EQ(doc["paths"].size(), 16u) << "a new endpoint needs its place in the OpenAPI document";
  // Every $ref points at something that exists.
  std::string text = doc.dump();
  std::regex ref("\"\\$ref\":\"#/components/(\\w+)/(\\w+)\"");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), ref); it != std::sregex_iterator(); ++it)
    EXPECT_TRUE(doc["components"][(*it)[1].str()].contains((*it)[2].str())) << (*it)[0];
}

TEST_F(HandlerTest, OgcCollections) {
  json all = body_json(run("/ogc/collections"));
  ASSERT_EQ(all["collections"].size(), 1u);
  json c = body_json(run("/ogc/collections/shelters"));
  EXPECT_EQ(c["id"], "shelters");
  EXPECT_EQ(c["itemType"], "feature");
  EXPECT_EQ(all["collections"][0], c);
  json bbox = c["extent"]["spatial"]["bbox"][0];
  EXPECT_EQ(bbox, json::array({-179.95, -18.0, 179.95, 59.9296}));
  bool items_link = false;
  for (const json& l : c["links"])
    if (l["rel"] == "items") {
      items_link = true;
      EXPECT_EQ(l["type"], "application/geo+json");
      EXPECT_EQ(l["href"], "http://shelters.test:8080/ogc/collections/shelters/items");
    }
  EXPECT_TRUE(items_link);
}

TEST_F(HandlerTest, OgcItemsDefaultPage) {
  Response r = run("/ogc/collections/shelters/items");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/geo+json");
  json fc = body_json(r);
  EXPECT_EQ(fc["type"], "FeatureCollection");
  EXPECT_EQ(fc["numberMatched"], test::kPublished);
  EXPECT_EQ(fc["numberReturned"], test::kPublished);
  ASSERT_EQ(fc["features"].size(), test::kPublished);
  const json& f = fc["features"][0];
  EXPECT_EQ(f["type"], "Feature");
  EXPECT_EQ(f["id"], 1);
  EXPECT_EQ(f["geometry"]["type"], "Point");
  EXPECT_EQ(f["geometry"]["coordinates"], json::array({10.7522, 59.9111}));
  EXPECT_EQ(f["properties"]["name"], "Jernbanetorget");
  EXPECT_FALSE(f["properties"].contains("status_by")) << "editor names are not public";
  EXPECT_TRUE(fc["features"][9]["geometry"].is_null()) << "shelter 10 has no location";
  for (const json& l : fc["links"]) EXPECT_NE(l["rel"], "next");
}

TEST_F(HandlerTest, OgcItemsPaging) {
  std::set<int> seen;
  std::string target = "/ogc/collections/shelters/items?limit=3";
  int pages = 0;
  while (!target.empty() && pages < 10) {
    Response r = run(target);
    ASSERT_EQ(r.status, 200) << target << r.body;
    json fc = body_json(r);
    EXPECT_EQ(fc["numberMatched"], test::kPublished);
    for (const json& f : fc["features"]) EXPECT_TRUE(seen.insert(f["id"].get<int>()).second);
    target.clear();
    for (const json& l : fc["links"])
      if (l["rel"] == "next") target = l["href"].get<std::string>().substr(std::string("http://shelters.test:8080").size());
    ++pages;
  }
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(seen.size(), test::kPublished);
  json last = body_json(run("/ogc/collections/shelters/items?limit=3&offset=9"));
  EXPECT_EQ(last["numberReturned"], 1);
  bool prev = false;
  for (const json& l : last["links"])
    if (l["rel"] == "prev") {
      prev = true;
      EXPECT_NE(l["href"].get<std::string>().find("offset=6"), std::string::npos) << l["href"];
    }
  EXPECT_TRUE(prev);
  EXPECT_EQ(body_json(run("/ogc/collections/shelters/items?offset=50"))["numberReturned"], 0);
}

TEST_F(HandlerTest, OgcItemsFilters) {
  auto ids = [&](const std::string& query) {
    Response r = run("/ogc/collections/shelters/items?" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::vector<int> out;
    json fc = body_json(r);
    for (const json& f : fc["features"]) out.push_back(f["id"]);
    return out;
  };
  EXPECT_EQ(ids("bbox=10.70,59.90,10.765,59.92"), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(ids("bbox=179,-19,-179,-16"), (std::vector<int>{8, 9})) << "a box across the antimeridian";
  EXPECT_EQ(ids("bbox=179,-19,180,-16"), (std::vector<int>{8}));
  EXPECT_EQ(ids("bbox=10.70,59.90,0,10.765,59.92,100"), (std::vector<int>{1, 2, 3, 4})) << "3D box";
  EXPECT_EQ(ids("status=closed"), std::vector<int>{2});
  EXPECT_EQ(ids("status=open&municipality=B%C3%A6rum"), std::vector<int>{7});
  EXPECT_EQ(ids("kind=bunker"), std::vector<int>{3});
  EXPECT_EQ(ids("step_free=no"), std::vector<int>{3});
  EXPECT_EQ(ids("country=fj"), (std::vector<int>{8, 9}));
  EXPECT_EQ(ids("region=Oslo&limit=2&offset=1"), (std::vector<int>{2, 3}));
  EXPECT_EQ(ids("datetime=2024-01-01T00:00:00Z/..&f=json").size(), test::kPublished);
}

TEST_F(HandlerTest, OgcItemsParameterErrors) {
  const std::string items = "/ogc/collections/shelters/items?";
  bad_param(items + "limit=0", "limit");
  bad_param(items + "limit=10001", "limit");
  bad_param(items + "limit=ten", "limit");
  bad_param(items + "offset=-1", "offset");
  bad_param(items + "bbox=1,2,3", "bbox");
  bad_param(items + "bbox=1,2,3,x", "bbox");
  bad_param(items + "bbox=1,60,3,50", "bbox");
  bad_param(items + "bbox=-181,0,3,50", "bbox");
  bad_param(items + "bbox=1,-91,3,50", "bbox");
  bad_param(items + "status=sleeping", "status");
  bad_param(items + "datetime=yesterday", "datetime");
  bad_param(items + "f=html", "f");
  bad_param(items + "colour=red", "colour", "unknown_parameter");
}

TEST_F(HandlerTest, OgcSingleItem) {
  Response r = run("/ogc/collections/shelters/items/3");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/geo+json");
  json f = body_json(r);
  EXPECT_EQ(f["id"], 3);
  EXPECT_EQ(f["properties"]["kind"], "bunker");
  EXPECT_EQ(f["links"][0]["href"], "http://shelters.test:8080/ogc/collections/shelters/items/3");
  problem(run("/ogc/collections/shelters/items/999"), 404, "not_found");
  problem(run("/ogc/collections/shelters/items/11"), 404, "not_found");  // retired
  problem(run("/ogc/collections/shelters/items/abc"), 404, "not_found");
  problem(run("/ogc/collections/shelters/items/-1"), 404, "not_found");
  problem(run("/ogc/collections/shelters/items/1/x"), 404, "not_found");
}

// --- metrics --------------------------------------------------------------------

TEST_F(HandlerTest, MetricsCountRoutesAndSnapshot) {
  run("/v1/nearest?lat=59.9&lon=10.7");
  run("/v1/nearest?lat=59.9&lon=10.7");
  run("/v1/nearest?lat=99&lon=10.7");
  run("/nope");
  handler.reject(ErrorCode::uri_too_long, "long");
  Response r = run("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.body;
  auto has = [&](const std::string& s) { return m.find(s) != std::string::npos; };
  EXPECT_TRUE(has("rifugio_http_requests_total{route=\"nearest\",status=\"200\"} 2\n")) << m;
  EXPECT_TRUE(has("rifugio_http_requests_total{route=\"nearest\",status=\"400\"} 1\n"));
  EXPECT_TRUE(has("rifugio_http_requests_total{route=\"not_found\",status=\"404\"} 1\n"));
  EXPECT_TRUE(has("rifugio_http_requests_total{route=\"rejected\",status=\"414\"} 1\n"));
  EXPECT_TRUE(has("rifugio_http_request_duration_seconds_bucket{route=\"nearest\",status=\"200\",le=\"+Inf\"} 2\n"));
  EXPECT_TRUE(has("rifugio_http_request_duration_seconds_count{route=\"nearest\",status=\"200\"} 2\n"));
  EXPECT_TRUE(has("rifugio_snapshot_revision 42\n"));
  EXPECT_TRUE(has("rifugio_snapshot_age_seconds "));
  EXPECT_TRUE(has("rifugio_shelters{status=\"open\"} 7\n")) << m;
  EXPECT_TRUE(has("rifugio_shelters{status=\"closed\"} 1\n"));
  EXPECT_TRUE(has("rifugio_shelters{status=\"full\"} 1\n"));
  EXPECT_TRUE(has("rifugio_shelters{status=\"unknown\"} 1\n"));
}

// --- the error table -------------------------------------------------------------

TEST(ErrorTable, CodesAreUniqueAndDocumented) {
  std::set<std::string_view> names;
  for (const ErrorInfo& e : error_table()) {
    EXPECT_TRUE(names.insert(e.name).second) << e.name;
    EXPECT_EQ(&error_info(e.code), &e);
    EXPECT_GE(e.status, 400);
    EXPECT_LT(e.status, 600);
  }
  std::ifstream in(rifugio::test::source_dir() + "/docs/http.md");
  ASSERT_TRUE(in) << "docs/http.md is missing";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  for (const ErrorInfo& e : error_table()) {
    std::string row = fmt::format("| `{}` | {} | {} |", e.name, e.status, e.title);
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/http.md lacks the row: " << row;
  }
}

}  // namespace
}  // namespace rifugio::api
