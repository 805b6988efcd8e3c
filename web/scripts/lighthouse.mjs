// Lighthouse (mobile preset, the default) on the built app served by the real
// server, in Debian chromium. Prints the four scores; writes the HTML report
// to build/web-lighthouse/. Fails below: performance 90, accessibility 100,
// best practices 95.
//   npm run --prefix web lighthouse
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { missing, REPO, startServer } from '../e2e/server.mjs';

const why = missing();
if (why) {
  console.log(`lighthouse skipped: ${why}`);
  process.exit(0);
}
const OUT = join(REPO, 'build/web-lighthouse');
mkdirSync(OUT, { recursive: true });
const server = await startServer();
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
let failed = false;
try {
  for (const [name, path] of [['first-screen', '/'], ['guide', '/#/guide']]) {
  console.log(`== ${path}`);
  const result = await lighthouse(`${server.base}${path}`, { port: chrome.port, output: 'html', logLevel: 'error' });
  writeFileSync(join(OUT, `${name}.html`), result.report);
  const c = result.lhr.categories;
  const score = (k) => Math.round((c[k]?.score ?? 0) * 100);
  const want = { performance: 90, accessibility: 100, 'best-practices': 95 };
  for (const k of ['performance', 'accessibility', 'best-practices', 'seo']) {
    const s = score(k);
    const ok = !(k in want) || s >= want[k];
    if (!ok) failed = true;
    console.log(`${k.padEnd(15)} ${String(s).padStart(3)}${k in want ? `  (need ${want[k]})` : ''}${ok ? '' : '  FAIL'}`);
  }
  for (const a of Object.values(result.lhr.audits))
    if (a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary') console.log(`  - ${a.id}: ${a.title}`);
  const m = result.lhr.audits;
  console.log(`FCP ${m['first-contentful-paint'].displayValue}, LCP ${m['largest-contentful-paint'].displayValue}, TBT ${m['total-blocking-time'].displayValue}, CLS ${m['cumulative-layout-shift'].displayValue}`);
  console.log(`report: ${join(OUT, `${name}.html`)}`);
  }
} finally {
  await chrome.kill();
  await server.stop();
}
process.exit(failed ? 1 : 0);
