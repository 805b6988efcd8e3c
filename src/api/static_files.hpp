#pragma once
// Serving the web app's build folder (web/dist) at "/". Paths are resolved
// inside the folder only: ".." segments, backslashes, NUL bytes and symlinks
// that lead outside are refused. Unknown paths without a file extension get
// index.html (client-side routes); unknown paths with one get 404.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "api/http.hpp"

namespace rifugio::api {

/// MIME type for a file extension with the dot (".js"); application/octet-stream if unknown.
std::string_view content_type_for(std::string_view extension);

/// The file a decoded URL path names inside root, or nullopt when the path is
/// unsafe (escapes root) or names no regular file. "/" and folders map to
/// their index.html.
std::optional<std::filesystem::path> resolve_static_path(const std::filesystem::path& root,
                                                         std::string_view url_path);

class StaticFiles {
 public:
  /// root: the folder to serve; "" serves nothing.
  explicit StaticFiles(std::string root);
  bool enabled() const { return !root_.empty(); }
  /// The file (or the index.html fallback) for a decoded path; nullopt for 404.
  /// Sets Content-Type and Cache-Control (hashed assets under /assets/ are immutable).
  std::optional<Response> serve(std::string_view url_path) const;

 private:
  std::filesystem::path root_;  ///< canonical
};

}  // namespace rifugio::api
