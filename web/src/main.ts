// The app: the first screen (find, filters, search, results), a shelter's page
// with "go there", and the guide. The map is loaded only when it is needed.

import './styles.css';
import { RegisterData, type Answer, type DataState } from './data';
import { LiveUpdates } from './events';
import { compassPoint, formatAge, formatBearing, formatCount, formatDateTime, formatDistance, formatDuration, formatRecent } from './format';
import { detectLang, lang, LANGUAGES, setLang, t, type Lang, type MessageKey } from './i18n';
import { TILE_SOURCES } from './map/style';
import type { ShelterMap } from './map/map';
import type { LiveStatus } from './live';
import { freePlaces, type Filters, type Hit } from './model';
import { tilesAround } from './tiles';
import { $, h } from './ui/dom';
import { renderGuide } from './ui/guide';
import { reportSection, reportsLine } from './ui/report';

const K = 5;
const LANG_KEY = 'rifugio.lang';
/** The local warning time in minutes, as the user set it (none by default). */
const WARNING_KEY = 'rifugio.warning_min';

interface Origin {
  lon: number;
  lat: number;
  kind: 'gps' | 'point' | 'place';
  accuracy?: number;
  label?: string;
}

const data = new RegisterData();
let origin: Origin | null = null;
let answer: Answer | null = null;
let mapPromise: Promise<ShelterMap> | null = null;
let map: ShelterMap | null = null;
let picking = false;
let statusKey: { key: MessageKey; vars?: Record<string, string | number> } | null = null;
let live: LiveUpdates | null = null;

// ---- text -------------------------------------------------------------------

function applyStaticText(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as MessageKey);
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nLabel as MessageKey));
  document.title = `${t('app_name')}: ${t('tagline')}`;
}

function setStatus(key: MessageKey | null, vars?: Record<string, string | number>): void {
  statusKey = key ? { key, vars } : null;
  $('status').textContent = key ? t(key, vars) : '';
}

const loc = () => lang();

function shelterTitle(s: Hit): string {
  return s.name || s.address || t('unnamed_shelter', { id: s.id });
}

// ---- data status ------------------------------------------------------------

function renderDataStatus(s: DataState = data.state): void {
  const parts: string[] = [];
  if (navigator.onLine === false) parts.push(t('offline'));
  if (s.ready && s.generated) {
    parts.push(t('data_ready', { count: formatCount(s.count ?? 0, loc()), age: formatAge(new Date(s.generated), new Date(), loc()) }));
  } else if (s.loading) parts.push(t('data_loading'));
  else parts.push(t('data_none'));
  if (s.refused) parts.push(t('data_refused'));
  if (live?.connected) parts.push(t('live_on'));
  document.body.dataset.live = live?.connected ? 'on' : 'off';
  const el = $('data-status');
  el.textContent = parts.join(' ');
  el.classList.toggle('warn', s.refused);
  document.body.dataset.snapshot = s.refused ? 'refused' : s.ready ? 'ready' : 'none';
}

// ---- warning time -----------------------------------------------------------

/** The warning time in minutes, or null when not set. */
export function warningMinutes(): number | null {
  let v: string | null = null;
  try {
    v = localStorage.getItem(WARNING_KEY);
  } catch {
    /* none */
  }
  const n = v === null ? NaN : Number(v);
  return Number.isFinite(n) && n >= 1 && n <= 1440 ? Math.round(n) : null;
}

function saveWarning(raw: string): void {
  const n = Number(raw);
  try {
    if (raw.trim() === '' || !Number.isFinite(n) || n < 1) localStorage.removeItem(WARNING_KEY);
    else localStorage.setItem(WARNING_KEY, String(Math.min(1440, Math.round(n))));
  } catch {
    /* this visit only: not kept */
  }
}

/** Draws the way to a shelter on the map: its walk when known, else the straight line. */
function drawWay(m: ShelterMap, s: Hit | undefined): void {
  if (!s || !origin) {
    m.setRoute(null);
    delete document.body.dataset.route;
    return;
  }
  if (s.route && s.route.length >= 2) {
    m.setRoute(s.route, true);
    document.body.dataset.route = `walking:${s.route.length}`;
  } else {
    m.setRoute([[origin.lon, origin.lat], [s.lon, s.lat]], false);
    document.body.dataset.route = 'straight';
  }
}

// ---- results ----------------------------------------------------------------

function filters(): Filters {
  return {
    open: ($('f-open') as HTMLInputElement).checked,
    room: ($('f-room') as HTMLInputElement).checked,
    stepFree: ($('f-step') as HTMLInputElement).checked,
  };
}

function facts(s: Hit): string[] {
  const free = freePlaces(s);
  return [
    s.capacity === null ? t('places_unknown') : t('places', { n: formatCount(s.capacity, loc()) }),
    free === null ? '' : t('free_places', { n: formatCount(free, loc()) }),
    t(`status_${s.status}` as MessageKey),
    t(`step_${s.step_free}` as MessageKey),
  ].filter(Boolean);
}

// ---- live updates -----------------------------------------------------------

/** The live change heard for what is shown, if it is the status shown. */
function liveOf(s: Hit): LiveStatus | undefined {
  const e = data.live.get(s.id);
  return e && e.status === s.status ? e : undefined;
}

/** "Status updated 3 seconds ago", kept current by the ticker below. */
function liveAge(s: Hit): HTMLElement | null {
  const e = liveOf(s);
  if (!e) return null;
  return h('span', { class: 'live-age', 'data-at': String(e.receivedAt) }, t('status_updated', { age: formatRecent(new Date(e.receivedAt), new Date(), loc()) }));
}

function tickLiveAges(): void {
  const now = new Date();
  for (const el of document.querySelectorAll<HTMLElement>('.live-age[data-at]'))
    el.textContent = t('status_updated', { age: formatRecent(new Date(Number(el.dataset.at)), now, loc()) });
}

/** A warden's change: into the shown list and shelter page at once, and kept for offline use. */
function onLiveStatus(e: LiveStatus): void {
  if (!data.applyStatus(e) || !answer?.hits.some((s) => s.id === e.id)) return;
  answer = { ...answer, hits: answer.hits.map((s) => (s.id === e.id ? data.live.patch(s) : s)) };
  renderResults();
  const open = /^#\/shelter\/(\d+)$/.exec(location.hash);
  if (open && Number(open[1]) === e.id) updateShelterStatus(answer.hits.find((s) => s.id === e.id)!);
}

function renderResults(): void {
  const section = $('results');
  const list = $('list');
  if (!answer || !origin) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  $('origin-note').textContent =
    origin.kind === 'gps'
      ? t('origin_gps', { accuracy: formatDistance(Math.max(5, origin.accuracy ?? 0), loc()) })
      : origin.kind === 'place'
        ? t('origin_place', { place: origin.label ?? '' })
        : t('origin_point');
  const straight = answer.basis !== 'walking';
  const reach = $('no-reach');
  const warn = warningMinutes();
  reach.hidden = !answer.noneInReach;
  document.body.dataset.reach = answer.noneInReach ? 'none' : 'ok';
  if (answer.noneInReach) {
    reach.replaceChildren(
      h('h2', { tabindex: '-1' }, t('no_reach_h', { time: formatDuration((warn ?? 1) * 60, loc()) })),
      h('p', {}, t('no_reach_intro')),
      h('ul', {}, ...(['guide_noshelter_1', 'guide_noshelter_2', 'guide_noshelter_3', 'guide_noshelter_4'] as MessageKey[]).map((k) => h('li', {}, t(k)))),
    );
    if (answer.hits.length) reach.append(h('p', { class: 'then' }, t('no_reach_list')));
  }
  const basis = $('basis-note');
  basis.textContent = straight ? t('basis_straight') : t('basis_walking');
  basis.classList.toggle('warn', straight);
  basis.hidden = answer.hits.length === 0;
  if (answer.hits.length === 0) {
    list.replaceChildren(h('li', { class: 'empty' }, t('no_results')));
  } else {
    list.replaceChildren(
      ...answer.hits.map((s, i) =>
        h(
          'li',
          { class: i === 0 ? 'hit first' : 'hit', 'data-id': String(s.id) },
          h(
            'a',
            { href: `#/shelter/${s.id}` },
            i === 0 ? h('span', { class: 'badge' }, t('nearest_badge')) : null,
            h('span', { class: 'title' }, shelterTitle(s)),
            s.name && s.address ? h('span', { class: 'addr' }, s.address) : null,
            h(
              'span',
              { class: 'dist' },
              h('strong', {}, formatDistance(s.distance_m, loc())),
              ' · ',
              straight
                ? t('on_foot_estimate', { time: formatDuration(s.walk_s, loc()) })
                : t('on_foot', { time: formatDuration(s.walk_s, loc()) }),
            ),
            h('span', { class: 'facts' }, facts(s).join(' · ')),
            liveAge(s),
            reportsLine(s),
          ),
        ),
      ),
    );
  }
  if (answer.source === 'server') $('source-note').textContent = t('source_live');
  else {
    const g = data.state.generated ? new Date(data.state.generated) : new Date();
    $('source-note').textContent = t('source_local', { date: formatDateTime(g, loc()), age: formatAge(g, new Date(), loc()) });
  }
}

async function runQuery(focus = true): Promise<void> {
  if (!origin) return;
  try {
    const warn = warningMinutes();
    answer = await data.nearest(origin.lon, origin.lat, K, filters(), warn ? warn * 60 : undefined);
    setStatus(null);
  } catch {
    answer = null;
    setStatus('error_nothing');
  }
  renderResults();
  if (answer) {
    if (focus) {
      // No shelter in reach: the guidance first, before any list.
      (answer.noneInReach ? $('no-reach').querySelector<HTMLElement>('h2') ?? $('results-h') : $('results-h')).focus();
      $('results').scrollIntoView({ block: 'start' });
    }
    void showMap().then((m) => {
      if (!m || !origin || !answer) return;
      m.setOrigin(origin.lon, origin.lat);
      m.setResults(answer.hits);
      // The walk to the nearest, when the server found one and it can be
      // reached in time (no route that lures people out); no straight line here.
      const first = answer.noneInReach ? undefined : answer.hits[0];
      drawWay(m, first?.route ? first : undefined);
      m.fit([[origin.lon, origin.lat], ...answer.hits.map((s) => [s.lon, s.lat] as [number, number]), ...(first?.route ?? [])]);
      prefetchTiles(); // now that the map knows our tile sources
    });
  }
}

function setOrigin(o: Origin): void {
  origin = o;
  picking = false;
  $('map-status').textContent = '';
  void runQuery();
}

// ---- locating ---------------------------------------------------------------

function locate(): void {
  if (!('geolocation' in navigator)) {
    setStatus('geo_denied');
    return;
  }
  setStatus('locating');
  const slow = setTimeout(() => setStatus('locating_slow'), 4000);
  const ok = (p: GeolocationPosition) => {
    clearTimeout(slow);
    setOrigin({ lon: p.coords.longitude, lat: p.coords.latitude, kind: 'gps', accuracy: p.coords.accuracy });
  };
  const fail = () => {
    clearTimeout(slow);
    setStatus('geo_denied');
    void startPicking(false);
  };
  navigator.geolocation.getCurrentPosition(ok, (err) => {
    if (err.code === err.TIMEOUT) {
      // Fall back to a rough fix (network based), which is usually quick.
      navigator.geolocation.getCurrentPosition(ok, fail, { enableHighAccuracy: false, timeout: 10000, maximumAge: Infinity });
    } else fail();
  }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 30000 });
}

// ---- map --------------------------------------------------------------------

function showMap(): Promise<ShelterMap | null> {
  const wrap = $('map-wrap');
  wrap.hidden = false;
  if (!mapPromise) {
    $('map-status').textContent = t('map_loading');
    mapPromise = import('./map/map').then(async ({ createMap }) => {
      const m = await createMap($('map'), t('map_label'));
      m.onPick((lon, lat) => {
        if (picking || !origin || origin.kind !== 'gps') setOrigin({ lon, lat, kind: 'point' });
      });
      m.onSelect((id) => (location.hash = `#/shelter/${id}`));
      const pts = await data.points();
      if (pts) m.setShelters(pts);
      if (!origin) {
        const b = await data.bounds();
        if (b) m.fitBounds(b);
      }
      $('map-status').textContent = '';
      map = m;
      return m;
    });
    mapPromise.catch(() => {
      $('map-status').textContent = t('map_failed');
    });
  }
  return mapPromise.catch(() => null);
}

async function startPicking(scroll = true): Promise<void> {
  picking = true;
  $('map-status').textContent = t('pick_prompt');
  const m = await showMap();
  if (m) {
    $('map-status').textContent = t('pick_prompt');
    m.resize();
  }
  if (scroll) $('map-wrap').scrollIntoView({ block: 'center' });
}

/** Asks the service worker to keep the base-map tiles around the user (when the server has tiles). */
function prefetchTiles(): void {
  if (!origin || !navigator.serviceWorker?.controller) return;
  const urls: string[] = [];
  for (const src of Object.values(TILE_SOURCES)) {
    const tiles = 'tiles' in src ? src.tiles : undefined;
    const max = Math.min(15, ('maxzoom' in src ? src.maxzoom : undefined) ?? 15);
    for (const tpl of tiles ?? []) urls.push(...tilesAround(tpl, origin.lon, origin.lat, 3000, 10, max));
  }
  if (urls.length) navigator.serviceWorker.controller.postMessage({ type: 'cache-tiles', urls });
}

// ---- search -----------------------------------------------------------------

let searchSeq = 0;
async function runSearch(q: string): Promise<void> {
  const seq = ++searchSeq;
  const list = $('search-results');
  const note = $('search-note');
  if (q.trim().length < 2) {
    list.replaceChildren();
    note.textContent = '';
    return;
  }
  if (!data.state.ready) {
    list.replaceChildren();
    note.textContent = t('search_needs_data');
    return;
  }
  const hits = await data.search(q);
  if (seq !== searchSeq) return;
  note.textContent = hits.length ? '' : t('search_none');
  list.replaceChildren(
    ...hits.map((s) => {
      const b = h('button', { type: 'button', class: 'pick-place' }, h('span', { class: 'title' }, s.label), s.detail ? h('span', { class: 'addr' }, s.detail) : null);
      b.addEventListener('click', () => {
        list.replaceChildren();
        setOrigin({ lon: s.lon, lat: s.lat, kind: 'place', label: s.label });
      });
      return h('li', {}, b);
    }),
  );
}

// ---- shelter page -----------------------------------------------------------

function renderShelter(id: number): void {
  const root = $('view-shelter');
  const s = answer?.hits.find((x) => x.id === id);
  if (!s || !origin) {
    location.hash = '#/';
    return;
  }
  const row = (k: MessageKey, v: string) => [h('dt', {}, t(k)), h('dd', { 'data-field': k }, v)];
  const direction = h('div', { class: 'direction', hidden: true, id: 'direction' });
  const go = h('button', { type: 'button', class: 'primary' }, t('go_there'));
  go.addEventListener('click', async () => {
    const bearing = s.bearing_deg;
    const dir = t(`compass_${compassPoint(bearing)}` as MessageKey);
    direction.hidden = false;
    direction.replaceChildren(
      h('div', { class: 'arrow', style: `--bearing:${bearing}deg`, 'aria-hidden': 'true' }),
      ...(s.route
        ? [
            h('p', { class: 'heading' }, t('route_walk', { distance: formatDistance(s.distance_m, loc()), time: formatDuration(s.walk_s, loc()) })),
            h('p', {}, t('shelter_lies', { direction: dir, bearing: formatBearing(bearing, loc()) })),
            h('p', { class: 'note' }, t('route_note')),
          ]
        : [
            h(
              'p',
              { class: 'heading' },
              t('heading_to', { distance: formatDistance(s.distance_m, loc()), direction: dir, bearing: formatBearing(bearing, loc()) }),
            ),
            h('p', { class: 'note warn' }, t('straight_line_note')),
          ]),
    );
    direction.focus();
    const m = await showMap();
    if (m && origin) {
      m.setOrigin(origin.lon, origin.lat);
      m.setResults([s]);
      drawWay(m, s);
      m.fit([[origin.lon, origin.lat], [s.lon, s.lat], ...(s.route ?? [])]);
    }
  });
  direction.tabIndex = -1;
  const back = h('a', { href: '#/', class: 'back' }, t('back'));
  root.replaceChildren(
    back,
    h('h1', { tabindex: '-1' }, shelterTitle(s)),
    h(
      'dl',
      { class: 'fields' },
      ...row('field_distance', formatDistance(s.distance_m, loc()) + (s.route ? '' : ` (${t('straight_tag')})`)),
      ...row('field_walk', s.route ? formatDuration(s.walk_s, loc()) : t('on_foot_estimate', { time: formatDuration(s.walk_s, loc()) })),
      ...(s.address ? row('field_address', s.address) : []),
      ...(s.municipality ? row('field_municipality', s.municipality) : []),
      ...row('field_kind', t(`kind_${s.kind}` as MessageKey)),
      ...row('field_status', ''),
      ...row('field_capacity', ''),
      ...row('field_occupancy', ''),
      ...row('field_access', t(`step_${s.step_free}` as MessageKey)),
    ),
    go,
    direction,
    reportSection(s, () => renderResults()),
  );
  updateShelterStatus(s);
  // The map lives on the first screen; move it here while the page is open.
  root.append($('map-wrap'));
}

/** The live fields of the shelter page: status (and how fresh), places, occupancy. */
function updateShelterStatus(s: Hit): void {
  const dd = (k: MessageKey) => $('view-shelter').querySelector<HTMLElement>(`dd[data-field="${k}"]`);
  const free = freePlaces(s);
  dd('field_status')?.replaceChildren(t(`status_${s.status}` as MessageKey), ...(liveOf(s) ? [' · ', liveAge(s)!] : []));
  dd('field_capacity')?.replaceChildren(
    (s.capacity === null ? t('unknown') : formatCount(s.capacity, loc())) +
      (free === null ? '' : ` · ${t('free_places', { n: formatCount(free, loc()) })}`),
  );
  const occ = dd('field_occupancy');
  if (occ) {
    occ.textContent = s.occupancy === null ? '' : formatCount(s.occupancy, loc());
    occ.hidden = (occ.previousElementSibling as HTMLElement).hidden = s.occupancy === null;
  }
}

// ---- routing ----------------------------------------------------------------

function route(): void {
  const hash = location.hash || '#/';
  const find = $('view-find');
  const shelter = $('view-shelter');
  const guide = $('view-guide');
  const m = /^#\/shelter\/(\d+)$/.exec(hash);
  find.hidden = !!m || hash === '#/guide';
  shelter.hidden = !m;
  guide.hidden = hash !== '#/guide';
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a'))
    a.toggleAttribute('aria-current', a.getAttribute('href') === (hash === '#/guide' ? '#/guide' : '#/'));
  if (!m) {
    // Put the map back on the first screen.
    const wrap = $('map-wrap');
    if (wrap.parentElement !== find) $('results').after(wrap);
  }
  if (m) renderShelter(Number(m[1]));
  else if (hash === '#/guide') renderGuide(guide);
  const view = m ? shelter : hash === '#/guide' ? guide : find;
  if (document.readyState === 'complete' && (m || hash === '#/guide')) view.querySelector<HTMLElement>('h1')?.focus();
  map?.resize();
}

// ---- start ------------------------------------------------------------------

function rerender(): void {
  applyStaticText();
  if (statusKey) setStatus(statusKey.key, statusKey.vars);
  renderDataStatus();
  renderResults();
  route();
}

async function changeLang(next: Lang): Promise<void> {
  await setLang(next);
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    /* not kept */
  }
  ($('lang') as HTMLSelectElement).value = next;
  rerender();
}

async function start(): Promise<void> {
  const select = $('lang') as HTMLSelectElement;
  select.replaceChildren(...LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code }, l.name)));
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(LANG_KEY);
  } catch {
    /* none */
  }
  const initial = LANGUAGES.some((l) => l.code === saved) ? (saved as Lang) : detectLang(navigator.languages ?? [navigator.language]);
  select.value = initial;
  select.addEventListener('change', () => void changeLang(select.value as Lang));
  $('find').addEventListener('click', locate);
  $('pick').addEventListener('click', () => void startPicking());
  for (const id of ['f-open', 'f-room', 'f-step']) $(id).addEventListener('change', () => void runQuery(false));
  const warnInput = $('warn') as HTMLInputElement;
  warnInput.value = String(warningMinutes() ?? '');
  warnInput.addEventListener('change', () => {
    saveWarning(warnInput.value);
    warnInput.value = String(warningMinutes() ?? '');
    void runQuery(false);
  });
  const q = $('q') as HTMLInputElement;
  let timer: ReturnType<typeof setTimeout> | undefined;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void runSearch(q.value), 250);
  });
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void runSearch(q.value);
  });
  window.addEventListener('hashchange', route);
  route(); // show the right view before the language has loaded: no layout shift
  window.addEventListener('online', () => {
    renderDataStatus();
    void data.refresh();
  });
  window.addEventListener('offline', () => renderDataStatus());
  let shownRevision: number | undefined;
  let dataRevision: number | undefined;
  data.onchange = (s) => {
    renderDataStatus(s);
    if (s.ready && s.revision !== dataRevision) {
      const newer = dataRevision !== undefined;
      dataRevision = s.revision;
      // A newer register copy (changes were missed, or were more than status): ask again for what is shown.
      if (newer && answer) void runQuery(false);
    }
    if (mapPromise && s.ready && s.revision !== shownRevision) {
      shownRevision = s.revision;
      void mapPromise.then(async (m) => {
        const p = await data.points();
        if (p) m.setShelters(p);
      }).catch(() => undefined);
    }
  };
  await changeLang(initial);
  live = new LiveUpdates(
    { status: onLiveStatus, revision: (r) => data.applyRevision(r), state: () => renderDataStatus() },
    { since: () => data.live.at },
  );
  // The stream opens from the revision the data is at, so nothing falls in between.
  void data.start().finally(() => live!.start());
  setInterval(tickLiveAges, 5000);
  if ('serviceWorker' in navigator && import.meta.env.PROD) {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  }
}

void start();
