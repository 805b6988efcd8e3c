#include "api/nearest_json.hpp"

#include <cmath>

namespace rifugio::api {

double round_to(double v, int decimals) {
  double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

namespace {
template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json nearest_hit_json(const spatial::NearestHit& hit) {
  const Shelter& s = *hit.shelter;
  nlohmann::json loc = nullptr;
  if (s.location) loc = {round_to(s.location->lon, 6), round_to(s.location->lat, 6)};
  return {{"id", s.id},
          {"name", s.name},
          {"address", s.address},
          {"location", loc},
          {"distance_m", round_to(hit.distance_m, 1)},
          {"bearing_deg", round_to(hit.bearing_deg, 1)},
          {"walk_s", static_cast<std::int64_t>(std::ceil(hit.distance_m / kWalkSpeedMps))},
          {"capacity", opt(s.capacity)},
          {"status", to_string(s.status)},
          {"step_free", to_string(s.step_free)},
          {"kind", to_string(s.kind)},
          {"occupancy", opt(s.occupancy)}};
}

nlohmann::json nearest_json(const spatial::Snapshot& snap, const spatial::NearestQuery& q,
                            const std::vector<spatial::NearestHit>& hits) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& h : hits) results.push_back(nearest_hit_json(h));
  return {{"revision", snap.revision()},
          {"origin", {round_to(q.origin.lon, 6), round_to(q.origin.lat, 6)}},
          {"walk", {{"speed_mps", kWalkSpeedMps}, {"basis", "straight-line"}}},
          {"results", std::move(results)}};
}

}  // namespace rifugio::api
