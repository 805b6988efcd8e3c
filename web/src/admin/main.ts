// The admin page (/admin): sign-in, shelters (search, edit, status, bulk),
// import with its validation report, the crowd-report queue, the audit log.
// Served by `rifugio serve --static web/dist` for /admin and /admin/...;
// routes are real paths (history API). English only: the citizen app's
// translations cover the public page, not these screens.

import './admin.css';
import { describe, request, setCsrf, whenSignedOut, type Session } from './api';
import { renderAudit } from './audit';
import { renderImport } from './import';
import { renderReports } from './reports';
import { renderShelterList, renderShelterPage, renderCreate } from './shelters';
import { renderSignIn } from './signin';
import { announce } from './ui';

export interface Ctx {
  session: Session;
  /** The element a view renders into. */
  root: HTMLElement;
  go(path: string, opts?: { replace?: boolean }): void;
  /** True while this render is still the one on screen (guards late answers). */
  current(): boolean;
}

/** The screens by path (a shelter's page, /admin/shelters/ID, is matched apart); anything else is the list. */
const SCREENS: Record<string, { render: (ctx: Ctx) => void; nav: string }> = {
  '/admin/new': { render: renderCreate, nav: 'shelters' },
  '/admin/import': { render: renderImport, nav: 'import' },
  '/admin/reports': { render: renderReports, nav: 'reports' },
  '/admin/audit': { render: renderAudit, nav: 'audit' },
};

let session: Session | null = null;
let renderSeq = 0;
let signedOutNote: string | null = null;

const view = document.getElementById('view')!;

function go(path: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

/** Screens a warden has no use for: it may only set the status of its own shelters. */
const NOT_FOR_WARDENS = new Set(['import', 'audit']);

function setNav(active: string): void {
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#nav a')) {
    a.hidden = session?.user.role === 'warden' && NOT_FOR_WARDENS.has(a.dataset.view ?? '');
    if (a.dataset.view === active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function render(): void {
  const seq = ++renderSeq;
  document.getElementById('loading')!.hidden = true;
  view.hidden = false;
  const signedIn = !!session;
  document.getElementById('nav')!.hidden = !signedIn;
  document.getElementById('who')!.hidden = !signedIn;
  if (!session) {
    setNav('');
    document.title = 'Sign in · Rifugio admin';
    renderSignIn(view, signedOutNote, (s) => {
      signedOutNote = null;
      start(s);
      announce(`Signed in as ${s.user.name}.`);
    });
    return;
  }
  const ctx: Ctx = { session, root: view, go, current: () => seq === renderSeq };
  const path = location.pathname.replace(/\/+$/, '') || '/admin';
  const shelter = /^\/admin\/shelters\/(\d+)$/.exec(path);
  const screen = SCREENS[path];
  if (shelter) renderShelterPage(ctx, Number(shelter[1]));
  else (screen?.render ?? renderShelterList)(ctx);
  setNav(screen?.nav ?? 'shelters');
  const h1 = view.querySelector('h1');
  document.title = `${h1?.textContent ?? 'Admin'} · Rifugio admin`;
  // Each screen change moves focus to its heading, so keyboard and screen
  // reader users start at the top of what changed.
  h1?.focus();
}

function start(s: Session): void {
  session = s;
  setCsrf(s.csrf);
  const u = s.user;
  const scope = u.role === 'admin' ? 'admin' : u.role === 'warden' ? 'warden' : `editor, ${[u.country, u.municipality].filter(Boolean).join(' / ')}`;
  document.getElementById('who-name')!.textContent = `${u.name} (${scope})`;
  render();
}

whenSignedOut(() => {
  if (!session) return;
  session = null;
  setCsrf('');
  signedOutNote = 'Your session has ended. Sign in again to continue.';
  render();
});

// Links marked data-nav (and any link to /admin/...) change the screen without a page load.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = (ev.target as Element).closest?.('a');
  if (!a || a.target || !a.href) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin || !/^\/admin(\/|$)/.test(url.pathname)) return;
  ev.preventDefault();
  go(url.pathname + url.search);
});
window.addEventListener('popstate', render);

document.getElementById('sign-out')!.addEventListener('click', async () => {
  try {
    await request('DELETE', '/v1/session');
  } catch (e) {
    announce(`Signing out failed: ${describe(e)}`);
    return;
  }
  session = null;
  setCsrf('');
  signedOutNote = 'You have signed out.';
  render();
});

async function boot(): Promise<void> {
  try {
    const r = await request<Session>('GET', '/v1/session', { signIn: true });
    start(r.body);
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status !== 401) signedOutNote = `Could not check the session: ${describe(e)}`;
    render();
  }
}

void boot();
