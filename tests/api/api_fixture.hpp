#pragma once
// A small register for the API tests: shelters around Oslo with every status,
// kind and step-free value, two either side of the antimeridian (Fiji), one
// without a location and one retired.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/handler.hpp"
#include "spatial/snapshot.hpp"

namespace rifugio::api::test {

inline Shelter make_shelter(ShelterId id, std::string name, double lon, double lat) {
  Shelter s;
  s.id = id;
  s.name = std::move(name);
  s.address = "Street " + std::to_string(id);
  s.municipality = "Oslo";
  s.region = "Oslo";
  s.country = "NO";
  s.location = Location::from_lon_lat(lon, lat);
  s.capacity = 100;
  s.status = Status::open;
  s.step_free = StepFree::yes;
  s.status_by = "warden-7";  // must never be published
  s.created = s.updated = 1'700'000'000;
  return s;
}

inline std::vector<Shelter> sample_shelters() {
  std::vector<Shelter> v;
  v.push_back(make_shelter(1, "Jernbanetorget", 10.7522, 59.9111));
  v.push_back(make_shelter(2, "Stortinget", 10.7410, 59.9130));
  v.back().status = Status::closed;
  v.push_back(make_shelter(3, "Grønland", 10.7600, 59.9125));
  v.back().kind = Kind::bunker;
  v.back().step_free = StepFree::no;
  v.push_back(make_shelter(4, "Nationaltheatret", 10.7340, 59.9149));
  v.back().occupancy = 95;  // 5 free
  v.push_back(make_shelter(5, "Majorstuen", 10.7146, 59.9296));
  v.back().status = Status::full;
  v.push_back(make_shelter(6, "Tøyen", 10.7721, 59.9153));
  v.back().status = Status::unknown;
  v.back().capacity.reset();
  v.push_back(make_shelter(7, "Bærum Sandvika", 10.5240, 59.8910));
  v.back().municipality = "Bærum";
  v.back().kind = Kind::metro_station;
  v.push_back(make_shelter(8, "Suva West", 179.95, -18.0));
  v.back().municipality = "Suva";
  v.back().country = "FJ";
  v.push_back(make_shelter(9, "Taveuni East", -179.95, -16.8));
  v.back().municipality = "Taveuni";
  v.back().country = "FJ";
  v.push_back(make_shelter(10, "Needs location", 0, 0));
  v.back().location.reset();
  v.push_back(make_shelter(11, "Retired", 10.75, 59.91));
  v.back().retired = true;
  return v;
}

/// Shelters the snapshot publishes (not retired).
inline constexpr std::size_t kPublished = 10;
inline constexpr std::int64_t kRevision = 42;

inline std::shared_ptr<const spatial::Snapshot> sample_snapshot() {
  return spatial::Snapshot::build(kRevision, sample_shelters());
}

/// A GET with the headers a browser or curl would send.
inline Request get(std::string target, Headers extra = {}) {
  Request r{.method = "GET", .target = std::move(target)};
  r.headers = {{"Host", "shelters.test:8080"}};
  for (auto& h : extra) r.headers.push_back(std::move(h));
  return r;
}

inline nlohmann::json body_json(const Response& r) { return nlohmann::json::parse(r.body); }

}  // namespace rifugio::api::test
