#include "import/area.hpp"

#include <fmt/format.h>
#include <cpl_error.h>
#include <ogr_api.h>
#include <ogr_geometry.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace rifugio::import {

struct Area::Impl {
  std::unique_ptr<OGRGeometry> geometry;
  OGREnvelope envelope;
  OGRPreparedGeometryUniquePtr prepared{nullptr};
};

Area::Area(const OGRGeometry& g) : impl_(std::make_unique<Impl>()) {
  impl_->geometry.reset(g.clone());
  impl_->geometry->getEnvelope(&impl_->envelope);
  impl_->prepared.reset(OGRCreatePreparedGeometry(OGRGeometry::ToHandle(impl_->geometry.get())));
}

Area::~Area() = default;
Area::Area(Area&&) noexcept = default;
Area& Area::operator=(Area&&) noexcept = default;

bool Area::contains(const Location& l) const {
  const OGREnvelope& e = impl_->envelope;
  if (l.lon < e.MinX || l.lon > e.MaxX || l.lat < e.MinY || l.lat > e.MaxY) return false;
  OGRPoint p(l.lon, l.lat);
  // A prepared geometry (GEOS) when GDAL has it.
  if (impl_->prepared) return OGRPreparedGeometryContains(impl_->prepared.get(), OGRGeometry::ToHandle(&p));
  return impl_->geometry->Contains(&p);
}

std::string Area::geojson() const {
  char* text = impl_->geometry->exportToJson();
  std::string out = text ? text : "";
  CPLFree(text);
  // GDAL pretty-prints; store one compact line.
  return nlohmann::json::parse(out).dump();
}

Area Area::from_geojson(std::string_view text) {
  using nlohmann::json;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError("area: not a GeoJSON object");
  if (auto crs = j.find("crs"); crs != j.end()) {
    const std::string name = crs->value("properties", json::object()).value("name", "");
    if (name.find("CRS84") == std::string::npos && name.find("4326") == std::string::npos)
      throw InputError(fmt::format("area: coordinates must be WGS84 longitude, latitude (RFC 7946), not {}",
                                   name.empty() ? crs->dump() : name));
  }
  const std::string type = j.value("type", "");
  if (type == "FeatureCollection") {
    const json& features = j["features"];
    if (!features.is_array() || features.size() != 1)
      throw InputError("area: a FeatureCollection must hold exactly one Feature (merge the areas into one MultiPolygon)");
    j = features[0];
  }
  if (j.value("type", "") == "Feature") j = j["geometry"];
  const std::string gtype = j.is_object() ? j.value("type", "") : "";
  if (gtype != "Polygon" && gtype != "MultiPolygon")
    throw InputError(fmt::format("area: expected a Polygon or MultiPolygon, got {}",
                                 gtype.empty() ? std::string("no geometry") : gtype));
  std::unique_ptr<OGRGeometry> g(OGRGeometryFactory::createFromGeoJson(j.dump().c_str()));
  if (!g || g->IsEmpty()) throw InputError(fmt::format("area: the {} has no valid rings", gtype));
  OGREnvelope e;
  g->getEnvelope(&e);
  if (e.MinX < -180 || e.MaxX > 180 || e.MinY < -90 || e.MaxY > 90)
    throw InputError(fmt::format("area: coordinates out of range (longitude {}..{}, latitude {}..{}): expected "
                                 "WGS84 [longitude, latitude] in degrees",
                                 e.MinX, e.MaxX, e.MinY, e.MaxY));
  CPLPushErrorHandler(CPLQuietErrorHandler);  // GEOS explains on stderr; the exception says it
  const bool valid = g->IsValid();
  CPLPopErrorHandler();
  if (!valid)
    throw InputError(fmt::format("area: the {} is not valid (a ring crosses itself or is not closed)", gtype));
  return Area(*g);
}

}  // namespace rifugio::import
