import { describe, expect, it } from 'vitest';
import { compassPoint, formatAge, formatBearing, formatCount, formatDistance, formatDuration, formatRecent } from '../src/format';
import { bearingDeg, distanceM, walkSeconds } from '../src/geo';
import { tileOf, tilesAround } from '../src/tiles';
import { fromServer, localNoneInReach, nearestQuery } from '../src/data';
import { BOLD, REGULAR } from '../src/map/fonts';
import { baseMapFrom, buildStyle, countryName, darken, DARK, lighten, LIGHT } from '../src/map/style';

// Intl output may use narrow no-break spaces; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatting', () => {
  it('distances: metres, rounded; kilometres with one decimal', () => {
    expect(plain(formatDistance(42.4, 'en'))).toBe('42 m');
    expect(plain(formatDistance(847, 'en'))).toBe('850 m');
    expect(plain(formatDistance(996, 'en'))).toBe('1 km');
    expect(plain(formatDistance(1520, 'en'))).toBe('1.5 km');
    expect(plain(formatDistance(1520, 'de'))).toBe('1,5 km');
    expect(plain(formatDistance(12400, 'nb'))).toBe('12 km');
    expect(formatDistance(1520, 'ar')).toMatch(/كم/);
  });

  it('walking times in minutes, then hours', () => {
    expect(formatDuration(20, 'en')).toBe('1 minute');
    expect(formatDuration(610, 'en')).toBe('10 minutes');
    expect(formatDuration(610, 'de')).toBe('10 Minuten');
    expect(plain(formatDuration(3600 * 2 + 600, 'en'))).toBe('2 hours 10 min');
  });

  it('counts and bearings per locale', () => {
    expect(formatCount(7060, 'en')).toBe('7,060');
    expect(formatCount(7060, 'de')).toBe('7.060');
    expect(plain(formatCount(7060, 'fi'))).toBe('7 060');
    expect(formatBearing(47.4, 'en')).toBe('47°');
    expect(formatBearing(359.6, 'en')).toBe('0°');
  });

  it('compass points', () => {
    expect(compassPoint(0)).toBe('n');
    expect(compassPoint(44)).toBe('ne');
    expect(compassPoint(181)).toBe('s');
    expect(compassPoint(337.6)).toBe('n');
    expect(compassPoint(-90)).toBe('w');
  });

  it('ages', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    expect(formatAge(new Date('2026-11-22T09:59:30Z'), now, 'en')).toBe('now');
    expect(formatAge(new Date('2026-11-22T07:00:00Z'), now, 'en')).toBe('3 hours ago');
    expect(formatAge(new Date('2026-11-21T10:00:00Z'), now, 'en')).toBe('yesterday');
    expect(formatAge(new Date('2026-11-19T10:00:00Z'), now, 'de')).toBe('vor 3 Tagen');
  });

  it('recent ages count seconds (live status changes)', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    expect(formatRecent(new Date('2026-11-22T10:00:00Z'), now, 'en')).toBe('now');
    expect(formatRecent(new Date('2026-11-22T09:59:57Z'), now, 'en')).toBe('3 seconds ago');
    expect(formatRecent(new Date('2026-11-22T09:59:59Z'), now, 'en')).toBe('1 second ago');
    expect(formatRecent(new Date('2026-11-22T09:59:57Z'), now, 'nb')).toBe('for 3 sekunder siden');
    expect(formatRecent(new Date('2026-11-22T09:58:00Z'), now, 'en')).toBe('2 minutes ago');
    expect(formatRecent(new Date('2026-11-22T10:00:02Z'), now, 'en')).toBe('now'); // a clock a little ahead
  });
});

describe('geometry', () => {
  it('haversine distance and bearing', () => {
    // Oslo Central Station to the Royal Palace: about 1.45 km west-north-west.
    const d = distanceM(10.7522, 59.9111, 10.7276, 59.917);
    expect(d).toBeGreaterThan(1350);
    expect(d).toBeLessThan(1550);
    const b = bearingDeg(10.7522, 59.9111, 10.7276, 59.917);
    expect(b).toBeGreaterThan(280);
    expect(b).toBeLessThan(305);
    expect(bearingDeg(0, 0, 0, 1)).toBeCloseTo(0);
    expect(bearingDeg(0, 0, 1, 0)).toBeCloseTo(90);
    expect(walkSeconds(1389)).toBe(1000);
  });

  it('tiles around a point', () => {
    expect(tileOf(0, 0, 1)).toEqual([1, 1]);
    expect(tileOf(10.7522, 59.9139, 10)).toEqual([542, 297]);
    const urls = tilesAround('/tiles/{z}/{x}/{y}.pbf', 10.7522, 59.9139, 3000, 12, 13);
    expect(urls).toContain('/tiles/12/2170/1190.pbf');
    expect(urls.length).toBeGreaterThan(4);
    expect(urls.length).toBeLessThan(60);
  });
});

describe('server contract', () => {
  it('maps filters to /v1/nearest parameters', () => {
    expect(nearestQuery(10.7522, 59.9139, 5, { open: false, room: false, stepFree: false })).toBe('/v1/nearest?lat=59.913900&lon=10.752200&k=5&by=walking');
    expect(nearestQuery(10, 60, 5, { open: true, room: true, stepFree: true })).toBe(
      '/v1/nearest?lat=60.000000&lon=10.000000&k=5&by=walking&open=true&min_free=1&step_free=true',
    );
  });

  it('asks within=SECONDS when a warning time is set', () => {
    expect(nearestQuery(10, 60, 5, { open: false, room: false, stepFree: false }, 300)).toBe(
      '/v1/nearest?lat=60.000000&lon=10.000000&k=5&by=walking&within=300',
    );
  });

  it('reads a walking answer: route and straight distance', () => {
    const [hit] = fromServer([
      { id: 3, name: '', address: 'Grønland', location: [10.7585, 59.9135], distance_m: 181, straight_distance_m: 130.2, bearing_deg: 317, walk_s: 131,
        route: { type: 'LineString', coordinates: [[10.76, 59.9127], [10.7595, 59.9128], [10.7585, 59.9135]] },
        capacity: 2000, status: 'unknown', step_free: 'unknown', kind: 'public_shelter', occupancy: null },
    ]);
    expect(hit!.route).toHaveLength(3);
    expect(hit!.straight_m).toBe(130.2);
    expect(hit!.distance_m).toBe(181);
  });

  it('offline: no shelter in reach when every straight-line estimate is over the warning time', () => {
    const h = (walk_s: number) => ({ walk_s }) as Parameters<typeof localNoneInReach>[0][number];
    expect(localNoneInReach([h(100), h(200)], 60)).toBe(true);
    expect(localNoneInReach([h(50), h(200)], 60)).toBe(false);
    expect(localNoneInReach([h(100)], undefined)).toBe(false);
    expect(localNoneInReach([], 60)).toBe(true);
  });

  it('reads results (location is [lon, lat])', () => {
    const hits = fromServer([
      { id: 17, name: '', address: 'Tøyengata 2', location: [10.752345, 59.912345], distance_m: 120.5, bearing_deg: 45, walk_s: 87, capacity: 400, status: 'open', step_free: 'yes', kind: 'public_shelter', occupancy: null },
    ]);
    expect(hits[0]).toMatchObject({ id: 17, lon: 10.752345, lat: 59.912345, distance_m: 120.5, capacity: 400, occupancy: null });
  });
});

describe('base map from our tiles', () => {
  const served = {
    version: 8,
    sources: {
      rifugio: { type: 'vector', tiles: ['http://127.0.0.1:8080/tiles/{z}/{x}/{y}.pbf'], minzoom: 6, maxzoom: 14 },
      other: { type: 'vector', tiles: ['https://tiles.example.com/{z}/{x}/{y}.pbf'] },
    },
    glyphs: 'https://fonts.example.com/{fontstack}/{range}.pbf',
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } },
      { id: 'water-area', type: 'fill', source: 'rifugio', 'source-layer': 'water', paint: { 'fill-color': '#a8cbe8' } },
      { id: 'street', type: 'line', source: 'rifugio', 'source-layer': 'transportation', paint: { 'line-color': '#ffffff' } },
      { id: 'names', type: 'symbol', source: 'rifugio', 'source-layer': 'place', layout: { 'text-field': ['get', 'name'], 'text-font': ['Open Sans Bold'] } },
      { id: 'streets', type: 'symbol', source: 'rifugio', 'source-layer': 'transportation', layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Bold'] }, paint: { 'text-color': '#333333' } },
      { id: 'icons', type: 'symbol', source: 'rifugio', 'source-layer': 'place', layout: { 'icon-image': 'town', 'text-field': ['get', 'name'] } },
      { id: 'foreign', type: 'line', source: 'other', 'source-layer': 'x' },
    ],
  };

  it('keeps our source, its fill/line layers and labels in our fonts, nothing from another origin, no icons', () => {
    const b = baseMapFrom(served, 'http://127.0.0.1:8080');
    expect(Object.keys(b.sources)).toEqual(['base-rifugio']);
    expect(b.layers.map((l) => l.id)).toEqual(['base-water-area', 'base-street', 'base-names', 'base-streets']);
    const font = (id: string) => (b.layers.find((l) => l.id === id) as { layout: Record<string, unknown> }).layout['text-font'];
    expect(font('base-names')).toEqual([REGULAR]); // a font we do not have
    expect(font('base-streets')).toEqual([BOLD]);
    expect(JSON.stringify(b)).not.toContain('example.com');
  });

  it('refuses tiles on another origin (a different port is another origin)', () => {
    expect(baseMapFrom(served, 'http://127.0.0.1:9090').layers).toEqual([]);
    expect(baseMapFrom(null, 'http://x').layers).toEqual([]);
  });

  it('puts the tile layers above the world layer and under the shelters; fonts from this origin only', () => {
    const b = baseMapFrom(served, 'http://127.0.0.1:8080');
    const ids = buildStyle(LIGHT, 'http://127.0.0.1:8080', b).layers.map((l) => l.id);
    expect(ids.indexOf('land')).toBeLessThan(ids.indexOf('borders'));
    expect(ids.indexOf('borders')).toBeLessThan(ids.indexOf('base-water-area'));
    expect(ids.indexOf('base-streets')).toBeLessThan(ids.indexOf('shelters'));
    const style = buildStyle(LIGHT, 'http://127.0.0.1:8080', b);
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    const faces = Object.values(style['font-faces'] ?? {}).flat() as { url: string; 'unicode-range': string[] }[];
    expect(Object.keys(style['font-faces'] ?? {})).toEqual([REGULAR, BOLD]);
    for (const f of faces) expect(f.url).toMatch(/^http:\/\/127\.0\.0\.1:8080\/map\/fonts\/noto-sans[a-z-]*-(400|600)-normal\.woff2$/);
    // Latin (ø), Cyrillic (Ж), Greek (Ω), Hebrew (א) and Arabic (ع) each have a file.
    for (const ch of ['ø', 'Ж', 'Ω', 'א', 'ع']) {
      const cp = ch.codePointAt(0)!;
      const covers = faces.filter((f) => f.url.includes('-400-') && f['unicode-range'].some((r) => {
        const [a, b2] = r.replace('U+', '').split('-').map((h) => parseInt(h, 16));
        return cp >= a! && cp <= (b2 ?? a)!;
      }));
      expect(covers.length, ch).toBeGreaterThan(0);
    }
    expect(buildStyle(LIGHT, 'http://x').layers.some((l) => l.id.startsWith('base-'))).toBe(false);
  });

  it('darkens colours for the dark scheme', () => {
    expect(darken('#ffffff')).toBe('#5b5b5b');
    expect(darken(['interpolate', ['linear'], ['zoom'], 9, '#000000'])).toEqual(['interpolate', ['linear'], ['zoom'], 9, '#0e0e0e']);
    // Label text goes the other way, so it still reads on the dark map.
    expect(lighten('#333333')).toBe('#d9d9d9');
    const b = baseMapFrom(served, 'http://127.0.0.1:8080');
    const streets = buildStyle(DARK, 'http://127.0.0.1:8080', b).layers.find((l) => l.id === 'base-streets') as { paint: Record<string, unknown> };
    expect(streets.paint['text-color']).toBe('#d9d9d9');
  });
});

describe('country names of the world layer', () => {
  it('names each code once in the reader\'s language, Natural Earth\'s name otherwise', () => {
    expect(countryName('nb', ['NO', 'SE', 'NO', 'x1'])).toEqual(['match', ['get', 'code'], 'NO', 'Norge', 'SE', 'Sverige', ['get', 'name']]);
    expect(countryName('en', ['NO'])).toEqual(['match', ['get', 'code'], 'NO', 'Norway', ['get', 'name']]);
    const he = countryName('he', ['IL']) as unknown[];
    expect(he[3]).toBe('ישראל');
    expect(countryName('en', [])).toEqual(['get', 'name']);
  });
});
