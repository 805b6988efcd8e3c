// Fails when the app's own JavaScript (everything but the lazily loaded map
// library and the admin page's entry) is over budget, gzip-compressed; the
// admin page has a budget of its own. Prints every chunk's size.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 150 * 1024;
const ADMIN_BUDGET = 40 * 1024;
const dir = new URL('../dist/assets/', import.meta.url);
let app = 0;
let mapLib = 0;
let admin = 0;
const rows = [];
for (const f of readdirSync(dir)) {
  if (!f.endsWith('.js')) continue;
  const gz = gzipSync(readFileSync(new URL(f, dir)), { level: 9 }).length;
  const kind = /^(maplibre-gl|map)[-.]/.test(f) ? 'map' : /^admin[-.]/.test(f) ? 'admin' : 'app';
  if (kind === 'map') mapLib += gz;
  else if (kind === 'admin') admin += gz;
  else app += gz;
  rows.push(`${kind.padEnd(5)}  ${(gz / 1024).toFixed(1).padStart(7)} KB gz  ${f}`);
}
rows.sort().forEach((r) => console.log(r));
console.log(`app JavaScript: ${(app / 1024).toFixed(1)} KB gzip (budget ${BUDGET / 1024} KB); map library: ${(mapLib / 1024).toFixed(1)} KB gzip, loaded lazily`);
console.log(`admin page JavaScript: ${(admin / 1024).toFixed(1)} KB gzip (budget ${ADMIN_BUDGET / 1024} KB), not part of the citizen app`);
if (app > BUDGET || admin > ADMIN_BUDGET) {
  console.error('over budget');
  process.exit(1);
}
