// Sign-in throttling against a brute-force model of the rule: free failures
// within the window, then a wait that doubles per further failure.

#include "api/throttle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "../spatial/random_seed.hpp"

namespace rifugio::api {
namespace {

TEST(Throttle, FiveFreeFailuresThenAGrowingWait) {
  SignInThrottle t;
  const UnixTime t0 = 1'800'000'000;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(t.wait("u", t0 + i), 0) << i;
    t.failed("u", t0 + i);
  }
  EXPECT_EQ(t.wait("u", t0 + 4), 30);
  EXPECT_EQ(t.wait("u", t0 + 20), 14);
  EXPECT_EQ(t.wait("u", t0 + 34), 0);
  t.failed("u", t0 + 34);
  EXPECT_EQ(t.wait("u", t0 + 34), 60);
  t.failed("u", t0 + 94);
  EXPECT_EQ(t.wait("u", t0 + 94), 120);
  EXPECT_EQ(t.wait("other", t0 + 94), 0);
  // 15 minutes after the newest failure everything is forgotten.
  EXPECT_EQ(t.wait("u", t0 + 94 + 900), 0);
  t.failed("u", t0 + 94 + 900);
  EXPECT_EQ(t.wait("u", t0 + 94 + 900), 0);
}

TEST(Throttle, SuccessForgetsTheFailures) {
  SignInThrottle t;
  for (int i = 0; i < 7; ++i) t.failed("u", 100);
  EXPECT_GT(t.wait("u", 100), 0);
  t.succeeded("u");
  EXPECT_EQ(t.wait("u", 100), 0);
}

// The rule, computed from the whole list of failures.
UnixTime model_wait(const std::vector<UnixTime>& all, UnixTime now) {
  std::vector<UnixTime> recent;
  for (auto f : all)
    if (f > now - 900) recent.push_back(f);
  if (recent.size() < 5) return 0;
  UnixTime delay = std::min<UnixTime>(30LL << std::min<std::size_t>(recent.size() - 5, 30), 900);
  return std::max<UnixTime>(0, recent.back() + delay - now);
}

TEST(Throttle, AgreesWithTheRuleOnRandomAttempts) {
  SCOPED_TRACE(test::seed_trace());
  std::mt19937_64 rng(test::seed());
  SignInThrottle t;
  std::vector<UnixTime> failures;
  UnixTime now = 1'000'000;
  for (int step = 0; step < 20000; ++step) {
    now += std::uniform_int_distribution<UnixTime>(0, 120)(rng);
    ASSERT_EQ(t.wait("k", now), model_wait(failures, now)) << "step " << step;
    if (rng() % 4 == 0 && failures.size() > 0 && rng() % 8 == 0) {
      t.succeeded("k");
      failures.clear();
    } else if (t.wait("k", now) == 0) {
      t.failed("k", now);
      failures.push_back(now);
    }
  }
}

TEST(Throttle, ForgivingTakesBackTheNewestFailureOnly) {
  SignInThrottle t;
  for (int i = 0; i < 5; ++i) t.failed("a", 100 + i);
  t.forgive_one("a");
  EXPECT_EQ(t.wait("a", 104), 0) << "four failures left";
  t.failed("a", 105);
  EXPECT_EQ(t.wait("a", 105), 30);
  t.forgive_one("nobody");  // no entry: nothing happens
  EXPECT_EQ(t.wait("nobody", 105), 0);
}

TEST(Throttle, MemoryIsBounded) {
  SignInThrottle t({.max_keys = 100});
  for (int i = 0; i < 1000; ++i) t.failed("name" + std::to_string(i), 1000 + i);
  for (int i = 0; i < 5; ++i) t.failed("kept", 5000);
  EXPECT_GT(t.wait("kept", 5000), 0);
}

}  // namespace
}  // namespace rifugio::api
