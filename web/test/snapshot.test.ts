import { describe, expect, it } from 'vitest';
import { parseSnapshot, SnapshotError, verifySnapshot, type VerifyEngine } from '../src/snapshot';
import { randomShelters, sign, snapshotBody } from './helpers';

const shelters = randomShelters(50);
const body = snapshotBody(shelters);
const signed = sign(body);

describe.each<VerifyEngine>(['webcrypto', 'nacl'])('signature check with %s', (engine) => {
  it('accepts a good snapshot', async () => {
    expect(await verifySnapshot(signed.bytes, signed.signature, signed.publicKey, engine)).toBe(true);
  });

  it('refuses a tampered body (one byte changed)', async () => {
    const bad = signed.bytes.slice();
    const i = body.indexOf('"open"') + 1;
    bad[i] = 'c'.charCodeAt(0);
    expect(await verifySnapshot(bad, signed.signature, signed.publicKey, engine)).toBe(false);
  });

  it('refuses a body with a row added', async () => {
    const more = new TextEncoder().encode(body.replace('"rows":[', '"rows":[[999,10752345,59912345,"fake","","",9999,"open","yes","public_shelter",null],'));
    expect(await verifySnapshot(more, signed.signature, signed.publicKey, engine)).toBe(false);
  });

  it('refuses a signature by another key', async () => {
    expect(await verifySnapshot(signed.bytes, signed.signature, signed.otherKey, engine)).toBe(false);
  });

  it('refuses malformed signatures and keys without throwing', async () => {
    expect(await verifySnapshot(signed.bytes, '', signed.publicKey, engine)).toBe(false);
    expect(await verifySnapshot(signed.bytes, 'not base64!!', signed.publicKey, engine)).toBe(false);
    expect(await verifySnapshot(signed.bytes, signed.signature.slice(8), signed.publicKey, engine)).toBe(false);
    expect(await verifySnapshot(signed.bytes, signed.signature, 'AAAA', engine)).toBe(false);
  });
});

describe('parseSnapshot', () => {
  it('reads every row, positions from micro-degrees, nulls kept', () => {
    const s = parseSnapshot(body);
    expect(s.revision).toBe(42);
    expect(s.generated).toBe('2026-11-22T06:41:00Z');
    expect(s.shelters).toEqual(shelters);
  });

  it('finds columns by name, whatever their order', () => {
    const doc = {
      format: 'rifugio-snapshot/1',
      revision: 7,
      generated: '2026-01-01T00:00:00Z',
      columns: ['lat_e6', 'status', 'id', 'lon_e6', 'future_column'],
      rows: [[59912345, 'full', 17, 10752345, 'x']],
    };
    const s = parseSnapshot(JSON.stringify(doc));
    expect(s.shelters[0]).toMatchObject({ id: 17, lon: 10.752345, lat: 59.912345, status: 'full', capacity: null, step_free: 'unknown', kind: 'other', name: '' });
  });

  it('says what is wrong', () => {
    expect(() => parseSnapshot('{')).toThrow(SnapshotError);
    expect(() => parseSnapshot('{"format":"other/1"}')).toThrow(/format/);
    expect(() => parseSnapshot('{"format":"rifugio-snapshot/1","revision":1,"columns":["id"],"rows":[]}')).toThrow(/lon_e6/);
    expect(() =>
      parseSnapshot('{"format":"rifugio-snapshot/1","revision":1,"columns":["id","lon_e6","lat_e6"],"rows":[[1,null,2]]}'),
    ).toThrow(/row 0/);
  });
});
