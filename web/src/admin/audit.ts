// The audit log: every change with who, when, why and the fields before and
// after; oldest first, paged with next_after ("Show more").

import { h } from '../ui/dom';
import { describe, query, request } from './api';
import type { Ctx } from './main';
import { announce, busy, formatTime, setFieldError, textField } from './ui';

/** Entries per page; `?limit=N` in the address changes it. */
const PAGE = 50;

interface Entry {
  seq: number;
  revision: number;
  time: string;
  actor: string;
  reason: string;
  shelter: number;
  op: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** A field value for people: keys as source:id, positions as lon, lat. */
function show(v: unknown): string {
  if (empty(v)) return '—';
  if (Array.isArray(v)) return v.map(show).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return 'source' in o && 'id' in o ? `${o.source}:${o.id}` : JSON.stringify(v);
  }
  return String(v);
}

/** The fields that changed; a created record lists only what it was given. */
function changes(e: Entry): HTMLElement {
  const before = e.before ?? {};
  const after = e.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => !(empty(before[k]) && empty(after[k])) && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  if (!keys.length) return h('span', { class: 'sub' }, '—');
  return h(
    'ul',
    { class: 'changes' },
    ...keys.map((k) =>
      h('li', {}, h('span', { class: 'k' }, k), ': ', ...(e.before ? [h('del', {}, show(before[k])), ' → '] : []), h('ins', {}, show(after[k]))),
    ),
  );
}

export function renderAudit(ctx: Ctx): void {
  const params = new URLSearchParams(location.search);
  const shelter = textField({ label: 'Shelter id', name: 'shelter', value: params.get('shelter') ?? '', hint: 'Empty for all shelters.', attrs: { inputmode: 'numeric', size: '8' } });
  const filter = h('form', { class: 'filters compact', novalidate: true }, shelter.wrap, h('div', { class: 'field submit' }, h('button', { type: 'submit', class: 'button' }, 'Show')));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = shelter.input.value.trim();
    if (v && !/^\d+$/.test(v)) {
      setFieldError(shelter, 'A shelter id is a whole number.');
      return shelter.input.focus();
    }
    ctx.go('/admin/audit' + query({ shelter: v, limit: params.get('limit') }));
  });
  const summary = h('p', { class: 'summary', id: 'audit-summary' }, 'Loading the audit log…');
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'table audit', 'aria-labelledby': 'audit-summary', hidden: true },
    h('thead', {}, h('tr', {}, ...['#', 'Time', 'Who', 'Shelter', 'What', 'Reason', 'Change'].map((c) => h('th', { scope: 'col' }, c)))),
    body,
  );
  const more = h('button', { type: 'button', class: 'button', hidden: true }, 'Show more');
  ctx.root.replaceChildren(h('h1', { tabindex: '-1' }, 'Audit log'), filter, summary, table, h('div', { class: 'actions' }, more));

  let after: number | null = 0;
  let count = 0;
  const id = params.get('shelter');
  const limit = Math.min(1000, Math.max(1, Math.floor(Number(params.get('limit'))) || PAGE));
  async function page(focusFirst: boolean): Promise<void> {
    try {
      const { body: b } = await request<{ entries: Entry[]; next_after: number | null }>('GET', '/v1/audit' + query({ shelter: id, after: after || undefined, limit }));
      if (!ctx.current()) return;
      const rows = b.entries.map((e) => {
        const cell = (label: string, ...c: (Node | string)[]) => h('td', { 'data-label': label }, ...c);
        return h(
          'tr',
          {},
          h('th', { scope: 'row', tabindex: '-1' }, String(e.seq)),
          cell('Time', formatTime(e.time)),
          cell('Who', e.actor),
          cell('Shelter', h('a', { href: `/admin/shelters/${e.shelter}` }, String(e.shelter))),
          cell('What', e.op),
          cell('Reason', e.reason),
          cell('Change', changes(e)),
        );
      });
      body.append(...rows);
      count += rows.length;
      after = b.next_after;
      table.hidden = count === 0;
      const end = b.entries.length < limit || after === null;
      more.hidden = end;
      summary.textContent = count === 0 ? 'No entries.' : `${count} entries, oldest first${end ? '' : '; more below'}.`;
      announce(focusFirst ? `${rows.length} more entries.` : summary.textContent);
      if (focusFirst) (rows[0]?.querySelector('th') as HTMLElement | null)?.focus();
    } catch (e) {
      summary.textContent = `Could not load the audit log: ${describe(e)}`;
      summary.setAttribute('role', 'alert');
    }
  }
  more.addEventListener('click', () => void busy(more, () => page(true)));
  void page(false);
}
