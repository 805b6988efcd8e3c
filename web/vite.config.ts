import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { transformWithEsbuild, type Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { mapAssets, world } from './vite.basemap';

/** Files under public/ (copied as they are), as URL paths. */
function publicFiles(dir: string, base = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? publicFiles(p, `${base}/${name}`) : [`${base}/${name}`];
  });
}

type Bundle = Parameters<NonNullable<Extract<Plugin['generateBundle'], (...a: never[]) => unknown>>>[1];

/** The files an entry needs: its chunk, the chunks it imports (also lazily) and their CSS and assets. */
function reachable(bundle: Bundle, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string) => {
    const c = bundle[f];
    if (seen.has(f) || !c) return;
    seen.add(f);
    if (c.type !== 'chunk') return;
    for (const css of c.viteMetadata?.importedCss ?? []) seen.add(css);
    for (const a of c.viteMetadata?.importedAssets ?? []) seen.add(a);
    [...c.imports, ...c.dynamicImports].forEach(visit);
  };
  visit(entry);
  return seen;
}

/**
 * Builds src/sw.ts into /sw.js with the list of every built file to precache
 * (the map library and all languages too: the app must open with no network)
 * and a version that changes whenever any of them does. The admin page's own
 * files are left out: it needs the network anyway, and citizens' phones
 * should not download it.
 */
function serviceWorker(): Plugin {
  return {
    name: 'rifugio-service-worker',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const entries = Object.entries(bundle).filter(([, c]) => c.type === 'chunk' && c.isEntry);
      const citizen = new Set(entries.filter(([, c]) => c.name !== 'admin').flatMap(([f]) => [...reachable(bundle, f)]));
      const adminOnly = new Set(entries.filter(([, c]) => c.name === 'admin').flatMap(([f]) => [...reachable(bundle, f)].filter((x) => !citizen.has(x))));
      const built = Object.keys(bundle).filter((f) => !f.endsWith('.map') && !f.endsWith('.html') && !adminOnly.has(f));
      const files = ['/index.html', ...built.map((f) => `/${f}`), ...publicFiles('public')].sort();
      const hash = createHash('sha256');
      // Only what citizens get: a change to the admin page does not make every phone fetch the app again.
      for (const [name, f] of Object.entries(bundle)) if (!adminOnly.has(name) && name !== 'admin.html') hash.update(f.type === 'chunk' ? f.code : f.source);
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

export default defineConfig({
  plugins: [world(), mapAssets(), serviceWorker()],
  build: {
    target: 'es2020',
    // The citizen app and the admin page (/admin, served admin.html by rifugio serve).
    rollupOptions: { input: { index: 'index.html', admin: 'admin.html' } },
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
