// Import: choose a mapping, pick a file, dry run, read the validation report
// (counts, every rejected and suspicious record), fix rejected rows by hand
// through the create form prefilled from the report, then commit.

import { h } from '../ui/dom';
import { describe, query, request, type Shelter } from './api';
import type { Values } from './form';
import type { Ctx } from './main';
import { createForm, title } from './shelters';
import { announce, busy, formError, markInvalid, selectField, setFieldError, showFormError, textField } from './ui';

/** The route's body limit (docs/http.md). */
const MAX_BYTES = 64 * 1024 * 1024;

interface MappingInfo {
  name: string;
  source: string;
  title?: string;
  format: string;
  file?: string;
  country: string;
  /** The file is the whole list of its source: shelters missing from it are retired on commit. */
  complete?: boolean;
}

interface Issue {
  severity: 'rejected' | 'suspicious';
  file: string;
  record: number;
  key: string;
  field: string;
  reason: string;
  message: string;
  /** The record's mapped values (rejected entries), strings or numbers as read. */
  values?: Record<string, unknown>;
}

interface Report {
  source: string;
  dry_run: boolean;
  complete: boolean;
  counts: Record<string, number>;
  capacity_total: number;
  revision_before: number;
  revision_after: number;
  issues: Issue[];
  cross_source_matches: { record: number; key: string; existing: number; existing_key: string; distance_m: number; address: string; existing_address: string }[];
}

interface ImportAnswer {
  committed: boolean;
  revision?: number;
  report: Report;
  /** Editors: whether every change lies in their region; changes outside it, and one of them. */
  may_commit?: boolean;
  outside_region?: number;
  outside_region_example?: unknown;
}

const COUNT_LABELS: [string, string][] = [
  ['read', 'Records read'],
  ['accepted', 'Accepted'],
  ['rejected', 'Rejected'],
  ['suspicious', 'Suspicious'],
  ['needs_location', 'Need a location'],
  ['created', 'New shelters'],
  ['updated', 'Changed'],
  ['unchanged', 'Unchanged'],
  ['retired', 'Retired (not in the file)'],
  ['kept_manual', 'Hand-edited values kept'],
];

/** Form values from a rejected row's `values` (whatever was read; strings are fine). */
export function prefill(values: Record<string, unknown> | undefined, country: string): Partial<Values> {
  const v = values ?? {};
  const text = (k: string) => (v[k] === undefined || v[k] === null ? '' : String(v[k]).trim());
  const out: Partial<Values> = {};
  for (const k of ['name', 'address', 'municipality', 'region', 'country', 'lat', 'lon', 'capacity', 'kind', 'step_free', 'opening_hours', 'licence'] as const)
    if (text(k)) out[k] = text(k);
  if (!out.country && country) out.country = country;
  return out;
}

export function renderImport(ctx: Ctx): void {
  const mapping = selectField({ label: 'Mapping', name: 'mapping', options: [['', 'Loading mappings…']], hint: 'Says how the file’s columns become shelter fields.' });
  const file = textField({ label: 'File', name: 'file', type: 'file' });
  const error = formError();
  const check = h('button', { type: 'submit', class: 'button primary' }, 'Check the file (dry run)');
  const form = h('form', { class: 'card', novalidate: true }, h('div', { class: 'grid' }, mapping.wrap, file.wrap), error, h('div', { class: 'actions' }, check));
  const out = h('div', { class: 'import-out' });
  let mappings: MappingInfo[] = [];

  ctx.root.replaceChildren(h('h1', { tabindex: '-1' }, 'Import'), h('p', { class: 'hint' }, 'Nothing is written until you commit: the dry run shows what the file would do.'), form, out);

  void request<{ mappings: MappingInfo[] }>('GET', '/v1/imports/mappings')
    .then(({ body }) => {
      if (!ctx.current()) return;
      mappings = body.mappings;
      mapping.input.replaceChildren(
        h('option', { value: '' }, body.mappings.length ? 'Choose a mapping…' : 'The server has no mappings'),
        ...body.mappings.map((m) => h('option', { value: m.name }, `${m.title || m.name} (${[m.name, m.country, m.format, m.complete ? 'complete list' : ''].filter(Boolean).join(', ')})`)),
      );
    })
    .catch((e) => ctx.current() && showFormError(error, `Could not load the mappings: ${describe(e)}`));

  // A report belongs to one file and mapping: changing either drops it.
  for (const f of [mapping, file]) f.input.addEventListener('change', () => out.replaceChildren());

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setFieldError(mapping, null);
    setFieldError(file, null);
    showFormError(error);
    const chosen = (file.input as HTMLInputElement).files?.[0];
    if (!mapping.input.value) {
      setFieldError(mapping, 'Choose the mapping for this file.');
      return mapping.input.focus();
    }
    if (!chosen) {
      setFieldError(file, 'Choose the file to import.');
      return file.input.focus();
    }
    if (chosen.size > MAX_BYTES) {
      setFieldError(file, `The file is ${(chosen.size / 1048576).toFixed(1)} MiB; at most 64 MiB can be imported here (use rifugio import on the server).`);
      return file.input.focus();
    }
    const name = mapping.input.value;
    const country = mappings.find((m) => m.name === name)?.country ?? '';
    void busy(check, async () => {
      try {
        const r = await request<ImportAnswer>('POST', '/v1/imports' + query({ mapping: name, dry_run: 'true' }), { body: chosen });
        if (!ctx.current()) return;
        showReport(out, r.body, { name, country, file: chosen });
      } catch (e) {
        showFormError(error, describe(e));
        check.focus();
      }
    });
  });
}

function countsList(r: Report): HTMLElement {
  return h(
    'dl',
    { class: 'counts' },
    ...COUNT_LABELS.filter(([k]) => k in r.counts && (r.counts[k] !== 0 || ['read', 'accepted', 'rejected', 'suspicious'].includes(k))).flatMap(([k, label]) => [
      h('div', { class: `count count-${k}` }, h('dt', {}, label), h('dd', {}, String(r.counts[k]))),
    ]),
  );
}

function showReport(out: HTMLElement, answer: ImportAnswer, src: { name: string; country: string; file: File }): void {
  const r = answer.report;
  const heading = h('h2', { tabindex: '-1', id: 'report-h' }, `Validation report: ${src.file.name}`);
  const rejected = r.issues.filter((i) => i.severity === 'rejected');
  const suspicious = r.issues.filter((i) => i.severity === 'suspicious');
  const state = h('p', { class: 'hint' }, `Mapping ${src.name}, source ${r.source}. Dry run: nothing has been written yet.`);
  const commitError = formError();
  const commitResult = h('div', { class: 'result', role: 'status', tabindex: '-1' });
  const commit = h('button', { type: 'button', class: 'button primary' }, `Commit import (${r.counts.accepted ?? 0} records)`);
  commit.disabled = (!r.counts.accepted && !r.counts.retired) || answer.may_commit === false;
  const example = answer.outside_region_example;
  const outside =
    answer.may_commit === false
      ? h('p', { class: 'warn' }, `${answer.outside_region ?? 'Some'} of these changes are outside your region${example ? ` (for example ${typeof example === 'object' ? JSON.stringify(example) : String(example)})` : ''}: only an admin can commit this file.`)
      : '';

  commit.addEventListener('click', () => {
    showFormError(commitError);
    void busy(commit, async () => {
      try {
        const a = await request<ImportAnswer>('POST', '/v1/imports' + query({ mapping: src.name, dry_run: 'false' }), { body: src.file });
        const c = a.body.report.counts;
        commit.hidden = true;
        state.textContent = `Mapping ${src.name}, source ${r.source}. Committed: the counts below are what was written.`;
        commitResult.replaceChildren(
          h('p', { class: 'done' }, `Imported: ${c.created ?? 0} new, ${c.updated ?? 0} changed, ${c.unchanged ?? 0} unchanged, ${c.retired ?? 0} retired; register revision ${a.body.revision ?? a.body.report.revision_after}.`),
          countsList(a.body.report),
        );
        announce(commitResult.querySelector('p')!.textContent!);
        commitResult.focus();
      } catch (e) {
        showFormError(commitError, describe(e));
        commit.focus();
      }
    });
  });

  const issueList = (list: Issue[], fixable: boolean) =>
    h('ol', { class: 'issues' }, ...list.map((i) => issueItem(i, fixable ? r.source : null, src.country)));

  out.replaceChildren(
    h(
      'section',
      { class: 'report', 'aria-labelledby': 'report-h' },
      heading,
      state,
      countsList(r),
      r.complete && (r.counts.retired ?? 0) > 0
        ? h('p', { class: 'warn' }, `This mapping is for a complete list: committing retires the ${r.counts.retired} shelters of source ${r.source} that are not in this file.`)
        : '',
      rejected.length
        ? h('section', { 'aria-labelledby': 'rej-h' }, h('h3', { id: 'rej-h' }, `Rejected (${rejected.length}): not imported`), h('p', { class: 'hint' }, '“Fix” opens the new-shelter form with what the file says; correct it and create the shelter by hand.'), issueList(rejected, true))
        : h('p', {}, 'No record was rejected.'),
      suspicious.length
        ? h('section', { 'aria-labelledby': 'sus-h' }, h('h3', { id: 'sus-h' }, `Suspicious (${suspicious.length}): imported, please check`), issueList(suspicious, false))
        : '',
      r.cross_source_matches.length
        ? h(
            'section',
            { 'aria-labelledby': 'match-h' },
            h('h3', { id: 'match-h' }, `Near a shelter of another source (${r.cross_source_matches.length})`),
            h('ul', { class: 'issues' }, ...r.cross_source_matches.map((m) => h('li', {}, `Record ${m.record} “${m.address}” is ${Math.round(m.distance_m)} m from `, h('a', { href: `/admin/shelters/${m.existing}` }, `shelter ${m.existing}`), ` (${m.existing_key}, “${m.existing_address}”).`))),
          )
        : '',
      outside,
      commitError,
      h('div', { class: 'actions' }, commit),
      commitResult,
    ),
  );
  announce(`Dry run: ${r.counts.read} read, ${r.counts.accepted} accepted, ${r.counts.rejected} rejected, ${r.counts.suspicious} suspicious.`);
  heading.focus();
}

/** One report entry; `source` (the import's) makes it fixable: "Fix" creates the shelter under the row's key. */
function issueItem(i: Issue, source: string | null, country: string): HTMLElement {
  const where = [`Record ${i.record}`, i.key ? `key ${i.key}` : '', i.field ? `field ${i.field}` : 'whole record'].filter(Boolean).join(' · ');
  const li = h(
    'li',
    { class: `issue ${i.severity}`, 'data-record': String(i.record) },
    h('p', { class: 'where' }, where),
    h('p', { class: 'reason' }, h('code', {}, i.reason), ' ', i.message),
  );
  const shown = Object.entries(i.values ?? {}).filter(([, v]) => v !== null && v !== '');
  if (shown.length)
    li.append(h('p', { class: 'values' }, shown.map(([k, v]) => `${k}: ${String(v)}`).join(' · ')));
  if (source === null) return li;
  const keyId = i.key || String(i.values?.external_id ?? '');
  const key = keyId ? { source, id: keyId } : undefined;
  const fix = h('button', { type: 'button', class: 'button', 'aria-expanded': 'false' }, 'Fix');
  fix.setAttribute('aria-label', `Fix record ${i.record}`);
  const panel = h('div', { class: 'fix', hidden: true });
  const done = h('p', { class: 'fixed', role: 'status', tabindex: '-1', hidden: true });
  fix.addEventListener('click', () => {
    if (!panel.hidden) {
      panel.hidden = true;
      fix.setAttribute('aria-expanded', 'false');
      fix.textContent = 'Fix';
      fix.setAttribute('aria-label', `Fix record ${i.record}`);
      return;
    }
    const values = prefill(i.values, country);
    const f = createForm(values, (s: Shelter) => {
      panel.hidden = true;
      panel.replaceChildren();
      fix.hidden = true;
      done.hidden = false;
      done.replaceChildren(`Fixed: created `, h('a', { href: `/admin/shelters/${s.id}` }, `shelter ${s.id} (${title(s)})`), '.');
      li.classList.add('is-fixed');
      announce(`Record ${i.record} fixed: created shelter ${s.id}.`);
      done.focus();
    }, key);
    if (key) f.form.prepend(h('p', { class: 'hint' }, `Created with the key ${key.source}:${key.id}, so a later import of ${key.source} updates this shelter instead of adding it again.`));
    f.fields.reason!.input.value = `fixed record ${i.record} of an import by hand (${i.reason})`;
    // The field the report names is the one to correct: mark it and start there.
    // The importer names a position "lat/lon" (or one of them, or "location"): the message goes on the first, both are marked.
    const position = i.field === 'location' || i.field === 'lat/lon' || i.field === 'lat' || i.field === 'lon';
    const target = f.fields[position ? (i.field === 'lon' ? 'lon' : 'lat') : i.field];
    if (target) setFieldError(target, i.message);
    if (position && i.field !== 'lat' && i.field !== 'lon') markInvalid(f.fields.lon!);
    panel.replaceChildren(f.form);
    panel.hidden = false;
    fix.setAttribute('aria-expanded', 'true');
    fix.textContent = 'Hide the form';
    fix.setAttribute('aria-label', `Hide the form for record ${i.record}`);
    (target ?? f.fields.name)!.input.focus();
  });
  li.append(h('div', { class: 'actions' }, fix), panel, done);
  return li;
}
