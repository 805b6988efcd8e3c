// The live-update stream: one EventSource on /v1/events (docs/http.md) while
// the page is visible and the device online. EventSource reconnects by
// itself after a dropped connection (the server asks for 3 s, and it sends
// Last-Event-ID); when the server refuses (an HTTP error closes the
// EventSource for good) we reconnect with a growing, jittered delay. A page
// hidden for a minute closes the stream (battery); coming back reopens it
// with ?since=<revision we are at>, so a missed change arrives as a
// `revision` event without `previous` and the app refetches.

import { parseRevisionEvent, parseStatusEvent, type LiveStatus, type RevisionInfo } from './live';

export interface LiveHandlers {
  status(e: LiveStatus): void;
  revision(r: RevisionInfo): void;
  /** The stream is open (true) or not (false). */
  state(open: boolean): void;
}

export interface LiveOptions {
  url?: string;
  /** The revision the app is complete up to, for ?since= on a fresh connection. */
  since(): number | undefined;
  /** Close the stream after the page has been hidden this long, ms. DEFAULT: 60 s. */
  hiddenGraceMs?: number;
}

const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;

/** The wait before reconnect attempt `n` (0-based) after the server refused: 1 s doubling to 60 s, ±25%. */
export function backoffMs(n: number, random = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(n, 10));
  return Math.round(base * (0.75 + 0.5 * random()));
}

export class LiveUpdates {
  private es: EventSource | null = null;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private open = false;

  constructor(private handlers: LiveHandlers, private opts: LiveOptions) {}

  start(): void {
    window.addEventListener('online', () => this.connect());
    window.addEventListener('offline', () => this.close());
    document.addEventListener('visibilitychange', () => {
      clearTimeout(this.hiddenTimer);
      if (document.visibilityState === 'hidden')
        this.hiddenTimer = setTimeout(() => this.close(), this.opts.hiddenGraceMs ?? 60_000);
      else this.connect();
    });
    this.connect();
  }

  get connected(): boolean {
    return this.open;
  }

  private setOpen(open: boolean): void {
    if (open === this.open) return;
    this.open = open;
    this.handlers.state(open);
  }

  private connect(): void {
    if (this.es || typeof EventSource === 'undefined') return;
    if (navigator.onLine === false || document.visibilityState === 'hidden') return;
    clearTimeout(this.retry);
    const since = this.opts.since();
    const url = (this.opts.url ?? '/v1/events') + (since === undefined ? '' : `?since=${since}`);
    const es = new EventSource(url);
    this.es = es;
    es.onopen = () => {
      this.failures = 0;
      this.setOpen(true);
    };
    es.addEventListener('status', (ev) => {
      const e = parseStatusEvent((ev as MessageEvent<string>).data);
      if (e) this.handlers.status(e);
    });
    es.addEventListener('revision', (ev) => {
      const r = parseRevisionEvent((ev as MessageEvent<string>).data);
      if (r) this.handlers.revision(r);
    });
    es.onerror = () => {
      this.setOpen(false);
      if (es.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      this.es = null;
      this.retry = setTimeout(() => this.connect(), backoffMs(this.failures++));
    };
  }

  close(): void {
    clearTimeout(this.retry);
    this.es?.close();
    this.es = null;
    this.setOpen(false);
  }
}
