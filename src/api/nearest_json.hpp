#pragma once
// JSON form of nearest-shelter answers, shared by GET /v1/nearest and
// `rifugio nearest --json` so both print the same thing.
//
// Usage:
//   auto hits = snap->nearest(q);
//   std::cout << api::nearest_json(*snap, q, hits).dump() << '\n';

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/report_summary.hpp"
#include "spatial/snapshot.hpp"

namespace rifugio::api {

/// Walking speed for walk_s: 5 km/h. walk_s is a straight-line estimate
/// (distance_m / speed), not a route; real walks are longer.
inline constexpr double kWalkSpeedMps = 1.389;

/// One hit: {id, name, address, location:[lon,lat], distance_m, bearing_deg,
/// walk_s, capacity, status, step_free, kind, occupancy}. Unknown capacity and
/// occupancy are null; distances to 0.1 m, bearings to 0.1 degree, coordinates
/// to 6 decimals.
nlohmann::json nearest_hit_json(const spatial::NearestHit& hit);

/// The whole answer: {revision, origin:[lon,lat], walk:{speed_mps, basis},
/// results:[nearest_hit_json...]}.
nlohmann::json nearest_json(const spatial::Snapshot& snap, const spatial::NearestQuery& q,
                            const std::vector<spatial::NearestHit>& hits);

/// What a straight-line answer says about walking (see nearest_walk_json).
struct StraightWalk {
  double speed_mps = kWalkSpeedMps;      ///< walk_s = ceil(distance_m / speed_mps)
  const char* fallback = nullptr;        ///< walk.fallback, when set
  std::optional<double> within_s;        ///< adds within_s and none_in_reach
};

/// The hot path of GET /v1/nearest: appends to `out` the same bytes as
/// nearest_json(snap, q, hits).dump() (with walk as nearest_walk_json sets it
/// for a straight-line answer), written directly without building a JSON tree:
/// keys in nlohmann's (sorted) order, numbers in shortest round-trip form with
/// ".0" on whole doubles, strings escaped as dump(-1, ' ', false, replace).
/// With `reports`, a hit whose shelter has crowd reports carries "reports"
/// (as add_report_summaries adds it to the tree).
void write_nearest_json(std::string& out, const spatial::Snapshot& snap, const spatial::NearestQuery& q,
                        const std::vector<spatial::NearestHit>& hits, const StraightWalk& walk = {},
                        const ReportView* reports = nullptr);

/// Round to a number of decimals so the JSON stays short (59.913869, not 59.913868999999998).
double round_to(double v, int decimals);

}  // namespace rifugio::api
