#pragma once
// Query-string parsing for the endpoints: pure functions from decoded
// parameters to a plain struct, or an ApiError naming the parameter.
//
// Usage:
//   Target t = parse_target("/v1/nearest?lat=59.91&lon=10.75&k=3&open=true");
//   spatial::NearestQuery q = parse_nearest_query(t.query);  // q.k == 3, q.open_only

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "api/http.hpp"
#include "core/shelter.hpp"
#include "spatial/snapshot.hpp"

namespace rifugio::api {

inline constexpr std::uint32_t kDefaultNearestK = 5;
inline constexpr std::uint32_t kMaxNearestK = 100;

/// GET /v1/nearest parameters:
///   lat, lon      required, degrees (WGS84), finite and in range
///   k             DEFAULT: 5; 1..100
///   open          true|false, DEFAULT: false. true keeps status open or unknown
///   min_free      integer >= 0: at least that many free places (not full)
///   step_free     true|false, DEFAULT: false. true keeps step_free=yes only
///   kind          public_shelter|bunker|protected_basement|metro_station|parking|other
///   max_distance  metres, > 0
///   by, within, speed_kmh  accepted here, read by parse_walk_params
/// @throws ApiError (missing_parameter, invalid_parameter, unknown_parameter)
spatial::NearestQuery parse_nearest_query(const QueryParams& params);

/// How /v1/nearest and /v1/route measure the walk.
struct WalkParams {
  bool walking = false;             ///< by=walking (DEFAULT: by=straight)
  std::optional<double> within_s;   ///< within=SECONDS, 1..86400: only shelters reachable in that time
  double speed_mps = 1.389;         ///< speed_kmh=1..20, DEFAULT: 5 km/h (kWalkSpeedMps)
};
/// by, within and speed_kmh of a query whose names were already checked.
/// @throws ApiError (invalid_parameter)
WalkParams parse_walk_params(const QueryParams& params);

/// GET /v1/route parameters: from=lat,lon (required), to=SHELTER_ID
/// (required), step_free=true|false (DEFAULT: false: the route may use
/// steps), speed_kmh. @throws ApiError naming the parameter.
struct RouteQuery {
  Location from;
  ShelterId to = 0;
  bool step_free = false;
  WalkParams walk;  ///< walking is always true; within unused
};
RouteQuery parse_route_query(const QueryParams& params);

inline constexpr std::size_t kDefaultItemsLimit = 100;
inline constexpr std::size_t kMaxItemsLimit = 10000;

/// GET /ogc/collections/shelters/items parameters (OGC API - Features Part 1).
struct ItemsQuery {
  std::optional<spatial::BBox> bbox;  ///< west,south,east,north; west > east crosses the antimeridian
  std::size_t limit = kDefaultItemsLimit;  ///< DEFAULT: 100; 1..10000
  std::size_t offset = 0;                  ///< DEFAULT: 0; features to skip (paging)
  // Property filters: exact match; empty or nullopt means any.
  std::optional<Status> status;
  std::optional<Kind> kind;
  std::optional<StepFree> step_free;
  std::string municipality;
  std::string region;
  std::string country;  ///< ISO 3166-1 alpha-2, compared case-insensitively

  /// True when the shelter passes the property filters (not the bbox).
  [[nodiscard]] bool matches(const Shelter& s) const;
};

/// Parse items parameters. bbox is "minLon,minLat,maxLon,maxLat" (a 6-number
/// 3D box is accepted and its heights ignored); datetime is validated and
/// ignored (shelters have no time extent); f=json|geojson is accepted.
/// @throws ApiError naming the parameter.
ItemsQuery parse_items_query(const QueryParams& params);

/// Parse a positive shelter id from a path segment; nullopt when not one.
std::optional<ShelterId> parse_shelter_id(std::string_view segment);

}  // namespace rifugio::api
