// app.js — the console's shell: hash router, sidebar, virtual clock, admin key.
// Views are modules exporting render(root, params, ctx); ctx.alive() turns false
// once the user has navigated away, and ctx.onLeave(fn) registers clean-up
// (timers, listeners), so a slow answer never paints over the next view.

import { get, post, setAdminKey, adminKey } from './api.js';
import { h, clear, toast, fmtTime } from './dom.js';
import * as workspaces from './view_workspaces.js';
import * as dataset from './view_dataset.js';
import * as asset from './view_asset.js';
import * as jobs from './view_jobs.js';
import * as journal from './view_journal.js';
import * as faults from './view_faults.js';
import * as store from './view_store.js';

const routes = [
  { re: /^#?\/?$/, view: workspaces.renderList, nav: 'workspaces' },
  { re: /^#\/w\/([^/?]+)$/, view: workspaces.renderOne, nav: 'workspaces' },
  { re: /^#\/w\/([^/?]+)\/loose$/, view: dataset.renderLoose, nav: 'workspaces' },
  { re: /^#\/d\/([^/?]+)$/, view: dataset.render, nav: 'workspaces' },
  { re: /^#\/a\/([^/?]+)$/, view: asset.render, nav: 'workspaces' },
  { re: /^#\/jobs$/, view: jobs.render, nav: 'jobs' },
  { re: /^#\/journal$/, view: journal.render, nav: 'journal' },
  { re: /^#\/faults$/, view: faults.render, nav: 'faults' },
  { re: /^#\/store$/, view: store.render, nav: 'store' },
];

let current = null; // { alive, leave: [] }

function leave() {
  if (!current) return;
  current.alive = false;
  for (const fn of current.leave) {
    try { fn(); } catch { /* clean-up must not break navigation */ }
  }
  current = null;
}

async function route() {
  leave();
  const root = document.getElementById('view');
  clear(root);
  const hash = location.hash || '#/';
  const match = routes.map((r) => ({ r, m: r.re.exec(hash) })).find((x) => x.m);
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', !!match && a.dataset.nav === match.r.nav);
  }
  if (!match) {
    root.append(h('div', { class: 'empty' }, 'Nothing here. ', h('a', { href: '#/' }, 'Back to workspaces')));
    return;
  }
  const state = { alive: true, leave: [] };
  current = state;
  const ctx = {
    alive: () => state.alive,
    onLeave: (fn) => state.leave.push(fn),
    refreshSidebar,
  };
  root.append(h('div', { class: 'loading' }, 'Loading…'));
  try {
    const params = match.m.slice(1).map(decodeURIComponent);
    await match.r.view(root, params, ctx);
  } catch (err) {
    if (!state.alive) return;
    clear(root);
    root.append(h('div', { class: 'error-box', role: 'alert' }, err.message || String(err)));
  }
}

// ------------------------------------------------------------------ sidebar

export async function refreshSidebar() {
  const box = document.getElementById('sidebar-workspaces');
  try {
    const list = await get('/_emulator/workspaces');
    clear(box);
    for (const w of list.items) {
      box.append(h('a', { href: `#/w/${encodeURIComponent(w.id)}`, title: w.id, 'data-workspace': w.id }, w.name));
    }
    if (!list.items.length) box.append(h('span', { class: 'subtle sidebar-empty' }, 'none yet'));
  } catch {
    clear(box);
  }
}

// ------------------------------------------------------------------ clock

const clock = { mode: 'real', now: 0, fetchedAt: 0 };

function paintClock() {
  const now = clock.mode === 'real' ? clock.now + (Date.now() - clock.fetchedAt) : clock.now;
  const modeEl = document.getElementById('clock-mode');
  modeEl.textContent = clock.mode;
  modeEl.classList.toggle('frozen', clock.mode === 'frozen');
  const nowEl = document.getElementById('clock-now');
  nowEl.textContent = fmtTime(now);
  nowEl.dateTime = new Date(now).toISOString();
  nowEl.dataset.ms = String(now);
  document.getElementById('clock-toggle').textContent = clock.mode === 'frozen' ? 'Run' : 'Freeze';
}

function takeClock(c) {
  clock.mode = c.mode;
  clock.now = c.now;
  clock.fetchedAt = Date.now();
  paintClock();
  window.dispatchEvent(new CustomEvent('vs-clock', { detail: { ...c } }));
}

async function loadClock() {
  try { takeClock(await get('/_emulator/clock')); } catch { /* shown on the next success */ }
}

async function clockAction(body, path = '/_emulator/clock') {
  try {
    takeClock(await post(path, body));
  } catch (err) {
    toast(err.message, 'bad');
  }
}

function setupClock() {
  document.getElementById('clock-toggle').addEventListener('click', () => {
    clockAction({ mode: clock.mode === 'frozen' ? 'real' : 'frozen' });
  });
  for (const b of document.querySelectorAll('[data-advance]')) {
    b.addEventListener('click', () => clockAction({ ms: Number(b.dataset.advance) }, '/_emulator/clock/advance'));
  }
  document.getElementById('clock-custom').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const ms = Number(ev.target.ms.value);
    if (!Number.isInteger(ms) || ms < 1) {
      toast('Advance by a whole number of milliseconds (at least 1)', 'bad');
      return;
    }
    clockAction({ ms }, '/_emulator/clock/advance');
  });
  setInterval(paintClock, 250);
  setInterval(loadClock, 15000);
  loadClock();
}

// ------------------------------------------------------------------ admin key

function setupKey() {
  const dialog = document.getElementById('key-dialog');
  const form = document.getElementById('key-form');
  const open = () => {
    if (dialog.open) return;
    form.key.value = adminKey();
    dialog.showModal();
    form.key.focus();
  };
  document.getElementById('key-button').addEventListener('click', open);
  window.addEventListener('vs-auth-needed', open);
  form.addEventListener('submit', () => {
    setAdminKey(form.key.value.trim());
    route();
    refreshSidebar();
    loadClock();
  });
  document.getElementById('key-clear').addEventListener('click', () => {
    setAdminKey('');
    dialog.close();
    toast('Admin key forgotten');
  });
}

// ------------------------------------------------------------------ start

window.addEventListener('hashchange', route);
setupClock();
setupKey();
refreshSidebar();
route();
