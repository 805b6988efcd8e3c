#include "api/ogc.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "api/nearest_json.hpp"

namespace rifugio::api::ogc {

namespace {

using nlohmann::json;

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json link(std::string href, std::string_view rel, std::string_view type, std::string_view title = {}) {
  json l = {{"href", std::move(href)}, {"rel", rel}, {"type", type}};
  if (!title.empty()) l["title"] = title;
  return l;
}

std::string collection_url(std::string_view base) { return fmt::format("{}/ogc/collections/{}", base, kCollectionId); }

/// Spatial extent of the located shelters; the whole world when there are none.
json extent(const spatial::Snapshot* snap) {
  double w = 180, s = 90, e = -180, n = -90;
  if (snap)
    for (const Shelter& sh : snap->shelters())
      if (sh.location) {
        w = std::min(w, sh.location->lon), e = std::max(e, sh.location->lon);
        s = std::min(s, sh.location->lat), n = std::max(n, sh.location->lat);
      }
  if (w > e) w = -180, s = -90, e = 180, n = 90;
  return {{"spatial",
           {{"bbox", json::array({json::array({w, s, e, n})})}, {"crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}}};
}

std::string items_url(std::string_view base, const QueryParams& params, std::optional<std::size_t> offset) {
  QueryParams q;
  for (const auto& p : params)
    if (p.first != "offset") q.push_back(p);
  if (offset && *offset > 0) q.emplace_back("offset", std::to_string(*offset));
  std::string query = format_query(q);
  return collection_url(base) + "/items" + (query.empty() ? "" : "?" + query);
}

}  // namespace

json feature(const Shelter& s) {
  json geom = nullptr;
  if (s.location)
    geom = {{"type", "Point"}, {"coordinates", {round_to(s.location->lon, 7), round_to(s.location->lat, 7)}}};
  json props = {{"name", s.name},
                {"address", s.address},
                {"municipality", s.municipality},
                {"region", s.region},
                {"country", s.country},
                {"capacity", opt(s.capacity)},
                {"occupancy", opt(s.occupancy)},
                {"kind", to_string(s.kind)},
                {"step_free", to_string(s.step_free)},
                {"status", to_string(s.status)},
                {"status_time", s.status_time ? json(format_time(s.status_time)) : json(nullptr)},
                {"opening_hours", s.opening_hours},
                {"source", s.source},
                {"licence", s.licence},
                {"updated", s.updated ? json(format_time(s.updated)) : json(nullptr)}};
  return {{"type", "Feature"}, {"id", s.id}, {"geometry", std::move(geom)}, {"properties", std::move(props)}};
}

json landing(std::string_view base) {
  return {{"title", "Rifugio: public shelters"},
          {"description", "The national register of public shelters as OGC API - Features."},
          {"links",
           {link(fmt::format("{}/ogc", base), "self", kJson, "This document"),
            link(fmt::format("{}/ogc/api", base), "service-desc", kOpenApi, "The API definition (OpenAPI 3.0)"),
            link(fmt::format("{}/ogc/conformance", base), "conformance", kJson, "Conformance classes"),
            link(fmt::format("{}/ogc/collections", base), "data", kJson, "Collections")}}};
}

json conformance() {
  return {{"conformsTo",
           {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"}}};
}

json collection(std::string_view base, const spatial::Snapshot* snap) {
  std::string url = collection_url(base);
  return {{"id", kCollectionId},
          {"title", "Public shelters"},
          {"description", "Every public shelter of the register that is not retired."},
          {"itemType", "feature"},
          {"crs", {"http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
          {"extent", extent(snap)},
          {"links",
           {link(url, "self", kJson, "This collection"),
            link(url + "/items", "items", kGeoJson, "Shelters as GeoJSON")}}};
}

json collections(std::string_view base, const spatial::Snapshot* snap) {
  return {{"links", {link(fmt::format("{}/ogc/collections", base), "self", kJson, "This document")}},
          {"collections", {collection(base, snap)}}};
}

json items(std::string_view base, const spatial::Snapshot& snap, const ItemsQuery& q, const QueryParams& params,
           UnixTime now) {
  json features = json::array();
  std::size_t matched = 0;
  auto take = [&](const Shelter& s) {
    if (!q.matches(s)) return;
    if (matched >= q.offset && matched < q.offset + q.limit) features.push_back(feature(s));
    ++matched;
  };
  if (q.bbox) {
    for (const Shelter* s : snap.in_bbox(*q.bbox)) take(*s);
  } else {
    for (const Shelter& s : snap.shelters()) take(s);
  }
  json links = {link(items_url(base, params, q.offset), "self", kGeoJson, "This page"),
                link(collection_url(base), "collection", kJson, "The collection")};
  if (q.offset + q.limit < matched)
    links.push_back(link(items_url(base, params, q.offset + q.limit), "next", kGeoJson, "Next page"));
  if (q.offset > 0)
    links.push_back(link(items_url(base, params, q.offset > q.limit ? q.offset - q.limit : 0), "prev", kGeoJson,
                         "Previous page"));
  std::size_t returned = features.size();
  return {{"type", "FeatureCollection"},
          {"timeStamp", format_time(now)},
          {"numberMatched", matched},
          {"numberReturned", returned},
          {"features", std::move(features)},
          {"links", std::move(links)}};
}

json item(std::string_view base, const Shelter& s) {
  json f = feature(s);
  std::string url = collection_url(base);
  f["links"] = {link(fmt::format("{}/items/{}", url, s.id), "self", kGeoJson, "This shelter"),
                link(url, "collection", kJson, "The collection")};
  return f;
}

json openapi(std::string_view base) {
  // Written once as JSON text: easier to read and diff than builder calls.
  static const json kDoc = json::parse(R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "Rifugio",
    "version": "1",
    "description": "Nearest public shelters and the public shelter register (OGC API - Features). Errors are application/problem+json (RFC 9457); see docs/http.md for the error table."
  },
  "paths": {
    "/v1/nearest": {
      "get": {
        "summary": "The k nearest shelters to a point",
        "operationId": "nearest",
        "parameters": [
          {"name": "lat", "in": "query", "required": true, "schema": {"type": "number", "minimum": -90, "maximum": 90}, "description": "Latitude, degrees (WGS84)"},
          {"name": "lon", "in": "query", "required": true, "schema": {"type": "number", "minimum": -180, "maximum": 180}, "description": "Longitude, degrees (WGS84)"},
          {"name": "k", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 5}},
          {"name": "open", "in": "query", "schema": {"type": "boolean", "default": false}, "description": "Only shelters whose status is open or unknown"},
          {"name": "min_free", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "At least this many free places (capacity - occupancy); not full"},
          {"name": "step_free", "in": "query", "schema": {"type": "boolean", "default": false}, "description": "Only shelters with step-free access"},
          {"name": "kind", "in": "query", "schema": {"$ref": "#/components/schemas/Kind"}},
          {"name": "max_distance", "in": "query", "schema": {"type": "number", "exclusiveMinimum": true, "minimum": 0}, "description": "Metres along the surface"},
          {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["straight", "walking"], "default": "straight"}, "description": "Rank by straight line or by walking on the street network (walk.basis and walk.fallback say which was used)"},
          {"name": "within", "in": "query", "schema": {"type": "number", "minimum": 1, "maximum": 86400}, "description": "Seconds: only shelters reachable on foot in that time; none_in_reach says when none is"},
          {"name": "speed_kmh", "in": "query", "schema": {"type": "number", "minimum": 1, "maximum": 20, "default": 5}, "description": "Walking speed"}
        ],
        "responses": {
          "200": {"description": "Nearest first", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NearestResponse"}}}},
          "400": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Problem"}
        }
      }
    },
    "/v1/route": {
      "get": {
        "summary": "The walking route from a point to one shelter (GeoJSON LineString); straight line, marked, when no walk can be computed",
        "operationId": "route",
        "parameters": [
          {"name": "from", "in": "query", "required": true, "schema": {"type": "string"}, "description": "lat,lon in degrees (WGS84)"},
          {"name": "to", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 1}, "description": "Shelter id"},
          {"name": "step_free", "in": "query", "schema": {"type": "boolean", "default": false}, "description": "Avoid steps and wheelchair=no ways"},
          {"name": "speed_kmh", "in": "query", "schema": {"type": "number", "minimum": 1, "maximum": 20, "default": 5}}
        ],
        "responses": {
          "200": {"description": "The route", "content": {"application/json": {"schema": {"type": "object"}}}},
          "400": {"$ref": "#/components/responses/Problem"},
          "404": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Problem"}
        }
      }
    },
    "/v1/snapshot": {
      "get": {
        "summary": "The whole public register for offline use, signed (docs/snapshot-format.md)",
        "operationId": "snapshot",
        "parameters": [{"name": "If-None-Match", "in": "header", "schema": {"type": "string"}, "description": "The ETag of the copy the client holds: \"<revision>\""}],
        "responses": {
          "200": {"description": "One line of JSON; the Rifugio-Signature header is the base64 Ed25519 signature of the uncompressed body",
                  "headers": {"ETag": {"schema": {"type": "string"}}, "Rifugio-Signature": {"schema": {"type": "string"}}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Snapshot"}}}},
          "304": {"description": "The client's copy is current"},
          "404": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Problem"}
        }
      }
    },
    "/v1/snapshot/key": {"get": {"summary": "The Ed25519 public key that signs /v1/snapshot", "operationId": "snapshotKey", "responses": {"200": {"description": "The key", "content": {"application/json": {"schema": {"type": "object", "properties": {"algorithm": {"type": "string", "enum": ["Ed25519"]}, "public_key": {"type": "string", "description": "base64, 32 bytes"}}}}}}, "404": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/shelters/{id}/reports": {
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}],
      "get": {"summary": "What people reported about a shelter: per kind, distinct people and the newest report (open, unexpired, newer than its last status change)", "operationId": "shelterReports", "responses": {"200": {"description": "The summary", "content": {"application/json": {"schema": {"type": "object", "properties": {"shelter": {"type": "integer"}, "summary": {"$ref": "#/components/schemas/ReportSummary"}, "ttl_s": {"type": "integer"}}}}}}, "404": {"$ref": "#/components/responses/Problem"}}},
      "post": {"summary": "Report a shelter locked, full, damaged or flooded, or open (public; rate limited per client and shelter, docs/http.md)", "operationId": "reportShelter", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["kind"], "properties": {"kind": {"$ref": "#/components/schemas/ReportKind"}, "note": {"type": "string", "maxLength": 280, "description": "Seen by the shelter's warden and editors only; no control characters"}}}}}}, "responses": {"202": {"description": "Accepted", "content": {"application/json": {"schema": {"type": "object", "properties": {"report": {"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"$ref": "#/components/schemas/ReportKind"}, "time": {"type": "string", "format": "date-time"}}}, "summary": {"$ref": "#/components/schemas/ReportSummary"}}}}}}, "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}, "429": {"$ref": "#/components/responses/Problem"}}}
    },
    "/v1/events": {"get": {"summary": "Live updates: status changes and new revisions as Server-Sent Events (docs/http.md)", "operationId": "events", "parameters": [{"name": "since", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "The revision the client is at; when it is not the current one, the stream starts with a revision event (refetch)"}, {"name": "Last-Event-ID", "in": "header", "schema": {"type": "string"}, "description": "Sent by EventSource when it reconnects; wins over since"}], "responses": {"200": {"description": "A stream of `status` and `revision` events (id = revision) and `: ping` comments every 15 s", "content": {"text/event-stream": {"schema": {"type": "string"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "429": {"$ref": "#/components/responses/Problem"}, "503": {"$ref": "#/components/responses/Problem"}}}},
    "/healthz": {"get": {"summary": "Liveness: the process answers", "operationId": "healthz", "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/readyz": {"get": {"summary": "Readiness: a snapshot is loaded", "operationId": "readyz", "responses": {"200": {"description": "Ready", "content": {"application/json": {"schema": {"type": "object"}}}}, "503": {"$ref": "#/components/responses/Problem"}}}},
    "/metrics": {"get": {"summary": "Prometheus metrics", "operationId": "metrics", "responses": {"200": {"description": "Text format 0.0.4", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    "/": {"get": {"summary": "Landing page", "operationId": "getLandingPage", "tags": ["Capabilities"], "responses": {"200": {"description": "Links to the API definition, conformance and collections", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Links"}}}}}}},
    "/conformance": {"get": {"summary": "Conformance classes", "operationId": "getConformanceDeclaration", "tags": ["Capabilities"], "responses": {"200": {"description": "Conformance classes", "content": {"application/json": {"schema": {"type": "object", "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}}}}}}}}},
    "/api": {"get": {"summary": "This API definition", "operationId": "getApi", "tags": ["Capabilities"], "responses": {"200": {"description": "OpenAPI 3.0", "content": {"application/vnd.oai.openapi+json;version=3.0": {"schema": {"type": "object"}}}}}}},
    "/collections": {"get": {"summary": "Feature collections", "operationId": "getCollections", "tags": ["Capabilities"], "responses": {"200": {"description": "The shelters collection", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/collections/shelters": {"get": {"summary": "The shelters collection", "operationId": "describeCollection", "tags": ["Capabilities"], "responses": {"200": {"description": "Collection metadata", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"$ref": "#/components/responses/Problem"}}}},
    "/collections/shelters/items": {
      "get": {
        "summary": "Shelters, paged by offset",
        "operationId": "getFeatures",
        "tags": ["Data"],
        "parameters": [
          {"name": "bbox", "in": "query", "style": "form", "explode": false, "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}, "description": "minLon,minLat,maxLon,maxLat (CRS84); minLon > maxLon crosses the antimeridian"},
          {"name": "limit", "in": "query", "style": "form", "explode": false, "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}},
          {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
          {"name": "datetime", "in": "query", "schema": {"type": "string"}, "description": "Accepted and ignored: shelters have no time extent"},
          {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/Status"}},
          {"name": "kind", "in": "query", "schema": {"$ref": "#/components/schemas/Kind"}},
          {"name": "step_free", "in": "query", "schema": {"type": "string", "enum": ["unknown", "yes", "limited", "no"]}},
          {"name": "municipality", "in": "query", "schema": {"type": "string"}},
          {"name": "region", "in": "query", "schema": {"type": "string"}},
          {"name": "country", "in": "query", "schema": {"type": "string"}, "description": "ISO 3166-1 alpha-2"}
        ],
        "responses": {
          "200": {"description": "A page of shelters", "content": {"application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}}},
          "400": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Problem"}
        }
      }
    },
    "/collections/shelters/items/{featureId}": {
      "get": {
        "summary": "One shelter",
        "operationId": "getFeature",
        "tags": ["Data"],
        "parameters": [{"name": "featureId", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}],
        "responses": {
          "200": {"description": "The shelter", "content": {"application/geo+json": {"schema": {"$ref": "#/components/schemas/Feature"}}}},
          "404": {"$ref": "#/components/responses/Problem"}
        }
      }
    }
  },
  "components": {
    "responses": {
      "Problem": {"description": "An error (RFC 9457)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    },
    "schemas": {
      "Kind": {"type": "string", "enum": ["public_shelter", "bunker", "protected_basement", "metro_station", "parking", "other"]},
      "Status": {"type": "string", "enum": ["unknown", "open", "closed", "full"]},
      "Problem": {"type": "object", "required": ["type", "title", "status", "code"], "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}, "code": {"type": "string"}, "parameter": {"type": "string"}}},
      "Links": {"type": "object", "properties": {"links": {"type": "array", "items": {"type": "object", "required": ["href", "rel"], "properties": {"href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"}, "title": {"type": "string"}}}}}},
      "NearestHit": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "address": {"type": "string"},
        "location": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2, "description": "[lon, lat]"},
        "distance_m": {"type": "number"}, "bearing_deg": {"type": "number"},
        "walk_s": {"type": "integer", "description": "Straight-line estimate at 5 km/h (1.389 m/s), not a route"},
        "capacity": {"type": "integer", "nullable": true}, "status": {"$ref": "#/components/schemas/Status"},
        "step_free": {"type": "string"}, "kind": {"$ref": "#/components/schemas/Kind"}, "occupancy": {"type": "integer", "nullable": true},
        "reports": {"$ref": "#/components/schemas/ReportSummary"}}},
      "ReportKind": {"type": "string", "enum": ["locked", "full", "damaged", "open"]},
      "ReportSummary": {"type": "object", "description": "Crowd reports that count, by kind; only kinds with any (on a nearest hit: only when there are any)", "additionalProperties": {"type": "object", "properties": {"count": {"type": "integer", "description": "Distinct people"}, "newest": {"type": "string", "format": "date-time"}, "age_s": {"type": "integer"}}}},
      "NearestResponse": {"type": "object", "properties": {
        "revision": {"type": "integer"}, "origin": {"type": "array", "items": {"type": "number"}, "description": "[lon, lat]"},
        "walk": {"type": "object", "properties": {"speed_mps": {"type": "number"}, "basis": {"type": "string"}}},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/NearestHit"}}}},
      "Snapshot": {"type": "object", "required": ["format", "revision", "generated", "columns", "rows"], "properties": {
        "format": {"type": "string", "enum": ["rifugio-snapshot/1"]}, "revision": {"type": "integer"},
        "generated": {"type": "string", "format": "date-time"},
        "columns": {"type": "array", "items": {"type": "string"}},
        "rows": {"type": "array", "items": {"type": "array", "items": {}}, "description": "One array per shelter, values in the order of columns"}}},
      "Feature": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
        "type": {"type": "string", "enum": ["Feature"]}, "id": {"type": "integer"},
        "geometry": {"type": "object", "nullable": true}, "properties": {"type": "object"}}},
      "FeatureCollection": {"type": "object", "required": ["type", "features"], "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"$ref": "#/components/schemas/Feature"}},
        "numberMatched": {"type": "integer"}, "numberReturned": {"type": "integer"}, "timeStamp": {"type": "string"},
        "links": {"type": "array", "items": {"type": "object"}}}}
    }
  }
})json");
  // OGC paths are relative to the landing page (clients such as GDAL look up
  // "/collections/{id}/items"); the other endpoints name their own server.
  json doc = kDoc;
  doc["servers"] = {{{"url", fmt::format("{}/ogc", base)}}};
  for (auto& [path, item] : doc["paths"].items())
    if (!path.starts_with("/collections") && path != "/" && path != "/conformance" && path != "/api")
      item["servers"] = {{{"url", std::string(base)}}};
  return doc;
}

}  // namespace rifugio::api::ogc
