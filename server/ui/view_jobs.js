// view_jobs.js — durable jobs (imports, exports, trainings, batches, purges)
// with their state and live progress: polled every second while any job is
// unfinished, every few seconds otherwise, and only while this view is open.

import { get, qs } from './api.js';
import {
  h, clear, badge, progressBar, fmtTime, shortId, jsonBlock, errorBox,
} from './dom.js';

const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const filters = { workspace: '', state: '', type: '' };

export async function render(root, _params, ctx) {
  const names = new Map();
  const expanded = new Set();
  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));

  const wsSelect = h('select', { name: 'workspace', 'aria-label': 'Workspace' }, h('option', { value: '' }, 'All workspaces'));
  const stateSelect = h('select', { name: 'state', 'aria-label': 'State' }, h('option', { value: '' }, 'Any state'),
    STATES.map((st) => h('option', { value: st }, st)));
  const typeInput = h('input', { name: 'type', placeholder: 'type contains…', 'aria-label': 'Job type' });
  stateSelect.value = filters.state;
  typeInput.value = filters.type;
  const live = h('span', { class: 'subtle', id: 'jobs-live' });
  const body = h('tbody');
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'jobs' },
    h('thead', {}, h('tr', {},
      h('th', {}, 'Type'), h('th', {}, 'Workspace'), h('th', {}, 'State'), h('th', {}, 'Progress'),
      h('th', { class: 'num' }, 'Attempts'), h('th', {}, 'Created'), h('th', {}, 'Updated'), h('th', {}, 'Id'))),
    body));
  const empty = h('div', { class: 'empty', hidden: true }, 'No jobs match. Imports, exports, trainings, batches and workspace purges appear here.');
  const errorSlot = h('div');

  clear(root);
  root.append(
    h('div', { class: 'view-head' }, h('div', { class: 'grow' }, h('h1', {}, 'Jobs'),
      h('p', { class: 'subtle' }, 'Durable async work in every workspace, newest first. Progress follows the virtual clock.')), live),
    h('div', { class: 'filters' },
      h('label', { class: 'field' }, 'Workspace', wsSelect),
      h('label', { class: 'field' }, 'State', stateSelect),
      h('label', { class: 'field' }, 'Type', typeInput)),
    errorSlot, table, empty);

  const onFilter = () => {
    filters.workspace = wsSelect.value;
    filters.state = stateSelect.value;
    filters.type = typeInput.value.trim();
    kick();
  };
  wsSelect.addEventListener('change', onFilter);
  stateSelect.addEventListener('change', onFilter);
  typeInput.addEventListener('input', onFilter);

  function row(j) {
    const ws = j.workspace ? (names.get(j.workspace) || shortId(j.workspace)) : j.payload?.workspace ? `(deleted ${shortId(j.payload.workspace)})` : '—';
    const tr = h('tr', { class: 'clickable', 'data-job-id': j.id, 'data-job-type': j.type, 'data-state': j.state },
      h('td', {}, h('b', {}, j.type)),
      h('td', {}, j.workspace && names.has(j.workspace) ? h('a', { href: `#/w/${encodeURIComponent(j.workspace)}` }, ws) : ws),
      h('td', {}, badge(j.state)),
      h('td', {}, progressBar(j)),
      h('td', { class: 'num' }, String(j.attempts)),
      h('td', { class: 'subtle time' }, fmtTime(j.createdAt)),
      h('td', { class: 'subtle time' }, fmtTime(j.updatedAt)),
      h('td', { class: 'mono subtle' }, shortId(j.id)));
    tr.addEventListener('click', (ev) => {
      if (ev.target.closest('a')) return;
      if (expanded.has(j.id)) expanded.delete(j.id); else expanded.add(j.id);
      paint(lastItems);
    });
    const out = [tr];
    if (expanded.has(j.id)) {
      out.push(h('tr', { class: 'detail' }, h('td', { colspan: 8 },
        h('div', { class: 'row' }, h('span', { class: 'mono' }, j.id), h('span', { class: 'subtle' }, `run at ${fmtTime(j.runAt)}`)),
        j.error ? h('div', { class: 'error-box' }, j.error) : null,
        h('h3', {}, 'Payload'), jsonBlock(j.payload),
        j.result !== null ? [h('h3', {}, 'Result'), jsonBlock(j.result)] : null)));
    }
    return out;
  }

  let lastItems = [];
  function paint(items) {
    lastItems = items;
    clear(body);
    const shown = items.filter((j) => (!filters.state || j.state === filters.state)
      && (!filters.type || j.type.includes(filters.type)));
    for (const j of shown) body.append(...row(j));
    empty.hidden = shown.length > 0;
    table.hidden = shown.length === 0;
  }

  async function refreshNames() {
    const list = await get('/_emulator/workspaces');
    names.clear();
    for (const w of list.items) names.set(w.id, w.name);
    const keep = wsSelect.value || filters.workspace;
    clear(wsSelect);
    wsSelect.append(h('option', { value: '' }, 'All workspaces'), list.items.map((w) => h('option', { value: w.id }, w.name)));
    wsSelect.value = names.has(keep) ? keep : '';
  }

  // Each kick starts a new polling generation; an answer from an older one is dropped.
  let generation = 0;
  function kick() {
    clearTimeout(timer);
    return tick(++generation);
  }

  async function tick(gen) {
    let delay = 3000;
    try {
      const data = await get(`/_emulator/jobs${qs({ workspace: filters.workspace, limit: 200 })}`);
      if (!ctx.alive() || gen !== generation) return;
      clear(errorSlot);
      paint(data.items);
      const active = data.items.some((j) => j.state === 'queued' || j.state === 'running');
      delay = active ? 1000 : 3000;
      live.textContent = `${active ? 'Live · ' : ''}updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      if (!ctx.alive() || gen !== generation) return;
      clear(errorSlot);
      errorSlot.append(errorBox(err));
    }
    timer = setTimeout(() => tick(gen), delay);
  }

  // Clock moves (advance, freeze) change what is due: refresh at once.
  const onClock = () => { kick(); };
  window.addEventListener('vs-clock', onClock);
  ctx.onLeave(() => window.removeEventListener('vs-clock', onClock));

  await refreshNames();
  wsSelect.value = names.has(filters.workspace) ? filters.workspace : '';
  filters.workspace = wsSelect.value;
  await kick();
}
