// A shelter's crowd reports on its page and in the list: what people said
// ("3 people reported it locked · 12 minutes ago") and the "Report a
// problem" control (four kinds, one tap each, an optional note first).
// Everything here is text nodes: nothing from a report becomes HTML.

import { formatAge, formatCount, formatDuration } from '../format';
import { lang, t, type MessageKey } from '../i18n';
import type { Hit, ReportSummary } from '../model';
import { MAX_NOTE, REPORT_KINDS, sendReport, summaryLines } from '../reports';
import { h } from './dom';

/** One sentence per reported kind, most reported first. */
export function summaryText(summary: ReportSummary | undefined, now: Date = new Date()): string[] {
  const plural = new Intl.PluralRules(lang());
  return summaryLines(summary).map((l) =>
    t(plural.select(l.count) === 'one' ? 'report_summary_one' : 'report_summary_other', {
      count: formatCount(l.count, lang()),
      kind: t(`report_said_${l.kind}` as MessageKey),
      age: formatAge(new Date(now.getTime() - l.ageS * 1000), now, lang()),
    }),
  );
}

/** The summary as a list row line; null when nobody reported anything. */
export function reportsLine(s: Hit): HTMLElement | null {
  const lines = summaryText(s.reports);
  return lines.length ? h('span', { class: 'reports' }, lines.join(' · ')) : null;
}

/** The shelter page's section: the summary, then the control. `changed` gets the new summary after a report. */
export function reportSection(s: Hit, changed: (summary: ReportSummary) => void): HTMLElement {
  const said = h('ul', { class: 'report-summary', 'aria-live': 'polite' });
  const showSummary = () => said.replaceChildren(...summaryText(s.reports).map((line) => h('li', {}, line)));
  showSummary();
  const note = h('textarea', { id: 'report-note', rows: '2', maxlength: String(MAX_NOTE), dir: 'auto' });
  const result = h('p', { class: 'report-result', role: 'status' });
  const buttons = REPORT_KINDS.map((kind) =>
    h('button', { type: 'button', class: `report-kind ${kind}`, 'data-kind': kind }, t(`report_kind_${kind}` as MessageKey)),
  );
  for (const b of buttons) {
    b.addEventListener('click', async () => {
      for (const x of buttons) x.disabled = true;
      result.className = 'report-result';
      result.textContent = t('report_sending');
      const r = await sendReport(s.id, b.dataset.kind as (typeof REPORT_KINDS)[number], note.value);
      for (const x of buttons) x.disabled = false;
      document.body.dataset.report = r.ok ? 'sent' : r.reason;
      if (r.ok) {
        note.value = '';
        s.reports = r.summary;
        showSummary();
        changed(r.summary);
        result.textContent = t('report_sent');
        return;
      }
      result.classList.add('warn');
      result.textContent =
        r.reason === 'rate_limited'
          ? t('report_limited', { time: formatDuration(r.retryAfterS ?? 600, lang()) })
          : r.reason === 'offline'
            ? t('report_offline')
            : t('report_failed');
    });
  }
  const details = h(
    'details',
    { class: 'report' },
    h('summary', {}, t('report_title')),
    h('p', { class: 'hint' }, t('report_intro')),
    h('label', { for: 'report-note' }, t('report_note')),
    note,
    h('div', { class: 'report-kinds' }, ...buttons),
    result,
  );
  return h('section', { class: 'reports-section', 'aria-label': t('report_title') }, said, details);
}
