// The crowd-report queue: what citizens said about shelters (locked, full,
// damaged, open), newest first; confirm sets the shelter's status, dismiss
// closes the report.

import { h } from '../ui/dom';
import { describe, query, request } from './api';
import type { Ctx } from './main';
import { announce, busy, formatTime, selectField, STATUS_LABEL, textField } from './ui';

interface QueueReport {
  id: number;
  shelter: number;
  shelter_name: string;
  kind: 'locked' | 'full' | 'damaged' | 'open';
  note: string;
  time: string;
  age_s: number;
  state: 'open' | 'confirmed' | 'dismissed';
  handled_by: string;
  handled_time: string | null;
  similar: number;
}

const KIND: Record<string, string> = { locked: 'Reported locked', full: 'Reported full', damaged: 'Reported damaged', open: 'Reported open' };
/** What confirming does to the shelter (docs/http.md, POST /v1/reports/{id}/confirm). */
const CONFIRM_SETS: Record<string, string> = { locked: 'closed', damaged: 'closed', full: 'full', open: 'open' };

function age(s: number): string {
  if (s < 90) return `${Math.max(0, Math.round(s))} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function renderReports(ctx: Ctx): void {
  const params = new URLSearchParams(location.search);
  const state = selectField({ label: 'Show', name: 'state', value: params.get('state') ?? 'open', options: [['open', 'Open reports'], ['confirmed', 'Confirmed'], ['dismissed', 'Dismissed']] });
  const filter = h('form', { class: 'filters compact' }, state.wrap, h('div', { class: 'field submit' }, h('button', { type: 'submit', class: 'button' }, 'Show')));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.go('/admin/reports' + query({ state: state.input.value === 'open' ? '' : state.input.value, shelter: params.get('shelter') }));
  });
  const summary = h('p', { class: 'summary', id: 'reports-summary', tabindex: '-1' }, 'Loading reports…');
  const list = h('ol', { class: 'reports', 'aria-labelledby': 'reports-summary' });
  const shelter = params.get('shelter');
  ctx.root.replaceChildren(
    h('h1', { tabindex: '-1' }, 'Crowd reports'),
    h('p', { class: 'hint' }, 'What people at the shelters reported. Confirming sets the shelter’s status; reports expire on their own.'),
    shelter ? h('p', {}, `Of shelter ${shelter} only. `, h('a', { href: '/admin/reports' }, 'All shelters')) : '',
    filter,
    summary,
    list,
  );

  const wanted = state.input.value;
  void request<{ reports: QueueReport[] }>('GET', '/v1/reports' + query({ state: wanted, shelter, limit: 100 }))
    .then(({ body }) => {
      if (!ctx.current()) return;
      const n = body.reports.length;
      summary.textContent = n === 0 ? `No ${wanted} reports.` : `${n} ${wanted} ${n === 1 ? 'report' : 'reports'}.`;
      announce(summary.textContent);
      list.replaceChildren(...body.reports.map((r) => item(r, list, summary)));
    })
    .catch((e) => {
      if (!ctx.current()) return;
      summary.textContent = `Could not load the reports: ${describe(e)}`;
      summary.setAttribute('role', 'alert');
    });
}

function item(r: QueueReport, list: HTMLElement, summary: HTMLElement): HTMLElement {
  const li = h(
    'li',
    { class: `report-item kind-${r.kind}`, 'data-id': String(r.id) },
    h('h2', { class: 'report-title' }, h('span', { class: `badge kind-${r.kind}` }, KIND[r.kind] ?? r.kind), ' ', h('a', { href: `/admin/shelters/${r.shelter}` }, r.shelter_name || `Shelter ${r.shelter}`)),
    r.note ? h('p', { class: 'report-note' }, `“${r.note}”`) : '',
    h(
      'p',
      { class: 'sub' },
      `${age(r.age_s)} (${formatTime(r.time)})`,
      r.similar > 0 ? ` · ${r.similar} more ${r.similar === 1 ? 'report' : 'reports'} like it` : '',
      r.state !== 'open' ? ` · ${r.state} by ${r.handled_by || '?'} ${formatTime(r.handled_time)}` : '',
    ),
  );
  if (r.state !== 'open') return li;
  const reason = textField({ label: 'Reason (optional)', name: `reason-${r.id}` });
  const result = h('p', { class: 'result', role: 'status' });
  const sets = CONFIRM_SETS[r.kind];
  // The visible words start the accessible name; the rest says which report, for lists read out of context.
  const which = ` (“${KIND[r.kind] ?? r.kind}” at ${r.shelter_name || `shelter ${r.shelter}`})`;
  const confirm = h('button', { type: 'button', class: 'button primary' }, `Confirm: set ${sets ? STATUS_LABEL[sets]!.toLowerCase() : 'status'}`, h('span', { class: 'visually-hidden' }, which));
  const dismiss = h('button', { type: 'button', class: 'button' }, 'Dismiss', h('span', { class: 'visually-hidden' }, which));
  const act = (verb: 'confirm' | 'dismiss', button: HTMLButtonElement) =>
    busy(button, async () => {
      result.textContent = '';
      try {
        const a = await request<{ report: QueueReport; shelter?: { id: number; status: string; version: number } }>('POST', `/v1/reports/${r.id}/${verb}`, {
          body: reason.input.value.trim() ? { reason: reason.input.value.trim() } : {},
        });
        const said =
          verb === 'confirm'
            ? `Confirmed. ${r.shelter_name || `Shelter ${r.shelter}`} is now ${STATUS_LABEL[a.body.shelter?.status ?? ''] ?? a.body.shelter?.status}.`
            : `Dismissed the report on ${r.shelter_name || `shelter ${r.shelter}`}.`;
        announce(said);
        // Out of the queue; focus goes to the next report, or the summary when none is left.
        const next = (li.nextElementSibling ?? li.previousElementSibling) as HTMLElement | null;
        li.remove();
        const left = list.childElementCount;
        summary.textContent = left === 0 ? `${said} No open reports left.` : `${said} ${left} open ${left === 1 ? 'report' : 'reports'} left.`;
        (next?.querySelector<HTMLElement>('button.primary') ?? summary).focus();
      } catch (e) {
        result.textContent = describe(e);
        result.setAttribute('role', 'alert');
        button.focus();
      }
    });
  confirm.addEventListener('click', () => void act('confirm', confirm));
  dismiss.addEventListener('click', () => void act('dismiss', dismiss));
  li.append(reason.wrap, h('div', { class: 'actions' }, confirm, dismiss), result);
  return li;
}
