// Snapshot::nearest and in_bbox against the brute force on random shelters:
// clusters, many shelters at one point, both poles, both sides of the antimeridian.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "random_seed.hpp"
#include "spatial/geodesy.hpp"
#include "spatial/snapshot.hpp"

namespace {

using namespace rifugio;
using namespace rifugio::spatial;
using rifugio::test::uniform;

Location ll(double lon, double lat) { return Location::from_lon_lat(lon, lat); }

/// Places where the index is most likely to be wrong.
const Location kHotSpots[] = {ll(18.07, 59.33), ll(0, 90), ll(0, -90), ll(180, 0), ll(-180, 65.0),
                              ll(179.99, -16.5), ll(0, 0), ll(135, 89.99)};

Location random_location(std::mt19937_64& r) {
  switch (r() % 4) {
    case 0: return ll(uniform(r, -180, 180), std::asin(uniform(r, -1, 1)) * 180 / M_PI);
    case 1: return ll(uniform(r, -180, 180), (r() % 2 ? 1 : -1) * uniform(r, 88, 90));
    case 2: return ll((r() % 2 ? 1 : -1) * uniform(r, 179, 180), uniform(r, -70, 70));
    default: {
      const Location& c = kHotSpots[r() % std::size(kHotSpots)];
      double lon = std::remainder(c.lon + uniform(r, -0.05, 0.05), 360.0);
      return ll(lon, std::clamp(c.lat + uniform(r, -0.05, 0.05), -90.0, 90.0));
    }
  }
}

void randomize_state(Shelter& s, std::mt19937_64& r) {
  s.status = static_cast<Status>(r() % 4);
  s.kind = static_cast<Kind>(r() % 6);
  s.step_free = static_cast<StepFree>(r() % 4);
  if (r() % 5) s.capacity = static_cast<std::int32_t>(r() % 400);
  if (r() % 3 == 0) s.occupancy = static_cast<std::int32_t>(r() % 400);
}

/// `n` shelters in shuffled id order; some retired, some without location,
/// 25 at exactly one point and a few exactly on the poles and the antimeridian.
std::vector<Shelter> random_shelters(std::size_t n, std::mt19937_64& r) {
  std::vector<Shelter> out;
  for (std::size_t i = 0; i < n; ++i) {
    Shelter s;
    s.id = static_cast<ShelterId>(3 * i + 7);
    randomize_state(s, r);
    const auto roll = r() % 100;
    if (roll < 3) s.retired = true;
    const bool unlocated = roll >= 3 && roll < 6;
    if (unlocated) s.location.reset();
    else if (i < 25) s.location = ll(18.0686, 59.3293);
    else if (i < 40) s.location = ll(i % 2 ? 180.0 : -180.0, i % 3 ? 90.0 : 10.0);
    else s.location = random_location(r);
    out.push_back(std::move(s));
  }
  std::shuffle(out.begin(), out.end(), r);
  return out;
}

NearestQuery random_query(std::mt19937_64& r, std::uint32_t k) {
  NearestQuery q{.origin = random_location(r), .k = k};
  if (r() % 3 == 0) q.max_distance_m = std::pow(10.0, uniform(r, 1, 7.3));
  q.open_only = r() % 4 == 0;
  q.include_unknown_status = r() % 2 == 0;
  if (r() % 4 == 0) q.min_free = static_cast<std::int32_t>(r() % 300);
  q.step_free = r() % 5 == 0;
  if (r() % 5 == 0) q.kind = static_cast<Kind>(r() % 6);
  return q;
}

std::string describe(const NearestQuery& q) {
  return "origin " + to_string(q.origin) + " k=" + std::to_string(q.k) +
         " max=" + (q.max_distance_m ? std::to_string(*q.max_distance_m) : "-") + " open_only=" +
         std::to_string(q.open_only) + " unknown=" + std::to_string(q.include_unknown_status) +
         " min_free=" + (q.min_free ? std::to_string(*q.min_free) : "-") + " step_free=" +
         std::to_string(q.step_free) + " kind=" + (q.kind ? std::string(to_string(*q.kind)) : "-");
}

/// The brute force obeys the query (it is the reference, so check it too).
void expect_valid(const std::vector<NearestHit>& hits, const NearestQuery& q) {
  ASSERT_LE(hits.size(), q.k);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const Shelter& s = *hits[i].shelter;
    ASSERT_FALSE(s.retired);
    ASSERT_TRUE(s.location.has_value());
    EXPECT_EQ(hits[i].distance_m, distance_m(q.origin, *s.location));
    if (q.max_distance_m) {
      EXPECT_LE(hits[i].distance_m, *q.max_distance_m);
    }
    if (q.kind) {
      EXPECT_EQ(s.kind, *q.kind);
    }
    if (q.step_free) {
      EXPECT_EQ(s.step_free, StepFree::yes);
    }
    if (q.open_only) {
      EXPECT_TRUE(s.status == Status::open || (q.include_unknown_status && s.status == Status::unknown));
    }
    if (q.min_free) {
      EXPECT_NE(s.status, Status::full);
      ASSERT_TRUE(s.capacity.has_value());
      EXPECT_GE(std::max(0, *s.capacity - s.occupancy.value_or(0)), *q.min_free);
    }
    if (i > 0) {
      const auto& p = hits[i - 1];
      EXPECT_TRUE(p.distance_m < hits[i].distance_m ||
                  (p.distance_m == hits[i].distance_m && p.shelter->id < s.id));
    }
  }
}

void expect_same(const Snapshot& snap, const NearestQuery& q) {
  const auto got = snap.nearest(q);
  const auto want = snap.nearest_brute_force(q);
  SCOPED_TRACE(describe(q));
  expect_valid(want, q);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].shelter->id, want[i].shelter->id) << "rank " << i;
    EXPECT_EQ(got[i].distance_m, want[i].distance_m) << "rank " << i;
    EXPECT_EQ(got[i].bearing_deg, want[i].bearing_deg) << "rank " << i;
  }
}

TEST(Snapshot, KeepsNonRetiredSortedById) {
  std::mt19937_64 r(rifugio::test::seed());
  auto input = random_shelters(500, r);
  const auto retired = std::count_if(input.begin(), input.end(), [](const Shelter& s) { return s.retired; });
  const auto snap = Snapshot::build(42, input);
  EXPECT_EQ(snap->revision(), 42);
  EXPECT_EQ(snap->shelters().size(), input.size() - static_cast<std::size_t>(retired));
  EXPECT_TRUE(std::is_sorted(snap->shelters().begin(), snap->shelters().end(),
                             [](const Shelter& a, const Shelter& b) { return a.id < b.id; }));
  for (const Shelter& s : input) {
    const Shelter* found = snap->by_id(s.id);
    if (s.retired) {
      EXPECT_EQ(found, nullptr);
    } else {
      ASSERT_NE(found, nullptr);
      EXPECT_EQ(found->id, s.id);
    }
  }
  EXPECT_EQ(snap->by_id(1), nullptr);
}

TEST(Snapshot, NearestMatchesBruteForceWithRandomFilters) {
  SCOPED_TRACE(rifugio::test::seed_trace());
  std::mt19937_64 r(rifugio::test::seed());
  const auto snap = Snapshot::build(1, random_shelters(3000, r));
  for (int i = 0; i < 3000; ++i) {
    const std::uint32_t ks[] = {1, 5, 5, 20, 200};
    expect_same(*snap, random_query(r, ks[r() % std::size(ks)]));
    if (HasFatalFailure() || HasFailure()) return;
  }
}

TEST(Snapshot, EachFilterAlone) {
  SCOPED_TRACE(rifugio::test::seed_trace());
  std::mt19937_64 r(rifugio::test::seed() + 1);
  const auto snap = Snapshot::build(1, random_shelters(2000, r));
  for (int i = 0; i < 200; ++i) {
    const Location o = random_location(r);
    for (std::uint32_t k : {1u, 5u, 50u}) {
      expect_same(*snap, {.origin = o, .k = k});
      expect_same(*snap, {.origin = o, .k = k, .max_distance_m = 50'000.0});
      expect_same(*snap, {.origin = o, .k = k, .open_only = true});
      expect_same(*snap, {.origin = o, .k = k, .open_only = true, .include_unknown_status = false});
      expect_same(*snap, {.origin = o, .k = k, .min_free = 0});
      expect_same(*snap, {.origin = o, .k = k, .min_free = 350});
      expect_same(*snap, {.origin = o, .k = k, .step_free = true});
      expect_same(*snap, {.origin = o, .k = k, .kind = Kind::metro_station});
      expect_same(*snap, {.origin = o, .k = k, .max_distance_m = 2e6, .open_only = true, .min_free = 100,
                          .step_free = true, .kind = Kind::bunker});
    }
  }
}

TEST(Snapshot, KLargerThanTheSet) {
  std::mt19937_64 r(rifugio::test::seed() + 2);
  const auto snap = Snapshot::build(1, random_shelters(60, r));
  const NearestQuery q{.origin = ll(10, 60), .k = 1000};
  const auto hits = snap->nearest(q);
  const auto located = std::count_if(snap->shelters().begin(), snap->shelters().end(),
                                     [](const Shelter& s) { return s.location.has_value(); });
  EXPECT_EQ(hits.size(), static_cast<std::size_t>(located));
  expect_same(*snap, q);
  expect_same(*snap, {.origin = ll(-180, -90), .k = 1000, .open_only = true});
}

TEST(Snapshot, EmptyAndUnlocated) {
  const auto empty = Snapshot::build(1, {});
  EXPECT_TRUE(empty->nearest({.origin = ll(0, 0)}).empty());
  EXPECT_TRUE(empty->nearest_brute_force({.origin = ll(0, 0)}).empty());
  EXPECT_TRUE(empty->in_bbox({-180, -90, 180, 90}).empty());

  Shelter unlocated;
  unlocated.id = 1;
  Shelter retired;
  retired.id = 2;
  retired.location = ll(0, 0);
  retired.retired = true;
  const auto snap = Snapshot::build(1, {unlocated, retired});
  EXPECT_EQ(snap->shelters().size(), 1u);
  ASSERT_NE(snap->by_id(1), nullptr);
  EXPECT_TRUE(snap->nearest({.origin = ll(0, 0)}).empty());
  EXPECT_TRUE(snap->nearest_brute_force({.origin = ll(0, 0)}).empty());
  EXPECT_TRUE(snap->in_bbox({-180, -90, 180, 90}).empty());
}

TEST(Snapshot, TiesAtOnePointAreOrderedById) {
  // The Swedish list has up to 21 shelters at one coordinate.
  std::vector<Shelter> v;
  for (ShelterId id : {50, 3, 17, 8, 99, 21, 4, 12, 60, 33, 1, 70, 5, 44, 2, 80, 9, 6, 90, 7, 11}) {
    Shelter s;
    s.id = id;
    s.location = ll(13.174843, 58.503163);
    v.push_back(s);
  }
  const auto snap = Snapshot::build(1, v);
  for (const Location& o : {ll(13.174843, 58.503163), ll(13.2, 58.5), ll(-166.8, -58.5)}) {
    const auto hits = snap->nearest({.origin = o, .k = 5});
    ASSERT_EQ(hits.size(), 5u);
    const ShelterId want[] = {1, 2, 3, 4, 5};
    for (int i = 0; i < 5; ++i) EXPECT_EQ(hits[i].shelter->id, want[i]);
    expect_same(*snap, {.origin = o, .k = 5});
    expect_same(*snap, {.origin = o, .k = 21});
  }
  EXPECT_EQ(snap->nearest({.origin = ll(13.174843, 58.503163), .k = 1})[0].distance_m, 0.0);
}

TEST(Snapshot, MaxDistanceZeroAndNegative) {
  std::mt19937_64 r(rifugio::test::seed() + 3);
  const auto snap = Snapshot::build(1, random_shelters(300, r));
  expect_same(*snap, {.origin = ll(18.0686, 59.3293), .k = 50, .max_distance_m = 0.0});
  EXPECT_FALSE(snap->nearest({.origin = ll(18.0686, 59.3293), .k = 50, .max_distance_m = 0.0}).empty());
  EXPECT_TRUE(snap->nearest({.origin = ll(18.0686, 59.3293), .k = 50, .max_distance_m = -1.0}).empty());
}

std::vector<ShelterId> ids(const std::vector<const Shelter*>& v) {
  std::vector<ShelterId> out;
  for (const Shelter* s : v) out.push_back(s->id);
  return out;
}

std::vector<ShelterId> bbox_brute_force(const Snapshot& snap, const BBox& b) {
  std::vector<ShelterId> out;
  for (const Shelter& s : snap.shelters()) {
    if (!s.location) continue;
    const Location& l = *s.location;
    const bool lon_in = b.west <= b.east ? l.lon >= b.west && l.lon <= b.east : l.lon >= b.west || l.lon <= b.east;
    if (lon_in && l.lat >= b.south && l.lat <= b.north) out.push_back(s.id);
  }
  return out;
}

TEST(Snapshot, InBBoxMatchesBruteForce) {
  SCOPED_TRACE(rifugio::test::seed_trace());
  std::mt19937_64 r(rifugio::test::seed() + 4);
  const auto snap = Snapshot::build(1, random_shelters(3000, r));
  std::vector<BBox> boxes = {{-180, -90, 180, 90}, {170, -90, -170, 90}, {179, -20, -179, 20}, {-180, 85, 180, 90},
                             {0, -90, 1, -80},     {18.0686, 59.3293, 18.0686, 59.3293}, {10, 60, 5, 61},
                             {180, 0, 180, 90},   {-180, -10, -180, 10}};
  for (int i = 0; i < 2000; ++i) {
    const Location c = random_location(r);
    const double w = uniform(r, 0, 40), h = uniform(r, 0, 20);
    boxes.push_back({std::remainder(c.lon - w / 2, 360.0), std::max(-90.0, c.lat - h / 2),
                     std::remainder(c.lon + w / 2, 360.0), std::min(90.0, c.lat + h / 2)});
  }
  for (const BBox& b : boxes) {
    ASSERT_EQ(ids(snap->in_bbox(b)), bbox_brute_force(*snap, b))
        << "box " << b.west << "," << b.south << "," << b.east << "," << b.north;
  }
}

}  // namespace
