#pragma once
// OGC API - Features Part 1 (Core, GeoJSON, OpenAPI 3.0) documents for the one
// collection "shelters". `base` is the absolute URL the client reached the
// server by ("http://host:8080", no trailing slash); links are absolute
// because some clients (GDAL) do not resolve relative ones.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/http.hpp"
#include "api/params.hpp"
#include "spatial/snapshot.hpp"

namespace rifugio::api::ogc {

inline constexpr std::string_view kCollectionId = "shelters";
inline constexpr std::string_view kGeoJson = "application/geo+json";
inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kOpenApi = "application/vnd.oai.openapi+json;version=3.0";

/// A shelter as a public GeoJSON Feature: id, Point [lon, lat] (null when the
/// location is unknown) and public properties only (no editor names, no
/// internal versions).
nlohmann::json feature(const Shelter& s);

nlohmann::json landing(std::string_view base);
nlohmann::json conformance();
/// The shelters collection, with the snapshot's extent when one is loaded.
nlohmann::json collection(std::string_view base, const spatial::Snapshot* snap);
nlohmann::json collections(std::string_view base, const spatial::Snapshot* snap);
/// One page of items. self/next/prev links repeat `params` with offset changed.
nlohmann::json items(std::string_view base, const spatial::Snapshot& snap, const ItemsQuery& q,
                     const QueryParams& params, UnixTime now);
/// A single feature with self and collection links.
nlohmann::json item(std::string_view base, const Shelter& s);
/// The OpenAPI 3.0 description of every endpoint (/v1/*, /ogc/*, health, metrics).
nlohmann::json openapi(std::string_view base);

}  // namespace rifugio::api::ogc
