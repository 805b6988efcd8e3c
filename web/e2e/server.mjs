// Starts the real rifugio server for the browser tests: imports the Norwegian
// register into a temporary database and serves web/dist with it.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const WEB = resolve(import.meta.dirname, '..');
export const REPO = resolve(WEB, '..');
export const BIN = process.env.RIFUGIO_BIN ?? join(REPO, 'build/release/src/cli/rifugio');
export const DATA_DIR = resolve(REPO, process.env.RIFUGIO_DATA_DIR ?? '../shared/data');
export const RAW = join(DATA_DIR, 'no-dsb-2026/shelters_wgs84.json');
export const DIST = join(WEB, 'dist');
/** East Oslo from OpenStreetMap: the walking graph and the base-map tiles are built from it. */
export const OSM = join(DATA_DIR, 'osm-oslo/oslo-east-2019-10.osm.pbf');

function onPath(cmd) {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));
}

/** Why the browser tests cannot run here, or null when they can. */
export function missing() {
  if (!existsSync(RAW)) return `data folder ${join(DATA_DIR, 'no-dsb-2026')} is missing (set RIFUGIO_DATA_DIR)`;
  if (!existsSync(BIN)) return `server binary ${BIN} is missing (build it first, or set RIFUGIO_BIN)`;
  if (!existsSync(join(DIST, 'index.html'))) return `${DIST} is missing (npm run --prefix web build)`;
  if (!existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium')) return 'chromium is missing (apt-get install -y chromium)';
  return null;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/**
 * Imports, builds the walking graph and the tiles of east Oslo (when the
 * extract is there and `osm` is not false; the tiles only when tilemaker is
 * installed), runs `prepare(db, tmp)` (accounts, mapping files), starts the
 * server with `args` (or `args(tmp)`) added and waits for it; returns {base, db, tmp, graph,
 * tiles, notes, log, stop}.
 */
export async function startServer({ osm = true, args: extra = [], prepare = null } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'rifugio-web-e2e-'));
  const db = join(tmp, 'register.db');
  const imp = spawnSync(BIN, ['--db', db, 'import', '-q', join(REPO, 'mappings/no-dsb-2026.json'), '--data-dir', DATA_DIR], {
    encoding: 'utf8',
  });
  if (imp.status !== 0) throw new Error(`import failed (${imp.status}): ${imp.stderr}${imp.stdout}`);
  const args = [];
  const notes = [];
  let graph = null;
  let tiles = null;
  if (!osm) notes.push('no walking graph, no tiles (not needed here)');
  else if (!existsSync(OSM)) notes.push(`no OSM extract at ${OSM}: no walking graph, no tiles`);
  else {
    graph = join(tmp, 'oslo.graph');
    const g = spawnSync(BIN, ['graph', 'build', '-q', OSM, '-o', graph], { encoding: 'utf8' });
    if (g.status !== 0) throw new Error(`graph build failed (${g.status}): ${g.stderr}${g.stdout}`);
    args.push('--graph', graph);
    if (!onPath('tilemaker')) notes.push('tilemaker is missing (apt-get install -y tilemaker): skipping the base-map tiles');
    else {
      tiles = join(tmp, 'oslo.mbtiles');
      const tb = spawnSync(BIN, ['tiles', 'build', OSM, '-o', tiles], { encoding: 'utf8' });
      if (tb.status !== 0) throw new Error(`tiles build failed (${tb.status}): ${tb.stderr}${tb.stdout}`);
      args.push('--tiles', tiles);
    }
  }
  if (prepare) await prepare(db, tmp);
  const port = await freePort();
  const proc = spawn(BIN, ['--db', db, 'serve', '--address', '127.0.0.1', '--port', String(port), '--static', DIST, ...args, ...(typeof extra === 'function' ? extra(tmp) : extra)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}): ${log}`);
    try {
      const r = await fetch(`${base}/index.html`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    db,
    tmp,
    log: () => log,
    graph: !!graph,
    tiles: !!tiles,
    notes,
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Runs the rifugio CLI on a database; `input` goes to its standard input. Throws on failure. */
export function rifugio(db, args, input = undefined) {
  const r = spawnSync(BIN, ['--db', db, ...args], { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`rifugio ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** `rifugio export` of the test database, as parsed GeoJSON. */
export function exportRegister(db) {
  const r = spawnSync(BIN, ['--db', db, 'export', '--format', 'geojson'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`export failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
