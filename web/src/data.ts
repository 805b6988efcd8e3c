// Where answers come from: the server (/v1/nearest) when it answers in time,
// else the verified snapshot in the worker. Also keeps that snapshot fresh
// (ETag) and stored (IndexedDB), and the trusted key (first seen, or built in).

import type { FeatureCollection, Point } from 'geojson';
import { LiveOverlay, type Live, type LiveStatus, type RevisionInfo, type StoredOverlay } from './live';
import { matchesFilters, type Filters, type Hit, type Kind, type ReportSummary, type Status, type StepFree } from './model';
import type { SearchHit } from './nearest';
import { getItem, setItem } from './store';
import type { LoadResult, Request, Response } from './worker-protocol';

/** A snapshot as kept on the device; only verified copies are stored. */
interface StoredSnapshot {
  bytes: ArrayBuffer;
  signature: string;
  revision: number;
  generated: string;
  /** When the server last confirmed this copy (200 or 304), ms since epoch. */
  checkedAt: number;
}

export interface DataState {
  /** A verified snapshot is indexed in the worker. */
  ready: boolean;
  loading: boolean;
  revision?: number;
  generated?: string;
  count?: number;
  checkedAt?: number;
  /** The last downloaded copy failed its signature (or parse) check. */
  refused: boolean;
}

export interface Answer {
  hits: Live<Hit>[];
  source: 'server' | 'local';
  /** 'walking': distances and times walked along streets; 'straight-line': estimates. */
  basis: 'walking' | 'straight-line';
  /** A warning time was given and no shelter can be reached in it (the hits are then the nearest anyway). */
  noneInReach: boolean;
}

/** What the server says about how it computed an answer. */
interface ServerAnswer {
  results: ServerHit[];
  walk?: { basis?: string; fallback?: string };
  none_in_reach?: boolean;
}

const SNAPSHOT_KEY = 'snapshot';
const PUBLIC_KEY = 'publicKey';
/** The live changes on top of the stored snapshot (live.ts). */
const LIVE_KEY = 'live';
/** After a `revision` event that needs new data, wait up to this long (spreads the downloads of many devices). */
const REFRESH_JITTER_MS = 2000;
/** A key given at build time wins over trust on first use. */
const BUILT_IN_KEY: string | undefined = import.meta.env.VITE_SNAPSHOT_PUBLIC_KEY || undefined;
/** How long to wait for the server before answering from the device. */
const SERVER_TIMEOUT_MS = 2500;

class WorkerClient {
  private worker: Worker;
  private next = 1;
  private pending = new Map<number, (r: Response) => void>();

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<Response>) => {
      const cb = this.pending.get(ev.data.id);
      this.pending.delete(ev.data.id);
      cb?.(ev.data);
    };
  }

  call(req: Request, transfer: Transferable[] = []): Promise<Response> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, req }, transfer);
    });
  }
}

interface ServerHit {
  id: number;
  name: string;
  address: string;
  location: [number, number] | null;
  distance_m: number;
  bearing_deg: number;
  walk_s: number;
  straight_distance_m?: number;
  route?: { type: 'LineString'; coordinates: [number, number][] } | null;
  capacity: number | null;
  status: Status;
  step_free: StepFree;
  kind: Kind;
  occupancy: number | null;
  reports?: ReportSummary;
}

/** The /v1/nearest query string for an origin and the filters. */
export function nearestQuery(lon: number, lat: number, k: number, f: Filters, withinS?: number): string {
  const p = new URLSearchParams({ lat: lat.toFixed(6), lon: lon.toFixed(6), k: String(k), by: 'walking' });
  if (withinS) p.set('within', String(Math.round(withinS)));
  if (f.open) p.set('open', 'true');
  if (f.room) p.set('min_free', '1');
  if (f.stepFree) p.set('step_free', 'true');
  return `/v1/nearest?${p}`;
}

/** Server results as the app's Hit rows. */
export function fromServer(results: ServerHit[]): Hit[] {
  return results
    .filter((r) => r.location)
    .map((r) => ({
      id: r.id,
      lon: r.location![0],
      lat: r.location![1],
      name: r.name ?? '',
      address: r.address ?? '',
      municipality: '',
      capacity: r.capacity ?? null,
      status: r.status,
      step_free: r.step_free,
      kind: r.kind,
      occupancy: r.occupancy ?? null,
      distance_m: r.distance_m,
      bearing_deg: r.bearing_deg,
      walk_s: r.walk_s,
      ...(r.route?.coordinates?.length ? { route: r.route.coordinates } : {}),
      ...(r.straight_distance_m !== undefined ? { straight_m: r.straight_distance_m } : {}),
      ...(r.reports && Object.keys(r.reports).length ? { reports: r.reports } : {}),
    }));
}

/**
 * Offline: no shelter within the warning time by the straight-line walking
 * estimate (a lower bound of the real walk, so "none" is certain).
 */
export function localNoneInReach(hits: Hit[], withinS?: number): boolean {
  return !!withinS && hits.every((h) => h.walk_s > withinS);
}

export class RegisterData {
  state: DataState = { ready: false, loading: false, refused: false };
  onchange: (s: DataState) => void = () => {};
  /** Status changes heard live since the snapshot (GET /v1/events). */
  live = new LiveOverlay();
  private worker = new WorkerClient();
  private refreshing: Promise<void> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  private set(patch: Partial<DataState>) {
    this.state = { ...this.state, ...patch };
    this.onchange(this.state);
  }

  /** Loads the stored copy (if any), then asks the server for a newer one. */
  async start(): Promise<void> {
    this.set({ loading: true });
    try {
      const stored = await getItem<StoredSnapshot>(SNAPSHOT_KEY).catch(() => undefined);
      const key = BUILT_IN_KEY ?? (await getItem<string>(PUBLIC_KEY).catch(() => undefined));
      this.live = LiveOverlay.fromStored(await getItem<StoredOverlay>(LIVE_KEY).catch(() => undefined));
      if (stored && key) {
        const r = await this.load(stored.bytes.slice(0), stored.signature, key);
        if (r.ok) {
          this.live.setBase(r.revision!);
          this.set({ ready: true, revision: r.revision, generated: r.generated, count: r.count, checkedAt: stored.checkedAt });
        }
      }
      await this.refresh();
    } finally {
      this.set({ loading: false });
    }
  }

  private async load(bytes: ArrayBuffer, signature: string, key: string): Promise<LoadResult> {
    const res = await this.worker.call({ type: 'load', bytes, signature, publicKey: key }, [bytes]);
    return res.type === 'load' ? res.result : { ok: false, error: 'worker' };
  }

  private async trustedKey(): Promise<string | undefined> {
    if (BUILT_IN_KEY) return BUILT_IN_KEY;
    const known = await getItem<string>(PUBLIC_KEY).catch(() => undefined);
    if (known) return known;
    const res = await fetch('/v1/snapshot/key', { cache: 'no-store' });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { algorithm?: string; public_key?: string };
    if (body.algorithm !== 'Ed25519' || !body.public_key) return undefined;
    await setItem(PUBLIC_KEY, body.public_key).catch(() => undefined);
    return body.public_key;
  }

  /** A live `status` event: kept (and stored for offline use) unless already known. */
  applyStatus(e: LiveStatus): boolean {
    if (!this.live.applyStatus(e)) return false;
    this.saveLive();
    return true;
  }

  /** A live `revision` event: fetches the snapshot again when changes were missed. */
  applyRevision(info: RevisionInfo): void {
    const action = this.live.applyRevision(info);
    this.saveLive();
    if (action === 'ok' || this.refreshTimer !== undefined) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, Math.random() * REFRESH_JITTER_MS);
  }

  private saveLive(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void setItem(LIVE_KEY, this.live.toStored()).catch(() => undefined), 200);
  }

  /** Revalidates the snapshot with its ETag; a copy that fails the check is dropped. One at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.revalidate().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async revalidate(): Promise<void> {
    let key: string | undefined;
    try {
      key = await this.trustedKey();
    } catch {
      return; // offline
    }
    if (!key) return;
    const headers: Record<string, string> = {};
    if (this.state.ready && this.state.revision !== undefined) headers['If-None-Match'] = `"${this.state.revision}"`;
    let res: globalThis.Response;
    try {
      res = await fetch('/v1/snapshot', { headers, cache: 'no-store' });
    } catch {
      return; // offline: keep what we have
    }
    if (res.status === 304) {
      const stored = await getItem<StoredSnapshot>(SNAPSHOT_KEY).catch(() => undefined);
      const now = Date.now();
      if (stored) await setItem(SNAPSHOT_KEY, { ...stored, checkedAt: now }).catch(() => undefined);
      this.set({ checkedAt: now });
      return;
    }
    if (!res.ok) return;
    const signature = res.headers.get('Rifugio-Signature') ?? '';
    const bytes = await res.arrayBuffer();
    const copy = bytes.slice(0);
    const r = await this.load(bytes, signature, key);
    if (!r.ok) {
      // Refused: the worker still holds the previous verified copy, if any.
      this.set({ refused: true });
      return;
    }
    const now = Date.now();
    const stored: StoredSnapshot = { bytes: copy, signature, revision: r.revision!, generated: r.generated!, checkedAt: now };
    await setItem(SNAPSHOT_KEY, stored).catch(() => undefined);
    this.live.setBase(r.revision!);
    this.saveLive();
    this.set({ ready: true, refused: false, revision: r.revision, generated: r.generated, count: r.count, checkedAt: now });
  }

  private async ask(url: string): Promise<ServerAnswer | null> {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), SERVER_TIMEOUT_MS);
    try {
      const res = await fetch(url, { signal: ctl.signal, cache: 'no-store' });
      return res.ok ? ((await res.json()) as ServerAnswer) : null;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The k nearest on foot: from the server if it answers in time, else from the
   * device (straight line). With a warning time `withinS`, says whether any
   * shelter can be reached in it; when none can, the hits are the nearest anyway.
   */
  async nearest(lon: number, lat: number, k: number, filters: Filters, withinS?: number): Promise<Answer> {
    if (navigator.onLine !== false) {
      let body = await this.ask(nearestQuery(lon, lat, k, filters, withinS));
      let noneInReach = false;
      if (body?.none_in_reach) {
        noneInReach = true;
        body = await this.ask(nearestQuery(lon, lat, k, filters));
      }
      if (body) {
        const basis = body.walk?.basis === 'walking' ? 'walking' : 'straight-line';
        return { hits: fromServer(body.results), source: 'server', basis, noneInReach };
      }
    }
    if (!this.state.ready) throw new Error('no-data');
    // The worker knows the signed snapshot only: ask for a few more, apply
    // the live changes, then filter again (a shelter may have become full).
    const extra = Math.min(this.live.size, 20);
    const res = await this.worker.call({ type: 'nearest', lon, lat, k: k + extra, filters });
    const hits = (res.type === 'nearest' ? res.hits : [])
      .map((h) => this.live.patch(h))
      .filter((h) => matchesFilters(h, filters))
      .slice(0, k);
    return { hits, source: 'local', basis: 'straight-line', noneInReach: localNoneInReach(hits, withinS) };
  }

  async search(query: string, limit = 8): Promise<SearchHit[]> {
    if (!this.state.ready) return [];
    const res = await this.worker.call({ type: 'search', query, limit });
    return res.type === 'search' ? res.hits : [];
  }

  async points(): Promise<FeatureCollection<Point> | null> {
    if (!this.state.ready) return null;
    const res = await this.worker.call({ type: 'points' });
    return res.type === 'points' ? res.geojson : null;
  }

  async bounds(): Promise<[number, number, number, number] | null> {
    if (!this.state.ready) return null;
    const res = await this.worker.call({ type: 'bounds' });
    return res.type === 'bounds' ? res.bounds : null;
  }
}
