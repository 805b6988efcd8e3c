#pragma once
// Walking answers of GET /v1/nearest?by=walking and GET /v1/route, shared by
// the handler and `rifugio nearest --by walking` so both print the same JSON.
//
// Usage:
//   routing::ShelterNodeCache cache(routing::Graph::open("var/oslo.graph"));
//   auto j = api::nearest_walk_json(holder.current(), q, {.walking = true}, &cache);
//
// Without a graph (cache == nullptr), or when the origin is farther than
// 500 m from it, the answer is the straight-line one with
// walk.basis = "straight-line" and walk.fallback saying why.

#include <memory>
#include <nlohmann/json.hpp>

#include "api/params.hpp"
#include "routing/router.hpp"
#include "spatial/snapshot.hpp"

namespace rifugio::api {

/// {revision, origin, walk:{basis, speed_mps, profile?, origin_to_graph_m?, fallback?},
///  results:[hit + straight_distance_m, route (GeoJSON LineString)], within_s?, none_in_reach?}
/// Walking results: distance_m and walk_s are the walk; bearing_deg and
/// straight_distance_m the straight line. Straight-line answers with `within`
/// keep shelters within within_s * speed metres (a lower bound of the walk).
nlohmann::json nearest_walk_json(const std::shared_ptr<const spatial::Snapshot>& snap, const spatial::NearestQuery& q,
                                 const WalkParams& walk, const routing::ShelterNodeCache* graph);

/// {revision, origin, walk:{...}, shelter:{hit}, distance_m, walk_s, route}.
/// Falls back to the straight line (fallback: no_graph, origin_off_graph,
/// shelter_off_graph, unreachable). @throws ApiError not_found for an
/// unknown shelter or one without a location.
nlohmann::json route_json(const std::shared_ptr<const spatial::Snapshot>& snap, const RouteQuery& q,
                          const routing::ShelterNodeCache* graph);

}  // namespace rifugio::api
