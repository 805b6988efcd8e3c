// Nearest shelters on the device: a kdbush index searched with geokdbush,
// and the brute force it must agree with (tests compare the two).

import KDBush from 'kdbush';
import { around } from 'geokdbush';
import { bearingDeg, distanceM, walkSeconds } from './geo';
import { matchesFilters, type Filters, type Hit, type Shelter } from './model';

export interface ShelterIndex {
  shelters: Shelter[];
  tree: KDBush;
}

export function buildIndex(shelters: Shelter[]): ShelterIndex {
  const tree = new KDBush(Math.max(1, shelters.length));
  for (const s of shelters) tree.add(s.lon, s.lat);
  if (shelters.length === 0) tree.add(0, 0); // kdbush wants one point; nearest() never asks an empty register
  tree.finish();
  return { shelters, tree };
}

function toHit(s: Shelter, lon: number, lat: number): Hit {
  const d = distanceM(lon, lat, s.lon, s.lat);
  return { ...s, distance_m: d, bearing_deg: bearingDeg(lon, lat, s.lon, s.lat), walk_s: walkSeconds(d) };
}

/** Orders by distance, then id, so ties come out the same way every time. */
function byDistance(a: Hit, b: Hit): number {
  return a.distance_m - b.distance_m || a.id - b.id;
}

/** The k nearest shelters to [lon, lat] that pass the filters, nearest first. */
export function nearest(index: ShelterIndex, lon: number, lat: number, k: number, filters: Filters): Hit[] {
  if (index.shelters.length === 0 || k <= 0) return [];
  // Ask for a few more than k so that exact-tie ordering by id is stable.
  const ids = around(index.tree, lon, lat, k + 4, Infinity, (i) => matchesFilters(index.shelters[i]!, filters));
  return ids
    .map((i) => toHit(index.shelters[i]!, lon, lat))
    .sort(byDistance)
    .slice(0, k);
}

/** Reference: every shelter, measured and sorted. */
export function nearestBruteForce(shelters: Shelter[], lon: number, lat: number, k: number, filters: Filters): Hit[] {
  return shelters
    .filter((s) => matchesFilters(s, filters))
    .map((s) => toHit(s, lon, lat))
    .sort(byDistance)
    .slice(0, k);
}

/** Lower case, no diacritics, single spaces: what search compares. */
export function normalize(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface SearchHit {
  /** What matched: a municipality (origin = middle of its shelters) or a shelter. */
  type: 'municipality' | 'shelter';
  label: string;
  detail: string;
  lon: number;
  lat: number;
  /** The shelter's id, for type shelter. */
  id?: number;
}

export interface SearchIndex {
  keys: string[];
  municipalities: { name: string; key: string; lon: number; lat: number }[];
}

export function buildSearch(shelters: Shelter[]): SearchIndex {
  const keys = shelters.map((s) => normalize(`${s.name} ${s.address} ${s.municipality}`));
  const sums = new Map<string, { lon: number; lat: number; n: number }>();
  for (const s of shelters) {
    if (!s.municipality) continue;
    const m = sums.get(s.municipality) ?? { lon: 0, lat: 0, n: 0 };
    m.lon += s.lon;
    m.lat += s.lat;
    m.n += 1;
    sums.set(s.municipality, m);
  }
  const municipalities = [...sums].map(([name, m]) => ({ name, key: normalize(name), lon: m.lon / m.n, lat: m.lat / m.n }));
  return { keys, municipalities };
}

/**
 * Municipalities first (prefix matches before inner matches), then shelters
 * whose name, address or municipality contain every word of the query.
 */
export function search(index: ShelterIndex, sidx: SearchIndex, query: string, limit: number): SearchHit[] {
  const q = normalize(query);
  if (q.length < 2) return [];
  const words = q.split(' ');
  const out: SearchHit[] = [];
  const munis = sidx.municipalities
    .filter((m) => m.key.includes(q))
    .sort((a, b) => Number(!a.key.startsWith(q)) - Number(!b.key.startsWith(q)) || a.name.localeCompare(b.name));
  for (const m of munis.slice(0, 3)) out.push({ type: 'municipality', label: m.name, detail: '', lon: m.lon, lat: m.lat });
  const scored: { i: number; score: number }[] = [];
  sidx.keys.forEach((key, i) => {
    if (!words.every((w) => key.includes(w))) return;
    scored.push({ i, score: key.startsWith(q) ? 0 : key.includes(` ${words[0]}`) ? 1 : 2 });
  });
  scored.sort((a, b) => a.score - b.score || a.i - b.i);
  for (const { i } of scored) {
    if (out.length >= limit) break;
    const s = index.shelters[i]!;
    out.push({
      type: 'shelter',
      label: s.name || s.address,
      detail: [s.name ? s.address : '', s.municipality].filter(Boolean).join(', '),
      lon: s.lon,
      lat: s.lat,
      id: s.id,
    });
  }
  return out.slice(0, limit);
}
