#include "import/reader.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/osm_tags.hpp"
#include "import/text.hpp"

namespace rifugio::import {

const std::string* RawRecord::get(std::string_view name) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return &values[i];
  return nullptr;
}

void RawRecord::set(std::string name, std::string value) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) {
      values[i] = std::move(value);
      return;
    }
  names.push_back(std::move(name));
  values.push_back(std::move(value));
}

namespace {

void gdal_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);  // errors surface through return values
  });
}

std::optional<std::pair<double, double>> point_of(const OGRGeometry* g) {
  if (!g || g->IsEmpty()) return std::nullopt;
  if (auto t = wkbFlatten(g->getGeometryType()); t == wkbPoint) {
    auto p = g->toPoint();
    return std::pair{p->getX(), p->getY()};
  }
  OGRPoint c;
  if (g->Centroid(&c) != OGRERR_NONE || c.IsEmpty()) return std::nullopt;
  return std::pair{c.getX(), c.getY()};
}

// Google My Maps KML keeps attributes as "key: value<br>key: value".
void split_description(RawRecord& r, const std::string& field) {
  const std::string* d = r.get(field);
  if (!d) return;
  std::string text = *d;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find("<br>", pos);
    if (end == std::string::npos) end = text.size();
    std::string_view item(text.data() + pos, end - pos);
    if (auto colon = item.find(':'); colon != std::string_view::npos) {
      std::string key = clean_field_name(item.substr(0, colon));
      if (!key.empty()) r.set(key, std::string(item.substr(colon + 1)));
    }
    pos = end + 4;
  }
}

class GdalReader final : public RecordReader {
 public:
  GdalReader(const InputFile& file, const std::string& path) : file_(file), path_(path) {
    gdal_init();
    std::vector<const char*> oo;
    for (auto& o : file.open_options) oo.push_back(o.c_str());
    oo.push_back(nullptr);
    for (auto& [k, v] : file.config_options) CPLSetThreadLocalConfigOption(k.c_str(), v.c_str());
    ds_.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                oo.data(), nullptr));
    if (!ds_)
      throw ParseError(path, 0, "", fmt::format("cannot open as a vector dataset: {}", CPLGetLastErrorMsg()));
    for (int i = 0; i < ds_->GetLayerCount(); ++i) {
      OGRLayer* l = ds_->GetLayer(i);
      if (file.layer.empty() || file.layer == l->GetName()) layers_.push_back(l);
    }
    if (layers_.empty())
      throw ParseError(path, 0, "", fmt::format("no layer named '{}'", file.layer));
  }

  // Drivers read some options lazily (XLSX headers), so they stay set while reading.
  ~GdalReader() override {
    for (auto& [k, v] : file_.config_options) CPLSetThreadLocalConfigOption(k.c_str(), nullptr);
  }

  std::int64_t size_hint() override {
    std::int64_t n = 0;
    for (auto* l : layers_) {
      auto c = l->GetFeatureCount(FALSE);
      if (c < 0) return -1;
      n += c;
    }
    return n;
  }

  bool next(RawRecord& r) override {
    while (layer_ < layers_.size()) {
      OGRLayer* l = layers_[layer_];
      if (!started_) {
        l->ResetReading();
        start_layer(l);
        started_ = true;
      }
      std::unique_ptr<OGRFeature> f(l->GetNextFeature());
      if (!f) {
        ++layer_;
        started_ = false;
        continue;
      }
      ++number_;
      r.number = number_;
      // The caller reuses `r`: copy the field names only when they change.
      if (r.layer != l->GetName() || r.names != names_) {
        r.layer = l->GetName();
        r.names = names_;
      }
      r.values.resize(names_.size());
      for (int i = 0; i < static_cast<int>(names_.size()); ++i)
        r.values[i] = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "";
      r.xy = point_of(f->GetGeometryRef());
      r.geometry_crs = crs_;
      if (!file_.description_field.empty()) split_description(r, file_.description_field);
      return true;
    }
    return false;
  }

 private:
  void start_layer(OGRLayer* l) {
    OGRFeatureDefn* d = l->GetLayerDefn();
    names_.clear();
    for (int i = 0; i < d->GetFieldCount(); ++i)
      names_.push_back(clean_field_name(d->GetFieldDefn(i)->GetNameRef()));
    crs_.clear();
    if (const OGRSpatialReference* srs = l->GetSpatialRef()) {
      char* wkt = nullptr;
      srs->exportToWkt(&wkt);
      crs_ = wkt ? wkt : "";
      CPLFree(wkt);
    }
  }

  struct Close {
    void operator()(GDALDataset* d) const { GDALClose(d); }
  };
  InputFile file_;
  std::string path_;
  std::unique_ptr<GDALDataset, Close> ds_;
  std::vector<OGRLayer*> layers_;
  std::size_t layer_ = 0;
  bool started_ = false;
  std::int64_t number_ = 0;
  std::vector<std::string> names_;
  std::string crs_;
};

// A JSON array of flat objects (the shape most apps and scrapers export).
class JsonArrayReader final : public RecordReader {
 public:
  JsonArrayReader(const std::string& path) : path_(path) {
    std::ifstream in(path);
    if (!in) throw ParseError(path, 0, "", "cannot open file");
    try {
      doc_ = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw ParseError(path, 0, "", fmt::format("not valid JSON: {}", e.what()));
    }
    if (!doc_.is_array()) throw ParseError(path, 0, "", "expected a JSON array of records");
  }
  std::int64_t size_hint() override { return static_cast<std::int64_t>(doc_.size()); }
  bool next(RawRecord& r) override {
    if (i_ >= doc_.size()) return false;
    const auto& item = doc_[i_++];
    r = RawRecord{};
    r.number = static_cast<std::int64_t>(i_);
    if (!item.is_object())
      throw ParseError(path_, r.number, "", "record is not a JSON object");
    for (auto& [k, v] : item.items())
      r.set(clean_field_name(k), v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump());
    return true;
  }

 private:
  std::string path_;
  nlohmann::json doc_;
  std::size_t i_ = 0;
};

// OpenStreetMap through GDAL's OSM driver: points and multipolygons whose
// tags describe a protective shelter, keyed "node/ID", "way/ID" or "relation/ID".
class OsmReader final : public RecordReader {
 public:
  OsmReader(const InputFile& file, const std::string& path) {
    InputFile f = file;
    f.open_options.push_back("INTERLEAVED_READING=NO");
    inner_ = std::make_unique<GdalReader>(f, path);
  }
  std::int64_t size_hint() override { return -1; }
  bool next(RawRecord& r) override {
    while (inner_->next(r)) {
      if (r.layer != "points" && r.layer != "multipolygons") continue;
      OsmTags tags = parse_tags(r);
      if (!is_protective_shelter(tags)) continue;
      std::string key;
      if (auto id = r.get("osm_id"); id && !id->empty())
        key = (r.layer == "points" ? "node/" : "relation/") + *id;
      else if (auto way = r.get("osm_way_id"); way && !way->empty())
        key = "way/" + *way;
      r.set("osm_key", key);
      for (auto& [k, v] : tags) r.set("tag:" + k, v);
      return true;
    }
    return false;
  }

 private:
  static OsmTags parse_tags(const RawRecord& r) {
    OsmTags tags;
    for (std::size_t i = 0; i < r.names.size(); ++i)
      if (r.names[i] != "other_tags" && r.names[i] != "osm_id" && r.names[i] != "osm_way_id" &&
          !r.values[i].empty())
        tags[r.names[i]] = r.values[i];
    // other_tags is an hstore literal: "k"=>"v","k2"=>"v2"
    if (auto other = r.get("other_tags")) {
      const std::string& s = *other;
      std::size_t i = 0;
      auto quoted = [&](std::string& out) {
        if (i >= s.size() || s[i] != '"') return false;
        for (++i; i < s.size() && s[i] != '"'; ++i) {
          if (s[i] == '\\' && i + 1 < s.size()) ++i;
          out += s[i];
        }
        ++i;
        return true;
      };
      while (i < s.size()) {
        std::string k, v;
        if (!quoted(k) || s.compare(i, 2, "=>") != 0) break;
        i += 2;
        if (!quoted(v)) break;
        tags[k] = v;
        if (i < s.size() && s[i] == ',') ++i;
      }
    }
    return tags;
  }
  std::unique_ptr<GdalReader> inner_;
};

}  // namespace

std::unique_ptr<RecordReader> open_reader(const InputFile& file, const std::string& path) {
  if (file.format == "json-array") return std::make_unique<JsonArrayReader>(path);
  if (file.format == "osm") return std::make_unique<OsmReader>(file, path);
  return std::make_unique<GdalReader>(file, path);
}

}  // namespace rifugio::import
