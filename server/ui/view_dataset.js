// view_dataset.js — a dataset's image grid (thumbnails computed by the server),
// paged with "Load more"; also the workspace-level images that are in no dataset.

import { get, imageSource, qs } from './api.js';
import { h, clear, fmtNum, fmtBytes, badge, copyButton, metaLine } from './dom.js';

const PAGE = 60;

function thumbCard(a) {
  const img = h('img', { alt: a.filename, loading: 'lazy', width: 160, height: 120, decoding: 'async' });
  imageSource(`${a.thumbnailUrl}?size=320`).then((src) => {
    // An object URL (admin key in use) is released once the picture is decoded.
    if (src.startsWith('blob:')) img.addEventListener('load', () => URL.revokeObjectURL(src), { once: true });
    img.src = src;
  }).catch(() => { img.alt = 'no preview'; });
  return h('a', { class: 'thumb', href: `#/a/${encodeURIComponent(a.id)}`, 'data-asset': a.id, title: `${a.directory}${a.directory.endsWith('/') ? '' : '/'}${a.filename}` },
    h('div', { class: 'pic' }, img),
    h('div', { class: 'meta' },
      h('span', { class: 'name' }, a.filename),
      h('span', { class: 'info' },
        h('span', {}, `${a.width}×${a.height} · ${fmtBytes(a.size)}`),
        h('span', { 'data-annotation-count': a.annotationCount }, `${fmtNum(a.annotationCount)} ann.`))));
}

// Shared by both listings: fetches pages from `path` into a grid.
async function renderGrid(root, ctx, head, path) {
  const first = await get(`${path}${qs({ offset: 0, limit: PAGE })}`);
  if (!ctx.alive()) return;
  clear(root);
  root.append(head(first.total));
  if (!first.total) {
    root.append(h('div', { class: 'empty' }, 'No images yet.'));
    return;
  }
  const grid = h('div', { class: 'thumbs', id: 'thumbs' });
  const more = h('button', { type: 'button', class: 'btn', id: 'load-more' }, 'Load more');
  const status = h('span', { class: 'subtle' });
  let loaded = 0;
  const add = (page) => {
    for (const a of page.items) grid.append(thumbCard(a));
    loaded += page.items.length;
    status.textContent = `Showing ${fmtNum(loaded)} of ${fmtNum(page.total)}`;
    more.hidden = loaded >= page.total;
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      add(await get(`${path}${qs({ offset: loaded, limit: PAGE })}`));
    } finally {
      more.disabled = false;
    }
  });
  add(first);
  root.append(grid, h('div', { class: 'row', id: 'grid-footer' }, status, more));
}

export async function render(root, [id], ctx) {
  const enc = encodeURIComponent(id);
  const d = await get(`/_emulator/datasets/${enc}`);
  const w = await get(`/_emulator/workspaces/${encodeURIComponent(d.workspace)}`);
  await renderGrid(root, ctx, (total) => h('div', { class: 'view-head' },
    h('div', { class: 'grow' },
      h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Workspaces'), ' / ',
        h('a', { href: `#/w/${encodeURIComponent(w.id)}` }, w.name), ' / '),
      h('h1', {}, d.name, ' ', badge(d.type, '')),
      d.description ? h('p', { class: 'subtle' }, d.description) : null,
      metaLine({ class: 'row subtle' },
        h('span', { 'data-total-assets': total }, `${fmtNum(total)} images`),
        `${fmtNum(d.annotationCount)} annotations`,
        h('span', { class: 'row' }, h('span', { class: 'mono' }, d.id), copyButton(d.id, 'Copy id'))))), `/_emulator/datasets/${enc}/assets`);
}

export async function renderLoose(root, [wsId], ctx) {
  const enc = encodeURIComponent(wsId);
  const w = await get(`/_emulator/workspaces/${enc}`);
  await renderGrid(root, ctx, (total) => h('div', { class: 'view-head' },
    h('div', { class: 'grow' },
      h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Workspaces'), ' / ',
        h('a', { href: `#/w/${enc}` }, w.name), ' / '),
      h('h1', {}, 'Workspace-level images'),
      h('p', { class: 'subtle' }, `${fmtNum(total)} images that belong to no dataset (for example Ximilar training images).`))),
  `/_emulator/workspaces/${enc}/assets`);
}
