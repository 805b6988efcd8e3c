// Metrics: counts survive concurrent recording; the text format is Prometheus'.

#include <gtest/gtest.h>

#include <regex>
#include <thread>
#include <vector>

#include "api/metrics.hpp"

namespace rifugio::api {
namespace {

using namespace std::chrono_literals;

TEST(Metrics, ConcurrentRecordsAddUp) {
  Metrics m;
  constexpr int kThreads = 8, kEach = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kEach; ++i) m.record(t % 2 ? Route::nearest : Route::ogc_items, 200, 300us);
    });
  for (auto& t : threads) t.join();
  std::string text = m.render(nullptr, 0);
  EXPECT_NE(text.find("rifugio_http_requests_total{route=\"nearest\",status=\"200\"} 20000\n"), std::string::npos);
  EXPECT_NE(text.find("rifugio_http_requests_total{route=\"ogc_items\",status=\"200\"} 20000\n"), std::string::npos);
  // 300 us falls in the 0.0005 bucket, not in 0.00025.
  EXPECT_NE(text.find("{route=\"nearest\",status=\"200\",le=\"0.00025\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("{route=\"nearest\",status=\"200\",le=\"0.0005\"} 20000\n"), std::string::npos);
  EXPECT_NE(text.find("rifugio_http_request_duration_seconds_sum{route=\"nearest\",status=\"200\"} 6\n"),
            std::string::npos);
  EXPECT_NE(text.find("rifugio_snapshot_loaded 0\n"), std::string::npos);
}

TEST(Metrics, OddStatusesAndFormat) {
  Metrics m;
  m.record(Route::healthz, 418, 1ms);
  m.record(Route::healthz, 200, 2s);
  std::string text = m.render(nullptr, 0);
  EXPECT_NE(text.find("route=\"healthz\",status=\"other\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("{route=\"healthz\",status=\"200\",le=\"1\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("{route=\"healthz\",status=\"200\",le=\"+Inf\"} 1\n"), std::string::npos);
  // Every line is a comment or `name{labels} value`.
  std::regex line(R"((# (HELP|TYPE) .*)|([a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+))");
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "the last line must end with a newline";
    std::string l = text.substr(start, end - start);
    EXPECT_TRUE(std::regex_match(l, line)) << l;
    start = end + 1;
  }
}

}  // namespace
}  // namespace rifugio::api
