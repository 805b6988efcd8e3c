#include "api/walk.hpp"

#include <fmt/format.h>

#include <cmath>

#include "api/error.hpp"
#include "api/nearest_json.hpp"
#include "spatial/geodesy.hpp"

namespace rifugio::api {

namespace {

nlohmann::json line_string(const std::vector<Location>& path) {
  nlohmann::json coords = nlohmann::json::array();
  for (const Location& l : path) coords.push_back({round_to(l.lon, 6), round_to(l.lat, 6)});
  return {{"type", "LineString"}, {"coordinates", std::move(coords)}};
}

std::int64_t seconds(double s) { return static_cast<std::int64_t>(std::ceil(s)); }

nlohmann::json walk_info(const char* basis, double speed_mps) {
  return {{"basis", basis}, {"speed_mps", round_to(speed_mps, 3)}};
}

/// A hit's JSON with the walk (or the straight line, when route is null) filled in.
nlohmann::json walked_hit(const Location& origin, const Shelter& s, double distance_m, double time_s,
                          nlohmann::json route) {
  const double straight = spatial::distance_m(origin, *s.location);
  nlohmann::json j = nearest_hit_json({&s, straight, spatial::bearing_deg(origin, *s.location)});
  j["straight_distance_m"] = round_to(straight, 1);
  j["distance_m"] = round_to(distance_m, 1);
  j["walk_s"] = seconds(time_s);
  j["route"] = std::move(route);
  return j;
}

nlohmann::json straight_answer(const spatial::Snapshot& snap, spatial::NearestQuery q, const WalkParams& walk,
                               const char* fallback) {
  if (walk.within_s) q.max_distance_m = std::min(q.max_distance_m.value_or(INFINITY), *walk.within_s * walk.speed_mps);
  auto hits = snap.nearest(q);
  nlohmann::json j = nearest_json(snap, q, hits);
  j["walk"] = walk_info("straight-line", walk.speed_mps);
  if (fallback) j["walk"]["fallback"] = fallback;
  if (walk.speed_mps != kWalkSpeedMps)
    for (std::size_t i = 0; i < hits.size(); ++i) j["results"][i]["walk_s"] = seconds(hits[i].distance_m / walk.speed_mps);
  return j;
}

}  // namespace

nlohmann::json nearest_walk_json(const std::shared_ptr<const spatial::Snapshot>& snap, const spatial::NearestQuery& q,
                                 const WalkParams& walk, const routing::ShelterNodeCache* graph) {
  nlohmann::json j;
  if (!walk.walking) {
    j = straight_answer(*snap, q, walk, nullptr);
  } else if (!graph) {
    j = straight_answer(*snap, q, walk, "no_graph");
  } else {
    const auto nodes = graph->get(snap);
    routing::WalkQuery wq{.nearest = q, .within_s = walk.within_s};
    wq.profile.speed_mps = walk.speed_mps;
    wq.profile.step_free = q.step_free;  // who needs a step-free shelter needs a step-free way there
    const auto a = routing::nearest_by_walking(*nodes, wq);
    if (a.basis == routing::Basis::off_graph) {
      j = straight_answer(*snap, q, walk, "origin_off_graph");
    } else {
      nlohmann::json results = nlohmann::json::array();
      for (const auto& r : a.routes)
        results.push_back(walked_hit(q.origin, *r.shelter, r.distance_m, r.time_s, line_string(r.path)));
      j = {{"revision", snap->revision()},
           {"origin", {round_to(q.origin.lon, 6), round_to(q.origin.lat, 6)}},
           {"walk", walk_info("walking", walk.speed_mps)},
           {"results", std::move(results)}};
      j["walk"]["profile"] = q.step_free ? "step_free" : "default";
      j["walk"]["origin_to_graph_m"] = round_to(a.origin_offset_m, 1);
    }
  }
  if (walk.within_s) {
    j["within_s"] = *walk.within_s;
    j["none_in_reach"] = j["results"].empty();
  }
  return j;
}

nlohmann::json route_json(const std::shared_ptr<const spatial::Snapshot>& snap, const RouteQuery& q,
                          const routing::ShelterNodeCache* graph) {
  const Shelter* s = snap->by_id(q.to);
  if (!s) throw ApiError(ErrorCode::not_found, fmt::format("to: no shelter {}", q.to), "to");
  if (!s->location) throw ApiError(ErrorCode::not_found, fmt::format("to: shelter {} has no known location", q.to), "to");
  const char* fallback = "no_graph";
  nlohmann::json walk_j;
  nlohmann::json hit;
  if (graph) {
    const auto nodes = graph->get(snap);
    routing::WalkProfile profile{.speed_mps = q.walk.speed_mps, .step_free = q.step_free};
    const auto a = routing::route_to(*nodes, q.from, q.to, profile);
    if (a.basis == routing::Basis::off_graph) fallback = "origin_off_graph";
    else if (!a.routes.empty()) {
      fallback = nullptr;
      const auto& r = a.routes[0];
      hit = walked_hit(q.from, *s, r.distance_m, r.time_s, line_string(r.path));
      walk_j = walk_info("walking", q.walk.speed_mps);
      walk_j["profile"] = q.step_free ? "step_free" : "default";
      walk_j["origin_to_graph_m"] = round_to(a.origin_offset_m, 1);
    } else fallback = nodes->placed(q.to) ? "unreachable" : "shelter_off_graph";
  }
  if (fallback) {
    const double d = spatial::distance_m(q.from, *s->location);
    hit = walked_hit(q.from, *s, d, d / q.walk.speed_mps, line_string({q.from, *s->location}));
    walk_j = walk_info("straight-line", q.walk.speed_mps);
    walk_j["fallback"] = fallback;
  }
  nlohmann::json j = {{"revision", snap->revision()},
                      {"origin", {round_to(q.from.lon, 6), round_to(q.from.lat, 6)}},
                      {"walk", std::move(walk_j)},
                      {"distance_m", hit["distance_m"]},
                      {"walk_s", hit["walk_s"]},
                      {"route", hit["route"]}};
  hit.erase("route");
  j["shelter"] = std::move(hit);
  return j;
}

}  // namespace rifugio::api
