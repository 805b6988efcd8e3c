// Shelters: the searchable table, a shelter's page (status quick action,
// edit form, retire), the create form, and bulk status for a municipality.

import { h } from '../ui/dom';
import { ApiError, describe, query, request, STATUSES, type Shelter } from './api';
import { shelterForm, valuesOf, type Values } from './form';
import type { Ctx } from './main';
import { announce, busy, formatTime, formError, selectField, setFieldError, showFormError, STATUS_LABEL, statusBadge, textField, type Field } from './ui';

const PAGE = 50;

interface Page {
  shelters: Shelter[];
  total: number;
  limit: number;
  offset: number;
}

export function title(s: Pick<Shelter, 'id' | 'name' | 'address'>): string {
  return s.name || s.address || `Shelter ${s.id}`;
}

const statusOptions = (any: string): [string, string][] => [['', any], ...STATUSES.map((s): [string, string] => [s, STATUS_LABEL[s]!])];

// ---- the list ---------------------------------------------------------------

export function renderShelterList(ctx: Ctx): void {
  const params = new URLSearchParams(location.search);
  const q = textField({ label: 'Search name, address, municipality', name: 'q', type: 'search', value: params.get('q') ?? '' });
  const status = selectField({ label: 'Status', name: 'status', value: params.get('status') ?? '', options: statusOptions('Any status') });
  const municipality = textField({ label: 'Municipality', name: 'municipality', value: params.get('municipality') ?? '' });
  const retired = h('input', { type: 'checkbox', id: 'f-retired', name: 'retired', checked: params.get('retired') === 'any' });
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const search = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Shelters' },
    q.wrap,
    status.wrap,
    municipality.wrap,
    h('div', { class: 'field check' }, h('label', {}, retired, ' Retired too')),
    h('div', { class: 'field submit' }, h('button', { type: 'submit', class: 'button' }, 'Search')),
  );
  search.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.go('/admin' + query({ q: q.input.value.trim(), status: status.input.value, municipality: municipality.input.value.trim(), retired: retired.checked ? 'any' : '' }));
  });

  const summary = h('p', { class: 'summary', id: 'list-summary' }, 'Loading shelters…');
  const results = h('div', { class: 'results', 'aria-labelledby': 'list-summary' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages', hidden: true });

  const warden = ctx.session.user.role === 'warden';
  ctx.root.replaceChildren(
    h('div', { class: 'title-row' }, h('h1', { tabindex: '-1' }, 'Shelters'), warden ? '' : h('a', { href: '/admin/new', class: 'button' }, 'New shelter')),
    search,
    summary,
    results,
    pager,
    warden ? '' : bulkSection(ctx, params.get('municipality') ?? ''),
  );

  const here = { q: params.get('q'), status: params.get('status'), municipality: params.get('municipality'), retired: params.get('retired') };
  void request<Page>('GET', '/v1/shelters' + query({ ...here, limit: PAGE, offset }))
    .then(({ body }) => {
      if (!ctx.current()) return;
      const from = body.total === 0 ? 0 : body.offset + 1;
      const to = body.offset + body.shelters.length;
      summary.textContent = body.total === 0 ? 'No shelter matches.' : `${body.total} ${body.total === 1 ? 'shelter' : 'shelters'}${body.total > body.shelters.length ? `, showing ${from}–${to}` : ''}.`;
      announce(summary.textContent);
      results.replaceChildren(body.shelters.length ? shelterTable(body.shelters) : '');
      const link = (label: string, off: number) => h('a', { href: '/admin' + query({ ...here, offset: off || undefined }), class: 'button' }, label);
      pager.replaceChildren(
        ...(body.offset > 0 ? [link('Previous page', Math.max(0, body.offset - PAGE))] : []),
        ...(to < body.total ? [link('Next page', to)] : []),
      );
      pager.hidden = pager.childElementCount === 0;
    })
    .catch((e) => {
      if (!ctx.current()) return;
      summary.textContent = `Could not load the shelters: ${describe(e)}`;
      summary.setAttribute('role', 'alert');
    });
}

function shelterTable(list: Shelter[]): HTMLElement {
  const head = ['Shelter', 'Municipality', 'Status', 'Places', 'Occupancy', 'Updated'];
  return h(
    'table',
    { class: 'table shelters' },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...list.map((s) => {
        const cell = (label: string, ...c: (Node | string)[]) => h('td', { 'data-label': label }, ...c);
        const row = h(
          'tr',
          { 'data-id': String(s.id) },
          h('th', { scope: 'row' }, h('a', { href: `/admin/shelters/${s.id}` }, title(s)), s.name && s.address ? h('span', { class: 'sub' }, s.address) : ''),
          cell('Municipality', s.municipality),
          cell('Status', statusBadge(s.status), s.retired ? h('span', { class: 'badge retired' }, 'Retired') : ''),
          cell('Places', s.capacity === null ? '—' : String(s.capacity)),
          cell('Occupancy', s.occupancy === null ? '—' : String(s.occupancy)),
          cell('Updated', formatTime(s.updated)),
        );
        // The whole row opens the shelter for a mouse; keyboard users have the link.
        row.addEventListener('click', (ev) => {
          if ((ev.target as Element).closest('a')) return;
          row.querySelector('a')!.click();
        });
        return row;
      }),
    ),
  );
}

// ---- bulk status ------------------------------------------------------------

function bulkSection(ctx: Ctx, municipalityValue: string): HTMLElement {
  const u = ctx.session.user;
  const municipality = textField({ label: 'Municipality', name: 'bulk-municipality', value: municipalityValue || u.municipality, required: true });
  const country = textField({ label: 'Country (ISO code, optional)', name: 'bulk-country', value: u.country, attrs: { maxlength: '2', size: '3' } });
  const status = selectField({ label: 'New status', name: 'bulk-status', options: statusOptions('Choose…') });
  const reason = textField({ label: 'Reason', name: 'bulk-reason', required: true, hint: 'Goes to the audit log of every shelter changed.' });
  const error = formError();
  const result = h('p', { class: 'result', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Set status…');
  const form = h('form', { class: 'card', novalidate: true }, h('div', { class: 'grid' }, municipality.wrap, country.wrap, status.wrap, reason.wrap), error, h('div', { class: 'actions' }, submit), result);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    for (const f of [municipality, country, status, reason]) setFieldError(f, null);
    showFormError(error);
    result.textContent = '';
    const m = municipality.input.value.trim();
    const c = country.input.value.trim().toUpperCase();
    const missing = !m ? [municipality, 'Enter the municipality, exactly as in the register.'] as const
      : !status.input.value ? [status, 'Choose the new status.'] as const
      : !reason.input.value.trim() ? [reason, 'Say why (it goes to the audit log).'] as const : null;
    if (missing) {
      setFieldError(missing[0], missing[1]);
      missing[0].input.focus();
      return;
    }
    void busy(submit, async () => {
      try {
        const { body } = await request<Page>('GET', '/v1/shelters' + query({ municipality: m, country: c, limit: 1 }));
        if (body.total === 0) {
          setFieldError(municipality, `No shelter you may change is in “${m}”${c ? ` (${c})` : ''}.`);
          municipality.input.focus();
          return;
        }
        const label = STATUS_LABEL[status.input.value]!;
        const ok = await confirmDialog(
          `Set ${body.total} ${body.total === 1 ? 'shelter' : 'shelters'} in ${m}${c ? ` (${c})` : ''} to “${label}”?`,
          `Every shelter of the municipality that is not retired changes at once. The reason “${reason.input.value.trim()}” is recorded for each.`,
          `Set ${body.total} to ${label}`,
        );
        if (!ok) return submit.focus();
        const r = await request<{ updated: number; unchanged: number; revision: number }>('POST', '/v1/status/bulk', {
          body: { status: status.input.value, reason: reason.input.value.trim(), municipality: m, ...(c ? { country: c } : {}) },
        });
        result.textContent = `${r.body.updated} changed to ${label}, ${r.body.unchanged} already ${label.toLowerCase()} (revision ${r.body.revision}).`;
        announce(result.textContent);
        result.tabIndex = -1;
        result.focus();
      } catch (e) {
        if (e instanceof ApiError && e.status === 422 && e.field) {
          const target = { status, reason, municipality, country }[e.field as 'status'];
          if (target) {
            setFieldError(target, e.message);
            return target.input.focus();
          }
        }
        showFormError(error, describe(e));
        submit.focus();
      }
    });
  });

  return h(
    'section',
    { class: 'bulk', 'aria-labelledby': 'bulk-h' },
    h('h2', { id: 'bulk-h' }, 'Status of a whole municipality'),
    h('p', { class: 'hint' }, 'Opens, closes or marks full every shelter of one municipality in one step. You are asked to confirm with the number of shelters first.'),
    form,
  );
}

/** A modal question; resolves true on the confirm button, false on cancel or Escape. */
export function confirmDialog(question: string, detail: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', class: 'button primary', value: 'yes' }, confirmLabel);
    const no = h('button', { type: 'button', class: 'button' }, 'Cancel');
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-q', 'aria-describedby': 'confirm-d' },
      h('h2', { id: 'confirm-q' }, question),
      h('p', { id: 'confirm-d' }, detail),
      h('div', { class: 'actions' }, yes, no),
    );
    const close = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener('click', () => close(true));
    no.addEventListener('click', () => close(false));
    dialog.addEventListener('cancel', (ev) => {
      ev.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus(); // the safe choice first
  });
}

// ---- one shelter ------------------------------------------------------------

export function renderShelterPage(ctx: Ctx, id: number): void {
  const back = h('a', { href: '/admin', class: 'back' }, '← Shelters');
  const heading = h('h1', { tabindex: '-1' }, `Shelter ${id}`);
  ctx.root.replaceChildren(back, heading, h('p', { class: 'note' }, 'Loading…'));
  void request<Shelter>('GET', `/v1/shelters/${id}`)
    .then(({ body, etag }) => {
      if (ctx.current()) showShelter(ctx, body, etag ?? `"${body.version}"`, back, heading);
    })
    .catch((e) => {
      if (!ctx.current()) return;
      ctx.root.replaceChildren(back, heading, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
    });
}

function showShelter(ctx: Ctx, s: Shelter, etag: string, back: HTMLElement, heading: HTMLElement): void {
  let tag = etag;
  heading.textContent = title(s);
  document.title = `${title(s)} · Rifugio admin`;
  const badge = h('span', {}, statusBadge(s.status));
  const occText = h('span', {}, s.occupancy === null ? '' : ` · ${s.occupancy} of ${s.capacity ?? '?'} places taken`);
  const facts = h(
    'div',
    { class: 'facts' },
    h('p', {}, badge, occText, s.retired ? h('span', { class: 'badge retired' }, 'Retired') : ''),
    h('p', { class: 'sub' }, [`id ${s.id}`, ...s.keys.map((k) => `${k.source}:${k.id}`), `version ${s.version}`, `updated ${formatTime(s.updated)}`, s.status_by ? `status by ${s.status_by} ${formatTime(s.status_time)}` : ''].filter(Boolean).join(' · ')),
  );

  // Status and occupancy: the quick action, first on the page.
  const status = selectField({ label: 'Status', name: 'status', value: s.status, options: STATUSES.map((x): [string, string] => [x, STATUS_LABEL[x]!]) });
  const occupancy = textField({ label: 'People inside', name: 'occupancy', value: s.occupancy === null ? '' : String(s.occupancy), hint: s.capacity === null ? 'Empty when not known.' : `Of ${s.capacity} places. Empty when not known.`, attrs: { inputmode: 'numeric' } });
  const sReason = textField({ label: 'Reason for the status', name: 'status-reason', required: true, hint: 'Goes to the audit log.' });
  const sError = formError();
  const sResult = h('p', { class: 'result', role: 'status' });
  const sSubmit = h('button', { type: 'submit', class: 'button primary' }, 'Set status');
  const sForm = h('form', { class: 'card status-form', novalidate: true, 'aria-labelledby': 'status-h' }, h('h2', { id: 'status-h' }, 'Status and occupancy'), h('div', { class: 'grid' }, status.wrap, occupancy.wrap, sReason.wrap), sError, h('div', { class: 'actions' }, sSubmit), sResult);
  // Choosing "full" with a known capacity fills in the occupancy.
  status.input.addEventListener('change', () => {
    if (status.input.value === 'full' && s.capacity !== null && occupancy.input.value === '') occupancy.input.value = String(s.capacity);
  });
  sForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    for (const f of [status, occupancy, sReason]) setFieldError(f, null);
    showFormError(sError);
    sResult.textContent = '';
    const occ = occupancy.input.value.trim();
    if (occ !== '' && !/^\d+$/.test(occ)) {
      setFieldError(occupancy, 'A whole number of 0 or more, or empty when not known.');
      return occupancy.input.focus();
    }
    if (!sReason.input.value.trim()) {
      setFieldError(sReason, 'Say why (it goes to the audit log).');
      return sReason.input.focus();
    }
    void busy(sSubmit, async () => {
      try {
        const r = await request<{ status: string; occupancy: number | null; version: number; revision: number }>('POST', `/v1/shelters/${s.id}/status`, {
          body: { status: status.input.value, occupancy: occ === '' ? null : Number(occ), reason: sReason.input.value.trim() },
        });
        tag = r.etag ?? `"${r.body.version}"`;
        s.status = r.body.status as Shelter['status'];
        s.occupancy = r.body.occupancy;
        s.version = r.body.version;
        badge.replaceChildren(statusBadge(s.status));
        occText.textContent = s.occupancy === null ? '' : ` · ${s.occupancy} of ${s.capacity ?? '?'} places taken`;
        sReason.input.value = '';
        sResult.textContent = `Status set to ${STATUS_LABEL[s.status]}${s.occupancy === null ? '' : `, ${s.occupancy} inside`} (revision ${r.body.revision}).`;
        announce(sResult.textContent);
        sResult.tabIndex = -1;
        sResult.focus();
      } catch (e) {
        const f = e instanceof ApiError && e.status === 422 && e.field ? ({ status, occupancy, reason: sReason } as Record<string, Field>)[e.field] : undefined;
        if (f) {
          setFieldError(f, (e as ApiError).message);
          return f.input.focus();
        }
        showFormError(sError, describe(e));
        sSubmit.focus();
      }
    });
  });

  // The edit form: PATCH with If-Match, so two editors cannot overwrite each other unseen.
  const reload = h('button', { type: 'button', class: 'button' }, 'Reload the shelter');
  reload.addEventListener('click', () => renderShelterPage(ctx, s.id));
  const edit = shelterForm({
    values: valuesOf(s),
    mode: 'edit',
    submitLabel: 'Save changes',
    legend: 'Details',
    legendHidden: true,
    submit: async (body) => {
      const r = await request<Shelter>('PATCH', `/v1/shelters/${s.id}`, { body, ifMatch: tag });
      announce(`Saved: version ${r.body.version}.`);
      showShelter(ctx, r.body, r.etag ?? `"${r.body.version}"`, back, heading);
      const done = ctx.root.querySelector<HTMLElement>('.edit-result')!;
      done.textContent = `Saved (version ${r.body.version}).`;
      done.focus();
    },
    onError: (e) => {
      if (e.status !== 412) return false;
      const box = edit.form.querySelector<HTMLElement>('.form-error')!;
      showFormError(box, h('p', {}, 'Someone changed this shelter first. Reload it to see their change, then make yours again (your edits here are not kept).'), reload);
      reload.focus();
      return true;
    },
  });
  const editResult = h('p', { class: 'result edit-result', role: 'status', tabindex: '-1' });

  // Open crowd reports of this shelter, if any: a line linking to them in the queue.
  const reports = h('p', { class: 'reports-line', hidden: true });
  void request<{ reports: { kind: string }[] }>('GET', `/v1/reports?state=open&shelter=${s.id}`)
    .then(({ body }) => {
      if (!ctx.current() || body.reports.length === 0) return;
      const kinds = [...new Set(body.reports.map((r) => r.kind))].join(', ');
      reports.replaceChildren(h('a', { href: `/admin/reports?shelter=${s.id}` }, `${body.reports.length} open crowd ${body.reports.length === 1 ? 'report' : 'reports'} (${kinds})`));
      reports.hidden = false;
    })
    .catch(() => undefined); // the queue is extra here; its own screen says what went wrong
  ctx.root.replaceChildren(
    back,
    heading,
    facts,
    reports,
    s.manual_fields.length ? h('p', { class: 'hint' }, `Set by hand (kept on re-import): ${s.manual_fields.join(', ')}.`) : '',
    sForm,
    // A warden sets status and occupancy only.
    ...(ctx.session.user.role === 'warden'
      ? []
      : [h('section', { class: 'card', 'aria-labelledby': 'edit-h' }, h('h2', { id: 'edit-h' }, 'Edit'), edit.form, editResult), s.retired ? '' : retireSection(ctx, s, () => tag)]),
  );
}

function retireSection(ctx: Ctx, s: Shelter, tag: () => string): HTMLElement {
  const reason = textField({ label: 'Reason for retiring', name: 'retire-reason', required: true, hint: 'For example: demolished, no longer a shelter.' });
  const error = formError();
  const submit = h('button', { type: 'submit', class: 'button danger' }, 'Retire…');
  const form = h('form', { novalidate: true }, reason.wrap, error, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setFieldError(reason, null);
    showFormError(error);
    if (!reason.input.value.trim()) {
      setFieldError(reason, 'Say why (it goes to the audit log).');
      return reason.input.focus();
    }
    void busy(submit, async () => {
      if (!(await confirmDialog(`Retire “${title(s)}”?`, 'It disappears from the public page and from answers. The record and its history stay.', 'Retire'))) return submit.focus();
      try {
        await request<Shelter>('POST', `/v1/shelters/${s.id}/retire`, { body: { reason: reason.input.value.trim() }, ifMatch: tag() });
        announce(`Retired ${title(s)}.`);
        renderShelterPage(ctx, s.id);
      } catch (e) {
        if (e instanceof ApiError && e.status === 412) showFormError(error, 'Someone changed this shelter first. Reload the page and check before retiring it.');
        else showFormError(error, describe(e));
        submit.focus();
      }
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'retire-h' }, h('h2', { id: 'retire-h' }, 'Retire'), form);
}

// ---- create -----------------------------------------------------------------

/**
 * The create form; `prefill` from an import report's rejected row, with the
 * row's key in its source (`key`), so a later import of that source updates
 * this shelter instead of adding it twice. Calls `done` with the new shelter.
 */
export function createForm(prefill: Partial<Values>, done: (s: Shelter) => void, key?: { source: string; id: string }, legendHidden = false) {
  return shelterForm({
    values: prefill,
    mode: 'create',
    submitLabel: 'Create shelter',
    legend: 'New shelter',
    legendHidden,
    submit: async (body) => {
      const r = await request<Shelter>('POST', '/v1/shelters', { body: key ? { ...body, key } : body });
      done(r.body);
    },
  });
}

export function renderCreate(ctx: Ctx): void {
  const u = ctx.session.user;
  const f = createForm({ country: u.country, municipality: u.municipality }, (s) => {
    announce(`Created shelter ${s.id}.`);
    ctx.go(`/admin/shelters/${s.id}`, { replace: true });
  }, undefined, true);
  ctx.root.replaceChildren(h('a', { href: '/admin', class: 'back' }, '← Shelters'), h('h1', { tabindex: '-1' }, 'New shelter'), h('section', { class: 'card' }, f.form));
}
