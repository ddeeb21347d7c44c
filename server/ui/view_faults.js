// view_faults.js — fault rules: add, switch off and on, delete, clear.
// The server keeps only active rules; a rule switched off here is deleted on
// the server and remembered in this browser (localStorage) so it can be
// switched on again with the same spec.

import { get, post, del } from './api.js';
import { h, clear, toast, errorBox, confirmAction, fmtNum } from './dom.js';

const OFF_STORE = 'visionstack.faultsOff';
const SERVER_FIELDS = ['id', 'fired', 'matched'];

function loadOff() {
  try { return JSON.parse(localStorage.getItem(OFF_STORE) || '[]'); } catch { return []; }
}
function saveOff(list) {
  try { localStorage.setItem(OFF_STORE, JSON.stringify(list)); } catch { /* this page only */ }
}
function specOf(rule) {
  const spec = { ...rule };
  for (const k of SERVER_FIELDS) delete spec[k];
  return spec;
}
function describe(spec) {
  const where = [spec.method || 'any method', spec.dialect ? `${spec.dialect}` : 'any dialect', spec.route || 'any route']
    .join(' · ');
  const what = [];
  if (spec.status) what.push(`answer ${spec.status}`);
  if (spec.latency_ms) what.push(`delay ${spec.latency_ms}${spec.latency_max_ms ? `–${spec.latency_max_ms}` : ''} ms`);
  if (spec.reset_connection) what.push('reset the connection');
  if (spec.retry_after !== undefined) what.push(`Retry-After ${spec.retry_after}s`);
  if (spec.quota) what.push(`quota ${spec.quota} per ${spec.window_ms} ms`);
  const when = [];
  if (spec.times) when.push(`next ${spec.times}`);
  if (spec.nth) when.push(`only call #${spec.nth}`);
  if (spec.rate !== undefined) when.push(`rate ${spec.rate}${spec.seed !== undefined ? ` (seed ${spec.seed})` : ''}`);
  if (spec.workspace) when.push(`workspace ${spec.workspace.slice(0, 8)}`);
  return { where, what: what.join(', ') || '—', when: when.join(', ') || 'every match' };
}

const FIELDS = [
  ['dialect', 'Dialect', 'select', ['', 'vi', 'pictograph', 'ximilar', 'labelbox', 'blob']],
  ['method', 'Method', 'select', ['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE']],
  ['route', 'Route pattern', 'text', 'e.g. /api/v1/developer/**'],
  ['status', 'Status', 'number', 'e.g. 503'],
  ['latency_ms', 'Latency ms', 'number', 'none'],
  ['times', 'Times', 'number', 'every match'],
  ['nth', 'Nth call', 'number', 'any'],
  ['rate', 'Rate 0–1', 'number', 'always'],
  ['seed', 'Seed', 'number', 'with rate'],
  ['retry_after', 'Retry-After s', 'number', 'none'],
];

export async function render(root, _params, ctx) {
  const listSlot = h('div', { id: 'fault-list' });
  const form = h('form', { class: 'panel', id: 'fault-form' }, h('h2', {}, 'New rule'));
  const grid = h('div', { class: 'form-grid' });
  for (const [name, label, type, extra] of FIELDS) {
    let input;
    if (type === 'select') input = h('select', { name }, extra.map((v) => h('option', { value: v }, v || 'any')));
    else input = h('input', { name, type: 'text', inputmode: type === 'number' ? 'decimal' : undefined, placeholder: extra });
    grid.append(h('label', { class: 'field' }, label, input));
  }
  grid.append(h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'reset_connection' }), 'Reset connection'));
  grid.append(h('button', { type: 'submit', class: 'btn primary' }, 'Add rule'));
  form.append(grid);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const spec = {};
    for (const [name, , type] of FIELDS) {
      const v = form[name].value.trim();
      if (!v) continue;
      if (type === 'number') {
        const n = Number(v);
        if (!Number.isFinite(n)) { toast(`${name} must be a number`, 'bad'); return; }
        spec[name] = n;
      } else {
        spec[name] = v;
      }
    }
    if (form.reset_connection.checked) spec.reset_connection = true;
    try {
      await post('/_emulator/faults', spec);
      toast('Fault rule added', 'ok');
      form.reset();
      refresh();
    } catch (err) { toast(err.message, 'bad'); }
  });

  const clearAll = h('button', { type: 'button', class: 'btn danger' }, 'Delete all');
  clearAll.addEventListener('click', async () => {
    if (!confirmAction('Delete every active fault rule (and forget the switched-off ones)?')) return;
    try {
      await del('/_emulator/faults');
      saveOff([]);
      refresh();
    } catch (err) { toast(err.message, 'bad'); }
  });

  clear(root);
  root.append(
    h('div', { class: 'view-head' }, h('div', { class: 'grow' }, h('h1', {}, 'Faults'),
      h('p', { class: 'subtle' }, 'Make vendor calls fail, slow down or drop, to test an SDK’s retries. Control-plane calls are never affected.')),
    clearAll),
    form, listSlot);

  function ruleRow(rule, on) {
    const d = describe(on ? specOf(rule) : rule);
    const toggle = h('button', { type: 'button', class: ['btn small', on && 'on'], 'data-toggle': '' }, on ? 'On' : 'Off');
    toggle.addEventListener('click', async () => {
      try {
        if (on) {
          await del(`/_emulator/faults/${encodeURIComponent(rule.id)}`);
          saveOff([...loadOff(), specOf(rule)]);
        } else {
          await post('/_emulator/faults', rule);
          saveOff(loadOff().filter((x) => JSON.stringify(x) !== JSON.stringify(rule)));
        }
        refresh();
      } catch (err) { toast(err.message, 'bad'); }
    });
    const remove = h('button', { type: 'button', class: 'btn small danger' }, 'Delete');
    remove.addEventListener('click', async () => {
      try {
        if (on) await del(`/_emulator/faults/${encodeURIComponent(rule.id)}`);
        else saveOff(loadOff().filter((x) => JSON.stringify(x) !== JSON.stringify(rule)));
        refresh();
      } catch (err) { toast(err.message, 'bad'); }
    });
    return h('tr', { 'data-fault': on ? rule.id : 'off' },
      h('td', {}, toggle),
      h('td', { class: 'mono' }, d.where),
      h('td', {}, d.what),
      h('td', {}, d.when),
      h('td', { class: 'num' }, on ? fmtNum(rule.matched) : '—'),
      h('td', { class: 'num' }, on ? fmtNum(rule.fired) : '—'),
      h('td', {}, remove));
  }

  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));
  async function refresh() {
    clearTimeout(timer);
    try {
      const data = await get('/_emulator/faults');
      if (!ctx.alive()) return;
      const off = loadOff();
      clear(listSlot);
      if (!data.items.length && !off.length) {
        listSlot.append(h('div', { class: 'empty' }, 'No fault rules. Every call behaves.'));
      } else {
        listSlot.append(h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'faults' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Active'), h('th', {}, 'Matches'), h('th', {}, 'Action'), h('th', {}, 'When'),
            h('th', { class: 'num' }, 'Matched'), h('th', { class: 'num' }, 'Fired'), h('th', {}))),
          h('tbody', {}, data.items.map((r) => ruleRow(r, true)), off.map((r) => ruleRow(r, false))))));
      }
    } catch (err) {
      if (!ctx.alive()) return;
      clear(listSlot);
      listSlot.append(errorBox(err));
    }
    timer = setTimeout(refresh, 2000);
  }
  await refresh();
}
