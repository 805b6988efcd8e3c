#include "core/osm_tags.hpp"

#include <charconv>

namespace rifugio {

namespace {
std::string get(const OsmTags& t, const std::string& k) {
  auto it = t.find(k);
  return it == t.end() ? std::string{} : it->second;
}
}  // namespace

bool is_protective_shelter(const OsmTags& t) {
  const auto amenity = get(t, "amenity");
  const auto type = get(t, "shelter_type");
  if (amenity == "shelter" && (type == "public_bunker" || type == "bomb_shelter" ||
                               type == "air_raid" || type == "civil_defence"))
    return true;
  if (get(t, "military") == "bunker" && get(t, "bunker_type") != "pillbox" &&
      get(t, "bunker_type") != "gun_emplacement")
    return get(t, "access") != "no" && get(t, "access") != "private";
  if (get(t, "building") == "bunker") return get(t, "access") == "yes" || !get(t, "capacity").empty();
  const auto emergency = get(t, "emergency");
  return emergency == "shelter" || emergency == "air_raid_shelter";
}

void apply_osm_tags(Shelter& s, const OsmTags& t) {
  const auto type = get(t, "shelter_type");
  if (get(t, "railway") == "station" && get(t, "station") == "subway") s.kind = Kind::metro_station;
  else if (get(t, "amenity") == "parking") s.kind = Kind::parking;
  else if (get(t, "military") == "bunker" || get(t, "building") == "bunker") s.kind = Kind::bunker;
  else if (type == "public_bunker" || type == "bomb_shelter" || type == "air_raid" || type == "civil_defence")
    s.kind = Kind::public_shelter;
  if (auto v = get(t, "name"); !v.empty()) s.name = v;
  auto street = get(t, "addr:street");
  auto number = get(t, "addr:housenumber");
  if (!street.empty()) s.address = number.empty() ? street : street + " " + number;
  if (auto city = get(t, "addr:city"); !city.empty() && s.municipality.empty()) s.municipality = city;
  if (auto c = get(t, "capacity"); !c.empty()) {
    std::int32_t n = 0;
    auto [p, ec] = std::from_chars(c.data(), c.data() + c.size(), n);
    if (ec == std::errc{} && p == c.data() + c.size() && n >= 0) s.capacity = n;
  }
  const auto wheelchair = get(t, "wheelchair");
  if (wheelchair == "yes") s.step_free = StepFree::yes;
  else if (wheelchair == "limited") s.step_free = StepFree::limited;
  else if (wheelchair == "no") s.step_free = StepFree::no;
  if (auto h = get(t, "opening_hours"); !h.empty()) s.opening_hours = h;
}

OsmTags to_osm_tags(const Shelter& s) {
  OsmTags t;
  switch (s.kind) {
    case Kind::bunker:
      t["military"] = "bunker";
      t["building"] = "bunker";
      break;
    case Kind::metro_station:
      t["railway"] = "station";
      t["station"] = "subway";
      t["emergency"] = "shelter";
      break;
    case Kind::parking:
      t["amenity"] = "parking";
      t["emergency"] = "shelter";
      break;
    case Kind::public_shelter:
    case Kind::protected_basement:
    case Kind::other:
      t["amenity"] = "shelter";
      t["shelter_type"] = "public_bunker";
      break;
  }
  if (!s.name.empty()) t["name"] = s.name;
  if (s.capacity) t["capacity"] = std::to_string(*s.capacity);
  switch (s.step_free) {
    case StepFree::yes: t["wheelchair"] = "yes"; break;
    case StepFree::limited: t["wheelchair"] = "limited"; break;
    case StepFree::no: t["wheelchair"] = "no"; break;
    case StepFree::unknown: break;
  }
  if (!s.opening_hours.empty()) t["opening_hours"] = s.opening_hours;
  return t;
}

}  // namespace rifugio
