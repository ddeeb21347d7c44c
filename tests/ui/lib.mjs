// lib.mjs — shared helpers for the console's browser tests: the browser (Debian's
// Chromium through playwright-core, headless, fresh profile, nothing but the
// local server reachable), a page that records script errors, screenshots,
// and plain HTTP calls to the server under test.
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE = process.env.VS_BASE;
if (!BASE) throw new Error('VS_BASE is not set: run the tests through tests/ui/run.sh');
export const ARTIFACTS = process.env.VS_ARTIFACTS || new URL('./artifacts/', import.meta.url).pathname;
export const REPO = new URL('../../', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

// The demo workspace of fixtures/ (fixtures/README.md, "Demo keys").
export const DEMO = {
  id: 'a35f96c9-9f7b-4f7a-9ba3-b4cf20c383f3',
  keys: {
    vi: {
      secretKey: 'dtvi_UsZB6dG9YWzQgj84ZxcX9EkdYlf73DOYBGUoEQJvu4rURvfjHuVQSiHIH0ZbJdNEJUOMREO56F96JlDa74UYbR0k7LPDlHCamJ',
      organizationId: '07c3d844-794f-4bde-a77e-0fd211a7a4f7',
    },
    pictograph: 'pk_demo_54dd978b50061058a80a78af1786eaea',
    ximilar: '5e06c2c2f9813e8ba110737b6820c9a60624d51e',
    labelbox: 'lb_demo_ObDxXExZTn7w3B6p921Jxezh5y0FgqEtGdIgaAaZ',
  },
  datasets: {
    photos: '72416885-ec72-4d62-9b4a-9424b753b6b1',
    shapes: 'b8161e12-3f81-4cca-ac09-36ee945c88cb',
    vqa: '32ea5779-a226-44f6-accf-d8f7ce526dd6',
  },
};

export const SPATIAL = new Set(['bbox', 'polygon', 'polyline', 'point', 'mask']);

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

// A browser context on a fresh profile directory. Every request that is not for
// the server under test is aborted and remembered in `outside`.
export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'vs-ui-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
    acceptDownloads: false,
  });
  const base = new URL(BASE);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base.origin });
  const outside = [];
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    // Loopback only: the server under test (and the admin-key test's second server).
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === base.hostname) return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  return {
    context,
    outside,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A page whose uncaught exceptions and console errors are collected; `allow`
// lists console-error substrings a test expects (a deliberate 401, say).
export async function openPage(browser, allow = []) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !allow.some((a) => m.text().includes(a))) errors.push(`console: ${m.text()}`);
  });
  page.errors = errors;
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

export async function api(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    if (body instanceof Uint8Array || typeof body === 'string') {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  const resp = await fetch(path.startsWith('http') ? path : BASE + path, init);
  const text = await resp.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: resp.status, headers: resp.headers, json, text };
}

export async function getJson(path) {
  const r = await api('GET', path);
  if (r.status !== 200) throw new Error(`GET ${path} -> ${r.status} ${r.text}`);
  return r.json;
}

// Every asset of the demo workspace, each with its full record.
export async function demoAssets() {
  const out = [];
  for (const ds of Object.values(DEMO.datasets)) {
    const page = await getJson(`/_emulator/datasets/${ds}/assets?limit=500`);
    for (const a of page.items) out.push(await getJson(`/_emulator/assets/${a.id}`));
  }
  return out;
}

// Opens the image view of an asset and waits until the overlay is drawn.
export async function openAsset(page, id) {
  await page.goto(`${BASE}/_emulator/ui/#/a/${id}`);
  await page.waitForSelector(`#stage[data-asset-id="${id}"][data-ready="1"]`);
}

// Page coordinates of an image pixel in the open image view.
export async function screenPoint(page, x, y) {
  return page.evaluate(([px, py]) => {
    const svg = document.getElementById('overlay');
    const r = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    return { x: r.left + (px * r.width) / vb.width, y: r.top + (py * r.height) / vb.height };
  }, [x, y]);
}

// CRC32C (Castagnoli), as the Vi upload flow announces it.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();
export function crc32c(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export async function until(fn, { timeout = 15000, interval = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// Runs a Python snippet with Debian's python3 (sqlite3, PIL, numpy) to put rows
// straight into the server's store file, as the pytest harness does; returns
// its stdout parsed as JSON (or null when it printed nothing).
export function python(script, ...args) {
  const r = spawnSync('/usr/bin/python3', ['-c', script, process.env.VS_DB, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : null;
}
