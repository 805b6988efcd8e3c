#pragma once
// Read-only access to an MBTiles file (SQLite, https://github.com/mapbox/mbtiles-spec)
// of vector tiles, as `rifugio tiles build` writes them with tilemaker.
//
// Usage:
//   auto mb = tiles::MbTiles::open("var/oslo.mbtiles");
//   if (auto t = mb->tile(14, 8681, 4763)) ... *t is the tile as stored (gzip)
//
// Tile coordinates are XYZ (row 0 at the north, as MapLibre asks for them);
// MBTiles stores TMS rows (row 0 at the south): tile() flips them.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace rifugio::tiles {

class MbTiles {
 public:
  /// @throws InputError when the file is missing or is not an MBTiles file.
  static std::shared_ptr<const MbTiles> open(const std::string& path);
  ~MbTiles();
  MbTiles(const MbTiles&) = delete;
  MbTiles& operator=(const MbTiles&) = delete;

  /// The stored tile (gzip-compressed protobuf), or nullopt when there is none
  /// (out of range coordinates included). Thread-safe.
  std::optional<std::string> tile(int z, long x, long y) const;
  /// metadata table value, "" when absent (e.g. "minzoom", "maxzoom", "bounds", "format").
  std::string metadata(const std::string& name) const;
  const std::string& path() const { return path_; }

 private:
  MbTiles() = default;
  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* tile_stmt_ = nullptr;
  mutable std::mutex mutex_;  ///< one connection, one statement
};

}  // namespace rifugio::tiles
