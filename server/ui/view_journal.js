// view_journal.js — the request journal, live: new entries are fetched with
// `since` (journal reads are not journaled themselves, so watching adds no
// noise). By default the console's own control-plane calls are hidden.

import { get, del, qs } from './api.js';
import {
  h, clear, badge, statusBadge, fmtShortTime, fmtDuration, shortId, jsonBlock, errorBox, toast, confirmAction,
} from './dom.js';

const DIALECTS = ['vi', 'pictograph', 'ximilar', 'labelbox', 'blob', 'admin'];
const filters = { dialect: 'vendors', status: '', route: '', workspace: '' };
const MAX_ROWS = 500;

export async function render(root, _params, ctx) {
  let entries = [];
  let lastId = 0;
  let timer = null;
  let paused = false;
  const open = new Set();
  const names = new Map();
  ctx.onLeave(() => clearTimeout(timer));

  const dialectSel = h('select', { name: 'dialect', 'aria-label': 'Dialect' },
    h('option', { value: 'vendors' }, 'All vendor traffic'), h('option', { value: '' }, 'Everything (with control plane)'),
    DIALECTS.map((d) => h('option', { value: d }, d)));
  const statusIn = h('input', { name: 'status', placeholder: 'e.g. 404', inputmode: 'numeric', size: 6, 'aria-label': 'Status' });
  const routeIn = h('input', { name: 'route', placeholder: '/api/v1/developer/**', 'aria-label': 'Route or path pattern' });
  const wsSel = h('select', { name: 'workspace', 'aria-label': 'Workspace' }, h('option', { value: '' }, 'All workspaces'));
  dialectSel.value = filters.dialect;
  statusIn.value = filters.status;
  routeIn.value = filters.route;
  const pauseBtn = h('button', { type: 'button', class: 'btn' }, 'Pause');
  const clearBtn = h('button', { type: 'button', class: 'btn danger' }, 'Clear journal');
  const live = h('span', { class: 'subtle', id: 'journal-live' });
  const body = h('tbody');
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'journal' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Dialect'), h('th', {}, 'Method'), h('th', {}, 'Path'),
      h('th', {}, 'Status'), h('th', { class: 'num' }, 'Duration'), h('th', {}, 'Workspace'))),
    body));
  const empty = h('div', { class: 'empty', hidden: true }, 'No requests match yet. Point an SDK at this server and its calls appear here.');
  const errorSlot = h('div');

  clear(root);
  root.append(
    h('div', { class: 'view-head' }, h('div', { class: 'grow' }, h('h1', {}, 'Journal'),
      h('p', { class: 'subtle' }, 'Recent requests, newest first; credentials are redacted. Click a row for the bodies.')),
    live, pauseBtn, clearBtn),
    h('div', { class: 'filters' },
      h('label', { class: 'field' }, 'Dialect', dialectSel), h('label', { class: 'field' }, 'Status', statusIn),
      h('label', { class: 'field' }, 'Route or path', routeIn), h('label', { class: 'field' }, 'Workspace', wsSel)),
    errorSlot, table, empty);

  function query(since) {
    const d = filters.dialect === 'vendors' ? '' : filters.dialect;
    return qs({ dialect: d, status: filters.status, route: filters.route, workspace: filters.workspace, since, limit: 200 });
  }

  const shownEntries = () => (filters.dialect === 'vendors'
    ? entries.filter((e) => e.dialect !== 'admin')
    : entries);

  function paint() {
    clear(body);
    const list = shownEntries();
    for (const e of list) {
      const tr = h('tr', { class: 'clickable', 'data-journal-id': e.id, 'data-status': e.status },
        h('td', { class: 'mono subtle time' }, fmtShortTime(e.at)),
        h('td', {}, badge(e.dialect, `d-${e.dialect}`)),
        h('td', { class: 'mono' }, e.method),
        h('td', { class: 'path', title: e.route || '' }, e.path),
        h('td', {}, statusBadge(e.status)),
        h('td', { class: 'num' }, fmtDuration(e.durationMs)),
        h('td', { class: 'subtle' }, e.workspace ? (names.get(e.workspace) || shortId(e.workspace)) : '—'));
      tr.addEventListener('click', () => {
        if (open.has(e.id)) open.delete(e.id); else open.add(e.id);
        paint();
      });
      body.append(tr);
      if (open.has(e.id)) {
        body.append(h('tr', { class: 'detail' }, h('td', { colspan: 7 },
          h('div', { class: 'row subtle' }, `route ${e.route || '(none)'}`, '·', `request id ${e.requestId}`),
          h('h3', {}, 'Request body'), e.requestBody === null ? h('p', { class: 'subtle' }, 'none') : jsonBlock(e.requestBody),
          h('h3', {}, 'Response body'), e.responseBody === null ? h('p', { class: 'subtle' }, 'none') : jsonBlock(e.responseBody))));
      }
    }
    empty.hidden = list.length > 0;
    table.hidden = list.length === 0;
  }

  let generation = 0;
  async function poll(gen) {
    if (!paused) {
      try {
        const data = await get(`/_emulator/journal${query(lastId || undefined)}`);
        if (!ctx.alive() || gen !== generation) return;
        clear(errorSlot);
        if (data.items.length) {
          lastId = Math.max(lastId, ...data.items.map((e) => e.id));
          entries = data.items.concat(entries).slice(0, MAX_ROWS);
          paint();
        }
        live.textContent = `Live · ${shownEntries().length} shown`;
      } catch (err) {
        if (!ctx.alive() || gen !== generation) return;
        clear(errorSlot);
        errorSlot.append(errorBox(err));
      }
    }
    timer = setTimeout(() => poll(gen), 1500);
  }

  function restart() {
    clearTimeout(timer);
    entries = [];
    lastId = 0;
    paint();
    return poll(++generation);
  }

  const onFilter = () => {
    filters.dialect = dialectSel.value;
    filters.status = /^\d{3}$/.test(statusIn.value.trim()) ? statusIn.value.trim() : '';
    filters.route = routeIn.value.trim();
    filters.workspace = wsSel.value;
    restart();
  };
  dialectSel.addEventListener('change', onFilter);
  wsSel.addEventListener('change', onFilter);
  statusIn.addEventListener('change', onFilter);
  routeIn.addEventListener('change', onFilter);
  pauseBtn.addEventListener('click', () => {
    paused = !paused;
    pauseBtn.textContent = paused ? 'Resume' : 'Pause';
    live.textContent = paused ? 'Paused' : 'Live';
  });
  clearBtn.addEventListener('click', async () => {
    if (!confirmAction('Clear every entry of the request journal?')) return;
    try {
      await del('/_emulator/journal');
      toast('Journal cleared', 'ok');
      restart();
    } catch (err) { toast(err.message, 'bad'); }
  });

  try {
    const list = await get('/_emulator/workspaces');
    for (const w of list.items) {
      names.set(w.id, w.name);
      wsSel.append(h('option', { value: w.id }, w.name));
    }
    wsSel.value = names.has(filters.workspace) ? filters.workspace : '';
  } catch { /* names are a nicety */ }
  await restart();
}
