import { describe, expect, it } from 'vitest';
import { fromServer } from '../src/data';
import { setLang } from '../src/i18n';
import { sendReport, summaryLines } from '../src/reports';
import { summaryText } from '../src/ui/report';

type Call = { url: string; init: RequestInit };

function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: Call[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

describe('crowd reports', () => {
  it('sends kind and note, and returns the new summary', async () => {
    const summary = { locked: { count: 3, newest: '2026-12-01T18:00:00Z', age_s: 0 } };
    const f = fakeFetch(202, { report: { id: 7, kind: 'locked', time: '2026-12-01T18:00:00Z' }, summary });
    const r = await sendReport(17, 'locked', '  gate\nchained  ', f.fn, true);
    expect(r).toEqual({ ok: true, summary });
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]!.url).toBe('/v1/shelters/17/reports');
    expect(f.calls[0]!.init.method).toBe('POST');
    // Line breaks (which the server refuses) become spaces; nothing else changes.
    expect(JSON.parse(f.calls[0]!.init.body as string)).toEqual({ kind: 'locked', note: 'gate chained' });
  });

  it('leaves an empty note out and cuts a long one at 280 characters', async () => {
    const f = fakeFetch(202, { summary: {} });
    await sendReport(1, 'open', '   ', f.fn, true);
    expect(JSON.parse(f.calls[0]!.init.body as string)).toEqual({ kind: 'open' });
    await sendReport(1, 'open', 'é'.repeat(300), f.fn, true);
    expect([...JSON.parse(f.calls[1]!.init.body as string).note]).toHaveLength(280);
  });

  it('says rate limited with the wait, and offline without pretending', async () => {
    const limited = fakeFetch(429, { code: 'too_many_requests' }, { 'Retry-After': '540' });
    expect(await sendReport(1, 'full', '', limited.fn, true)).toEqual({ ok: false, reason: 'rate_limited', retryAfterS: 540 });
    const never = fakeFetch(202, {});
    expect(await sendReport(1, 'full', '', never.fn, false)).toEqual({ ok: false, reason: 'offline' });
    expect(never.calls).toHaveLength(0);
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect(await sendReport(1, 'full', '', down, true)).toEqual({ ok: false, reason: 'offline' });
    expect((await sendReport(1, 'full', '', fakeFetch(422, {}).fn, true)).ok).toBe(false);
    expect(await sendReport(1, 'full', '', fakeFetch(500, {}).fn, true)).toEqual({ ok: false, reason: 'error' });
  });

  it('orders the summary by count and says it in words, with plurals', async () => {
    const summary = {
      open: { count: 1, newest: 'x', age_s: 60 },
      locked: { count: 3, newest: 'x', age_s: 720 },
    };
    expect(summaryLines(summary).map((l) => l.kind)).toEqual(['locked', 'open']);
    const now = new Date('2026-12-01T18:00:00Z');
    await setLang('en');
    expect(summaryText(summary, now)).toEqual(['3 people reported it locked · 12 minutes ago', '1 person reported it open · 1 minute ago']);
    await setLang('de');
    expect(summaryText(summary, now)[0]).toBe('3 Personen melden: verschlossen · vor 12 Minuten');
    await setLang('en');
    expect(summaryText(undefined)).toEqual([]);
  });

  it('keeps the summary of a /v1/nearest hit, only when there is one', () => {
    const base = {
      id: 1, name: 'A', address: '', location: [10.7, 59.9] as [number, number], distance_m: 1, bearing_deg: 0, walk_s: 1,
      capacity: 10, status: 'open' as const, step_free: 'yes' as const, kind: 'bunker' as const, occupancy: null,
    };
    const reports = { damaged: { count: 2, newest: '2026-12-01T18:00:00Z', age_s: 5 } };
    const [a, b] = fromServer([{ ...base, reports }, { ...base, id: 2 }]);
    expect(a!.reports).toEqual(reports);
    expect(b!.reports).toBeUndefined();
  });
});
