-- Rifugio base map: which OSM objects go to which tile layer (tilemaker 2.x API).
-- Layers and zooms: config.json; drawing: style.json.

node_keys = { "place", "natural" }

local major = { motorway = 6, trunk = 7, primary = 8, secondary = 9, tertiary = 11 }
local minor = { residential = 12, unclassified = 12, living_street = 13, service = 13, pedestrian = 13, road = 12,
                track = 13, footway = 14, path = 14, steps = 14, cycleway = 14, bridleway = 14, corridor = 14,
                platform = 14 }
local landuse = { forest = 8, wood = 8, park = 10, grass = 11, meadow = 11, residential = 10, commercial = 11,
                  industrial = 11, retail = 11, cemetery = 12, farmland = 10, recreation_ground = 12, pitch = 13 }
local places = { city = 6, town = 8, village = 10, suburb = 11, neighbourhood = 13, hamlet = 12, quarter = 12,
                 island = 12, islet = 14 }
-- Named bays, straits and fjords are OSM nodes more often than areas: their label points.
local water_points = { bay = 11, strait = 11, fjord = 10 }
-- A lake's name from this zoom on, by area (square metres): big lakes first.
local function lake_label_zoom(area)
  if area > 5e6 then return 9 elseif area > 5e5 then return 11 elseif area > 5e4 then return 13 else return 14 end
end

function init_function() end
function exit_function() end

function node_function(node)
  local place = node:Find("place")
  local z = places[place]
  if z then
    node:Layer("place", false)
    node:MinZoom(z)
    node:Attribute("class", place)
    node:Attribute("name", node:Find("name"))
    return
  end
  local natural = node:Find("natural")
  z = water_points[natural]
  if z and node:Holds("name") then
    node:Layer("water_name", false)
    node:MinZoom(z)
    node:Attribute("class", natural)
    node:Attribute("name", node:Find("name"))
  end
end

local function link_of(highway)
  local base = highway:gsub("_link$", "")
  return base
end

function way_function(way)
  local highway = way:Find("highway")
  local railway = way:Find("railway")
  local waterway = way:Find("waterway")
  local natural = way:Find("natural")
  local area_landuse = way:Find("landuse")
  local leisure = way:Find("leisure")
  local building = way:Find("building")

  if highway ~= "" and way:Find("area") ~= "yes" then
    local class = link_of(highway)
    local z = major[class] or minor[class]
    if z then
      way:Layer("transportation", false)
      way:MinZoom(z)
      way:Attribute("class", class)
      local name = way:Find("name")
      if name ~= "" then way:Attribute("name", name) end
    end
  elseif railway == "rail" or railway == "subway" or railway == "tram" or railway == "light_rail" then
    way:Layer("transportation", false)
    way:MinZoom(railway == "rail" and 9 or 12)
    way:Attribute("class", "railway")
  end

  if natural == "water" or area_landuse == "reservoir" or area_landuse == "basin" or waterway == "riverbank" then
    way:Layer("water", true)
    way:Attribute("class", "lake")
    if way:Holds("name") then
      -- One label point per lake (a polygon label would repeat in every tile it crosses).
      way:LayerAsCentroid("water_name")
      way:MinZoom(lake_label_zoom(way:Area()))
      way:Attribute("class", "lake")
      way:Attribute("name", way:Find("name"))
    end
  elseif waterway == "river" or waterway == "canal" or waterway == "stream" then
    way:Layer("water", false)
    way:MinZoom(waterway == "stream" and 13 or 9)
    way:Attribute("class", waterway)
    if way:Holds("name") then way:Attribute("name", way:Find("name")) end
  end

  local lu = area_landuse ~= "" and area_landuse or (leisure ~= "" and leisure or natural)
  local z = landuse[lu]
  if z and way:IsClosed() then
    way:Layer("landuse", true)
    way:MinZoom(z)
    way:Attribute("class", lu)
  end

  if building ~= "" and way:IsClosed() then
    way:Layer("building", true)
  end
end
