// The offline register snapshot (docs/snapshot-format.md): parsing and
// Ed25519 signature checks. Pure functions; the worker and tests use them.

import type { Kind, Shelter, Status, StepFree } from './model';

export const SNAPSHOT_FORMAT = 'rifugio-snapshot/1';

export interface Snapshot {
  revision: number;
  /** RFC 3339 time the server wrote the snapshot. */
  generated: string;
  shelters: Shelter[];
}

/** A snapshot that could not be used, with the reason (what and where). */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

const STATUSES = new Set(['open', 'closed', 'full', 'unknown']);
const STEP_FREE = new Set(['yes', 'no', 'limited', 'unknown']);
const KINDS = new Set(['public_shelter', 'bunker', 'protected_basement', 'metro_station', 'parking', 'other']);
const REQUIRED = ['id', 'lon_e6', 'lat_e6'] as const;

/** Parses the body text; columns are found by name, so their order may change. */
export function parseSnapshot(text: string): Snapshot {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(`snapshot: not JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null) throw new SnapshotError('snapshot: not an object');
  const d = doc as Record<string, unknown>;
  if (d.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`snapshot: format ${String(d.format)}, expected ${SNAPSHOT_FORMAT}`);
  if (typeof d.revision !== 'number') throw new SnapshotError('snapshot: revision missing');
  if (!Array.isArray(d.columns) || !Array.isArray(d.rows)) throw new SnapshotError('snapshot: columns or rows missing');
  const col = new Map<string, number>();
  d.columns.forEach((c, i) => col.set(String(c), i));
  for (const r of REQUIRED) if (!col.has(r)) throw new SnapshotError(`snapshot: column ${r} missing`);
  const at = (name: string) => col.get(name) ?? -1;
  const [iId, iLon, iLat, iName, iAddr, iMun, iCap, iStatus, iStep, iKind, iOcc] = [
    'id', 'lon_e6', 'lat_e6', 'name', 'address', 'municipality', 'capacity', 'status', 'step_free', 'kind', 'occupancy',
  ].map(at) as number[] as [number, number, number, number, number, number, number, number, number, number, number];
  const str = (row: unknown[], i: number) => (i >= 0 && typeof row[i] === 'string' ? (row[i] as string) : '');
  const num = (row: unknown[], i: number) => (i >= 0 && typeof row[i] === 'number' ? (row[i] as number) : null);
  const shelters: Shelter[] = [];
  d.rows.forEach((row: unknown, n: number) => {
    if (!Array.isArray(row)) throw new SnapshotError(`snapshot: row ${n} is not an array`);
    const id = num(row, iId);
    const lon = num(row, iLon);
    const lat = num(row, iLat);
    if (id === null || lon === null || lat === null) throw new SnapshotError(`snapshot: row ${n} lacks id or position`);
    const status = str(row, iStatus);
    const step = str(row, iStep);
    const kind = str(row, iKind);
    shelters.push({
      id,
      lon: lon / 1e6,
      lat: lat / 1e6,
      name: str(row, iName),
      address: str(row, iAddr),
      municipality: str(row, iMun),
      capacity: num(row, iCap),
      status: (STATUSES.has(status) ? status : 'unknown') as Status,
      step_free: (STEP_FREE.has(step) ? step : 'unknown') as StepFree,
      kind: (KINDS.has(kind) ? kind : 'other') as Kind,
      occupancy: num(row, iOcc),
    });
  });
  return { revision: d.revision, generated: typeof d.generated === 'string' ? d.generated : '', shelters };
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64.trim());
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Verifies with WebCrypto Ed25519; null when this browser has no Ed25519 there. */
async function verifyWebCrypto(message: Uint8Array, sig: Uint8Array, key: Uint8Array): Promise<boolean | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  let k: CryptoKey;
  try {
    k = await subtle.importKey('raw', key as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return null;
  }
  return subtle.verify({ name: 'Ed25519' }, k, sig as BufferSource, message as BufferSource);
}

/** Verifies with tweetnacl (pure JS, loaded only when WebCrypto lacks Ed25519). */
async function verifyNacl(message: Uint8Array, sig: Uint8Array, key: Uint8Array): Promise<boolean> {
  const nacl = (await import('tweetnacl')).default;
  return nacl.sign.detached.verify(message, sig, key);
}

export type VerifyEngine = 'auto' | 'webcrypto' | 'nacl';

/**
 * True when `signatureB64` (64 bytes) is an Ed25519 signature of exactly
 * `message` (the uncompressed body) by `publicKeyB64` (32 bytes).
 * Malformed signatures or keys give false, never an exception.
 */
export async function verifySnapshot(
  message: Uint8Array,
  signatureB64: string,
  publicKeyB64: string,
  engine: VerifyEngine = 'auto',
): Promise<boolean> {
  let sig: Uint8Array, key: Uint8Array;
  try {
    sig = base64ToBytes(signatureB64);
    key = base64ToBytes(publicKeyB64);
  } catch {
    return false;
  }
  if (sig.length !== 64 || key.length !== 32) return false;
  if (engine !== 'nacl') {
    const r = await verifyWebCrypto(message, sig, key);
    if (r !== null) return r;
    if (engine === 'webcrypto') throw new Error('WebCrypto Ed25519 is not available');
  }
  return verifyNacl(message, sig, key);
}
