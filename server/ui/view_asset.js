// view_asset.js — one image with every annotation drawn over it, layer toggles
// by writing dialect, source and class, the non-spatial annotations beside it (tags, captions,
// VQA pairs, free text), and the auto-annotate playground (point, box and text
// prompts answered by the server's segmentation engine, drawn, never stored).

import { get, post, imageSource } from './api.js';
import {
  h, s, clear, colourFor, assignColours, copyButton, fmtBytes, fmtNum, badge, toast, jsonBlock, metaLine,
} from './dom.js';
import { SPATIAL, drawAnnotation, drawProposal, tagText } from './overlay.js';

// Kept across images so stepping through a dataset keeps the same view.
const prefs = {
  hiddenDialects: new Set(),
  hiddenSources: new Set(),
  hiddenClasses: new Set(),
  labels: true,
  mode: 'view', // view | point | box | text
  zoom: 'fit',  // 'fit' or a factor
};

// The dialect that wrote an annotation ('' when the row does not say).
const dialectOf = (a) => a.dialect || '';

function tally(items, keyOf) {
  const m = new Map();
  for (const a of items) m.set(keyOf(a), (m.get(keyOf(a)) || 0) + 1);
  return [...m.entries()].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
}

function visible(a) {
  return !prefs.hiddenDialects.has(dialectOf(a)) && !prefs.hiddenSources.has(a.source)
    && !prefs.hiddenClasses.has(a.label);
}

function parseQa(text) {
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && typeof v.question === 'string') return v;
  } catch { /* plain text */ }
  return null;
}

export async function render(root, [id], ctx) {
  const a = await get(`/_emulator/assets/${encodeURIComponent(id)}`);
  const w = await get(`/_emulator/workspaces/${encodeURIComponent(a.workspace)}`);
  if (!ctx.alive()) return;
  clear(root);
  const W = a.width;
  const H = a.height;
  assignColours(a.annotations.map((x) => x.label));
  const spatial = a.annotations.filter((x) => SPATIAL.has(x.kind));
  const other = a.annotations.filter((x) => !SPATIAL.has(x.kind));

  // ---------------------------------------------------------------- header
  const navBtn = (target, text, key) => (target
    ? h('a', { class: 'btn small', href: `#/a/${encodeURIComponent(target)}`, title: `${text} (${key})`, 'data-nav-asset': text.toLowerCase() }, text)
    : h('button', { class: 'btn small', type: 'button', disabled: true }, text));
  const backHref = a.dataset ? `#/d/${encodeURIComponent(a.dataset)}` : `#/w/${encodeURIComponent(a.workspace)}/loose`;
  root.append(h('div', { class: 'view-head' },
    h('div', { class: 'grow' },
      h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Workspaces'), ' / ',
        h('a', { href: `#/w/${encodeURIComponent(w.id)}` }, w.name), ' / ',
        h('a', { href: backHref }, a.datasetInfo ? a.datasetInfo.name : 'workspace-level images'), ' / '),
      h('h1', {}, a.filename),
      metaLine({ class: 'row subtle' },
        `${W}×${H}`, a.mime, fmtBytes(a.size), `${fmtNum(a.annotations.length)} annotations`,
        a.split ? badge(a.split, '') : null,
        h('span', { class: 'row' }, h('span', { class: 'mono' }, a.id), copyButton(a.id, 'Copy id')))),
    h('div', { class: 'asset-nav' }, navBtn(a.prev, 'Previous', '←'), navBtn(a.next, 'Next', '→'))));

  // ---------------------------------------------------------------- stage
  const img = h('img', { alt: a.filename, draggable: 'false' });
  const svg = s('svg', { class: 'overlay', id: 'overlay', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', 'aria-label': 'Annotations' });
  const annLayer = s('g', { class: 'layer-annotations' });
  const propLayer = s('g', { class: 'layer-proposals' });
  const promptLayer = s('g', { class: 'layer-prompts' });
  svg.append(annLayer, propLayer, promptLayer);
  const stage = h('div', { class: 'stage', id: 'stage', 'data-asset-id': a.id }, img, svg);
  const scroll = h('div', { class: 'stage-scroll' }, stage);
  const shapeCount = h('span', { id: 'shape-count' });

  const zoomBtn = (label, z) => {
    const b = h('button', { type: 'button', class: 'btn small', 'data-zoom': String(z) }, label);
    b.addEventListener('click', () => {
      if (z === 'in' || z === 'out') {
        const cur = currentScale();
        prefs.zoom = Math.max(0.1, Math.min(16, cur * (z === 'in' ? 1.25 : 0.8)));
      } else {
        prefs.zoom = z;
      }
      layout();
    });
    return b;
  };
  const labelsBtn = h('button', { type: 'button', class: ['btn small', prefs.labels && 'on'] }, 'Labels');
  labelsBtn.addEventListener('click', () => {
    prefs.labels = !prefs.labels;
    labelsBtn.classList.toggle('on', prefs.labels);
    svg.classList.toggle('labels-off', !prefs.labels);
  });
  svg.classList.toggle('labels-off', !prefs.labels);

  // The playground's controls sit on the image they act on; its results go to
  // the top of the side panel.
  const results = h('div', { class: 'results', id: 'segment-results' });
  const playPanel = h('section', { class: 'panel playground', id: 'playground', hidden: true },
    h('h2', {}, 'Auto-annotate results'), results);
  const hint = h('span', { class: 'hint' });
  const textForm = h('form', { id: 'segment-text', class: 'inline-form' },
    h('input', { name: 'prompt', placeholder: 'e.g. red circle, blue rectangle', maxlength: 500, 'aria-label': 'Text prompt' }),
    h('button', { type: 'submit', class: 'btn primary small' }, 'Find'));
  const modeBtns = ['view', 'point', 'box', 'text'].map((m) => {
    const b = h('button', { type: 'button', class: 'btn small', 'data-mode': m }, m[0].toUpperCase() + m.slice(1));
    b.addEventListener('click', () => setMode(m));
    return b;
  });
  const clearBtn = h('button', { type: 'button', class: 'btn small', id: 'segment-clear' }, 'Clear');
  clearBtn.addEventListener('click', () => {
    prompt = null;
    clear(propLayer);
    clear(promptLayer);
    clear(results);
    playPanel.hidden = true;
  });

  const stageWrap = h('div', { class: 'stage-wrap' },
    h('div', { class: 'stage-tools' },
      h('span', { class: 'group', role: 'group', 'aria-label': 'Zoom' },
        zoomBtn('Fit', 'fit'), zoomBtn('100%', 1), zoomBtn('−', 'out'), zoomBtn('+', 'in')), labelsBtn,
      h('span', { class: 'group', role: 'group', 'aria-label': 'Auto-annotate', id: 'playground-modes' },
        h('span', { class: 'group-label' }, 'Auto-annotate'), modeBtns),
      h('span', { class: 'spacer' }), shapeCount),
    h('div', { class: 'stage-tools stage-prompt' }, hint, textForm, h('span', { class: 'spacer' }), clearBtn),
    scroll);

  // ---------------------------------------------------------------- side panel
  const side = h('div', { class: 'side' });
  const layout0 = h('div', { class: 'asset-layout' }, stageWrap, side);
  root.append(layout0);
  side.append(playPanel);

  const annRows = new Map();   // id -> list row
  const annShapes = new Map(); // id -> svg group
  const sideItems = new Map(); // id -> chip/text element

  function applyVisibility() {
    let shown = 0;
    for (const x of a.annotations) {
      const on = visible(x);
      annShapes.get(x.id)?.classList.toggle('off', !on);
      annRows.get(x.id)?.classList.toggle('off', !on);
      sideItems.get(x.id)?.classList.toggle('off', !on);
      if (on && annShapes.has(x.id)) shown++;
    }
    shapeCount.textContent = `${shown} of ${annShapes.size} shapes shown`;
    shapeCount.dataset.shown = String(shown);
  }

  function layerList(title, entries, hiddenSet, kind) {
    const box = h('div', { class: 'layer-list', 'data-layers': kind });
    for (const [name, n] of entries) {
      const cb = h('input', { type: 'checkbox', checked: !hiddenSet.has(name), 'data-layer': name });
      cb.addEventListener('change', () => {
        if (cb.checked) hiddenSet.delete(name); else hiddenSet.add(name);
        applyVisibility();
      });
      const blank = kind === 'dialect' ? '(not recorded)' : '(none)';
      box.append(h('label', { class: 'layer check' },
        cb, kind === 'class' ? h('span', { class: 'swatch', 'data-colour': colourFor(name) }) : null,
        h('span', {}, name || blank), h('span', { class: 'count' }, fmtNum(n))));
    }
    return [h('h3', {}, title), box];
  }

  const dialects = tally(a.annotations, dialectOf);
  const sources = tally(a.annotations, (x) => x.source);
  const classes = tally(a.annotations, (x) => x.label);
  const allBtn = (on) => {
    const b = h('button', { type: 'button', class: 'btn small' }, on ? 'Show all' : 'Hide all');
    b.addEventListener('click', () => {
      for (const [name] of classes) { if (on) prefs.hiddenClasses.delete(name); else prefs.hiddenClasses.add(name); }
      for (const [name] of sources) { if (on) prefs.hiddenSources.delete(name); else prefs.hiddenSources.add(name); }
      for (const [name] of dialects) { if (on) prefs.hiddenDialects.delete(name); else prefs.hiddenDialects.add(name); }
      for (const cb of layersPanel.querySelectorAll('input[data-layer]')) cb.checked = on;
      applyVisibility();
    });
    return b;
  };
  const layersPanel = h('section', { class: 'panel', id: 'layers' }, h('h2', {}, 'Layers'),
    a.annotations.length ? [
      dialects.some(([name]) => name) ? layerList('Dialect', dialects, prefs.hiddenDialects, 'dialect') : null,
      layerList('Source', sources, prefs.hiddenSources, 'source'),
      layerList('Class', classes, prefs.hiddenClasses, 'class'),
      h('div', { class: 'layer-actions' }, allBtn(true), allBtn(false)),
    ] : h('p', { class: 'subtle' }, 'No annotations on this image.'));
  for (const sw of layersPanel.querySelectorAll('.swatch')) sw.style.background = sw.dataset.colour;
  side.append(layersPanel);

  if (spatial.length) {
    const list = h('div', { class: 'ann-list', id: 'ann-list' });
    for (const x of spatial) {
      const row = h('div', { class: 'ann-row', 'data-ann-ref': x.id, title: x.id },
        h('span', { class: 'swatch' }), h('span', { class: 'kind' }, x.kind),
        h('span', { class: 'lbl' }, tagText(x)), h('span', { class: 'src' }, x.dialect ? `${x.dialect} · ${x.source}` : x.source));
      row.firstChild.style.background = colourFor(x.label);
      row.addEventListener('mouseenter', () => highlight(x.id, true));
      row.addEventListener('mouseleave', () => highlight(x.id, false));
      annRows.set(x.id, row);
      list.append(row);
    }
    side.append(h('section', { class: 'panel' }, h('h2', {}, `Shapes (${spatial.length})`), list));
  }

  const tags = other.filter((x) => x.kind === 'classification');
  const texts = other.filter((x) => x.kind !== 'classification');
  if (other.length) {
    const panel = h('section', { class: 'panel', id: 'text-annotations' }, h('h2', {}, 'Labels and text'));
    if (tags.length) {
      const chips = h('div', { class: 'chips' });
      for (const x of tags) {
        const chip = h('span', { class: 'chip', 'data-annotation-id': x.id, 'data-kind': x.kind, title: `source: ${x.source}` },
          x.label, typeof x.confidence === 'number' ? h('small', {}, ` ${(x.confidence * 100).toFixed(0)}%`) : null);
        sideItems.set(x.id, chip);
        chips.append(chip);
      }
      panel.append(h('h3', {}, 'Classification'), chips);
    }
    const qas = texts.filter((x) => parseQa(x.text || ''));
    const plain = texts.filter((x) => !parseQa(x.text || ''));
    if (plain.length) {
      const list = h('div', { class: 'texts' });
      for (const x of plain) {
        const item = h('div', { class: 'text-item', 'data-annotation-id': x.id, 'data-kind': x.kind },
          h('div', { class: 't-head' }, [x.label || 'text', x.dialect, x.source].filter(Boolean).join(' · ')), x.text || '');
        sideItems.set(x.id, item);
        list.append(item);
      }
      panel.append(h('h3', {}, 'Captions and text'), list);
    }
    if (qas.length) {
      const list = h('div', { class: 'texts' });
      for (const x of qas) {
        const qa = parseQa(x.text);
        const item = h('div', { class: 'text-item qa', 'data-annotation-id': x.id, 'data-kind': x.kind },
          h('div', { class: 'q' }, qa.question), h('div', { class: 'a' }, String(qa.answer ?? '')));
        sideItems.set(x.id, item);
        list.append(item);
      }
      panel.append(h('h3', {}, 'Questions and answers'), list);
    }
    side.append(panel);
  }

  // ---------------------------------------------------------------- playground
  side.append(h('details', { class: 'panel' }, h('summary', {}, 'Raw JSON'), jsonBlock(a)));

  const hints = {
    view: 'Pick a mode to prompt the segmentation engine. Results are drawn dashed and are not stored.',
    point: 'Click the object. Shift-click adds a negative point to the last prompt.',
    box: 'Drag a box around the object.',
    text: 'Type what to look for: colours (red, blue, …) and shapes (circle, square, rectangle, triangle).',
  };
  function setMode(m) {
    prefs.mode = m;
    for (const b of modeBtns) b.classList.toggle('on', b.dataset.mode === m);
    textForm.hidden = m !== 'text';
    hint.textContent = hints[m];
    stage.classList.toggle('mode-point', m === 'point');
    stage.classList.toggle('mode-box', m === 'box');
    svg.classList.toggle('interactive', m === 'point' || m === 'box');
    svg.classList.toggle('prompting', m !== 'view');
    if (m === 'text') textForm.prompt.focus();
  }

  let prompt = null; // { pos: [[x,y]], neg: [[x,y]] } for point prompts
  let seq = 0;
  async function segment(body, drawPrompt) {
    const mine = ++seq;
    clear(promptLayer);
    drawPrompt();
    playPanel.hidden = false;
    results.textContent = 'Segmenting…';
    try {
      const r = await post(`/_emulator/assets/${encodeURIComponent(a.id)}/segment`, body);
      if (!ctx.alive() || mine !== seq) return;
      clear(propLayer);
      clear(results);
      if (!r.items.length) {
        results.append(h('div', { class: 'subtle', 'data-segment-empty': '' }, 'No region found for this prompt.'));
        return;
      }
      r.items.forEach((region, i) => propLayer.append(drawProposal(region, i, currentScale(true))));
      for (const [i, region] of r.items.entries()) {
        results.append(h('div', { class: 'res', 'data-result': i },
          h('b', {}, `#${i + 1}`), h('span', {}, `score ${region.score.toFixed(3)}`),
          h('span', { class: 'subtle' }, `${fmtNum(region.area)} px · box ${region.bbox.x},${region.bbox.y} ${region.bbox.w}×${region.bbox.h}`)));
      }
    } catch (err) {
      if (mine !== seq) return;
      clear(results);
      results.append(h('div', { class: 'error-box' }, err.message));
    }
  }

  function drawPoints() {
    const r = 5 * currentScale(true);
    for (const p of prompt.pos) promptLayer.append(s('circle', { class: 'prompt-point', cx: p[0], cy: p[1], r, fill: '#18c964' }));
    for (const p of prompt.neg) promptLayer.append(s('circle', { class: 'prompt-point', cx: p[0], cy: p[1], r, fill: '#f31260' }));
  }

  function toImage(ev) {
    const rect = svg.getBoundingClientRect();
    const x = ((ev.clientX - rect.left) * W) / rect.width;
    const y = ((ev.clientY - rect.top) * H) / rect.height;
    return [Math.max(0, Math.min(W - 1e-6, x)), Math.max(0, Math.min(H - 1e-6, y))];
  }

  let drag = null;
  svg.addEventListener('pointerdown', (ev) => {
    if (prefs.mode === 'box') {
      ev.preventDefault();
      svg.setPointerCapture(ev.pointerId);
      const p = toImage(ev);
      clear(promptLayer);
      drag = { x0: p[0], y0: p[1], rect: s('rect', { class: 'prompt-box', x: p[0], y: p[1], width: 0, height: 0 }) };
      promptLayer.append(drag.rect);
    }
  });
  svg.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const [x, y] = toImage(ev);
    drag.rect.setAttribute('x', Math.min(x, drag.x0));
    drag.rect.setAttribute('y', Math.min(y, drag.y0));
    drag.rect.setAttribute('width', Math.abs(x - drag.x0));
    drag.rect.setAttribute('height', Math.abs(y - drag.y0));
  });
  svg.addEventListener('pointerup', (ev) => {
    if (!drag) return;
    const [x, y] = toImage(ev);
    const box = [Math.min(x, drag.x0), Math.min(y, drag.y0), Math.abs(x - drag.x0), Math.abs(y - drag.y0)].map((v) => Math.round(v));
    const rect = drag.rect;
    drag = null;
    if (box[2] < 3 || box[3] < 3) {
      hint.textContent = 'Drag a larger box (at least 3×3 pixels).';
      rect.remove();
      return;
    }
    segment({ box }, () => promptLayer.append(rect));
  });
  svg.addEventListener('click', (ev) => {
    if (prefs.mode !== 'point') return;
    const p = toImage(ev).map((v) => Math.round(v * 10) / 10);
    if (ev.shiftKey && prompt) prompt.neg.push(p);
    else prompt = { pos: [p], neg: [] };
    const body = prompt.neg.length ? { points: prompt.pos, negativePoints: prompt.neg } : { point: prompt.pos[0] };
    segment(body, drawPoints);
  });
  textForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = textForm.prompt.value.trim();
    if (!text) { toast('Type a prompt first', 'bad'); return; }
    segment({ text, maxResults: 10 }, () => {});
  });

  // ---------------------------------------------------------------- drawing
  let lastScale = 0;
  const maskCache = new Map(); // annotation id -> decoded mask bitmap (data URL), kept across zooms
  function currentScale(imagePerScreen = false) {
    const shown = img.getBoundingClientRect().width || W;
    return imagePerScreen ? W / shown : shown / W;
  }

  function draw() {
    clear(annLayer);
    annShapes.clear();
    const k = currentScale(true);
    for (const x of spatial) {
      const g = drawAnnotation(x, k, W, H, maskCache);
      if (!g) continue;
      g.addEventListener('mouseenter', () => highlight(x.id, true));
      g.addEventListener('mouseleave', () => highlight(x.id, false));
      g.addEventListener('click', () => annRows.get(x.id)?.scrollIntoView({ block: 'nearest' }));
      annShapes.set(x.id, g);
      annLayer.append(g);
    }
    // Proposals and prompts keep their geometry; only their tag sizes follow zoom.
    applyVisibility();
    stage.dataset.ready = '1';
    stage.dataset.shapes = String(annShapes.size);
  }

  function highlight(annId, on) {
    annShapes.get(annId)?.classList.toggle('hi', on);
    annRows.get(annId)?.classList.toggle('hi', on);
    for (const [other, g] of annShapes) if (other !== annId) g.classList.toggle('dim', on);
  }

  function layout() {
    if (!img.naturalWidth) return;
    let factor;
    if (prefs.zoom === 'fit') {
      const availW = Math.max(100, scroll.clientWidth - 4);
      const availH = Math.max(200, window.innerHeight - scroll.getBoundingClientRect().top - 40);
      factor = Math.min(availW / W, availH / H, 4);
    } else {
      factor = prefs.zoom;
    }
    img.style.width = `${Math.round(W * factor)}px`;
    img.style.height = `${Math.round(H * factor)}px`;
    for (const b of stageWrap.querySelectorAll('[data-zoom]')) b.classList.toggle('on', b.dataset.zoom === String(prefs.zoom));
    if (Math.abs(factor - lastScale) > 1e-6) {
      lastScale = factor;
      draw();
    }
  }

  const ro = new ResizeObserver(() => { if (prefs.zoom === 'fit') layout(); });
  ro.observe(scroll);
  ctx.onLeave(() => ro.disconnect());
  const onKey = (ev) => {
    if (ev.target.closest('input,textarea,select')) return;
    if (ev.key === 'ArrowLeft' && a.prev) location.hash = `#/a/${encodeURIComponent(a.prev)}`;
    if (ev.key === 'ArrowRight' && a.next) location.hash = `#/a/${encodeURIComponent(a.next)}`;
    if (ev.key === 'Escape') clearBtn.click();
  };
  window.addEventListener('keydown', onKey);
  ctx.onLeave(() => window.removeEventListener('keydown', onKey));

  setMode(prefs.mode);
  img.addEventListener('load', () => { if (ctx.alive()) layout(); });
  img.addEventListener('error', () => toast('The image could not be loaded', 'bad'));
  const src = await imageSource(a.imageUrl);
  if (src.startsWith('blob:')) ctx.onLeave(() => URL.revokeObjectURL(src));
  img.src = src;
}
