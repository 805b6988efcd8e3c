#pragma once
// Which OSM ways a pedestrian may walk, and how (steps, wheelchair=no).
// A pure function of the way's tags, so the rules are tested on their own.
//
// Rules (modelled on OSRM's foot profile; oneway never applies on foot):
//  - highway = footway, path, pedestrian, steps, living_street, residential,
//    service, unclassified, road, track, cycleway, bridleway, corridor,
//    platform, elevator, primary/secondary/tertiary/trunk (and *_link) are
//    walkable; motorway, motorway_link, construction, proposed, abandoned,
//    raceway, bus_guideway, escape and anything else are not. railway=platform
//    and public_transport=platform are walkable too.
//  - motorroad=yes (no pedestrians by law), access=no|private,
//    foot=no|private|use_sidepath: not walkable. access=agricultural,
//    forestry, delivery, destination... restrict vehicles: such ways are
//    walked (in Liechtenstein most hiking trails are tracks tagged
//    access=forestry; tests/routing/pgrouting_compare.sh found them).
//  - foot=yes|designated|permissive overrides all of the above (even a
//    highway class that is not walkable), except area=yes-only features and
//    construction/proposed/abandoned/razed.
//  - highway=steps is marked kEdgeSteps unless it has a ramp for wheelchairs
//    (ramp:wheelchair=yes); wheelchair=no marks kEdgeNoWheelchair.

#include <cstdint>
#include <functional>
#include <string_view>

namespace rifugio::routing {

struct WayClass {
  bool walkable = false;
  std::uint32_t flags = 0;  ///< EdgeFlag bits (graph.hpp)
};

/// `tag(key)` returns the value of key, or nullptr when absent.
WayClass classify_way(const std::function<const char*(std::string_view)>& tag);

}  // namespace rifugio::routing
