#include "import/borders.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_api.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include "core/error.hpp"

namespace rifugio::import {

struct Borders::Entry {
  std::string code;
  import::Area area;
};

Borders::Borders(const std::string& path) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(
      GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds || ds->GetLayerCount() < 1)
    throw ParseError(path, 0, "", "cannot read country borders (run the set-up: npm ci in web/)");
  OGRLayer* layer = ds->GetLayer(0);
  for (auto& f : *layer) {
    const OGRGeometry* g = f->GetGeometryRef();
    if (!g || g->IsEmpty()) continue;  // groupings without a shape of their own
    int country = f->GetFieldIndex("country");
    int iso = f->GetFieldIndex("iso1A2");
    std::string code;
    if (country >= 0 && f->IsFieldSetAndNotNull(country)) code = f->GetFieldAsString(country);
    else if (iso >= 0 && f->IsFieldSetAndNotNull(iso)) code = f->GetFieldAsString(iso);
    if (code.empty()) continue;
    areas_.push_back(std::make_unique<Entry>(Entry{code, Area(*g)}));
  }
  if (areas_.empty()) throw ParseError(path, 0, "", "no country borders found in the file");
}

Borders::~Borders() = default;

bool Borders::contains(const std::string& code, const Location& loc) const {
  for (auto& a : areas_)
    if (a->code == code && a->area.contains(loc)) return true;
  return false;
}

std::string Borders::country_at(const Location& loc) const {
  for (auto& a : areas_)
    if (a->area.contains(loc)) return a->code;
  return "";
}

bool Borders::knows(const std::string& code) const {
  for (auto& a : areas_)
    if (a->code == code) return true;
  return false;
}

}  // namespace rifugio::import
