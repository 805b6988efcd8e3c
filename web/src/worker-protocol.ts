// Messages between the page and the nearest-shelter worker.
import type { FeatureCollection, Point } from 'geojson';

import type { Filters, Hit } from './model';
import type { SearchHit } from './nearest';

export type Request =
  | { type: 'load'; bytes: ArrayBuffer; signature: string; publicKey: string }
  | { type: 'nearest'; lon: number; lat: number; k: number; filters: Filters }
  | { type: 'search'; query: string; limit: number }
  | { type: 'bounds' }
  | { type: 'points' };

export interface LoadResult {
  ok: boolean;
  /** Why a snapshot was refused: 'signature' or a parse error message. */
  error?: string;
  revision?: number;
  generated?: string;
  count?: number;
}

export type Response =
  | { id: number; type: 'load'; result: LoadResult }
  | { id: number; type: 'nearest'; hits: Hit[] }
  | { id: number; type: 'search'; hits: SearchHit[] }
  | { id: number; type: 'bounds'; bounds: [number, number, number, number] | null }
  | { id: number; type: 'points'; geojson: FeatureCollection<Point> }
  | { id: number; type: 'error'; message: string };
