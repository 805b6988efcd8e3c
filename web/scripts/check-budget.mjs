// Fails when the app's own JavaScript (everything but the lazily loaded map
// library) is over budget, gzip-compressed. Prints every chunk's size.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 150 * 1024;
const dir = new URL('../dist/assets/', import.meta.url);
let app = 0;
let mapLib = 0;
const rows = [];
for (const f of readdirSync(dir)) {
  if (!f.endsWith('.js')) continue;
  const gz = gzipSync(readFileSync(new URL(f, dir)), { level: 9 }).length;
  const isMap = /^(maplibre-gl|map)[-.]/.test(f);
  if (isMap) mapLib += gz;
  else app += gz;
  rows.push(`${isMap ? 'map' : 'app'}  ${(gz / 1024).toFixed(1).padStart(7)} KB gz  ${f}`);
}
rows.sort().forEach((r) => console.log(r));
console.log(`app JavaScript: ${(app / 1024).toFixed(1)} KB gzip (budget ${BUDGET / 1024} KB); map library: ${(mapLib / 1024).toFixed(1)} KB gzip, loaded lazily`);
if (app > BUDGET) {
  console.error('over budget');
  process.exit(1);
}
