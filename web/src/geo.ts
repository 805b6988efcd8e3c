// Distances and bearings on a sphere (haversine), longitude first like the API.
// Good to a few metres at walking range; the server uses the WGS84 ellipsoid,
// so the two can disagree on the order of shelters only at near ties.

/** Mean Earth radius in metres (IUGG R1). */
export const EARTH_RADIUS_M = 6371008.8;
/** Walking speed the server uses for walk_s (metres per second, 5 km/h). */
export const WALK_SPEED_MPS = 1.389;

const RAD = Math.PI / 180;

/** Great-circle distance in metres between two [lon, lat] points in degrees. */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from point 1 to point 2, degrees clockwise from true north, in [0, 360). */
export function bearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const p1 = lat1 * RAD;
  const p2 = lat2 * RAD;
  const dl = (lon2 - lon1) * RAD;
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  const deg = Math.atan2(y, x) / RAD;
  return (deg + 360) % 360;
}

/** Walking time in whole seconds, rounded up like the server's walk_s. */
export function walkSeconds(distanceM: number): number {
  return Math.ceil(distanceM / WALK_SPEED_MPS);
}

/** The 8 compass points, index 0 = north, clockwise. */
export const COMPASS = ['n', 'ne', 'e', 'se', 's', 'sw', 'w', 'nw'] as const;
export type CompassPoint = (typeof COMPASS)[number];

/** The nearest of the 8 compass points to a bearing in degrees. */
export function compassPoint(bearing: number): CompassPoint {
  const i = Math.round((((bearing % 360) + 360) % 360) / 45) % 8;
  return COMPASS[i]!;
}
