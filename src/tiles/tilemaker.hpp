#pragma once
// Base-map tiles from an OSM extract: runs tilemaker (Debian `tilemaker`)
// with the layer config and Lua script in src/tiles/resources, writing
// MBTiles that `rifugio serve --tiles FILE` serves at /tiles/{z}/{x}/{y}.pbf.
//
// Layers (zoom 6..14): water, landuse (incl. parks, forest), building,
// transportation (class = motorway..footway, steps, path; railway),
// place (name, class). Style: resources/style.json.

#include <string>

namespace rifugio::tiles {

struct TilesOptions {
  /// Folder with config.json, process.lua, style.json. DEFAULT: the source
  /// tree's src/tiles/resources, or env RIFUGIO_TILES_RESOURCES.
  std::string resources;
  /// The tilemaker program. DEFAULT: "tilemaker" on PATH.
  std::string tilemaker = "tilemaker";
  bool quiet = false;  ///< hide tilemaker's output
};

/// The resources folder in effect (options, env, then the build-time default).
std::string resources_dir(const TilesOptions& opt = {});

/// @throws InputError when tilemaker is missing, fails, or writes nothing.
void build_tiles(const std::string& osm_path, const std::string& mbtiles_path, const TilesOptions& opt = {});

}  // namespace rifugio::tiles
