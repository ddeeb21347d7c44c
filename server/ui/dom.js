// dom.js — a tiny element builder and the console's shared formatting helpers.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked' && 'checked' in el) el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// ------------------------------------------------------------------ formatting

export function fmtTime(ms) {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

export function fmtShortTime(ms) {
  const t = fmtTime(ms);
  return t.length > 12 ? t.slice(11, 23) : t;
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function fmtNum(n) {
  return typeof n === 'number' ? n.toLocaleString('en-US') : '—';
}

export function fmtDuration(ms) {
  if (typeof ms !== 'number') return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function shortId(id) {
  return id ? id.slice(0, 8) : '—';
}

// Class colours. A view that shows several classes at once calls
// assignColours with them, so they get distinct colours from a qualitative
// palette (in sorted order, hence the same colours every time the same set is
// shown); any other name gets a colour from a hash of its text.
const PALETTE = [
  '#1f77ff', '#ff7f0e', '#2ca02c', '#e0245e', '#9467bd', '#17becf',
  '#e377c2', '#bcbd22', '#8c564b', '#ffb000', '#00c2a8', '#7f7f7f',
];
let assigned = new Map();

export function assignColours(names) {
  assigned = new Map();
  [...new Set(names)].sort().forEach((n, i) => assigned.set(n, PALETTE[i % PALETTE.length]));
}

function hashHex(name) {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length];
}

export function colourFor(name) {
  return assigned.get(name || '') || hashHex(name || '');
}

// The same colour as [r, g, b] (for masks drawn into pixels).
export function rgbFor(name) {
  const hex = colourFor(name);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

// Inline pieces separated by middots (each its own element, so flex gaps and
// wrapping treat them as units).
export function metaLine(attrs, ...parts) {
  const el = h('div', attrs);
  parts.flat().filter((p) => p !== null && p !== undefined && p !== false).forEach((p, i) => {
    if (i) el.append(h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'));
    el.append(p instanceof Node ? p : h('span', {}, String(p)));
  });
  return el;
}

// ------------------------------------------------------------------ widgets

export function toast(message, kind = '') {
  const box = document.getElementById('toasts');
  const t = h('div', { class: ['toast', kind], role: 'status' }, message);
  box.append(t);
  setTimeout(() => t.remove(), kind === 'bad' ? 6000 : 3000);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Plain-HTTP pages on a non-localhost name have no clipboard API.
    const ta = h('textarea', { class: 'offscreen', readonly: true }, text);
    document.body.append(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    ta.remove();
    return ok;
  }
}

export function copyButton(text, label = 'Copy') {
  const b = h('button', { type: 'button', class: 'btn small copy', title: 'Copy to clipboard', 'data-copy': text }, label);
  b.addEventListener('click', async (ev) => {
    ev.preventDefault();
    ev.stopPropagation();
    const ok = await copyText(text);
    b.textContent = ok ? 'Copied' : 'Copy failed';
    b.classList.toggle('done', ok);
    setTimeout(() => { b.textContent = label; b.classList.remove('done'); }, 1400);
  });
  return b;
}

export function badge(text, cls = text) {
  return h('span', { class: ['badge', cls] }, text);
}

export function statusBadge(status) {
  return badge(String(status), `s${String(status)[0]}xx`);
}

export function jsonBlock(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

export function errorBox(err) {
  return h('div', { class: 'error-box', role: 'alert' }, err?.message || String(err));
}

export function confirmAction(message) {
  return window.confirm(message);
}

// Progress bar for a job row: determinate when total is known.
export function progressBar(job) {
  const done = job.state === 'succeeded';
  const failed = job.state === 'failed' || job.state === 'cancelled';
  let pct = null;
  if (done) pct = 100;
  else if (job.total > 0) pct = Math.max(0, Math.min(100, (100 * job.progress) / job.total));
  const bar = h('div', {
    class: ['progress', done && 'done', failed && 'failed', pct === null && job.state === 'running' && 'indeterminate'],
    role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct === null ? undefined : Math.round(pct),
  }, h('i'));
  const fill = bar.firstChild;
  fill.style.width = `${pct === null ? (job.state === 'running' ? 30 : 0) : pct}%`;
  let caption;
  if (job.total > 0) caption = `${fmtNum(job.progress)} / ${fmtNum(job.total)}`;
  else caption = job.progress ? fmtNum(job.progress) : '';
  if (done && !caption) caption = 'done';
  return h('div', { class: 'progress-cell' }, bar, h('small', {}, caption));
}
