// The on-device nearest search must agree with brute force, through the real
// worker message handler, on random data and random queries (seeded:
// RIFUGIO_SEED=N to vary).

import { beforeAll, describe, expect, it } from 'vitest';
import { nearestBruteForce, buildIndex, nearest, search, buildSearch, normalize } from '../src/nearest';
import type { Filters, Hit } from '../src/model';
import type { Request, Response } from '../src/worker-protocol';
import { randomShelters, rng, SEED, sign, snapshotBody } from './helpers';

const FILTERS: Filters[] = [
  { open: false, room: false, stepFree: false },
  { open: true, room: false, stepFree: false },
  { open: false, room: true, stepFree: false },
  { open: false, room: false, stepFree: true },
  { open: true, room: true, stepFree: true },
];

const shelters = randomShelters(3000, rng(SEED));

// Loads src/worker.ts as a worker would: a global `self` whose postMessage we catch.
type Handler = (ev: { data: { id: number; req: Request } }) => Promise<void>;
let handler: Handler;
const replies = new Map<number, Response>();
let nextId = 1;
async function ask(req: Request): Promise<Response> {
  const id = nextId++;
  await handler({ data: { id, req } });
  return replies.get(id)!;
}

beforeAll(async () => {
  const g = globalThis as unknown as { self: unknown; postMessage: (r: Response) => void };
  g.self = globalThis;
  g.postMessage = (r) => replies.set(r.id, r);
  await import('../src/worker');
  handler = (globalThis as unknown as { onmessage: Handler }).onmessage;
});

const ids = (hits: Hit[]) => hits.map((h) => h.id);

describe('nearest in the worker', () => {
  it('refuses a snapshot signed by another key, then loads a good one', async () => {
    const s = sign(snapshotBody(shelters));
    const bad = await ask({ type: 'load', bytes: s.bytes.slice().buffer, signature: s.signature, publicKey: s.otherKey });
    expect(bad).toMatchObject({ type: 'load', result: { ok: false, error: 'signature' } });
    const good = await ask({ type: 'load', bytes: s.bytes.slice().buffer, signature: s.signature, publicKey: s.publicKey });
    expect(good).toMatchObject({ type: 'load', result: { ok: true, revision: 42, count: 3000 } });
  });

  it(`equals brute force on 200 random points x 5 filters (seed ${SEED})`, async () => {
    const r = rng(SEED + 1);
    for (let q = 0; q < 200; q++) {
      const lon = 10.2 + r() * 1.2;
      const lat = 59.6 + r() * 0.7;
      const k = 1 + Math.floor(r() * 10);
      for (const filters of FILTERS) {
        const res = await ask({ type: 'nearest', lon, lat, k, filters });
        expect(res.type).toBe('nearest');
        const got = (res as { hits: Hit[] }).hits;
        const want = nearestBruteForce(shelters, lon, lat, k, filters);
        expect(ids(got), `query ${q} at ${lon},${lat} k=${k} ${JSON.stringify(filters)}`).toEqual(ids(want));
        got.forEach((h, i) => expect(h.distance_m).toBeCloseTo(want[i]!.distance_m, 6));
      }
    }
  }, 60_000);

  it('a tampered snapshot keeps the previous verified copy in use', async () => {
    const s = sign(snapshotBody(shelters.slice(0, 10), 43));
    const bytes = s.bytes.slice();
    bytes[bytes.length - 3] ^= 1;
    const res = await ask({ type: 'load', bytes: bytes.buffer, signature: s.signature, publicKey: s.publicKey });
    expect(res).toMatchObject({ result: { ok: false } });
    const after = await ask({ type: 'nearest', lon: 10.75, lat: 59.91, k: 3, filters: FILTERS[0]! });
    expect(ids((after as { hits: Hit[] }).hits)).toEqual(ids(nearestBruteForce(shelters, 10.75, 59.91, 3, FILTERS[0]!)));
  });

  it('answers search, bounds and points', async () => {
    const s = (await ask({ type: 'search', query: 'gate 12', limit: 5 })) as { hits: { label: string }[] };
    expect(s.hits.length).toBeGreaterThan(0);
    const b = (await ask({ type: 'bounds' })) as { bounds: number[] };
    expect(b.bounds[0]).toBeGreaterThanOrEqual(10.3);
    const p = (await ask({ type: 'points' })) as { geojson: { features: unknown[] } };
    expect(p.geojson.features).toHaveLength(3000);
  });
});

describe('nearest, edge cases', () => {
  it('empty register, k larger than the register, exact ties by id', () => {
    expect(nearest(buildIndex([]), 10, 60, 5, FILTERS[0]!)).toEqual([]);
    const few = randomShelters(3, rng(1));
    expect(nearest(buildIndex(few), 10, 60, 10, FILTERS[0]!)).toHaveLength(3);
    const twins = [few[0]!, { ...few[0]!, id: 99 }, { ...few[0]!, id: 5 }];
    expect(ids(nearest(buildIndex(twins), 10, 60, 3, FILTERS[0]!))).toEqual([few[0]!.id, 5, 99].sort((a, b) => a - b));
  });

  it('search: municipalities first, then shelters; diacritics ignored', () => {
    const idx = buildIndex(shelters);
    const hits = search(idx, buildSearch(shelters), 'baerum', 5);
    expect(hits[0]).toMatchObject({ type: 'municipality', label: 'Bærum' });
    expect(hits.slice(1).every((h) => h.type === 'shelter')).toBe(true);
    expect(normalize('  Tøyengata   2 ')).toBe('toyengata 2');
    expect(search(idx, buildSearch(shelters), 'x', 5)).toEqual([]);
  });
});
