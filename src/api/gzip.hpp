#pragma once
// gzip content coding (RFC 9110 8.4.1.3) with zlib.

#include <string>
#include <string_view>

namespace rifugio::api {

/// True when an Accept-Encoding value accepts gzip ("gzip", "x-gzip" or "*"
/// with q > 0; "gzip;q=0" refuses it).
bool accepts_gzip(std::string_view accept_encoding);

/// gzip-compress. level 1 (fast) .. 9 (small); 6 is zlib's default.
std::string gzip_compress(std::string_view data, int level = 6);

/// Inverse of gzip_compress, for tests and clients. @throws Error when corrupt.
std::string gzip_decompress(std::string_view data);

}  // namespace rifugio::api
