// The service worker: keeps the app shell so the app opens with no network,
// and keeps map tiles of the user's area and the map's label fonts once used. Built by vite.config.ts, which fills
// in the precache list and version. The register snapshot is not cached here:
// the page keeps only copies whose signature verified (IndexedDB), so a
// tampered download can never replace a good one.

/// <reference lib="webworker" />
export {}; // a module, so `self` below may be redeclared (vite.config.ts drops this line)
declare const self: ServiceWorkerGlobalScope;
declare const __PRECACHE__: string[];
declare const __VERSION__: string;

const SHELL = `shell-${__VERSION__}`;
const TILES = 'tiles-v1';
/** Tiles kept at most (oldest dropped first). */
const MAX_TILES = 3000;
/** Label fonts and the right-to-left plugin (/map/): a few small files, kept once fetched, never precached. */
const MAP_FILES = 'map-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((c) => c.addAll(__PRECACHE__))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('shell-') && k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function trimTiles(): Promise<void> {
  const c = await caches.open(TILES);
  const keys = await c.keys();
  for (let i = 0; i < keys.length - MAX_TILES; i++) await c.delete(keys[i]!);
}

/** From `cache` when there, else from the network, kept in `cache` on first use. */
async function keep(req: Request, cache: string): Promise<Response> {
  const c = await caches.open(cache);
  const hit = await c.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) {
    await c.put(req, res.clone());
    if (cache === TILES) void trimTiles();
  }
  return res;
}

async function shell(req: Request): Promise<Response> {
  const c = await caches.open(SHELL);
  const hit = await c.match(req, { ignoreSearch: req.mode === 'navigate' });
  if (hit) return hit;
  try {
    return await fetch(req);
  } catch (e) {
    // Any page of the app (/, /#/guide, /shelter/…) is the same index.html.
    if (req.mode === 'navigate') {
      const index = await c.match('/index.html');
      if (index) return index;
    }
    throw e;
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  // The API and the snapshot always go to the network; the page decides what to keep.
  if (url.pathname.startsWith('/v1/') || url.pathname.startsWith('/ogc') || url.pathname === '/sw.js') return;
  // The admin page is another page, not a route of the app: never answer it with index.html.
  if (/^\/admin(\/|\.html$|$)/.test(url.pathname)) return;
  if (url.pathname.startsWith('/tiles/')) return event.respondWith(keep(req, TILES));
  if (url.pathname.startsWith('/map/')) return event.respondWith(keep(req, MAP_FILES));
  if (req.mode === 'navigate') {
    return event.respondWith(
      caches
        .open(SHELL)
        .then((c) => c.match('/index.html'))
        .then((hit) => hit ?? shell(req)),
    );
  }
  event.respondWith(shell(req));
});

/** The page sends {type: 'cache-tiles', urls} with the tiles around the user. */
self.addEventListener('message', (event) => {
  const data = event.data as { type?: string; urls?: string[] };
  if (data?.type !== 'cache-tiles' || !Array.isArray(data.urls)) return;
  event.waitUntil(
    (async () => {
      const c = await caches.open(TILES);
      for (const u of data.urls!.slice(0, 500)) {
        if (await c.match(u)) continue;
        try {
          const res = await fetch(u);
          if (res.ok) await c.put(u, res);
        } catch {
          return; // offline again
        }
      }
      await trimTiles();
    })(),
  );
});
