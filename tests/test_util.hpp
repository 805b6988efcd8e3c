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

/// The real-data folder (env RIFUGIO_DATA_DIR, set by ctest), or "" when absent.
inline std::filesystem::path data_dir() {
  const char* d = std::getenv("RIFUGIO_DATA_DIR");
  if (!d || !std::filesystem::is_directory(d)) return {};
  return d;
}

/// Path to a dataset file; skips the test with a clear message when missing.
#define RIFUGIO_REQUIRE_DATA(var, relative)                                                   \
  const std::filesystem::path var = ::rifugio::test::data_dir() / (relative);                 \
  if (::rifugio::test::data_dir().empty() || !std::filesystem::exists(var))                   \
  GTEST_SKIP() << "real data not found: " << (relative)                                       \
               << " (set RIFUGIO_DATA_DIR to the shared data folder, default ../shared/data)"

}  // namespace rifugio::test
