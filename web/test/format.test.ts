import { describe, expect, it } from 'vitest';
import { compassPoint, formatAge, formatBearing, formatCount, formatDistance, formatDuration } from '../src/format';
import { bearingDeg, distanceM, walkSeconds } from '../src/geo';
import { tileOf, tilesAround } from '../src/tiles';
import { fromServer, nearestQuery } from '../src/data';

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
    expect(nearestQuery(10.7522, 59.9139, 5, { open: false, room: false, stepFree: false })).toBe('/v1/nearest?lat=59.913900&lon=10.752200&k=5');
    expect(nearestQuery(10, 60, 5, { open: true, room: true, stepFree: true })).toBe(
      '/v1/nearest?lat=60.000000&lon=10.000000&k=5&open=true&min_free=1&step_free=true',
    );
  });

  it('reads results (location is [lon, lat])', () => {
    const hits = fromServer([
      { id: 17, name: '', address: 'Tøyengata 2', location: [10.752345, 59.912345], distance_m: 120.5, bearing_deg: 45, walk_s: 87, capacity: 400, status: 'open', step_free: 'yes', kind: 'public_shelter', occupancy: null },
    ]);
    expect(hits[0]).toMatchObject({ id: 17, lon: 10.752345, lat: 59.912345, distance_m: 120.5, capacity: 400, occupancy: null });
  });
});
