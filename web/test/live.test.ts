import { describe, expect, it } from 'vitest';
import { backoffMs } from '../src/events';
import { LiveOverlay, parseRevisionEvent, parseStatusEvent, type LiveStatus } from '../src/live';
import { matchesFilters, type Shelter } from '../src/model';

const shelter = (id: number, patch: Partial<Shelter> = {}): Shelter => ({
  id, lon: 10.75, lat: 59.91, name: '', address: `Street ${id}`, municipality: 'Oslo', capacity: 100,
  status: 'open', step_free: 'yes', kind: 'public_shelter', occupancy: null, ...patch,
});
const change = (id: number, revision: number, patch: Partial<LiveStatus> = {}): LiveStatus => ({
  id, status: 'full', occupancy: 100, capacity: 100, revision, receivedAt: 1000, ...patch,
});

describe('status and revision events', () => {
  it('parses what the server sends (docs/http.md)', () => {
    const data = '{"id":17,"status":"full","occupancy":300,"capacity":300,"status_time":"2026-12-01T18:40:08Z","revision":42}';
    expect(parseStatusEvent(data, 5)).toEqual({ id: 17, status: 'full', occupancy: 300, capacity: 300, revision: 42, receivedAt: 5 });
    expect(parseStatusEvent('{"id":1,"status":"open","occupancy":null,"capacity":null,"status_time":null,"revision":3}', 0)?.capacity).toBeNull();
    expect(parseRevisionEvent('{"revision":42,"previous":41,"complete":true}')).toEqual({ revision: 42, previous: 41, complete: true });
    expect(parseRevisionEvent('{"revision":42}')).toEqual({ revision: 42 });
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'null', '[]', '{"id":1}', '{"id":1,"status":"burning","occupancy":1,"capacity":1,"revision":1}',
      '{"id":-1,"status":"open","occupancy":1,"capacity":1,"revision":1}', '{"id":1,"status":"open","occupancy":"9","capacity":1,"revision":1}',
      '{"id":1,"status":"open","occupancy":1,"capacity":1,"revision":1.5}'])
      expect(parseStatusEvent(bad), bad).toBeNull();
    expect(parseRevisionEvent('{"revision":"42"}')).toBeNull();
    expect(parseRevisionEvent('{oops')).toBeNull();
  });
});

describe('the live overlay on the signed snapshot', () => {
  it('applies a change on read, keeps the snapshot copy as it was', () => {
    const o = new LiveOverlay();
    o.setBase(41);
    const s = shelter(17);
    expect(o.applyStatus(change(17, 42))).toBe(true);
    const shown = o.patch(s);
    expect(shown).toMatchObject({ id: 17, status: 'full', occupancy: 100, live: { revision: 42 } });
    expect(s.status).toBe('open');
    expect(o.patch(shelter(18))).toEqual(shelter(18));
    // A filter sees the live status: full is no room.
    expect(matchesFilters(shown, { open: false, room: true, stepFree: false })).toBe(false);
  });

  it('keeps the newest change per shelter, whatever order they come in', () => {
    const o = new LiveOverlay();
    o.setBase(40);
    o.applyStatus(change(1, 43, { status: 'closed' }));
    expect(o.applyStatus(change(1, 42, { status: 'full' }))).toBe(false);
    expect(o.get(1)?.status).toBe('closed');
    expect(o.applyStatus(change(1, 44, { status: 'open' }))).toBe(true);
    expect(o.get(1)?.status).toBe('open');
  });

  it('drops changes a newer signed snapshot contains, ignores ones it has', () => {
    const o = new LiveOverlay();
    o.setBase(40);
    o.applyStatus(change(1, 41));
    o.applyStatus(change(2, 43));
    o.setBase(42);
    expect(o.get(1)).toBeUndefined();
    expect(o.get(2)?.revision).toBe(43);
    expect(o.applyStatus(change(3, 42))).toBe(false);
    expect(o.size).toBe(1);
  });

  it('follows revisions in a row; a gap, an incomplete or a bare revision means refetch', () => {
    const o = new LiveOverlay();
    o.setBase(40);
    expect(o.applyRevision({ revision: 41, previous: 40, complete: true })).toBe('ok');
    expect(o.at).toBe(41);
    expect(o.applyRevision({ revision: 41, previous: 40, complete: true })).toBe('ok'); // again: nothing new
    expect(o.applyRevision({ revision: 43, previous: 42, complete: true })).toBe('refresh'); // 42 was missed
    expect(o.at).toBe(41);
    expect(o.applyRevision({ revision: 42, previous: 41, complete: false })).toBe('refresh'); // a rename, an import
    expect(o.applyRevision({ revision: 45 })).toBe('refresh'); // reconnected from an older revision
    expect(new LiveOverlay().applyRevision({ revision: 1, previous: 0, complete: true })).toBe('refresh'); // no data yet
    o.setBase(45); // the refetched snapshot
    expect(o.at).toBe(45);
    expect(o.applyRevision({ revision: 46, previous: 45, complete: true })).toBe('ok');
  });

  it('a register that starts again from a lower revision is followed', () => {
    const o = new LiveOverlay();
    o.setBase(900);
    o.setBase(3);
    expect(o.at).toBe(3);
    expect(o.applyRevision({ revision: 4, previous: 3, complete: true })).toBe('ok');
  });

  it('survives storage; bad stored entries are skipped', () => {
    const o = new LiveOverlay();
    o.setBase(40);
    o.applyStatus(change(1, 41, { receivedAt: 1234 }));
    o.applyRevision({ revision: 41, previous: 40, complete: true });
    const stored = JSON.parse(JSON.stringify(o.toStored()));
    stored.entries.push({ id: 'x' }, null);
    const back = LiveOverlay.fromStored(stored);
    back.setBase(40); // the stored snapshot loaded again
    expect(back.at).toBe(41);
    expect(back.get(1)).toEqual(change(1, 41, { receivedAt: 1234 }));
    expect(back.size).toBe(1);
    expect(LiveOverlay.fromStored(undefined).size).toBe(0);
  });
});

describe('reconnect delay', () => {
  it('doubles from 1 s to at most 60 s, jittered by a quarter either way', () => {
    expect(backoffMs(0, () => 0.5)).toBe(1000);
    expect(backoffMs(3, () => 0.5)).toBe(8000);
    expect(backoffMs(30, () => 0.5)).toBe(60000);
    expect(backoffMs(0, () => 0)).toBe(750);
    expect(backoffMs(30, () => 0.999999)).toBeLessThanOrEqual(75000);
  });
});
