#pragma once
// Mapping between the shelter model and OpenStreetMap tags
// (amenity=shelter + shelter_type=*, military=bunker, building=bunker,
// capacity=*, wheelchair=*). See wiki.openstreetmap.org/wiki/Tag:amenity=shelter.

#include <map>
#include <string>

#include "core/shelter.hpp"

namespace rifugio {

using OsmTags = std::map<std::string, std::string>;

/// True when the tags describe a place people can take cover in from an
/// attack (not a bus stop or picnic shelter).
bool is_protective_shelter(const OsmTags& tags);

/// Fill kind, name, address, capacity, step_free and opening_hours from tags.
/// Fields the tags do not mention are left as they are.
void apply_osm_tags(Shelter& s, const OsmTags& tags);

/// Tags that describe the shelter, for export to OpenStreetMap tooling.
OsmTags to_osm_tags(const Shelter& s);

}  // namespace rifugio
