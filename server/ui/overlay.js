// overlay.js — draws annotations as SVG in image pixel coordinates.
// One <g data-annotation-id> per spatial annotation (bbox, polygon, polyline,
// point, mask), so what is drawn can be counted and toggled; masks are decoded
// from COCO RLE into a translucent bitmap. `scale` is image pixels per screen
// pixel: it keeps labels, points and strokes the same size at any zoom.

import { s, colourFor, rgbFor } from './dom.js';

export const SPATIAL = new Set(['bbox', 'polygon', 'polyline', 'point', 'mask']);

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function pointsOf(g) {
  if (!g || !Array.isArray(g.points)) return null;
  const pts = g.points.filter((p) => Array.isArray(p) && num(p[0]) !== null && num(p[1]) !== null);
  return pts.length ? pts : null;
}

// COCO compressed RLE string → counts (LEB128-like, 6 bits per char, deltas
// from the count two places back after the first three).
function decodeCountsString(str) {
  const counts = [];
  let p = 0;
  while (p < str.length) {
    let x = 0;
    let k = 0;
    let more = 1;
    while (more) {
      const c = str.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = c & 0x20;
      p++;
      k++;
      if (!more && (c & 0x10)) x |= -1 << (5 * k);
      if (more && p >= str.length) return null;
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

// Mask bits (row-major, 1 = inside) of a COCO RLE; null when unreadable.
// COCO runs are column-major and start with a run of zeros.
export function decodeRle(rle, width, height) {
  if (!rle) return null;
  const size = Array.isArray(rle.size) ? rle.size : [height, width];
  const h = size[0] | 0;
  const w = size[1] | 0;
  if (h <= 0 || w <= 0 || h * w > 50e6) return null;
  const counts = typeof rle.counts === 'string' ? decodeCountsString(rle.counts) : rle.counts;
  if (!Array.isArray(counts)) return null;
  const bits = new Uint8Array(w * h);
  let idx = 0;
  let val = 0;
  for (const run of counts) {
    const n = Math.max(0, run | 0);
    if (val) {
      for (let i = idx; i < Math.min(idx + n, w * h); i++) {
        const col = Math.floor(i / h);
        const row = i - col * h;
        bits[row * w + col] = 1;
      }
    }
    idx += n;
    val ^= 1;
    if (idx >= w * h) break;
  }
  return { bits, w, h };
}

function maskHref(mask, rgb) {
  const canvas = document.createElement('canvas');
  canvas.width = mask.w;
  canvas.height = mask.h;
  const cx = canvas.getContext('2d');
  const img = cx.createImageData(mask.w, mask.h);
  for (let i = 0; i < mask.bits.length; i++) {
    if (!mask.bits[i]) continue;
    img.data[i * 4] = rgb[0];
    img.data[i * 4 + 1] = rgb[1];
    img.data[i * 4 + 2] = rgb[2];
    img.data[i * 4 + 3] = 140;
  }
  cx.putImageData(img, 0, 0);
  return canvas.toDataURL('image/png');
}

function maskBounds(mask) {
  let x0 = mask.w, y0 = mask.h, x1 = -1, y1 = -1;
  for (let y = 0; y < mask.h; y++) {
    for (let x = 0; x < mask.w; x++) {
      if (!mask.bits[y * mask.w + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

function boundsOfPoints(pts) {
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

// The label tag: a filled rectangle with the text, above the shape when there
// is room, else inside its top edge.
function tag(text, box, colour, scale) {
  const fs = 11 * scale;
  const pad = 3 * scale;
  const width = (text.length * 6.4 + 8) * scale;
  const height = fs + 2 * pad;
  const y = box.y - height >= 0 ? box.y - height : box.y;
  return s('g', { class: 'tag' },
    s('rect', { x: box.x, y, width, height, rx: 2 * scale, fill: colour }),
    s('text', { x: box.x + pad + scale, y: y + pad + fs * 0.85, 'font-size': fs }, text));
}

export function tagText(a) {
  let t = a.label || a.kind;
  if (typeof a.confidence === 'number') t += ` ${(a.confidence * 100).toFixed(0)}%`;
  return t;
}

// The SVG group for one annotation, or null when it has no drawable geometry.
// `cache` (a Map) keeps decoded mask bitmaps between redraws.
export function drawAnnotation(a, scale, imgW, imgH, cache = new Map()) {
  if (!SPATIAL.has(a.kind)) return null;
  const g = a.geometry || {};
  const colour = colourFor(a.label);
  const common = { class: 'shape', stroke: colour };
  let shape = null;
  let box = null;
  if (a.kind === 'bbox') {
    const [x, y, w, hgt] = [num(g.x), num(g.y), num(g.w), num(g.h)];
    if (x === null || y === null || w === null || hgt === null) return null;
    shape = s('rect', { ...common, x, y, width: w, height: hgt, fill: colour, 'fill-opacity': 0.1 });
    box = { x, y, w, h: hgt };
  } else if (a.kind === 'polygon' || a.kind === 'polyline') {
    const pts = pointsOf(g);
    if (!pts) return null;
    const attr = pts.map((p) => `${p[0]},${p[1]}`).join(' ');
    shape = a.kind === 'polygon'
      ? s('polygon', { ...common, points: attr, fill: colour, 'fill-opacity': 0.25, 'stroke-linejoin': 'round' })
      : s('polyline', { ...common, points: attr, fill: 'none', 'stroke-linejoin': 'round', 'stroke-linecap': 'round' });
    box = boundsOfPoints(pts);
  } else if (a.kind === 'point') {
    const [x, y] = [num(g.x), num(g.y)];
    if (x === null || y === null) return null;
    const r = 5 * scale;
    shape = s('g', {},
      s('circle', { ...common, cx: x, cy: y, r, fill: colour, 'fill-opacity': 0.85 }),
      s('circle', { cx: x, cy: y, r: r * 0.35, fill: '#fff' }));
    box = { x: x - r, y: y - r, w: 2 * r, h: 2 * r };
  } else if (a.kind === 'mask') {
    let m = cache.get(a.id);
    if (!m) {
      const mask = decodeRle(g.rle, imgW, imgH);
      if (!mask) return null;
      m = { href: maskHref(mask, rgbFor(a.label)), w: mask.w, h: mask.h, box: maskBounds(mask) || { x: 0, y: 0, w: 0, h: 0 } };
      cache.set(a.id, m);
    }
    shape = s('image', { class: 'shape mask', href: m.href, x: 0, y: 0, width: m.w, height: m.h, preserveAspectRatio: 'none' });
    box = m.box;
  }
  const group = s('g', {
    class: 'ann', 'data-annotation-id': a.id, 'data-kind': a.kind, 'data-label': a.label, 'data-source': a.source,
  }, s('title', {}, `${a.kind}: ${tagText(a)} (${a.source})`), shape, tag(tagText(a), box, colour, scale));
  return group;
}

// A segmentation result (outer ring plus holes) as one even-odd path.
export function drawProposal(region, index, scale) {
  const rings = Array.isArray(region.rings) && region.rings.length ? region.rings : [region.polygon?.points || []];
  const d = rings.filter((r) => r.length >= 3)
    .map((r) => `M${r.map((p) => `${p[0]},${p[1]}`).join('L')}Z`).join(' ');
  const b = region.bbox || { x: 0, y: 0, w: 0, h: 0 };
  const label = `#${index + 1} ${(region.score * 100).toFixed(0)}%`;
  return s('g', { class: ['proposal', index === 0 ? 'rank-first' : 'rank-other'].join(' '), 'data-proposal': index, 'data-score': region.score },
    s('path', { class: 'shape', d, 'fill-rule': 'evenodd' }),
    tag(label, b, index === 0 ? '#b38f00' : '#00829a', scale));
}
