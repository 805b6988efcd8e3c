// Numbers, distances, durations, dates and bearings, formatted per locale with Intl.

import { compassPoint, type CompassPoint } from './geo';

const cache = new Map<string, Intl.NumberFormat>();
function nf(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, opts);
    cache.set(key, f);
  }
  return f;
}

/** A plain count: "1,234" / "1.234" / "1 234". */
export function formatCount(n: number, locale: string): string {
  return nf(locale, { maximumFractionDigits: 0 }).format(n);
}

/**
 * A walking distance: metres below 1 km (rounded to 10 m above 100 m),
 * kilometres with one decimal below 10 km, whole kilometres beyond.
 */
export function formatDistance(metres: number, locale: string): string {
  if (metres < 1000) {
    const m = metres < 100 ? Math.round(metres) : Math.round(metres / 10) * 10;
    if (m < 1000) return nf(locale, { style: 'unit', unit: 'meter', maximumFractionDigits: 0 }).format(m);
  }
  const km = metres / 1000;
  return nf(locale, { style: 'unit', unit: 'kilometer', maximumFractionDigits: km < 10 ? 1 : 0 }).format(km);
}

/** A walking time: whole minutes (at least 1), hours and minutes from 60 min. */
export function formatDuration(seconds: number, locale: string): string {
  const min = Math.max(1, Math.round(seconds / 60));
  if (min < 60) return nf(locale, { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(min);
  const h = Math.floor(min / 60);
  const rest = min % 60;
  const hs = nf(locale, { style: 'unit', unit: 'hour', unitDisplay: 'long' }).format(h);
  return rest === 0 ? hs : `${hs} ${nf(locale, { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(rest)}`;
}

/** A bearing in whole degrees: "47°". */
export function formatBearing(deg: number, locale: string): string {
  // Intl's unit 'degree' says "47 deg" in English; the sign reads the same everywhere.
  return `${nf(locale, { maximumFractionDigits: 0 }).format(Math.round(deg) % 360)}°`;
}

export { compassPoint, type CompassPoint };

/** How long ago `then` was, relative to `now`: "3 hours ago", "yesterday". */
export function formatAge(then: Date, now: Date, locale: string): string {
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const s = Math.round((then.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return rtf.format(0, 'second'); // "now"
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

/** A date and time, short: "22 Nov 2026, 06:41". */
export function formatDateTime(d: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** Like formatAge, in seconds under a minute: "3 seconds ago", "now". For live changes. */
export function formatRecent(then: Date, now: Date, locale: string): string {
  const s = Math.round((now.getTime() - then.getTime()) / 1000);
  if (s < 1) return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(0, 'second');
  if (s < 60) return new Intl.RelativeTimeFormat(locale, { numeric: 'always' }).format(-s, 'second');
  return formatAge(then, now, locale);
}
