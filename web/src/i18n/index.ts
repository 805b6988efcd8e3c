// Languages: detection, lazy loading, lookup. English is built in (and is the
// fallback); the others are separate chunks loaded on demand.

import { en, type MessageKey, type Messages } from './en';

export type Lang = 'en' | 'de' | 'it' | 'sv' | 'nb' | 'fi' | 'uk' | 'he' | 'ar';

/** Every language, with its own name for the switcher and its writing direction. */
export const LANGUAGES: { code: Lang; name: string; dir: 'ltr' | 'rtl' }[] = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'de', name: 'Deutsch', dir: 'ltr' },
  { code: 'it', name: 'Italiano', dir: 'ltr' },
  { code: 'sv', name: 'Svenska', dir: 'ltr' },
  { code: 'nb', name: 'Norsk bokmål', dir: 'ltr' },
  { code: 'fi', name: 'Suomi', dir: 'ltr' },
  { code: 'uk', name: 'Українська', dir: 'ltr' },
  { code: 'he', name: 'עברית', dir: 'rtl' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
];

const loaders: Record<Exclude<Lang, 'en'>, () => Promise<Messages>> = {
  de: () => import('./de').then((m) => m.de),
  it: () => import('./it').then((m) => m.it),
  sv: () => import('./sv').then((m) => m.sv),
  nb: () => import('./nb').then((m) => m.nb),
  fi: () => import('./fi').then((m) => m.fi),
  uk: () => import('./uk').then((m) => m.uk),
  he: () => import('./he').then((m) => m.he),
  ar: () => import('./ar').then((m) => m.ar),
};

/** Loads any language's messages (tests use this to check completeness). */
export function loadMessages(lang: Lang): Promise<Messages> {
  return lang === 'en' ? Promise.resolve(en) : loaders[lang]();
}

/** The first supported language among the browser's preferences; 'en' when none. */
export function detectLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0] ?? '';
    const code = base === 'no' || base === 'nn' ? 'nb' : base === 'iw' ? 'he' : base;
    if (LANGUAGES.some((l) => l.code === code)) return code as Lang;
  }
  return 'en';
}

export function dirOf(lang: Lang): 'ltr' | 'rtl' {
  return LANGUAGES.find((l) => l.code === lang)?.dir ?? 'ltr';
}

let current: Lang = 'en';
let messages: Messages = en;

export function lang(): Lang {
  return current;
}

/** Switches language, and sets lang and dir on <html>. */
export async function setLang(next: Lang): Promise<void> {
  messages = await loadMessages(next);
  current = next;
  if (typeof document !== 'undefined') {
    document.documentElement.lang = next;
    document.documentElement.dir = dirOf(next);
  }
}

/** The message for `key` in the current language, with {name} markers filled in. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  let s = messages[key] ?? en[key];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export type { MessageKey, Messages };
