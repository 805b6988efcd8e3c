// Static files: content types, index.html fallback and no way out of the folder.

#include <gtest/gtest.h>

#include <fstream>

#include "api/handler.hpp"
#include "api/static_files.hpp"
#include "../test_util.hpp"

namespace rifugio::api {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(tmp.path() / "www/assets");
    fs::create_directories(tmp.path() / "www/docs");
    write("www/index.html", "<!doctype html><title>app</title>");
    write("www/admin.html", "<!doctype html><title>admin</title>");
    write("www/assets/app-1a2b.js", "console.log(1)");
    write("www/assets/style.css", "body{}");
    write("www/docs/index.html", "docs");
    write("www/icon.svg", "<svg/>");
    write("secret.txt", "top secret");  // outside the served folder
    fs::create_symlink(tmp.path() / "secret.txt", tmp.path() / "www/link.txt");
    fs::create_symlink(tmp.path(), tmp.path() / "www/up");
  }
  void write(const std::string& rel, const std::string& text) { std::ofstream(tmp.path() / rel) << text; }
  Response get(const std::string& target) const {
    return handler.handle({.method = "GET", .target = target, .headers = {{"Host", "x"}}});
  }

  rifugio::test::TempDir tmp;
  spatial::SnapshotHolder holder;
  Handler handler{holder, {.static_dir = (tmp.path() / "www").string()}};
};

TEST_F(StaticFilesTest, ServesFilesWithTypes) {
  Response index = get("/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>app</title>");
  EXPECT_EQ(index.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("Cache-Control"), "no-cache");
  EXPECT_EQ(index.header("X-Frame-Options"), "DENY");
  EXPECT_NE(index.header("Content-Security-Policy").value_or("").find("frame-ancestors 'none'"), std::string::npos);
  Response js = get("/assets/app-1a2b.js");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(get("/assets/style.css").header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(get("/icon.svg").header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(get("/docs/").body, "docs");
  EXPECT_EQ(get("/docs").body, "docs");
  EXPECT_EQ(get("/index.html?v=3").status, 200);
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndex) {
  Response r = get("/shelter/42");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><title>app</title>");
  EXPECT_EQ(get("/missing.js").status, 404) << "a missing asset is not the app";
  EXPECT_EQ(get("/v1/unknown").status, 404) << "API paths never fall back";
  EXPECT_EQ(get("/ogc/unknown").status, 404);
  EXPECT_EQ(get("/healthz").status, 200) << "API routes win over files";
}

TEST_F(StaticFilesTest, AdminRoutesFallBackToAdminPage) {
  for (const char* t : {"/admin", "/admin/", "/admin/shelters/42", "/admin.html"}) {
    Response r = get(t);
    EXPECT_EQ(r.status, 200) << t;
    EXPECT_EQ(r.body, "<!doctype html><title>admin</title>") << t;
    EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8") << t;
    EXPECT_EQ(r.header("Cache-Control"), "no-cache") << t;
  }
  EXPECT_EQ(get("/administrator").body, "<!doctype html><title>app</title>") << "only the /admin path, not a prefix";
  EXPECT_EQ(get("/shelter/admin").body, "<!doctype html><title>app</title>");
  EXPECT_EQ(get("/admin/missing.js").status, 404) << "a missing asset is not the page";
  fs::remove(tmp.path() / "www/admin.html");
  EXPECT_EQ(get("/admin").status, 404) << "a build without the admin page does not answer with the citizen app";
}

TEST_F(StaticFilesTest, NoPathTraversal) {
  for (const char* t : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/assets/../../secret.txt",
                        "/assets/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt",
                        "/assets%5c..%5c..%5csecret.txt", "/index.html%00.png", "/link.txt", "/up/secret.txt",
                        "/../../../../../../etc/passwd"}) {
    Response r = get(t);
    EXPECT_EQ(r.status, 404) << t << " answered " << r.body;
    EXPECT_EQ(r.body.find("top secret"), std::string::npos) << t;
  }
  // Absolute-looking paths stay inside the folder: no such file there, so the app.
  for (const char* t : {"//etc/passwd", "/%2fetc%2fpasswd"}) {
    Response r = get(t);
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << t;
    EXPECT_TRUE(r.status == 404 || r.body == "<!doctype html><title>app</title>") << t;
  }
}

TEST(StaticPaths, ResolveStaysInside) {
  rifugio::test::TempDir tmp;
  std::ofstream(tmp.path() / "a.txt") << "a";
  fs::path root = fs::canonical(tmp.path());
  EXPECT_EQ(resolve_static_path(root, "/a.txt"), root / "a.txt");
  EXPECT_EQ(resolve_static_path(root, "/./a.txt"), root / "a.txt");
  EXPECT_FALSE(resolve_static_path(root, "/../a.txt"));
  EXPECT_FALSE(resolve_static_path(root, "a.txt"));
  EXPECT_FALSE(resolve_static_path(root, "/"));  // no index.html here
  EXPECT_FALSE(resolve_static_path(root, std::string("/a.txt\0", 7)));
  EXPECT_EQ(content_type_for(".woff2"), "font/woff2");
  EXPECT_EQ(content_type_for(".exe"), "application/octet-stream");
}

}  // namespace
}  // namespace rifugio::api
