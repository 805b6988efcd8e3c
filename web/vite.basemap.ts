// Build steps of the map's own files, all made from npm packages at build
// time so the app never asks anyone else for them (vite.config.ts uses both).

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import polylabel from 'polylabel';
import { feature, mesh } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import type { Position } from 'geojson';
import type { Plugin } from 'vite';
import { FONT_FILES, RTL_PLUGIN_FILE } from './src/map/fonts';

const topology = (file: string): Topology => JSON.parse(readFileSync(`node_modules/world-atlas/${file}`, 'utf8'));

/** Rounds to 0.01° (about 1 km, finer than the 1:50m data) and drops the points that rounding made repeat. */
function line(points: Position[]): Position[] {
  const out: Position[] = [];
  for (const [x, y] of points) {
    const p = [Math.round(x! * 100) / 100, Math.round(y! * 100) / 100];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

/**
 * A ring as one continuous line on a flat map. Natural Earth's rings that
 * cross the antimeridian (Chukotka, Fiji) jump from 180° to -180°: drawn
 * flat, that edge is a hairline round the world, so the longitudes after the
 * jump are shifted by 360° (MapLibre wraps them back). Antarctica's ring goes
 * round the pole: it is closed along the pole (-90°, the map's bottom edge).
 */
function unwrap(ring: Position[]): Position[] {
  const out: Position[] = [];
  let shift = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x, y] = ring[i]!;
    if (i > 0) {
      const d = x! - ring[i - 1]![0]!;
      if (d > 180) shift -= 360;
      else if (d < -180) shift += 360;
    }
    out.push([x! + shift, y!]);
  }
  if (shift !== 0) {
    const pole = out.reduce((a, p) => a + p[1]!, 0) < 0 ? -90 : 90;
    const first = out[0]!, last = out[out.length - 1]!;
    out.push([last[0]!, pole], [first[0]!, pole], first);
  }
  return out;
}

/** Twice the signed area of a ring in lon/lat: > 0 when it runs counterclockwise. */
function area2(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return a;
}

/**
 * Outer rings counterclockwise, holes clockwise (RFC 7946). Natural Earth's
 * rings wind both ways, and MapLibre tells a hole from another polygon by its
 * winding once the land is cut into tiles: a wrong one drew whole tiles as sea.
 */
function rewound(rings: Position[][]): Position[][] {
  return rings.map((r, i) => ((area2(r) > 0) === (i === 0) ? r : [...r].reverse()));
}

/** ISO 3166-1 numeric -> alpha-2 (world-atlas names countries by number; the app names them by alpha-2). */
function alpha2ByNumber(): Map<string, string> {
  const b = JSON.parse(readFileSync('node_modules/@rapideditor/country-coder/src/data/borders.json', 'utf8'));
  const m = new Map<string, string>();
  for (const f of b.features) if (f.properties.iso1N3 && f.properties.iso1A2) m.set(f.properties.iso1N3, f.properties.iso1A2);
  return m;
}

/**
 * Where a country's name goes: the point of its largest land mass farthest
 * from the coast and borders, and from which zoom it is shown (small
 * countries later, so the big ones are not crowded out at zoom 2).
 */
function labelPoint(polygons: Position[][][]): { at: Position; minzoom: number; area: number } {
  let best = polygons[0]!, bestArea = 0, total = 0;
  for (const poly of polygons) {
    const a = Math.abs(area2(poly[0]!)) / 2;
    total += a;
    if (a > bestArea) [best, bestArea] = [poly, a];
  }
  const at = polylabel(best as [number, number][][], 0.05);
  const minzoom = total > 200 ? 2 : total > 5 ? 3 : total > 0.5 ? 4 : 5;
  return { at: [Math.round(at[0] * 100) / 100, Math.round(at[1] * 100) / 100], minzoom, area: Math.round(total) };
}

/**
 * The world layer drawn under everything: Natural Earth 1:50m land (so the
 * sea is what is not land), the borders between countries and a label point
 * per country (`code`: ISO alpha-2, named in the reader's language by the
 * app), from the world-atlas package, as /world.geojson. It is part of the
 * app shell (precached), so the map shows where you are anywhere, even offline.
 */
export function world(): Plugin {
  return {
    name: 'rifugio-world',
    generateBundle() {
      const countries = topology('countries-50m.json');
      // The land is drawn country by country (Natural Earth's countries are land only, so the sea is what is
      // left): the one land polygon of Afro-Eurasia, cut into tiles, is too big for MapLibre to triangulate well.
      const shapes = feature(countries, countries.objects.countries!) as unknown as GeoJSON.FeatureCollection<GeoJSON.Polygon | GeoJSON.MultiPolygon>;
      const polygons: Position[][][] = [];
      const labels: object[] = [];
      const alpha2 = alpha2ByNumber();
      for (const f of shapes.features) {
        const g = f.geometry;
        if (!g) continue;
        const own: Position[][][] = [];
        for (const poly of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) {
          // A ring along a pole (all at ±90°) has no area: Antarctica's coast alone is its outline.
          const rings = poly.filter((r) => r.some((p) => Math.abs(p[1]!) < 90)).map((r) => unwrap(line(r))).filter((r) => r.length >= 4);
          if (rings.length > 0) own.push(rewound(rings));
        }
        polygons.push(...own);
        const name = String(f.properties?.name ?? '');
        const code = alpha2.get(String(f.id)) ?? (name === 'Kosovo' ? 'XK' : undefined);
        if (!code || own.length === 0) continue; // Somaliland, N. Cyprus…: no code to name them by
        const { at, minzoom, area } = labelPoint(own);
        labels.push({ type: 'Feature', properties: { kind: 'country', code, name, minzoom, area }, geometry: { type: 'Point', coordinates: at } });
      }
      // Each border once, between two countries (a ≠ b): not the coastlines, which the land fill draws.
      const borders = mesh(countries, countries.objects.countries as never, (a, b) => a !== b);
      const lines = borders.coordinates.map(line).filter((l) => l.length >= 2);
      const fc = {
        type: 'FeatureCollection',
        features: [
          // One feature per land mass: MapLibre sorts a feature's rings into polygons and holes, one per tile cut.
          ...polygons.map((coordinates) => ({ type: 'Feature', properties: { kind: 'land' }, geometry: { type: 'Polygon', coordinates } })),
          { type: 'Feature', properties: { kind: 'border' }, geometry: { type: 'MultiLineString', coordinates: lines } },
          ...labels,
        ],
      };
      this.emitFile({ type: 'asset', fileName: 'world.geojson', source: JSON.stringify(fc) });
    },
  };
}

/**
 * The label fonts (Noto Sans from @fontsource, one small file per script)
 * and MapLibre's right-to-left text plugin, copied to dist/map/. Written
 * after the bundle, so they are not in the service worker's precache list:
 * the map fetches a font the first time it draws a letter of that script,
 * and the service worker keeps it then (sw.ts, like tiles).
 */
export function mapAssets(): Plugin {
  let outDir = 'dist';
  return {
    name: 'rifugio-map-assets',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle() {
      mkdirSync(join(outDir, 'map/fonts'), { recursive: true });
      for (const f of FONT_FILES) copyFileSync(`node_modules/@fontsource/${f.pkg}/files/${f.file}`, join(outDir, 'map/fonts', f.file));
      // A UMD script: imported as a module by MapLibre's worker (a .mjs URL), where it
      // registers itself through self.registerRTLTextPlugin.
      const rtl = readFileSync('node_modules/@mapbox/mapbox-gl-rtl-text/dist/mapbox-gl-rtl-text.js', 'utf8');
      writeFileSync(join(outDir, RTL_PLUGIN_FILE.slice(1)), rtl);
    },
  };
}
