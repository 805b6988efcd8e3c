#include "core/shelter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <ctime>

#include "core/error.hpp"

namespace rifugio {

UnixTime now_utc() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_time(UnixTime t) {
  std::time_t tt = t;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string to_string(const Location& loc) { return fmt::format("{:.6f},{:.6f}", loc.lat, loc.lon); }

namespace {
template <typename E, std::size_t N>
struct Names {
  std::array<std::pair<E, std::string_view>, N> items;
  std::string_view name(E e) const {
    for (auto& [v, n] : items)
      if (v == e) return n;
    return "unknown";
  }
  std::optional<E> parse(std::string_view s) const {
    for (auto& [v, n] : items)
      if (n == s) return v;
    return std::nullopt;
  }
};

constexpr Names<Kind, 6> kKinds{{{{Kind::public_shelter, "public_shelter"},
                                  {Kind::bunker, "bunker"},
                                  {Kind::protected_basement, "protected_basement"},
                                  {Kind::metro_station, "metro_station"},
                                  {Kind::parking, "parking"},
                                  {Kind::other, "other"}}}};
constexpr Names<StepFree, 4> kStepFree{{{{StepFree::unknown, "unknown"},
                                         {StepFree::yes, "yes"},
                                         {StepFree::limited, "limited"},
                                         {StepFree::no, "no"}}}};
constexpr Names<Status, 4> kStatus{{{{Status::unknown, "unknown"},
                                     {Status::open, "open"},
                                     {Status::closed, "closed"},
                                     {Status::full, "full"}}}};

std::optional<std::int32_t> parse_count(std::string_view field, std::string_view v) {
  if (v.empty()) return std::nullopt;
  std::int32_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || n < 0)
    throw InputError(fmt::format("field '{}': '{}' is not a whole number >= 0", field, v));
  return n;
}

double parse_degrees(std::string_view field, std::string_view v) {
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc{} || p != v.data() + v.size())
    throw InputError(fmt::format("field '{}': '{}' is not a number", field, v));
  return d;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::string_view to_string(Kind k) { return kKinds.name(k); }
std::string_view to_string(StepFree s) { return kStepFree.name(s); }
std::string_view to_string(Status s) { return kStatus.name(s); }
std::optional<Kind> parse_kind(std::string_view s) { return kKinds.parse(s); }
std::optional<StepFree> parse_step_free(std::string_view s) { return kStepFree.parse(s); }
std::optional<Status> parse_status(std::string_view s) { return kStatus.parse(s); }

bool Shelter::is_manual(std::string_view field) const {
  return std::find(manual_fields.begin(), manual_fields.end(), field) != manual_fields.end();
}

std::optional<std::int32_t> Shelter::free_places() const {
  if (!capacity || !occupancy) return std::nullopt;
  return std::max(0, *capacity - *occupancy);
}

const std::vector<std::string_view>& editable_fields() {
  static const std::vector<std::string_view> fields{
      "name",   "address",   "municipality", "region",    "country",
      "location", "capacity", "kind",        "step_free", "status",
      "occupancy", "opening_hours", "licence", "retired"};
  return fields;
}

namespace {
bool same_field(const Shelter& a, const Shelter& b, std::string_view f) {
  if (f == "name") return a.name == b.name;
  if (f == "address") return a.address == b.address;
  if (f == "municipality") return a.municipality == b.municipality;
  if (f == "region") return a.region == b.region;
  if (f == "country") return a.country == b.country;
  if (f == "location") return a.location == b.location;
  if (f == "capacity") return a.capacity == b.capacity;
  if (f == "kind") return a.kind == b.kind;
  if (f == "step_free") return a.step_free == b.step_free;
  if (f == "status") return a.status == b.status;
  if (f == "occupancy") return a.occupancy == b.occupancy;
  if (f == "opening_hours") return a.opening_hours == b.opening_hours;
  if (f == "licence") return a.licence == b.licence;
  if (f == "retired") return a.retired == b.retired;
  throw InputError(fmt::format("unknown field '{}'", f));
}
}  // namespace

std::vector<std::string> changed_fields(const Shelter& before, const Shelter& after) {
  std::vector<std::string> out;
  for (auto f : editable_fields())
    if (!same_field(before, after, f)) out.emplace_back(f);
  return out;
}

void copy_field(Shelter& to, const Shelter& from, std::string_view f) {
  if (f == "name") to.name = from.name;
  else if (f == "address") to.address = from.address;
  else if (f == "municipality") to.municipality = from.municipality;
  else if (f == "region") to.region = from.region;
  else if (f == "country") to.country = from.country;
  else if (f == "location") to.location = from.location;
  else if (f == "capacity") to.capacity = from.capacity;
  else if (f == "kind") to.kind = from.kind;
  else if (f == "step_free") to.step_free = from.step_free;
  else if (f == "status") {
    to.status = from.status;
    to.status_time = from.status_time;
    to.status_by = from.status_by;
  } else if (f == "occupancy") to.occupancy = from.occupancy;
  else if (f == "opening_hours") to.opening_hours = from.opening_hours;
  else if (f == "licence") to.licence = from.licence;
  else if (f == "retired") to.retired = from.retired;
  else throw InputError(fmt::format("unknown field '{}'", f));
}

void set_field(Shelter& s, std::string_view f, std::string_view raw) {
  std::string_view v = trim(raw);
  if (f == "name") s.name = v;
  else if (f == "address") s.address = v;
  else if (f == "municipality") s.municipality = v;
  else if (f == "region") s.region = v;
  else if (f == "country") {
    if (v.size() != 2 || !std::isupper(static_cast<unsigned char>(v[0])) ||
        !std::isupper(static_cast<unsigned char>(v[1])))
      throw InputError(fmt::format("field 'country': '{}' is not an ISO 3166-1 alpha-2 code such as NO", v));
    s.country = v;
  } else if (f == "location") {
    if (v.empty()) {
      s.location.reset();
      return;
    }
    auto comma = v.find(',');
    if (comma == std::string_view::npos)
      throw InputError(fmt::format("field 'location': '{}' is not 'LAT,LON'", v));
    Location loc{parse_degrees("location", trim(v.substr(comma + 1))),
                 parse_degrees("location", trim(v.substr(0, comma)))};
    if (!loc.valid())
      throw InputError(fmt::format("field 'location': '{}' is out of range (LAT,LON in degrees)", v));
    s.location = loc;
  } else if (f == "capacity") s.capacity = parse_count(f, v);
  else if (f == "occupancy") s.occupancy = parse_count(f, v);
  else if (f == "kind") {
    auto k = parse_kind(v);
    if (!k) throw InputError(fmt::format("field 'kind': '{}' is not one of public_shelter, bunker, protected_basement, metro_station, parking, other", v));
    s.kind = *k;
  } else if (f == "step_free") {
    auto k = parse_step_free(v);
    if (!k) throw InputError(fmt::format("field 'step_free': '{}' is not one of yes, no, limited, unknown", v));
    s.step_free = *k;
  } else if (f == "status") {
    auto k = parse_status(v);
    if (!k) throw InputError(fmt::format("field 'status': '{}' is not one of open, closed, full, unknown", v));
    s.status = *k;
  } else if (f == "opening_hours") s.opening_hours = v;
  else if (f == "licence") s.licence = v;
  else if (f == "retired") {
    if (v != "true" && v != "false") throw InputError("field 'retired': expected true or false");
    s.retired = v == "true";
  } else {
    throw InputError(fmt::format("unknown field '{}'", f));
  }
}

}  // namespace rifugio
