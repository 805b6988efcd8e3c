#pragma once
// Helpers shared by the test programs.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace rifugio::test {

/// A fresh folder under the system temp dir, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rifugio-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// An environment variable, or the value CMake configured.
inline std::string setting(const char* name, const char* configured) {
  const char* v = std::getenv(name);
  return v && *v ? v : configured;
}

/// The real-data folder (env RIFUGIO_DATA_DIR, default ../shared/data), or "" when absent.
inline std::filesystem::path data_dir() {
  std::filesystem::path d = setting("RIFUGIO_DATA_DIR", RIFUGIO_DATA_DIR_DEFAULT);
  return std::filesystem::is_directory(d) ? d : std::filesystem::path{};
}

/// The country borders GeoJSON (installed by npm ci in web/), or "" when absent.
inline std::string borders_path() {
  std::string b = setting("RIFUGIO_BORDERS", RIFUGIO_BORDERS_DEFAULT);
  return std::filesystem::exists(b) ? b : "";
}

/// The repository root (for mappings/).
inline std::string source_dir() { return setting("RIFUGIO_SOURCE_DIR", RIFUGIO_SOURCE_DIR_DEFAULT); }
/// The build tree (for the rifugio binary in end-to-end tests).
inline std::string binary_dir() { return setting("RIFUGIO_BINARY_DIR", RIFUGIO_BINARY_DIR_DEFAULT); }

/// Path to a dataset file; skips the test with a clear message when missing.
#define RIFUGIO_REQUIRE_DATA(var, relative)                                                   \
  const std::filesystem::path var = ::rifugio::test::data_dir() / (relative);                 \
  if (::rifugio::test::data_dir().empty() || !std::filesystem::exists(var))                   \
  GTEST_SKIP() << "real data not found: " << (relative)                                       \
               << " (set RIFUGIO_DATA_DIR to the shared data folder, default ../shared/data)"

}  // namespace rifugio::test
