#include "api/static_files.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <utility>

namespace rifugio::api {

namespace fs = std::filesystem;

std::string_view content_type_for(std::string_view ext) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".geojson", "application/geo+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".wasm", "application/wasm"},
      {".pbf", "application/x-protobuf"},
      {".xml", "application/xml"},
  }};
  for (auto [e, t] : kTypes)
    if (e == ext) return t;
  return "application/octet-stream";
}

std::optional<fs::path> resolve_static_path(const fs::path& root, std::string_view url_path) {
  if (url_path.empty() || url_path.front() != '/') return std::nullopt;
  fs::path rel;
  std::string_view rest = url_path.substr(1);
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    // Decoded paths may hold what the raw URL hid behind %2e%2e, %5c or %00.
    if (seg == ".." || seg.find('\\') != std::string_view::npos || seg.find('\0') != std::string_view::npos)
      return std::nullopt;
    rel /= fs::path(std::string(seg));
  }
  std::error_code ec;
  fs::path p = root / rel;
  if (fs::is_directory(p, ec)) p /= "index.html";
  fs::path real = fs::canonical(p, ec);
  if (ec || !fs::is_regular_file(real, ec)) return std::nullopt;
  // A symlink inside root may point anywhere; only serve what stays under root.
  auto [r, f] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (r != root.end()) return std::nullopt;
  return real;
}

StaticFiles::StaticFiles(std::string root) {
  if (root.empty()) return;
  std::error_code ec;
  root_ = fs::canonical(root, ec);
  if (ec) root_ = fs::absolute(root).lexically_normal();
}

std::optional<Response> StaticFiles::serve(std::string_view url_path) const {
  if (!enabled()) return std::nullopt;
  auto file = resolve_static_path(root_, url_path);
  if (!file) {
    // Client-side routes (/shelter/42) get the app; missing assets (/x.js) get 404.
    auto last = url_path.substr(url_path.rfind('/') + 1);
    bool looks_like_file = last.find('.') != std::string_view::npos;
    bool unsafe = url_path.find("..") != std::string_view::npos;
    if (looks_like_file || unsafe) return std::nullopt;
    // The admin page is a second page of the same build, with routes of its own.
    bool admin = url_path == "/admin" || url_path.starts_with("/admin/");
    file = resolve_static_path(root_, admin ? "/admin.html" : "/index.html");
    if (!file) return std::nullopt;
  }
  std::ifstream in(*file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  Response r;
  r.body = std::move(body).str();
  std::string ext = file->extension().string();
  r.headers.emplace_back("Content-Type", std::string(content_type_for(ext)));
  bool hashed_asset = url_path.starts_with("/assets/");
  r.headers.emplace_back("Cache-Control", hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

}  // namespace rifugio::api
