// The one place the map's look is defined. Everything comes from this origin:
// no tile server, no glyphs, no sprites, so only circle, line and fill layers.
// When our own vector tiles land (a later issue), add them to TILE_SOURCES and
// their layers under the "shelters" layers; the service worker already caches
// /tiles/ requests and tiles.ts lists the tiles around the user to prefetch.

import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';

/** Base-map tile sources of our own (none yet): name -> MapLibre source. */
export const TILE_SOURCES: Record<string, SourceSpecification> = {};

/** Country outlines, built from the importer's borders.json at build time. */
export const BORDERS_URL = '/borders.geojson';

export interface Palette {
  water: string;
  land: string;
  border: string;
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
  shelter: '#9aa7b3',
  shelterStroke: '#101214',
  result: '#8ab4f8',
  nearest: '#ff8a80',
  origin: '#ffffff',
  line: '#ff8a80',
};

const empty = (): SourceSpecification => ({ type: 'geojson', data: { type: 'FeatureCollection', features: [] } });

export function buildStyle(p: Palette): StyleSpecification {
  const layers: LayerSpecification[] = [
    { id: 'water', type: 'background', paint: { 'background-color': p.water } },
    { id: 'land', type: 'fill', source: 'borders', paint: { 'fill-color': p.land } },
    { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': p.border, 'line-width': 0.6 } },
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
      id: 'route',
      type: 'line',
      source: 'route',
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
    sources: {
      ...TILE_SOURCES,
      borders: empty(), // filled by map.ts from BORDERS_URL
      shelters: empty(),
      results: empty(),
      route: empty(),
      origin: empty(),
    },
    layers,
  };
}
