// view_store.js — the whole store: health and version, named snapshots (save,
// restore, delete), full reset, and coverage (which vendor operations this
// build serves, read from the route table).

import { get, post, del } from './api.js';
import {
  h, clear, toast, fmtBytes, fmtTime, confirmAction, badge,
} from './dom.js';

export async function render(root, _params, ctx) {
  const [health, snaps, coverage] = await Promise.all([
    get('/_emulator/health'),
    get('/_emulator/snapshots'),
    get('/_emulator/coverage'),
  ]);
  if (!ctx.alive()) return;
  clear(root);
  const reload = () => { if (ctx.alive()) render(root, _params, ctx).catch((e) => toast(e.message, 'bad')); };

  const snapForm = h('form', { class: 'row', id: 'snapshot-form' },
    h('input', { name: 'name', placeholder: 'snapshot name', required: true, maxlength: 100, 'aria-label': 'Snapshot name' }),
    h('button', { type: 'submit', class: 'btn primary' }, 'Save snapshot'));
  snapForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await post('/_emulator/snapshots', { name: snapForm.name.value.trim() });
      toast('Snapshot saved', 'ok');
      reload();
    } catch (err) { toast(err.message, 'bad'); }
  });

  const snapRows = snaps.items.map((sn) => {
    const restore = h('button', { type: 'button', class: 'btn small' }, 'Restore');
    restore.addEventListener('click', async () => {
      if (!confirmAction(`Replace the whole store with snapshot “${sn.name}”?`)) return;
      try {
        await post(`/_emulator/snapshots/${encodeURIComponent(sn.name)}/restore`);
        toast(`Restored “${sn.name}”`, 'ok');
        ctx.refreshSidebar();
      } catch (err) { toast(err.message, 'bad'); }
    });
    const remove = h('button', { type: 'button', class: 'btn small danger' }, 'Delete');
    remove.addEventListener('click', async () => {
      try {
        await del(`/_emulator/snapshots/${encodeURIComponent(sn.name)}`);
        reload();
      } catch (err) { toast(err.message, 'bad'); }
    });
    return h('tr', { 'data-snapshot': sn.name }, h('td', {}, h('b', {}, sn.name)), h('td', { class: 'subtle' }, fmtTime(sn.createdAt)),
      h('td', { class: 'num' }, fmtBytes(sn.bytes)), h('td', {}, h('div', { class: 'row' }, restore, remove)));
  });

  const resetBtn = h('button', { type: 'button', class: 'btn danger' }, 'Reset everything');
  resetBtn.addEventListener('click', async () => {
    if (!confirmAction('Empty the whole store? Fixtures are reloaded if the server was started with --seed.')) return;
    try {
      await post('/_emulator/reset');
      toast('Store reset', 'ok');
      ctx.refreshSidebar();
      reload();
    } catch (err) { toast(err.message, 'bad'); }
  });

  const dialects = Object.entries(coverage.dialects || {});
  const coverageBody = dialects.length
    ? dialects.map(([name, ops]) => h('details', { class: 'coverage', 'data-dialect': name },
      h('summary', {}, badge(name, `d-${name}`), ` ${ops.length} operations`),
      h('table', { class: 'grid' }, h('tbody', {}, ops.map((op) => h('tr', {},
        op.operation ? h('td', { colspan: 2, class: 'mono' }, op.operation)
          : [h('td', { class: 'mono' }, op.method), h('td', { class: 'mono' }, op.path)]))))))
    : h('p', { class: 'subtle' }, 'This build serves no vendor dialect yet.');

  root.append(
    h('div', { class: 'view-head' }, h('div', { class: 'grow' }, h('h1', {}, 'Store & coverage'),
      h('p', { class: 'subtle' }, `visionstack ${health.version} · status ${health.status}`)), resetBtn),
    h('section', { class: 'panel' }, h('h2', {}, 'Snapshots'), snapForm,
      snapRows.length
        ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'snapshots' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Created'), h('th', { class: 'num' }, 'Size'), h('th', {}))),
          h('tbody', {}, snapRows)))
        : h('p', { class: 'subtle' }, 'No snapshots yet.')),
    h('section', { class: 'panel', id: 'coverage' }, h('h2', {}, 'Coverage'), coverageBody,
      (coverage.deviations || []).length
        ? [h('h3', {}, 'Deliberate differences'), h('ul', {}, coverage.deviations.map((d) => h('li', {}, d)))]
        : null),
  );
}
