// Crowd reports: sending what a citizen found at a shelter (POST
// /v1/shelters/{id}/reports) and saying what others reported. Reports need
// the server: offline, nothing is sent and the caller says so, rather than
// pretend; nothing is queued to send later (a stale "locked" helps nobody).

import type { ReportKind, ReportSummary } from './model';

export const REPORT_KINDS: readonly ReportKind[] = ['locked', 'full', 'damaged', 'open'];

/** The longest note the server takes, in characters. */
export const MAX_NOTE = 280;

export type SendResult =
  | { ok: true; summary: ReportSummary }
  | { ok: false; reason: 'offline' | 'rate_limited' | 'rejected' | 'error'; retryAfterS?: number };

/** Sends one report; never throws. `online` and `fetchFn` are for tests. */
export async function sendReport(
  id: number,
  kind: ReportKind,
  note: string,
  fetchFn: typeof fetch = fetch,
  online: boolean = typeof navigator === 'undefined' || navigator.onLine !== false,
): Promise<SendResult> {
  if (!online) return { ok: false, reason: 'offline' };
  const body: { kind: ReportKind; note?: string } = { kind };
  // Control characters are refused by the server: line breaks become spaces.
  const clean = note.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  if (clean) body.note = [...clean].slice(0, MAX_NOTE).join('');
  let res: Response;
  try {
    res = await fetchFn(`/v1/shelters/${id}/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    return { ok: false, reason: 'offline' }; // no answer: not sent
  }
  if (res.status === 202) {
    try {
      const j = (await res.json()) as { summary?: ReportSummary };
      return { ok: true, summary: j.summary ?? {} };
    } catch {
      return { ok: true, summary: {} };
    }
  }
  if (res.status === 429) {
    const s = Number(res.headers.get('Retry-After'));
    return { ok: false, reason: 'rate_limited', retryAfterS: Number.isFinite(s) && s > 0 ? s : 600 };
  }
  return { ok: false, reason: res.status === 404 || res.status === 422 || res.status === 400 ? 'rejected' : 'error' };
}

/** What the summary says, most reported first: one line per kind. */
export function summaryLines(summary: ReportSummary | undefined): { kind: ReportKind; count: number; ageS: number }[] {
  if (!summary) return [];
  return REPORT_KINDS.flatMap((kind) => {
    const k = summary[kind];
    return k && k.count > 0 ? [{ kind, count: k.count, ageS: Math.max(0, k.age_s) }] : [];
  }).sort((a, b) => b.count - a.count || a.ageS - b.ageS);
}
