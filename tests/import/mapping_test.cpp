#include "import/mapping.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../test_util.hpp"
#include "core/error.hpp"

namespace rifugio::import {
namespace {

std::string write(const test::TempDir& dir, const std::string& text) {
  auto path = dir.file("m.json");
  std::ofstream(path) << text;
  return path;
}

void expect_error(const std::string& text, const std::string& field_in_message) {
  test::TempDir dir;
  try {
    load_mapping(write(dir, text));
    FAIL() << "accepted: " << text;
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find(field_in_message), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("m.json"), std::string::npos) << e.what();
  }
}

TEST(Mapping, ErrorsNameTheFileAndTheKey) {
  expect_error("{", "not valid JSON");
  expect_error(R"({"files":[{"path":"a.csv"}],"fields":{"key":"id"}})", "source");
  expect_error(R"({"source":"s","fields":{"key":"id"}})", "files");
  expect_error(R"({"source":"s","files":[{"path":"a.csv","format":"dbase"}],"fields":{"key":"id"}})", "format");
  expect_error(R"({"source":"s","files":[{"path":"a.csv"}]})", "fields.key");
  expect_error(R"({"source":"s","files":[{"path":"a"}],"fields":{"key":"id"},"location":{"lon":"x"}})", "location");
  expect_error(R"({"source":"s","files":[{"path":"a"}],"fields":{"key":"id"},"location":{"easting":"x","northing":"y"}})", "crs");
  expect_error(R"({"source":"s","files":[{"path":"a"}],"fields":{"key":"id"},"kind":"castle"})", "kind");
  expect_error(R"({"source":"s","files":[{"path":"a"}],"fields":{"key":"id","step_free":{"field":"r","values":{"x":"maybe"}}}})", "step_free");
}

TEST(Mapping, EveryMappingInTheRepositoryLoads) {
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator(std::filesystem::path(test::source_dir()) / "mappings")) {
    if (e.path().extension() != ".json") continue;
    Mapping m = load_mapping(e.path().string());
    EXPECT_FALSE(m.source.empty()) << e.path();
    EXPECT_FALSE(m.files.empty()) << e.path();
    ++n;
  }
  EXPECT_GE(n, 8);
}

}  // namespace
}  // namespace rifugio::import
