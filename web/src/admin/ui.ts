// Form pieces of the admin page: labelled fields with their error next to
// them (aria-invalid + aria-describedby), a form-level error, the live region.

import { h } from '../ui/dom';

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface Field<C extends Control = Control> {
  wrap: HTMLElement;
  input: C;
  error: HTMLElement;
}

let seq = 0;

interface FieldOpts {
  label: string;
  name: string;
  value?: string;
  type?: string;
  hint?: string;
  required?: boolean;
  attrs?: Record<string, string | boolean | undefined>;
}

function wrapField<C extends Control>(o: FieldOpts, input: C): Field<C> {
  const id = input.id || `f-${o.name}-${++seq}`;
  input.id = id;
  input.name = o.name;
  if (o.required) input.required = true;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hint = o.hint ? h('p', { class: 'hint', id: `${id}-hint` }, o.hint) : null;
  if (hint) input.setAttribute('aria-describedby', hint.id);
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, o.label), hint, input, error);
  wrap.dataset.field = o.name;
  return { wrap, input, error };
}

export function textField(o: FieldOpts): Field<HTMLInputElement> {
  const input = h('input', { type: o.type ?? 'text', ...(o.attrs ?? {}) });
  input.value = o.value ?? '';
  return wrapField(o, input);
}

export function selectField(o: FieldOpts & { options: [string, string][] }): Field<HTMLSelectElement> {
  const input = h('select', o.attrs ?? {}, ...o.options.map(([v, l]) => h('option', { value: v }, l)));
  input.value = o.value ?? o.options[0]?.[0] ?? '';
  return wrapField(o, input);
}

export function setFieldError(f: Field, message: string | null): void {
  f.error.textContent = message ?? '';
  f.error.hidden = !message;
  f.wrap.classList.toggle('invalid', !!message);
  if (message) f.input.setAttribute('aria-invalid', 'true');
  else f.input.removeAttribute('aria-invalid');
  // The error is part of the field's description only while it is shown.
  const ids = (f.input.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && x !== f.error.id);
  if (message) ids.push(f.error.id);
  if (ids.length) f.input.setAttribute('aria-describedby', ids.join(' '));
  else f.input.removeAttribute('aria-describedby');
}

/** Marks a field wrong without a message of its own (the message is on a sibling field). */
export function markInvalid(f: Field): void {
  f.wrap.classList.add('invalid');
  f.input.setAttribute('aria-invalid', 'true');
}

/** A form-level message box; role=alert so it is read out when it appears. */
export function formError(): HTMLElement {
  return h('div', { class: 'form-error', role: 'alert', hidden: true });
}

export function showFormError(box: HTMLElement, ...content: (Node | string)[]): void {
  box.replaceChildren(...content);
  box.hidden = content.length === 0;
}

/** Says something to screen readers (and shows it where the page has room). */
export function announce(text: string): void {
  const el = document.getElementById('announce');
  if (!el) return;
  // Cleared first so the same sentence twice is read twice.
  el.textContent = '';
  window.setTimeout(() => (el.textContent = text), 30);
}

/** Disables a form's submit button while `work` runs. */
export async function busy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString('en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export const STATUS_LABEL: Record<string, string> = { open: 'Open', closed: 'Closed', full: 'Full', unknown: 'Unknown' };

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, STATUS_LABEL[status] ?? status);
}
