// The one place the map's look is defined. Everything comes from this origin:
// no tile server of anyone else, no glyphs URL, no sprite. Under everything
// the world layer (world.geojson: land, so sea where there is none, and the
// borders between countries) shows where you are anywhere, offline too. When
// the server has our own vector tiles (`rifugio serve --tiles`,
// /tiles/style.json answers 200), their source goes into TILE_SOURCES and
// their road, water and building layers and labels above the world layer,
// under the shelter layers. Labels are drawn with our own fonts (fonts.ts).
// The service worker caches /tiles/ requests and tiles.ts lists the tiles
// around the user to prefetch.

import type { ExpressionSpecification, LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import { BOLD, fontFaces, REGULAR } from './fonts';

/** Base-map tile sources of our own (filled by loadBaseMap): name -> MapLibre source. */
export const TILE_SOURCES: Record<string, SourceSpecification> = {};

/** Our vector tiles' style, as served by `rifugio serve --tiles`. */
export const TILE_STYLE_URL = '/tiles/style.json';

export interface BaseMap {
  sources: Record<string, SourceSpecification>;
  layers: LayerSpecification[];
}

const ALLOWED = new Set(['fill', 'line', 'circle', 'symbol']);
/** The fonts a served label layer may name; any other is replaced by REGULAR. */
const FONTS = new Set([REGULAR, BOLD]);

/** A URL of this origin, or null: an absolute URL elsewhere is refused, a path kept. */
function sameOrigin(url: string, origin: string): string | null {
  try {
    const u = new URL(url.replace(/[{}]/g, (c) => (c === '{' ? '%7B' : '%7D')), origin);
    if (u.origin !== origin) return null;
    return `${origin}${decodeURI(u.pathname)}${u.search}`;
  } catch {
    return null;
  }
}

/**
 * The usable part of a served style: vector sources whose tiles are on this
 * origin, and their fill, line, circle and text layers (no icons: there is
 * no sprite; no background: the world layer below stays visible where there
 * are no tiles). Labels keep to our own fonts.
 */
export function baseMapFrom(style: unknown, origin: string): BaseMap {
  const out: BaseMap = { sources: {}, layers: [] };
  const st = style as { sources?: Record<string, unknown>; layers?: unknown[] } | null;
  if (!st || typeof st !== 'object') return out;
  for (const [name, src] of Object.entries(st.sources ?? {})) {
    const v = src as { type?: string; tiles?: unknown; minzoom?: number; maxzoom?: number; attribution?: string };
    if (v?.type !== 'vector' || !Array.isArray(v.tiles)) continue;
    const tiles = v.tiles.map((t) => (typeof t === 'string' ? sameOrigin(t, origin) : null));
    if (tiles.length === 0 || tiles.some((t) => t === null)) continue;
    out.sources[`base-${name}`] = {
      type: 'vector',
      tiles: tiles as string[],
      ...(v.minzoom !== undefined ? { minzoom: v.minzoom } : {}),
      ...(v.maxzoom !== undefined ? { maxzoom: v.maxzoom } : {}),
    };
  }
  for (const l of st.layers ?? []) {
    const layer = l as { id?: string; type?: string; source?: string; layout?: Record<string, unknown> };
    if (!layer?.id || !ALLOWED.has(layer.type ?? '') || !layer.source || !out.sources[`base-${layer.source}`]) continue;
    let layout = layer.layout;
    if (layer.type === 'symbol') {
      if (layout?.['icon-image'] !== undefined || layout?.['text-field'] === undefined) continue;
      const font = layout['text-font'];
      const ok = Array.isArray(font) && font.length > 0 && font.every((f) => typeof f === 'string' && FONTS.has(f));
      layout = { ...layout, 'text-font': ok ? font : [REGULAR] };
    }
    out.layers.push({
      ...(layer as LayerSpecification),
      id: `base-${layer.id}`,
      source: `base-${layer.source}`,
      ...(layout ? { layout } : {}),
    } as LayerSpecification);
  }
  return out;
}

/** Fetches our tiles' style; null when the server has no tiles (404) or does not answer. */
export async function loadBaseMap(origin: string, timeoutMs = 2500): Promise<BaseMap | null> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const res = await fetch(TILE_STYLE_URL, { signal: ctl.signal });
    if (res.status !== 200) return null;
    const base = baseMapFrom(await res.json(), origin);
    if (base.layers.length === 0) return null;
    Object.assign(TILE_SOURCES, base.sources);
    return base;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Colours for the dark scheme: the served style is light, so every colour is
 * darkened, except a label's text, which is lightened (dark text on a dark map
 * would not read).
 */
export function darken(value: unknown): unknown {
  if (typeof value === 'string') {
    const m = /^#([0-9a-f]{6})$/i.exec(value);
    if (!m) return value;
    const n = parseInt(m[1]!, 16);
    const ch = (shift: number) => Math.round(((n >> shift) & 255) * 0.3 + 14);
    return `#${[16, 8, 0].map((sh) => ch(sh).toString(16).padStart(2, '0')).join('')}`;
  }
  if (Array.isArray(value)) return value.map(darken);
  return value;
}

/** The dark scheme's text colour: the light one inverted, so dark grey reads light grey. */
export function lighten(value: unknown): unknown {
  if (typeof value === 'string') {
    const m = /^#([0-9a-f]{6})$/i.exec(value);
    if (!m) return value;
    const n = parseInt(m[1]!, 16);
    const ch = (shift: number) => 255 - Math.round(((n >> shift) & 255) * 0.75);
    return `#${[16, 8, 0].map((sh) => ch(sh).toString(16).padStart(2, '0')).join('')}`;
  }
  if (Array.isArray(value)) return value.map(lighten);
  return value;
}

function themed(layers: LayerSpecification[], dark: boolean): LayerSpecification[] {
  if (!dark) return layers;
  return layers.map((l) => {
    const paint = (l as { paint?: Record<string, unknown> }).paint;
    if (!paint) return l;
    const p: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(paint)) p[k] = k === 'text-color' ? lighten(v) : k.endsWith('-color') ? darken(v) : v;
    return { ...l, paint: p } as LayerSpecification;
  });
}

/** Land and country borders of the whole world, built by vite.basemap.ts from Natural Earth (world-atlas). */
export const WORLD_URL = '/world.geojson';

export interface Palette {
  water: string;
  land: string;
  border: string;
  /** Country names of the world layer, and the halo that keeps them readable. */
  country: string;
  countryHalo: string;
  shelter: string;
  shelterStroke: string;
  result: string;
  nearest: string;
  origin: string;
  line: string;
}

export const LIGHT: Palette = {
  water: '#cfe0ec',
  land: '#f4f1ea',
  border: '#8a8a8a',
  country: '#5f5a52',
  countryHalo: '#f4f1ea',
  shelter: '#5b6b7a',
  shelterStroke: '#ffffff',
  result: '#0b57d0',
  nearest: '#b3261e',
  origin: '#1b1b1b',
  line: '#b3261e',
};

export const DARK: Palette = {
  water: '#0e1a24',
  land: '#23272b',
  border: '#7a7f85',
  country: '#b4b9bf',
  countryHalo: '#23272b',
  shelter: '#9aa7b3',
  shelterStroke: '#101214',
  result: '#8ab4f8',
  nearest: '#ff8a80',
  origin: '#ffffff',
  line: '#ff8a80',
};

/** ISO alpha-2 codes of the countries the world layer names (vite.basemap.ts); a guard against odd input. */
const CODE = /^[A-Z]{2}$/;

/**
 * The world layer's country names in `lang` (Intl.DisplayNames, so in every
 * language of the app without a table of our own), else Natural Earth's English name.
 */
export function countryName(lang: string, codes: string[]): ExpressionSpecification {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([lang, 'en'], { type: 'region', fallback: 'none' });
  } catch {
    /* an engine without it: English names */
  }
  const pairs: string[] = [];
  for (const c of new Set(codes)) { // a match takes each label once
    const n = CODE.test(c) ? names?.of(c) : undefined;
    if (n) pairs.push(c, n);
  }
  return (pairs.length ? ['match', ['get', 'code'], ...pairs, ['get', 'name']] : ['get', 'name']) as ExpressionSpecification;
}

const empty = (): SourceSpecification => ({ type: 'geojson', data: { type: 'FeatureCollection', features: [] } });

export function buildStyle(p: Palette, origin: string, base: BaseMap | null = null): StyleSpecification {
  const layers: LayerSpecification[] = [
    { id: 'water', type: 'background', paint: { 'background-color': p.water } },
    { id: 'land', type: 'fill', source: 'world', filter: ['==', ['get', 'kind'], 'land'], paint: { 'fill-color': p.land } },
    {
      id: 'borders',
      type: 'line',
      source: 'world',
      filter: ['==', ['get', 'kind'], 'border'],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': p.border, 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 8, 1.2], 'line-dasharray': [4, 2] },
    },
    // Our streets, water and buildings: above the world layer, under every shelter layer.
    ...themed(base?.layers ?? [], p === DARK),
    {
      // Country names up to zoom 7, where the streets and places of the tiles take over.
      id: 'country-label',
      type: 'symbol',
      source: 'world',
      maxzoom: 7,
      filter: ['all', ['==', ['get', 'kind'], 'country'], ['>=', ['zoom'], ['get', 'minzoom']]],
      layout: {
        'text-field': ['get', 'name'], // named in the reader's language by map.ts
        'text-font': [REGULAR],
        'text-size': ['interpolate', ['linear'], ['zoom'], 2, 10, 6, 14],
        'text-max-width': 7,
        'text-padding': 4,
        'symbol-sort-key': ['-', ['get', 'area']], // the big countries first
      },
      paint: { 'text-color': p.country, 'text-halo-color': p.countryHalo, 'text-halo-width': 1.2 },
    },
    {
      id: 'shelters',
      type: 'circle',
      source: 'shelters',
      paint: {
        'circle-color': p.shelter,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 4, 1.5, 10, 3, 15, 6],
        'circle-stroke-color': p.shelterStroke,
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 8, 0, 12, 1],
      },
    },
    {
      // The walk along streets: solid, on a light casing so it reads on any base map.
      id: 'route-casing',
      type: 'line',
      source: 'route',
      filter: ['==', ['get', 'walked'], true],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': p.shelterStroke, 'line-width': 8 },
    },
    {
      id: 'route',
      type: 'line',
      source: 'route',
      filter: ['==', ['get', 'walked'], true],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': p.line, 'line-width': 5 },
    },
    {
      // A straight line (no walk known): dashed, so it does not look like a path.
      id: 'route-straight',
      type: 'line',
      source: 'route',
      filter: ['!=', ['get', 'walked'], true],
      layout: { 'line-cap': 'round' },
      paint: { 'line-color': p.line, 'line-width': 4, 'line-dasharray': [1, 1.5] },
    },
    {
      id: 'results',
      type: 'circle',
      source: 'results',
      paint: {
        'circle-color': ['case', ['==', ['get', 'rank'], 1], p.nearest, p.result],
        'circle-radius': ['case', ['==', ['get', 'rank'], 1], 11, 8],
        'circle-stroke-color': p.shelterStroke,
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'origin',
      type: 'circle',
      source: 'origin',
      paint: {
        'circle-color': p.origin,
        'circle-radius': 7,
        'circle-stroke-color': p.shelterStroke,
        'circle-stroke-width': 3,
      },
    },
  ];
  return {
    version: 8,
    'font-faces': fontFaces(origin),
    sources: {
      ...(base?.sources ?? {}),
      world: empty(), // filled by map.ts from WORLD_URL
      shelters: empty(),
      results: empty(),
      route: empty(),
      origin: empty(),
    },
    layers,
  };
}
