// The preparedness guide: advice lists and a household checklist whose ticks
// stay in localStorage. Printable (see the print rules in styles.css).

import { t, type MessageKey } from '../i18n';
import { h } from './dom';

const STORAGE = 'rifugio.checklist';

const ADVICE: { head: MessageKey; items: MessageKey[] }[] = [
  { head: 'guide_alarm_h', items: ['guide_alarm_1', 'guide_alarm_2', 'guide_alarm_3', 'guide_alarm_4'] },
  {
    head: 'guide_noshelter_h',
    items: ['guide_noshelter_1', 'guide_noshelter_2', 'guide_noshelter_3', 'guide_noshelter_4', 'guide_noshelter_5'],
  },
  { head: 'guide_after_h', items: ['guide_after_1', 'guide_after_2', 'guide_after_3', 'guide_after_4'] },
];

export const STOCK: MessageKey[] = [
  'stock_water', 'stock_food', 'stock_meds', 'stock_radio', 'stock_torch',
  'stock_batteries', 'stock_firstaid', 'stock_cash', 'stock_documents', 'stock_pets',
];
export const PLAN: MessageKey[] = ['plan_meeting', 'plan_contacts', 'plan_outside', 'plan_children', 'plan_practise'];

function loadTicks(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(STORAGE) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

function saveTicks(ticks: Set<string>): void {
  try {
    localStorage.setItem(STORAGE, JSON.stringify([...ticks]));
  } catch {
    // private mode or full: ticks last for this visit only
  }
}

export function renderGuide(root: HTMLElement): void {
  const ticks = loadTicks();
  const total = STOCK.length + PLAN.length;
  const progress = h('p', { class: 'progress', 'aria-live': 'polite' });
  const updateProgress = () => {
    const done = [...STOCK, ...PLAN].filter((k) => ticks.has(k)).length;
    progress.textContent = t('checklist_progress', { done, total });
  };

  const checklist = (head: MessageKey, keys: MessageKey[], intro?: MessageKey) =>
    h(
      'section',
      { class: 'guide-part' },
      h('h2', {}, t(head)),
      intro ? h('p', {}, t(intro)) : null,
      h(
        'ul',
        { class: 'checklist' },
        ...keys.map((k) => {
          const box = h('input', { type: 'checkbox', id: `c-${k}`, checked: ticks.has(k) });
          box.addEventListener('change', () => {
            if (box.checked) ticks.add(k);
            else ticks.delete(k);
            saveTicks(ticks);
            updateProgress();
          });
          return h('li', {}, h('label', { for: `c-${k}` }, box, h('span', {}, t(k))));
        }),
      ),
    );

  const print = h('button', { type: 'button', class: 'secondary' }, t('print_guide'));
  print.addEventListener('click', () => window.print());
  const clear = h('button', { type: 'button', class: 'secondary' }, t('clear_ticks'));
  clear.addEventListener('click', () => {
    ticks.clear();
    saveTicks(ticks);
    renderGuide(root);
  });

  updateProgress();
  root.replaceChildren(
    h('h1', { tabindex: '-1' }, t('guide_title')),
    h('p', {}, t('guide_intro')),
    ...ADVICE.map((a) => h('section', { class: 'guide-part' }, h('h2', {}, t(a.head)), h('ul', {}, ...a.items.map((k) => h('li', {}, t(k)))))),
    checklist('guide_stock_h', STOCK, 'guide_stock_intro'),
    checklist('guide_plan_h', PLAN),
    progress,
    h('div', { class: 'actions no-print' }, print, clear),
  );
}
