// The shelter fields the app shows, shared by the server path (/v1/nearest)
// and the local path (the snapshot in the worker).

export type Status = 'open' | 'closed' | 'full' | 'unknown';
export type StepFree = 'yes' | 'no' | 'limited' | 'unknown';
export type Kind = 'public_shelter' | 'bunker' | 'protected_basement' | 'metro_station' | 'parking' | 'other';

export interface Shelter {
  id: number;
  /** WGS84 degrees. */
  lon: number;
  lat: number;
  name: string;
  address: string;
  municipality: string;
  /** null: unknown. */
  capacity: number | null;
  status: Status;
  step_free: StepFree;
  kind: Kind;
  /** People inside now; null: unknown. */
  occupancy: number | null;
}

/** What citizens report about a shelter (POST /v1/shelters/{id}/reports). */
export type ReportKind = 'locked' | 'full' | 'damaged' | 'open';
/** Per kind: distinct people, their newest report (ISO time) and its age when answered. */
export type ReportSummary = Partial<Record<ReportKind, { count: number; newest: string; age_s: number }>>;

/** One answer row: a shelter with its distance from the origin. */
export interface Hit extends Shelter {
  distance_m: number;
  bearing_deg: number;
  walk_s: number;
  /** The walk along streets and paths ([lon, lat] pairs), when the server computed one. */
  route?: [number, number][];
  /** Straight-line distance, when distance_m is a walked distance. */
  straight_m?: number;
  /** Crowd reports that count now (server answers only). */
  reports?: ReportSummary;
}

/** The three filters of the first screen; false means "don't care". */
export interface Filters {
  /** Status open (or unknown, as the server's open=true). */
  open: boolean;
  /** At least one free place (capacity known, not full), as min_free=1. */
  room: boolean;
  /** step_free = yes. */
  stepFree: boolean;
}

export const NO_FILTERS: Filters = { open: false, room: false, stepFree: false };

/** The same predicate as the server's (src/spatial/snapshot.cpp `matches`). */
export function matchesFilters(s: Shelter, f: Filters): boolean {
  if (f.open && !(s.status === 'open' || s.status === 'unknown')) return false;
  if (f.stepFree && s.step_free !== 'yes') return false;
  if (f.room) {
    if (s.capacity === null || s.status === 'full') return false;
    if (Math.max(0, s.capacity - (s.occupancy ?? 0)) < 1) return false;
  }
  return true;
}

/** Free places, or null when unknown. */
export function freePlaces(s: Shelter): number | null {
  if (s.capacity === null) return null;
  if (s.status === 'full') return 0;
  if (s.occupancy === null) return null;
  return Math.max(0, s.capacity - s.occupancy);
}
