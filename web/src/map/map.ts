// The map, loaded lazily: nothing here runs (or downloads MapLibre) until the
// first screen asks for it.

import { setRTLTextPlugin, setWorkerUrl, Map as MLMap, NavigationControl, type GeoJSONSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { Hit } from '../model';
import { RTL_PLUGIN_FILE } from './fonts';
import { buildStyle, countryName, DARK, LIGHT, loadBaseMap, WORLD_URL } from './style';

setWorkerUrl(workerUrl);
// Hebrew and Arabic labels need bidi reordering and Arabic shaping: deferred,
// so the plugin is fetched (from this origin) only when such a label shows.
setRTLTextPlugin(`${location.origin}${RTL_PLUGIN_FILE}`, true).catch(() => undefined);

export interface ShelterMap {
  setShelters(fc: FeatureCollection<Point>): void;
  setOrigin(lon: number, lat: number): void;
  setResults(hits: Hit[]): void;
  /**
   * Draws the way to a shelter: `walked` a route along streets (solid), else
   * the straight line from the first point to the last (dashed); null removes it.
   */
  setRoute(coords: [number, number][] | null, walked?: boolean): void;
  fit(points: [number, number][]): void;
  fitBounds(b: [number, number, number, number]): void;
  onPick(cb: (lon: number, lat: number) => void): void;
  onSelect(cb: (id: number) => void): void;
  resize(): void;
}

export async function createMap(container: HTMLElement, label: string): Promise<ShelterMap> {
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const base = await loadBaseMap(location.origin);
  document.body.dataset.basemap = base ? 'tiles' : 'world';
  const map = new MLMap({
    container,
    style: buildStyle(dark ? DARK : LIGHT, location.origin, base),
    center: [10, 50],
    zoom: 3,
    attributionControl: false,
    fadeDuration: reduced ? 0 : 300,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
  });
  // For the browser tests (web/e2e) and for debugging: what is drawn can be asked of the map itself.
  (container as HTMLElement & { maplibre?: MLMap }).maplibre = map;
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.getCanvas().setAttribute('aria-label', label);
  const duration = reduced ? 0 : 600;
  const src = (id: string) => map.getSource(id) as GeoJSONSource | undefined;
  const fc = (features: Feature[]) => ({ type: 'FeatureCollection' as const, features });
  let pick: ((lon: number, lat: number) => void) | null = null;
  let select: ((id: number) => void) | null = null;

  map.on('click', (e) => {
    const f = map.queryRenderedFeatures(e.point, { layers: ['results'] })[0];
    if (f && select) return select(Number(f.properties?.id));
    pick?.(e.lngLat.lng, e.lngLat.lat);
  });

  const api: ShelterMap = {
    setShelters: (data) => src('shelters')?.setData(data),
    setOrigin: (lon, lat) => src('origin')?.setData(fc([{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [lon, lat] } }])),
    setResults: (hits) =>
      src('results')?.setData(
        fc(
          hits
            .map((h, i) => ({
              type: 'Feature' as const,
              properties: { id: h.id, rank: i + 1 },
              geometry: { type: 'Point' as const, coordinates: [h.lon, h.lat] },
            }))
            .reverse(), // the nearest drawn last, on top
        ),
      ),
    setRoute: (coords, walked = false) =>
      src('route')?.setData(
        fc(coords && coords.length >= 2 ? [{ type: 'Feature', properties: { walked }, geometry: { type: 'LineString', coordinates: coords } }] : []),
      ),
    fit: (points) => {
      if (points.length === 0) return;
      let w = 180, s = 90, e = -180, n = -90;
      for (const [x, y] of points) {
        w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
      }
      map.fitBounds([[w, s], [e, n]], { padding: 40, maxZoom: 16, duration });
    },
    fitBounds: (b) => map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 20, duration: 0 }),
    onPick: (cb) => (pick = cb),
    onSelect: (cb) => (select = cb),
    resize: () => map.resize(),
  };
  return new Promise((resolve, reject) => {
    map.once('load', () => {
      // Fetched here rather than by MapLibre's worker: a plain same-origin
      // fetch from the page, cached by the service worker like the app shell.
      fetch(WORLD_URL)
        .then((r) => (r.ok ? r.json() : null))
        .then((d: FeatureCollection | null) => {
          if (!d) return;
          src('world')?.setData(d);
          // Country names in the page's language, and again whenever the reader changes it.
          const codes = d.features.flatMap((f) => (f.properties?.kind === 'country' ? [String(f.properties.code)] : []));
          const name = () => map.setLayoutProperty('country-label', 'text-field', countryName(document.documentElement.lang || 'en', codes));
          name();
          new MutationObserver(name).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
        })
        .catch(() => undefined);
      resolve(api);
    });
    map.once('error', (e) => {
      // A missing world file is no reason to give up the map; anything else before load is.
      if (!map.loaded() && !('sourceId' in e)) reject(e.error);
    });
  });
}
