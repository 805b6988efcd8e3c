import { describe, expect, it } from 'vitest';
import { dirOf, detectLang, LANGUAGES, loadMessages, setLang, t } from '../src/i18n';
import { en } from '../src/i18n/en';

const markers = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n', () => {
  it('has the nine languages, Hebrew and Arabic right to left', () => {
    expect(LANGUAGES.map((l) => l.code)).toEqual(['en', 'de', 'it', 'sv', 'nb', 'fi', 'uk', 'he', 'ar']);
    expect(LANGUAGES.filter((l) => l.dir === 'rtl').map((l) => l.code)).toEqual(['he', 'ar']);
    expect(dirOf('he')).toBe('rtl');
    expect(dirOf('de')).toBe('ltr');
  });

  for (const { code } of LANGUAGES) {
    it(`${code}: every key, no extra key, nothing empty, same {markers}`, async () => {
      const m = await loadMessages(code);
      expect(Object.keys(m).sort()).toEqual(Object.keys(en).sort());
      for (const [k, v] of Object.entries(m)) {
        expect(v.trim(), `${code}.${k}`).not.toBe('');
        expect(markers(v), `${code}.${k}`).toEqual(markers(en[k as keyof typeof en]));
      }
    });
  }

  it('translations differ from English (apart from names)', async () => {
    for (const { code } of LANGUAGES.filter((l) => l.code !== 'en')) {
      const m = await loadMessages(code);
      const same = Object.keys(en).filter((k) => m[k as keyof typeof en] === en[k as keyof typeof en]);
      // app_name and a few words that are the same in some languages
      expect(same.length, `${code}: ${same.join(', ')}`).toBeLessThanOrEqual(4);
    }
  });

  it('detects the language from the browser preferences', () => {
    expect(detectLang(['de-CH', 'en'])).toBe('de');
    expect(detectLang(['no'])).toBe('nb');
    expect(detectLang(['nn-NO'])).toBe('nb');
    expect(detectLang(['iw'])).toBe('he');
    expect(detectLang(['fr-FR', 'ar-EG'])).toBe('ar');
    expect(detectLang(['fr', 'es'])).toBe('en');
    expect(detectLang([])).toBe('en');
  });

  it('fills in markers', async () => {
    await setLang('de');
    expect(t('places', { n: '400' })).toBe('Plätze: 400');
    await setLang('en');
    expect(t('checklist_progress', { done: 3, total: 15 })).toBe('3 of 15 ready');
  });
});
