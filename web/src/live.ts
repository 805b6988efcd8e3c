// Live status changes (GET /v1/events, see docs/http.md) kept on top of the
// offline snapshot. The stored snapshot is signed, so it is never edited:
// changes are an overlay keyed by shelter id, each with the revision it came
// in, applied when shelters are read and dropped once a signed snapshot of
// that revision or newer is there. No DOM here (unit tested in test/live.test.ts).

import type { Shelter, Status } from './model';

/** One shelter's live fields, as a `status` event said. */
export interface LiveStatus {
  id: number;
  status: Status;
  occupancy: number | null;
  capacity: number | null;
  /** The revision the change was committed in. */
  revision: number;
  /** When this device heard of it, ms since the epoch (the device's own clock: no skew). */
  receivedAt: number;
}

/** A `revision` event: `previous` and `complete` are absent when the client missed changes. */
export interface RevisionInfo {
  revision: number;
  previous?: number;
  complete?: boolean;
}

const STATUSES: ReadonlySet<string> = new Set(['open', 'closed', 'full', 'unknown']);

const count = (v: unknown): v is number | null => v === null || (Number.isInteger(v) && (v as number) >= 0);
const revision = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

function parse(data: string): Record<string, unknown> | null {
  try {
    const j: unknown = JSON.parse(data);
    return j && typeof j === 'object' && !Array.isArray(j) ? (j as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A `status` event's data, checked; null when it is not a valid one. */
export function parseStatusEvent(data: string, now = Date.now()): LiveStatus | null {
  const j = parse(data);
  if (!j || !revision(j.id) || typeof j.status !== 'string' || !STATUSES.has(j.status)) return null;
  if (!count(j.occupancy) || !count(j.capacity) || !revision(j.revision)) return null;
  return { id: j.id, status: j.status as Status, occupancy: j.occupancy, capacity: j.capacity, revision: j.revision, receivedAt: now };
}

/** A `revision` event's data, checked; null when it is not a valid one. */
export function parseRevisionEvent(data: string): RevisionInfo | null {
  const j = parse(data);
  if (!j || !revision(j.revision)) return null;
  const info: RevisionInfo = { revision: j.revision };
  if (revision(j.previous)) info.previous = j.previous;
  if (typeof j.complete === 'boolean') info.complete = j.complete;
  return info;
}

/** What the overlay keeps on the device (IndexedDB). */
export interface StoredOverlay {
  at?: number;
  entries: LiveStatus[];
}

/** A shelter as shown: its snapshot fields with the live change applied, and the change itself. */
export type Live<T extends Shelter> = T & { live?: LiveStatus };

export class LiveOverlay {
  private entries = new Map<number, LiveStatus>();
  /** The revision of the signed snapshot underneath. */
  base: number | undefined;
  /**
   * The newest revision this device is complete up to: the snapshot's, then
   * each `revision` event in a row whose status events say everything.
   */
  at: number | undefined;

  get size(): number {
    return this.entries.size;
  }

  /** A signed snapshot of `revision` is in use: changes it already contains go. */
  setBase(rev: number): void {
    this.base = rev;
    for (const [id, e] of this.entries) if (e.revision <= rev) this.entries.delete(id);
    // With nothing newer kept, the snapshot is what we know (also when a
    // replaced register starts again from lower revisions).
    if (this.at === undefined || this.at < rev || this.entries.size === 0) this.at = rev;
  }

  /** Keep a change unless the snapshot or a later change already has it. True when kept. */
  applyStatus(e: LiveStatus): boolean {
    if (this.base !== undefined && e.revision <= this.base) return false;
    const cur = this.entries.get(e.id);
    if (cur && cur.revision > e.revision) return false;
    this.entries.set(e.id, e);
    return true;
  }

  /**
   * After a `revision` event: 'ok' when the device is up to date with it
   * (it follows the revision we are at, and its status events said all),
   * 'refresh' when the data must be fetched again.
   */
  applyRevision(info: RevisionInfo): 'ok' | 'refresh' {
    if (this.at !== undefined && info.revision <= this.at) return 'ok';
    if (this.at !== undefined && info.complete === true && info.previous === this.at) {
      this.at = info.revision;
      return 'ok';
    }
    return 'refresh';
  }

  get(id: number): LiveStatus | undefined {
    return this.entries.get(id);
  }

  /** The shelter with its live change applied (a copy), or as it is. */
  patch<T extends Shelter>(s: T): Live<T> {
    const e = this.entries.get(s.id);
    if (!e) return s;
    return { ...s, status: e.status, occupancy: e.occupancy, capacity: e.capacity, live: e };
  }

  toStored(): StoredOverlay {
    return { at: this.at, entries: [...this.entries.values()] };
  }

  /** Restore what was stored (bad entries are skipped); call setBase() after. */
  static fromStored(s: StoredOverlay | undefined): LiveOverlay {
    const o = new LiveOverlay();
    if (!s || !Array.isArray(s.entries)) return o;
    if (revision(s.at)) o.at = s.at;
    for (const e of s.entries) {
      const ok = parseStatusEvent(JSON.stringify(e), e?.receivedAt);
      if (ok && Number.isFinite(e.receivedAt)) o.applyStatus(ok);
    }
    return o;
  }
}
