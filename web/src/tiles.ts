// Which map tiles cover the area around a point, so they can be fetched (and
// so cached by the service worker) while the network is still there.

/** Web Mercator tile x, y at zoom z for a WGS84 point. */
export function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const clampedLat = Math.max(-85.05112878, Math.min(85.05112878, lat));
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (clampedLat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}

/**
 * The URLs of every tile within `radiusM` metres of [lon, lat], for each zoom
 * in [minZoom, maxZoom], from a template with {z}, {x} and {y}.
 */
export function tilesAround(template: string, lon: number, lat: number, radiusM: number, minZoom: number, maxZoom: number): string[] {
  const dLat = radiusM / 111320;
  const dLon = radiusM / (111320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  const out: string[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const [x0, y0] = tileOf(lon - dLon, lat + dLat, z);
    const [x1, y1] = tileOf(lon + dLon, lat - dLat, z);
    for (let x = x0; x <= x1; x++)
      for (let y = y0; y <= y1; y++) out.push(template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)));
  }
  return out;
}
