// The nearest-shelter worker: checks a snapshot's signature, indexes it and
// answers nearest and search queries without the network.

import { buildIndex, buildSearch, nearest, search, type SearchIndex, type ShelterIndex } from './nearest';
import { parseSnapshot, verifySnapshot } from './snapshot';
import type { LoadResult, Request, Response } from './worker-protocol';
import type { FeatureCollection, Point } from 'geojson';

let index: ShelterIndex | null = null;
let searchIndex: SearchIndex | null = null;

async function load(bytes: ArrayBuffer, signature: string, publicKey: string): Promise<LoadResult> {
  const body = new Uint8Array(bytes);
  if (!(await verifySnapshot(body, signature, publicKey))) return { ok: false, error: 'signature' };
  try {
    const snap = parseSnapshot(new TextDecoder().decode(body));
    index = buildIndex(snap.shelters);
    searchIndex = buildSearch(snap.shelters);
    return { ok: true, revision: snap.revision, generated: snap.generated, count: snap.shelters.length };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

function bounds(): [number, number, number, number] | null {
  if (!index || index.shelters.length === 0) return null;
  let w = 180, s = 90, e = -180, n = -90;
  for (const p of index.shelters) {
    w = Math.min(w, p.lon);
    e = Math.max(e, p.lon);
    s = Math.min(s, p.lat);
    n = Math.max(n, p.lat);
  }
  return [w, s, e, n];
}

/** Every shelter as a GeoJSON point for the map (id and status only). */
function points(): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: (index?.shelters ?? []).map((s) => ({
      type: 'Feature',
      id: s.id,
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
      properties: { id: s.id, status: s.status },
    })),
  };
}

async function handle(id: number, req: Request): Promise<Response> {
  switch (req.type) {
    case 'load':
      return { id, type: 'load', result: await load(req.bytes, req.signature, req.publicKey) };
    case 'nearest':
      return { id, type: 'nearest', hits: index ? nearest(index, req.lon, req.lat, req.k, req.filters) : [] };
    case 'search':
      return { id, type: 'search', hits: index && searchIndex ? search(index, searchIndex, req.query, req.limit) : [] };
    case 'bounds':
      return { id, type: 'bounds', bounds: bounds() };
    case 'points':
      return { id, type: 'points', geojson: points() };
  }
}

self.onmessage = async (ev: MessageEvent<{ id: number; req: Request }>) => {
  const { id, req } = ev.data;
  let res: Response;
  try {
    res = await handle(id, req);
  } catch (e) {
    res = { id, type: 'error', message: (e as Error).message };
  }
  (self as unknown as Worker).postMessage(res);
};
