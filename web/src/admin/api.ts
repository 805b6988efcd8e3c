// The admin page's one way to talk to the server: same-origin fetch with the
// session cookie, the CSRF token on every write, and problem+json errors
// turned into ApiError (status, code, the field at fault, Retry-After).

export interface User {
  name: string;
  role: 'admin' | 'editor' | 'warden';
  country: string;
  municipality: string;
  shelters: number[];
  region: unknown;
}

export interface Session {
  user: User;
  csrf: string;
  expires: string;
}

export type Status = 'open' | 'closed' | 'full' | 'unknown';
export const STATUSES: Status[] = ['open', 'closed', 'full', 'unknown'];

/** A shelter as GET /v1/shelters/{id} answers it. */
export interface Shelter {
  id: number;
  keys: { source: string; id: string }[];
  name: string;
  address: string;
  municipality: string;
  region: string;
  country: string;
  location: [number, number] | null;
  capacity: number | null;
  kind: string;
  step_free: string;
  status: Status;
  occupancy: number | null;
  opening_hours: string;
  licence: string;
  retired: boolean;
  status_time: string | null;
  status_by: string;
  source: string;
  updated: string;
  version: number;
  needs_location: boolean;
  manual_fields: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    /** Seconds, from Retry-After (429). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

let csrf = '';
/** Called when the server says the session is gone (401 on anything but sign-in). */
let onSignedOut: (() => void) | null = null;

export function setCsrf(token: string): void {
  csrf = token;
}

export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

export interface Answer<T> {
  body: T;
  etag: string | null;
  status: number;
}

/**
 * One request. `body` is sent as JSON unless it is a Blob or ArrayBuffer
 * (an import file, sent as it is). Throws ApiError for any answer >= 400,
 * and a TypeError when the network is down.
 */
export async function request<T>(
  method: string,
  path: string,
  opts: { body?: unknown; ifMatch?: string; signIn?: boolean } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.body instanceof Blob || opts.body instanceof ArrayBuffer) {
    body = opts.body;
    headers['Content-Type'] = 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
  const res = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const p = (json ?? {}) as { code?: string; detail?: string; title?: string; field?: string };
    const retry = Number(res.headers.get('Retry-After'));
    const err = new ApiError(
      res.status,
      p.code ?? `http_${res.status}`,
      p.detail ?? p.title ?? `${method} ${path}: the server answered ${res.status}`,
      p.field ?? null,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
    if (res.status === 401 && !opts.signIn) onSignedOut?.();
    throw err;
  }
  return { body: json as T, etag: res.headers.get('ETag'), status: res.status };
}

/** A readable sentence for any failure: the server's own words, or "cannot reach the server". */
export function describe(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof TypeError) return 'Cannot reach the server. Check the connection and try again.';
  return String(e);
}

/** Query string from the non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
