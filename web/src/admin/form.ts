// The shelter form, for editing (PATCH: only the fields that changed) and
// creating (POST: every field given). A 422 marks the field the server
// named; position is two inputs (latitude, longitude) sent as
// `location: [lon, lat]`, so a location error marks both.

import { h } from '../ui/dom';
import { ApiError, describe, type Shelter } from './api';
import { busy, formError, markInvalid, selectField, setFieldError, showFormError, textField, type Field } from './ui';

export const KINDS: [string, string][] = [
  ['public_shelter', 'Public shelter'],
  ['bunker', 'Bunker'],
  ['protected_basement', 'Protected basement'],
  ['metro_station', 'Metro station'],
  ['parking', 'Underground car park'],
  ['other', 'Other'],
];
const STEP_FREE: [string, string][] = [
  ['unknown', 'Not known'],
  ['yes', 'Yes'],
  ['limited', 'Partly'],
  ['no', 'No'],
];

/** The form's values as text, one per input. */
export type Values = Record<(typeof NAMES)[number], string>;
const NAMES = ['name', 'address', 'municipality', 'region', 'country', 'lat', 'lon', 'capacity', 'kind', 'step_free', 'opening_hours', 'licence'] as const;

export function valuesOf(s: Shelter): Values {
  return {
    name: s.name,
    address: s.address,
    municipality: s.municipality,
    region: s.region,
    country: s.country,
    lat: s.location ? String(s.location[1]) : '',
    lon: s.location ? String(s.location[0]) : '',
    capacity: s.capacity === null ? '' : String(s.capacity),
    kind: s.kind,
    step_free: s.step_free,
    opening_hours: s.opening_hours,
    licence: s.licence,
  };
}

export interface ShelterForm {
  form: HTMLFormElement;
  fields: Record<string, Field>;
  /** Shows an error where it belongs: next to the field the server named, else above the buttons. */
  showError(e: unknown): void;
}

export function shelterForm(opts: {
  values: Partial<Values>;
  /** Edit: only changed fields are sent. Create: all non-empty ones. */
  mode: 'edit' | 'create';
  submitLabel: string;
  /** Sends the body ({fields..., reason}); throws ApiError to show it. */
  submit: (body: Record<string, unknown>) => Promise<void>;
  /** 412 and other special cases; return true when handled. */
  onError?: (e: ApiError) => boolean;
  legend?: string;
  /** The section's heading already says what the form is. */
  legendHidden?: boolean;
}): ShelterForm {
  const v = { name: '', address: '', municipality: '', region: '', country: '', lat: '', lon: '', capacity: '', kind: 'public_shelter', step_free: 'unknown', opening_hours: '', licence: '', ...opts.values };
  const f: Record<string, Field> = {
    name: textField({ label: 'Name', name: 'name', value: v.name }),
    address: textField({ label: 'Address', name: 'address', value: v.address, attrs: { autocomplete: 'off' } }),
    municipality: textField({ label: 'Municipality', name: 'municipality', value: v.municipality }),
    region: textField({ label: 'Region', name: 'region', value: v.region }),
    country: textField({ label: 'Country (ISO code)', name: 'country', value: v.country, attrs: { maxlength: '2', autocapitalize: 'characters', size: '3' } }),
    lat: textField({ label: 'Latitude', name: 'lat', value: v.lat, hint: 'Degrees north, e.g. 59.9139', attrs: { inputmode: 'decimal' } }),
    lon: textField({ label: 'Longitude', name: 'lon', value: v.lon, hint: 'Degrees east, e.g. 10.7522', attrs: { inputmode: 'decimal' } }),
    capacity: textField({ label: 'Places', name: 'capacity', value: v.capacity, attrs: { inputmode: 'numeric' } }),
    kind: selectField({ label: 'Kind', name: 'kind', value: v.kind, options: KINDS }),
    step_free: selectField({ label: 'Step-free access', name: 'step_free', value: v.step_free, options: STEP_FREE }),
    opening_hours: textField({ label: 'Opening hours', name: 'opening_hours', value: v.opening_hours }),
    licence: textField({ label: 'Licence', name: 'licence', value: v.licence }),
    reason: textField({ label: 'Reason for the change', name: 'reason', hint: 'Goes to the audit log.', required: true }),
  };
  // An imported value outside the list (a typo in a file) stays visible rather than silently becoming the first option.
  for (const k of ['kind', 'step_free'] as const) {
    const sel = f[k]!.input as HTMLSelectElement;
    if (v[k] && sel.value !== v[k]) {
      sel.append(h('option', { value: v[k] }, v[k]));
      sel.value = v[k];
    }
  }
  const error = formError();
  const submit = h('button', { type: 'submit', class: 'button primary' }, opts.submitLabel);
  const form = h(
    'form',
    { class: 'shelter-form', novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', { class: opts.legendHidden ? 'visually-hidden' : undefined }, opts.legend ?? 'Shelter'),
      h('div', { class: 'grid' }, ...['name', 'address', 'municipality', 'region', 'country', 'capacity', 'lat', 'lon', 'kind', 'step_free', 'opening_hours', 'licence'].map((k) => f[k]!.wrap)),
    ),
    f.reason!.wrap,
    error,
    h('div', { class: 'actions' }, submit),
  );

  const clear = () => {
    for (const x of Object.values(f)) setFieldError(x, null);
    showFormError(error);
  };

  function fail(name: string, message: string): never {
    throw new ApiError(422, 'invalid_field', message, name);
  }

  /** The body to send, or throws a 422-like error for what the page can check itself. */
  function body(): Record<string, unknown> {
    const now = Object.fromEntries(Object.entries(f).map(([k, x]) => [k, x.input.value.trim()])) as Record<string, string>;
    const out: Record<string, unknown> = {};
    const changed = (k: keyof Values) => opts.mode === 'create' ? now[k] !== '' : now[k] !== (v[k] ?? '').trim();
    for (const k of ['name', 'address', 'municipality', 'region', 'country', 'kind', 'step_free', 'opening_hours', 'licence'] as const)
      if (changed(k)) out[k] = opts.mode === 'edit' && now[k] === '' && k !== 'name' && k !== 'address' ? null : now[k];
    if (changed('capacity')) {
      if (now.capacity === '') out.capacity = null;
      else if (!/^\d+$/.test(now.capacity!)) fail('capacity', 'Places: a whole number of 0 or more, or empty when not known.');
      else out.capacity = Number(now.capacity);
    }
    if (changed('lat') || changed('lon')) {
      if (now.lat === '' && now.lon === '') out.location = null;
      else {
        for (const k of ['lat', 'lon'] as const)
          if (now[k] === '' || !Number.isFinite(Number(now[k].replace(',', '.'))))
            fail(k, `${k === 'lat' ? 'Latitude' : 'Longitude'}: a number of degrees${now[k] === '' ? ' (both or neither)' : ''}.`);
        out.location = [Number(now.lon!.replace(',', '.')), Number(now.lat!.replace(',', '.'))];
      }
    }
    if (!now.reason) fail('reason', 'Say why (it goes to the audit log).');
    out.reason = now.reason;
    return out;
  }

  function showError(e: unknown): void {
    if (e instanceof ApiError && opts.onError?.(e)) return;
    if (e instanceof ApiError && e.status === 422 && e.field) {
      const target = f[e.field === 'location' ? 'lat' : e.field];
      if (target) {
        setFieldError(target, e.message);
        // A position is two inputs: both are marked, the message is said once.
        if (e.field === 'location') markInvalid(f.lon!);
        target.input.focus();
        return;
      }
    }
    showFormError(error, describe(e));
    error.tabIndex = -1;
    error.focus();
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clear();
    let b: Record<string, unknown>;
    try {
      b = body();
    } catch (e) {
      return showError(e);
    }
    if (opts.mode === 'edit' && Object.keys(b).length === 1) {
      showFormError(error, 'Nothing has changed.');
      return;
    }
    void busy(submit, () => opts.submit(b).catch(showError));
  });

  return { form, fields: f, showError };
}
