#pragma once
// Country borders (ISO 3166-1 alpha-2) to check that an imported position
// lies in the country its list belongs to. Read with GDAL from the GeoJSON
// of the npm package @rapideditor/country-coder (generous maritime borders,
// so coastal and island shelters are inside).

#include <memory>
#include <string>
#include <vector>

#include "core/location.hpp"
#include "import/area.hpp"

namespace rifugio::import {

class Borders {
 public:
  /// @throws ParseError when the file cannot be read.
  explicit Borders(const std::string& geojson_path);
  ~Borders();
  Borders(const Borders&) = delete;
  Borders& operator=(const Borders&) = delete;

  /// True when `loc` lies inside the borders of country `code`.
  bool contains(const std::string& code, const Location& loc) const;
  /// The country code at `loc`, "" at sea or outside every border.
  std::string country_at(const Location& loc) const;
  /// True when the file names this country.
  bool knows(const std::string& code) const;

 private:
  struct Entry;
  std::vector<std::unique_ptr<Entry>> areas_;
};

}  // namespace rifugio::import
