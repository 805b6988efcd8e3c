// The fonts the map's labels are drawn with, served by this deployment from
// /map/fonts/ (vite.basemap.ts copies them there from @fontsource, OFL).
// MapLibre draws each letter from the file whose unicode-range covers it
// (the style's `font-faces`), fetching a file only when a label needs it;
// anything no file covers falls back to the device's own fonts. So there is
// no glyphs URL: nothing is asked of any other server.

import latinRanges from '@fontsource/noto-sans/unicode.json' with { type: 'json' };
import hebrewRanges from '@fontsource/noto-sans-hebrew/unicode.json' with { type: 'json' };
import arabicRanges from '@fontsource/noto-sans-arabic/unicode.json' with { type: 'json' };

/** The `text-font` names a label layer may use. */
export const REGULAR = 'Noto Sans Regular';
export const BOLD = 'Noto Sans Bold';

/** Where the fonts are, under the app's origin. */
export const FONT_DIR = '/map/fonts/';
/** MapLibre's right-to-left plugin (@mapbox/mapbox-gl-rtl-text), loaded the first time a label is Hebrew or Arabic. */
export const RTL_PLUGIN_FILE = '/map/rtl-text.mjs';

export interface FontFile {
  stack: string;
  pkg: string;
  file: string;
  ranges: string[];
}

const SUBSETS: [pkg: string, family: string, ranges: Record<string, string>, subsets: string[]][] = [
  ['noto-sans', 'noto-sans', latinRanges, ['latin', 'latin-ext', 'cyrillic', 'cyrillic-ext', 'greek', 'greek-ext', 'vietnamese']],
  ['noto-sans-hebrew', 'noto-sans-hebrew', hebrewRanges, ['hebrew']],
  ['noto-sans-arabic', 'noto-sans-arabic', arabicRanges, ['arabic']],
];

export const FONT_FILES: FontFile[] = [
  [REGULAR, 400],
  [BOLD, 600],
].flatMap(([stack, weight]) =>
  SUBSETS.flatMap(([pkg, family, ranges, subsets]) =>
    subsets.map((s) => ({
      stack: stack as string,
      pkg,
      file: `${family}-${s}-${weight}-normal.woff2`,
      ranges: ranges[s]!.split(','),
    })),
  ),
);

/** The style's `font-faces`: each stack's files, as absolute URLs of `origin`. */
export function fontFaces(origin: string): Record<string, { url: string; 'unicode-range': string[] }[]> {
  const out: Record<string, { url: string; 'unicode-range': string[] }[]> = {};
  for (const f of FONT_FILES) (out[f.stack] ??= []).push({ url: `${origin}${FONT_DIR}${f.file}`, 'unicode-range': f.ranges });
  return out;
}
