// view_workspaces.js — the workspace list (with keys and counts) and one
// workspace's page (keys, datasets with counts, its recent jobs).

import { get, post, request, qs } from './api.js';
import {
  h, clear, copyButton, fmtNum, fmtTime, toast, badge, progressBar, confirmAction, errorBox,
} from './dom.js';

function keyRows(keys) {
  const rows = [
    ['Vi secret key', keys.vi.secretKey],
    ['Vi organization', keys.vi.organizationId],
    ['Pictograph', keys.pictograph],
    ['Ximilar', keys.ximilar],
    ['Labelbox', keys.labelbox],
  ];
  return h('div', { class: 'keys' },
    rows.map(([k, v]) => [
      h('span', { class: 'k' }, k),
      h('span', { class: 'v', title: v, 'data-key': k }, v),
      copyButton(v),
    ]));
}

function stats(counts) {
  return h('div', { class: 'stats' },
    [['datasets', counts.datasets], ['images', counts.assets], ['annotations', counts.annotations],
      ['active jobs', counts.activeJobs]]
      .map(([label, n]) => h('div', { class: 'stat' }, h('b', {}, fmtNum(n)), h('span', {}, label))));
}

async function deleteWorkspace(w, ctx) {
  if (!confirmAction(`Delete workspace “${w.name}” and everything in it? Its rows are removed by a purge job.`)) return false;
  const resp = await request('DELETE', `/_emulator/workspaces/${encodeURIComponent(w.id)}`);
  const job = resp.headers.get('X-Purge-Job');
  toast(job ? `Deleted; purge job ${job.slice(0, 8)} queued` : 'Deleted', 'ok');
  ctx.refreshSidebar();
  return job;
}

async function resetWorkspace(w) {
  if (!confirmAction(`Remove every dataset, image, annotation and job of “${w.name}”, keeping its keys?`)) return false;
  await post(`/_emulator/workspaces/${encodeURIComponent(w.id)}/reset`);
  toast('Workspace emptied', 'ok');
  return true;
}

function workspaceCard(w, detail, ctx, reload) {
  const link = `#/w/${encodeURIComponent(w.id)}`;
  const card = h('article', { class: 'card', 'data-workspace-card': w.id },
    h('div', { class: 'card-title' },
      h('a', { href: link }, w.name),
      h('span', { class: 'mono subtle' }, w.id), copyButton(w.id, 'Copy id')),
  );
  if (detail) {
    card.append(stats(detail.counts), keyRows(detail.keys));
  } else {
    card.append(h('div', { class: 'subtle' }, 'Loading…'));
  }
  card.append(h('div', { class: 'row' }, h('a', { class: 'btn small primary', href: link }, 'Open'),
    h('span', { class: 'spacer' }), workspaceActions(w, ctx, reload, reload)));
  return card;
}

// "Empty" (per-workspace reset) and "Delete" buttons.
function workspaceActions(w, ctx, onReset, onDeleted) {
  const del = h('button', { type: 'button', class: 'btn small danger', 'data-action': 'delete' }, 'Delete');
  del.addEventListener('click', async () => {
    try {
      const job = await deleteWorkspace(w, ctx);
      if (job !== false) onDeleted(job);
    } catch (err) { toast(err.message, 'bad'); }
  });
  const reset = h('button', { type: 'button', class: 'btn small', 'data-action': 'reset' }, 'Empty');
  reset.addEventListener('click', async () => {
    try { if (await resetWorkspace(w)) onReset(); } catch (err) { toast(err.message, 'bad'); }
  });
  return [reset, del];
}

export async function renderList(root, _params, ctx) {
  const reload = () => { if (ctx.alive()) renderList(root, _params, ctx); };
  const list = await get('/_emulator/workspaces');
  const details = await Promise.all(list.items.map(async (w) => {
    try {
      const [full, ds] = await Promise.all([
        get(`/_emulator/workspaces/${encodeURIComponent(w.id)}`),
        get(`/_emulator/workspaces/${encodeURIComponent(w.id)}/datasets`),
      ]);
      return { keys: full.keys, counts: ds.counts };
    } catch {
      return null;
    }
  }));
  if (!ctx.alive()) return;
  clear(root);

  const form = h('form', { class: 'row', id: 'create-workspace' },
    h('input', { name: 'name', placeholder: 'new workspace name', required: true, maxlength: 200, 'aria-label': 'Workspace name' }),
    h('button', { type: 'submit', class: 'btn primary' }, 'Create workspace'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const w = await post('/_emulator/workspaces', { name: form.name.value.trim() });
      toast(`Workspace “${w.name}” created`, 'ok');
      ctx.refreshSidebar();
      location.hash = `#/w/${encodeURIComponent(w.id)}`;
    } catch (err) { toast(err.message, 'bad'); }
  });

  root.append(h('div', { class: 'view-head' },
    h('div', { class: 'grow' }, h('h1', {}, 'Workspaces'),
      h('p', { class: 'subtle' }, 'Each workspace is a tenant with one key per dialect; every key sees only its workspace.')),
    form));
  if (!list.items.length) {
    root.append(h('div', { class: 'empty' }, 'No workspaces yet. Create one, or start the server with --seed fixtures for the demo.'));
    return;
  }
  root.append(h('div', { class: 'cards' }, list.items.map((w, i) => workspaceCard(w, details[i], ctx, reload))));
}

function datasetTable(items) {
  if (!items.length) return h('div', { class: 'empty' }, 'No datasets in this workspace yet.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'datasets' },
    h('thead', {}, h('tr', {},
      h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', { class: 'num' }, 'Images'),
      h('th', { class: 'num' }, 'Annotations'), h('th', {}, 'Created'), h('th', {}, 'Id'))),
    h('tbody', {}, items.map((d) => {
      const tr = h('tr', { class: 'clickable', 'data-dataset': d.id },
        h('td', {}, h('a', { href: `#/d/${encodeURIComponent(d.id)}` }, d.name),
          d.description ? h('div', { class: 'subtle clamp', title: d.description }, d.description) : null),
        h('td', {}, badge(d.type, '')),
        h('td', { class: 'num', 'data-count': 'assets' }, fmtNum(d.assetCount)),
        h('td', { class: 'num', 'data-count': 'annotations' }, fmtNum(d.annotationCount)),
        h('td', { class: 'subtle time' }, fmtTime(d.createdAt)),
        h('td', { class: 'time' }, h('span', { class: 'mono subtle' }, d.id.slice(0, 8)), ' ', copyButton(d.id)));
      tr.addEventListener('click', (ev) => {
        if (ev.target.closest('a,button')) return;
        location.hash = `#/d/${encodeURIComponent(d.id)}`;
      });
      return tr;
    }))));
}

function jobsTable(items) {
  if (!items.length) return h('p', { class: 'subtle' }, 'No jobs for this workspace.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Type'), h('th', {}, 'State'), h('th', {}, 'Progress'), h('th', {}, 'Updated'))),
    h('tbody', {}, items.map((j) => h('tr', {},
      h('td', {}, h('a', { href: '#/jobs' }, j.type)), h('td', {}, badge(j.state)),
      h('td', {}, progressBar(j)), h('td', { class: 'subtle time' }, fmtTime(j.updatedAt)))))));
}

export async function renderOne(root, [id], ctx) {
  const enc = encodeURIComponent(id);
  const [w, ds, jobs] = await Promise.all([
    get(`/_emulator/workspaces/${enc}`),
    get(`/_emulator/workspaces/${enc}/datasets`),
    get(`/_emulator/jobs${qs({ workspace: id, limit: 10 })}`).catch(() => ({ items: [] })),
  ]);
  if (!ctx.alive()) return;
  clear(root);
  const reload = () => { if (ctx.alive()) renderOne(root, [id], ctx).catch((e) => root.append(errorBox(e))); };
  const actions = h('div', { class: 'row' },
    workspaceActions(w, ctx, reload, () => { location.hash = '#/jobs'; }));

  root.append(
    h('div', { class: 'view-head' },
      h('div', { class: 'grow' },
        h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Workspaces'), ' / '),
        h('h1', {}, w.name),
        h('div', { class: 'row' }, h('span', { class: 'mono subtle' }, w.id), copyButton(w.id, 'Copy id'))),
      actions),
    h('section', { class: 'panel' }, h('h2', {}, 'Overview'), stats(ds.counts)),
    h('section', { class: 'panel' }, h('h2', {}, 'API keys'), keyRows(w.keys)),
    h('section', { class: 'panel' }, h('h2', {}, 'Datasets'), datasetTable(ds.items),
      ds.counts.looseAssets > 0
        ? h('p', { class: 'subtle loose-link' }, h('a', { href: `#/w/${enc}/loose` },
          `${fmtNum(ds.counts.looseAssets)} workspace-level images (in no dataset)`))
        : null),
    h('section', { class: 'panel' }, h('h2', {}, 'Recent jobs'), jobsTable(jobs.items)),
  );
}
