// The console shell: served from the binary and offline, workspaces with their
// keys (copy buttons), datasets with counts, the image grid, the clock, the
// store view.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, DEMO, REPO, openBrowser, openPage, shot, api, getJson, until, python,
} from './lib.mjs';

// A dataset of n copies of one fixture image, inserted straight into the store.
const MANY_SCRIPT = `
import sys, uuid, hashlib, time, json, sqlite3
db, ws, path, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = open(path, "rb").read(); sha = hashlib.sha256(data).hexdigest(); now = int(time.time() * 1000)
c = sqlite3.connect(db, timeout=30); c.execute("PRAGMA busy_timeout=30000")
ds = str(uuid.uuid4())
with c:
    c.execute("INSERT OR IGNORE INTO blobs(sha256,size,crc32c,md5,bytes,created_at) VALUES (?,?,?,?,?,?)", (sha, len(data), 0, hashlib.md5(data).hexdigest(), data, now))
    c.execute("INSERT INTO datasets(id,workspace_id,name,created_at,updated_at) VALUES (?,?,?,?,?)", (ds, ws, "many", now, now))
    for i in range(n):
        c.execute("INSERT INTO assets(id,workspace_id,dataset_id,filename,blob_sha256,mime,width,height,size,created_at,updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", (str(uuid.uuid4()), ws, ds, "img%04d.png" % i, sha, "image/png", 128, 128, len(data), now + i, now + i))
print(json.dumps({"dataset": ds}))
`;

describe('console shell', () => {
  let browser;
  before(async () => { browser = await openBrowser(); });
  after(async () => { await browser.close(); });

  test('is served from the binary with a strict content policy and loads nothing from outside', async () => {
    const index = await api('GET', '/_emulator/ui/');
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /^text\/html/);
    assert.match(index.headers.get('content-security-policy'), /default-src 'self'/);
    const js = await api('GET', '/_emulator/ui/app.js');
    assert.match(js.headers.get('content-type'), /^text\/javascript/);

    const page = await openPage(browser);
    const failed = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    await page.goto(`${BASE}/_emulator/ui/`);
    await page.waitForSelector(`[data-workspace-card="${DEMO.id}"] .keys`);
    assert.equal(await page.title(), 'visionstack console');
    await shot(page, '01-workspaces');
    assert.deepEqual(browser.outside, [], 'the console asked for something outside the server');
    assert.deepEqual(failed, []);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('shows the demo keys, and each copy button copies its key', async () => {
    const page = await openPage(browser);
    await page.goto(`${BASE}/_emulator/ui/`);
    const card = page.locator(`[data-workspace-card="${DEMO.id}"]`);
    await card.locator('.keys').waitFor();
    const shown = await card.locator('.keys .v').allTextContents();
    assert.deepEqual(shown, [DEMO.keys.vi.secretKey, DEMO.keys.vi.organizationId, DEMO.keys.pictograph,
      DEMO.keys.ximilar, DEMO.keys.labelbox]);
    for (const key of [DEMO.keys.vi.secretKey, DEMO.keys.pictograph, DEMO.keys.labelbox]) {
      const btn = card.locator(`button[data-copy="${key}"]`);
      await btn.click();
      await until(async () => (await btn.textContent()) === 'Copied', { what: 'the Copied state' });
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a workspace page lists its datasets with the stored counts', async () => {
    const expected = await getJson(`/_emulator/workspaces/${DEMO.id}/datasets`);
    const page = await openPage(browser);
    await page.goto(`${BASE}/_emulator/ui/`);
    await page.locator(`[data-workspace-card="${DEMO.id}"] a.btn.primary`).click();
    await page.waitForSelector('#datasets');
    assert.equal(await page.locator('h1').textContent(), 'demo');
    const rows = page.locator('#datasets tbody tr');
    assert.equal(await rows.count(), expected.items.length);
    for (const d of expected.items) {
      const row = page.locator(`#datasets tr[data-dataset="${d.id}"]`);
      assert.equal(await row.locator('[data-count="assets"]').textContent(), String(d.assetCount));
      assert.equal(await row.locator('[data-count="annotations"]').textContent(), String(d.annotationCount));
    }
    const stats = await page.locator('.stat b').allTextContents();
    assert.deepEqual(stats.slice(0, 3), [String(expected.counts.datasets), String(expected.counts.assets),
      String(expected.counts.annotations)]);
    await shot(page, '02-workspace');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a dataset shows a grid of server-made thumbnails', async () => {
    const page = await openPage(browser);
    await page.goto(`${BASE}/_emulator/ui/#/w/${DEMO.id}`);
    await page.locator(`#datasets tr[data-dataset="${DEMO.datasets.photos}"] a`).click();
    await page.waitForSelector('#thumbs');
    const listing = await getJson(`/_emulator/datasets/${DEMO.datasets.photos}/assets`);
    const cards = page.locator('#thumbs .thumb');
    assert.equal(await cards.count(), listing.total);
    await until(() => page.evaluate(() => [...document.querySelectorAll('#thumbs img')]
      .every((i) => i.complete && i.naturalWidth > 0)), { what: 'thumbnails to load' });
    const sizes = await page.evaluate(() => [...document.querySelectorAll('#thumbs img')]
      .map((i) => Math.max(i.naturalWidth, i.naturalHeight)));
    for (const s of sizes) assert.ok(s > 0 && s <= 320, `thumbnail edge ${s}`);
    for (const a of listing.items) {
      assert.equal(await page.locator(`.thumb[data-asset="${a.id}"] [data-annotation-count]`).getAttribute('data-annotation-count'),
        String(a.annotationCount));
    }
    await shot(page, '03-dataset-grid');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a workspace created from the form shows its keys', async () => {
    const page = await openPage(browser);
    await page.goto(`${BASE}/_emulator/ui/`);
    await page.fill('#create-workspace input[name="name"]', 'made-in-the-console');
    await page.click('#create-workspace button');
    await page.waitForSelector('h1:text("made-in-the-console")');
    const id = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    const ws = await getJson(`/_emulator/workspaces/${id}`);
    assert.equal(ws.name, 'made-in-the-console');
    const shown = await page.locator('.keys .v').allTextContents();
    assert.deepEqual(shown, [ws.keys.vi.secretKey, ws.keys.vi.organizationId, ws.keys.pictograph, ws.keys.ximilar,
      ws.keys.labelbox]);
    await page.waitForSelector(`#sidebar-workspaces a[data-workspace="${id}"]`);
    assert.equal(await page.textContent('.empty'), 'No datasets in this workspace yet.');
    assert.deepEqual(page.errors, []);
    await page.close();
    await api('DELETE', `/_emulator/workspaces/${id}`);
  });

  test('a large dataset is paged with "Load more"', async () => {
    const ws = (await api('POST', '/_emulator/workspaces', { name: 'ui-many' })).json;
    const { dataset } = python(MANY_SCRIPT, ws.id, `${REPO}fixtures/images/shapes-rect.png`, '130');
    const page = await openPage(browser);
    await page.goto(`${BASE}/_emulator/ui/#/d/${dataset}`);
    await page.waitForSelector('#thumbs');
    assert.equal(await page.locator('#thumbs .thumb').count(), 60);
    assert.equal(await page.textContent('#grid-footer .subtle'), 'Showing 60 of 130');
    await page.click('#load-more');
    await until(async () => (await page.locator('#thumbs .thumb').count()) === 120, { what: 'the second page' });
    await page.click('#load-more');
    await until(async () => (await page.locator('#thumbs .thumb').count()) === 130, { what: 'the last page' });
    assert.equal(await page.isHidden('#load-more'), true);
    const names = await page.locator('#thumbs .thumb .name').allTextContents();
    assert.deepEqual(names, Array.from({ length: 130 }, (_, i) => `img${String(i).padStart(4, '0')}.png`));
    assert.deepEqual(page.errors, []);
    await page.close();
    await api('DELETE', `/_emulator/workspaces/${ws.id}`);
  });

  test('"Empty" removes a workspace\'s data and keeps its keys', async () => {
    const ws = (await api('POST', '/_emulator/workspaces', { name: 'ui-empty' })).json;
    python(MANY_SCRIPT, ws.id, `${REPO}fixtures/images/shapes-rect.png`, '3');
    const page = await openPage(browser);
    page.on('dialog', (d) => d.accept());
    await page.goto(`${BASE}/_emulator/ui/#/w/${ws.id}`);
    await page.waitForSelector('#datasets tbody tr');
    await page.click('[data-action="reset"]');
    await page.waitForSelector('.empty:text("No datasets in this workspace yet.")');
    const after = await getJson(`/_emulator/workspaces/${ws.id}/datasets`);
    assert.equal(after.counts.assets, 0);
    assert.deepEqual((await getJson(`/_emulator/workspaces/${ws.id}`)).keys, ws.keys);
    assert.deepEqual(page.errors, []);
    await page.close();
    await api('DELETE', `/_emulator/workspaces/${ws.id}`);
  });

  test('the clock can be frozen, advanced and set running again', async () => {
    const page = await openPage(browser);
    await page.goto(`${BASE}/_emulator/ui/`);
    await page.waitForSelector('#clock-mode:text("real")');
    await page.click('#clock-toggle');
    await page.waitForSelector('#clock-mode:text("frozen")');
    const frozen = await getJson('/_emulator/clock');
    assert.equal(frozen.mode, 'frozen');
    await page.click('[data-advance="3600000"]');
    await until(async () => (await getJson('/_emulator/clock')).now === frozen.now + 3600000, { what: 'the advance' });
    await until(async () => Number(await page.getAttribute('#clock-now', 'data-ms')) === frozen.now + 3600000,
      { what: 'the clock display' });
    await page.fill('#clock-custom input[name="ms"]', '250');
    await page.click('#clock-custom button');
    await until(async () => (await getJson('/_emulator/clock')).now === frozen.now + 3600250, { what: 'the custom advance' });
    await shot(page, '04-clock-frozen');
    await page.click('#clock-toggle');
    await page.waitForSelector('#clock-mode:text("real")');
    assert.equal((await getJson('/_emulator/clock')).mode, 'real');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the store view saves and lists a snapshot and shows coverage', async () => {
    const page = await openPage(browser);
    await page.goto(`${BASE}/_emulator/ui/#/store`);
    await page.waitForSelector('#snapshot-form');
    await page.fill('#snapshot-form input[name="name"]', 'ui-test');
    await page.click('#snapshot-form button');
    await page.waitForSelector('#snapshots tr[data-snapshot="ui-test"]');
    const snaps = await getJson('/_emulator/snapshots');
    assert.ok(snaps.items.some((s) => s.name === 'ui-test'));
    const coverage = await getJson('/_emulator/coverage');
    for (const [dialect, ops] of Object.entries(coverage.dialects)) {
      const summary = await page.locator(`#coverage details[data-dialect="${dialect}"] summary`).textContent();
      assert.match(summary, new RegExp(`${ops.length} operations`));
    }
    await shot(page, '05-store');
    await api('DELETE', '/_emulator/snapshots/ui-test');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
