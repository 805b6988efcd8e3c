#pragma once
// On-disk layout of a walking graph file (little-endian, as written by the
// x86-64/arm64 machines we run on; the header's endian mark rejects others).
//
//   Header (256 bytes)
//   coords      FixedLocation[node_count]      int32 lon, int32 lat (1e-7 deg)
//   first_edge  uint32[node_count + 1]         CSR row starts
//   edges       Edge[edge_count]               uint32 target, uint32 length_cm | flags << 30
//   node_flags  uint8[node_count]              bit 0: island (not snapped to)
//   cell_first  uint32[grid_cols * grid_rows + 1]  nodes of cell c: cell_first[c] .. cell_first[c+1]-1
//
// Every section starts at a multiple of 8 bytes; the header gives each
// section's offset, and Graph::open checks them against the file size and
// the CSR against node_count before any query runs.

#include <cstdint>

namespace rifugio::routing::detail {

inline constexpr char kMagic[8] = {'R', 'I', 'F', 'G', 'R', 'A', 'P', 'H'};
inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr std::uint32_t kEndianMark = 0x01020304;

struct FileHeader {
  char magic[8];
  std::uint32_t version;
  std::uint32_t endian;
  std::uint32_t header_bytes;  ///< sizeof(FileHeader)
  std::uint32_t node_count;
  std::uint64_t edge_count;
  std::int64_t built_at;       ///< unix seconds
  std::uint64_t coords_offset, first_edge_offset, edges_offset, node_flags_offset, cell_first_offset;
  std::uint64_t file_bytes;    ///< whole file, for truncation checks
  std::int32_t grid_lon0, grid_lat0;  ///< south-west corner of the grid, fixed-point
  std::int32_t cell_lon, cell_lat;    ///< cell size, fixed-point, > 0
  std::uint32_t grid_cols, grid_rows;
  double min_cos_lat;          ///< smallest cos(latitude) inside the grid
  char source[128];            ///< OSM file name, NUL-terminated
  char reserved[8];
};
static_assert(sizeof(FileHeader) == 256);

}  // namespace rifugio::routing::detail
