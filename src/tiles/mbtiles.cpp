#include "tiles/mbtiles.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

namespace rifugio::tiles {

std::shared_ptr<const MbTiles> MbTiles::open(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw InputError(fmt::format("{}: no such MBTiles file", path));
  std::shared_ptr<MbTiles> m(new MbTiles());
  m->path_ = path;
  if (sqlite3_open_v2(path.c_str(), &m->db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
    throw InputError(fmt::format("{}: cannot open: {}", path, sqlite3_errmsg(m->db_)));
  if (sqlite3_prepare_v2(m->db_, "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                         -1, &m->tile_stmt_, nullptr) != SQLITE_OK)
    throw InputError(fmt::format("{}: not an MBTiles file (no tiles table): {}", path, sqlite3_errmsg(m->db_)));
  return m;
}

MbTiles::~MbTiles() {
  sqlite3_finalize(tile_stmt_);
  sqlite3_close(db_);
}

std::optional<std::string> MbTiles::tile(int z, long x, long y) const {
  if (z < 0 || z > 24 || x < 0 || y < 0 || x >= (1L << z) || y >= (1L << z)) return std::nullopt;
  std::lock_guard lock(mutex_);
  sqlite3_reset(tile_stmt_);
  sqlite3_bind_int(tile_stmt_, 1, z);
  sqlite3_bind_int64(tile_stmt_, 2, x);
  sqlite3_bind_int64(tile_stmt_, 3, (1L << z) - 1 - y);  // XYZ -> TMS
  if (sqlite3_step(tile_stmt_) != SQLITE_ROW) return std::nullopt;
  const void* blob = sqlite3_column_blob(tile_stmt_, 0);
  const int n = sqlite3_column_bytes(tile_stmt_, 0);
  return std::string(static_cast<const char*>(blob), static_cast<std::size_t>(n));
}

std::string MbTiles::metadata(const std::string& name) const {
  std::lock_guard lock(mutex_);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db_, "SELECT value FROM metadata WHERE name = ?", -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace rifugio::tiles
