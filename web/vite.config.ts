import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { transformWithEsbuild, type Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/** Files under public/ (copied as they are), as URL paths. */
function publicFiles(dir: string, base = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? publicFiles(p, `${base}/${name}`) : [`${base}/${name}`];
  });
}

/**
 * Builds src/sw.ts into /sw.js with the list of every built file to precache
 * (the map library and all languages too: the app must open with no network)
 * and a version that changes whenever any of them does.
 */
function serviceWorker(): Plugin {
  return {
    name: 'rifugio-service-worker',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const built = Object.keys(bundle).filter((f) => !f.endsWith('.map') && f !== 'index.html');
      const files = ['/index.html', ...built.map((f) => `/${f}`), ...publicFiles('public')].sort();
      const hash = createHash('sha256');
      for (const f of Object.values(bundle)) hash.update(f.type === 'chunk' ? f.code : f.source);
      const version = hash.digest('hex').slice(0, 12);
      const src = readFileSync('src/sw.ts', 'utf8')
        .replace(/declare const __\w+__[^\n]*\n/g, '')
        .replace(/^export \{\};[^\n]*\n/m, '')
        .replaceAll('__PRECACHE__', JSON.stringify(files))
        .replaceAll('__VERSION__', JSON.stringify(version));
      const out = await transformWithEsbuild(src, 'sw.ts', { loader: 'ts', minify: true, target: 'es2020' });
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: out.code });
    },
  };
}

/**
 * The country outlines the map draws under the shelters: the importer's
 * borders.json from @rapideditor/country-coder, with coordinates rounded to
 * about 100 m and the properties dropped.
 */
function borders(): Plugin {
  return {
    name: 'rifugio-borders',
    generateBundle() {
      const src = JSON.parse(readFileSync('node_modules/@rapideditor/country-coder/src/data/borders.json', 'utf8'));
      const round = (v: unknown): unknown => (Array.isArray(v) ? v.map(round) : Math.round((v as number) * 1000) / 1000);
      const features = src.features
        .filter((f: { geometry: unknown }) => f.geometry) // groups such as "World" have none
        .map((f: { geometry: { type: string; coordinates: unknown } }) => ({
          type: 'Feature',
          properties: {},
          geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
        }));
      this.emitFile({ type: 'asset', fileName: 'borders.geojson', source: JSON.stringify({ type: 'FeatureCollection', features }) });
    },
  };
}

export default defineConfig({
  plugins: [borders(), serviceWorker()],
  build: {
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
