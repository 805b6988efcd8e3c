// Request targets, headers and gzip.

#include <gtest/gtest.h>

#include "api/error.hpp"
#include "api/gzip.hpp"
#include "api/http.hpp"

namespace rifugio::api {
namespace {

TEST(Target, SplitsAndDecodes) {
  Target t = parse_target("/a%20b/c?x=1&y=two+words&z=%C3%A6&flag&&empty=#frag");
  EXPECT_EQ(t.path, "/a b/c");
  ASSERT_EQ(t.query.size(), 5u);
  EXPECT_EQ(t.query[0], (std::pair<std::string, std::string>{"x", "1"}));
  EXPECT_EQ(t.query[1].second, "two words");
  EXPECT_EQ(t.query[2].second, "æ");
  EXPECT_EQ(t.query[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(t.query[4], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ(parse_target("/p?a=1&empty=").query.back().second, "");
  EXPECT_EQ(parse_target("/").path, "/");
  Target abs = parse_target("http://example.org:8080/ogc?f=json");
  EXPECT_EQ(abs.path, "/ogc");
  EXPECT_EQ(abs.query.size(), 1u);
  EXPECT_EQ(parse_target("https://example.org").path, "/");
}

TEST(Target, RejectsMalformed) {
  for (auto t : {"", "nopath", "*", "/%", "/%4", "/%zz", "/ok?a=%g0", "/ok?%=1"}) {
    try {
      parse_target(t);
      ADD_FAILURE() << "accepted " << t;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_request) << t;
    }
  }
}

TEST(PercentEncoding, RoundTrips) {
  for (std::string s : {"plain", "with space", "æøå", "a&b=c", "100%", "/slash?"})
    EXPECT_EQ(percent_decode(percent_encode(s), false), s);
  EXPECT_EQ(percent_encode("a b&c"), "a%20b%26c");
  EXPECT_EQ(format_query({{"bbox", "1,2,3,4"}, {"municipality", "Bærum"}}), "bbox=1,2,3,4&municipality=B%C3%A6rum");
}

TEST(Headers, CaseInsensitiveFirstValue) {
  Headers h{{"Content-Type", "a"}, {"X-Two", "1"}, {"x-two", "2"}};
  EXPECT_EQ(find_header(h, "content-type"), "a");
  EXPECT_EQ(find_header(h, "X-TWO"), "1");
  EXPECT_FALSE(find_header(h, "missing"));
  Response r;
  r.headers = h;
  r.set_header("x-two", "3");
  EXPECT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.header("X-Two"), "3");
}

TEST(Gzip, AcceptEncoding) {
  for (auto v : {"gzip", "GZIP", "deflate, gzip", "gzip;q=0.5", "x-gzip", "*", "br;q=1, *;q=0.1", " gzip ; q=1"})
    EXPECT_TRUE(accepts_gzip(v)) << v;
  for (auto v : {"", "identity", "br", "gzip;q=0", "gzip;q=0.0", "*;q=0", "gzip;q=0, *", "deflate"})
    EXPECT_FALSE(accepts_gzip(v)) << v;
}

TEST(Gzip, RoundTripAndCorruption) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "shelter " + std::to_string(i % 37) + "\n";
  std::string z = gzip_compress(text);
  EXPECT_LT(z.size(), text.size() / 4);
  EXPECT_EQ(z.substr(0, 2), "\x1f\x8b");
  EXPECT_EQ(gzip_decompress(z), text);
  EXPECT_EQ(gzip_decompress(gzip_compress("")), "");
  EXPECT_THROW(gzip_decompress(z.substr(0, z.size() / 2)), Error);
  EXPECT_THROW(gzip_decompress("not gzip at all"), Error);
}

}  // namespace
}  // namespace rifugio::api
