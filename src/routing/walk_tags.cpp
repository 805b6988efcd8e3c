#include "routing/walk_tags.hpp"

#include <string_view>

#include "routing/graph.hpp"

namespace rifugio::routing {

namespace {

bool in(std::string_view v, std::initializer_list<std::string_view> set) {
  for (auto s : set)
    if (v == s) return true;
  return false;
}

}  // namespace

WayClass classify_way(const std::function<const char*(std::string_view)>& tag) {
  auto get = [&](std::string_view k) -> std::string_view {
    const char* v = tag(k);
    return v ? std::string_view(v) : std::string_view();
  };
  const std::string_view highway = get("highway");
  const std::string_view foot = get("foot");
  const bool platform = get("railway") == "platform" || get("public_transport") == "platform";
  if (highway.empty() && !platform) return {};
  if (in(highway, {"construction", "proposed", "abandoned", "razed", "disused"})) return {};
  if (get("area") == "yes" && highway.empty()) return {};

  const bool foot_yes = in(foot, {"yes", "designated", "permissive"});
  bool walkable =
      platform || in(highway, {"footway", "path", "pedestrian", "steps", "living_street", "residential", "service",
                               "unclassified", "road", "track", "cycleway", "bridleway", "corridor", "platform",
                               "elevator", "primary", "primary_link", "secondary", "secondary_link", "tertiary",
                               "tertiary_link", "trunk", "trunk_link"});
  if (get("motorroad") == "yes") walkable = false;
  if (in(get("access"), {"no", "private"})) walkable = false;
  if (in(foot, {"no", "private", "use_sidepath"})) walkable = false;
  if (foot_yes) walkable = true;
  if (!walkable) return {};

  WayClass c{.walkable = true};
  if (highway == "steps" && get("ramp:wheelchair") != "yes" && get("wheelchair") != "yes") c.flags |= kEdgeSteps;
  if (get("wheelchair") == "no") c.flags |= kEdgeNoWheelchair;
  return c;
}

}  // namespace rifugio::routing
