// Jobs, journal and faults: an import run through a vendor dialect is watched
// in the Jobs view until it is done (and its result drawn), a workspace purge
// is watched to "succeeded", vendor traffic shows in the journal, and fault
// rules are added and switched off and on from the Faults view.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE, REPO, DEMO, SPATIAL, openBrowser, openPage, shot, api, getJson, openAsset, crc32c, until, python,
} from './lib.mjs';

const IMAGES = ['shapes-rect.png', 'shapes-circle.png', 'shapes-multi.png'];

// n annotations on one asset of a new dataset, straight into the store file.
const PURGE_SCRIPT = `
import sys, uuid, hashlib, time, sqlite3
db, ws, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = sqlite3.connect(db, timeout=30); c.execute("PRAGMA busy_timeout=30000")
now = int(time.time()*1000); data = b"purge-test-bytes"; sha = hashlib.sha256(data).hexdigest()
with c:
    c.execute("INSERT OR IGNORE INTO blobs(sha256,size,crc32c,md5,bytes,created_at) VALUES (?,?,?,?,?,?)", (sha, len(data), 0, hashlib.md5(data).hexdigest(), data, now))
    ds = str(uuid.uuid4()); asset = str(uuid.uuid4())
    c.execute("INSERT INTO datasets(id,workspace_id,name,created_at,updated_at) VALUES (?,?,?,?,?)", (ds, ws, "big", now, now))
    c.execute("INSERT INTO assets(id,workspace_id,dataset_id,filename,blob_sha256,mime,width,height,size,created_at,updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", (asset, ws, ds, "x.png", sha, "image/png", 10, 10, len(data), now, now))
    c.executemany("INSERT INTO annotations(id,workspace_id,dataset_id,asset_id,kind,label,geometry,created_at,updated_at) VALUES (?,?,?,?,'bbox','thing','{\\"x\\":1,\\"y\\":1,\\"w\\":2,\\"h\\":2}',?,?)", ((asset + "-%07d" % i, ws, ds, asset, now, now) for i in range(n)))
`;

function viHeaders(keys) {
  return { Authorization: `Bearer ${keys.vi.secretKey}`, 'Organization-Id': keys.vi.organizationId };
}

async function viServed() {
  const cov = await getJson('/_emulator/coverage');
  const paths = (cov.dialects.vi || []).map((r) => `${r.method} ${r.path}`);
  return ['POST /workspaces/{org}/datasets',
    'POST /workspaces/{org}/datasets/{ds}/assetSources/managed/datature/transient/assetIngestionSessions',
    'POST /workspaces/{org}/datasets/{ds}/annotationImportSessions'].every((p) => paths.includes(p));
}

// The row of a job in the Jobs view, waited for by type and state.
async function waitJobRow(page, type, state, timeout = 20000) {
  const sel = `#jobs tr[data-job-type="${type}"][data-state="${state}"]`;
  await page.waitForSelector(sel, { timeout });
  return page.locator(sel).first();
}

describe('activity', () => {
  let browser;
  before(async () => { browser = await openBrowser(); });
  after(async () => {
    await api('POST', '/_emulator/clock', { mode: 'real' });
    await browser.close();
  });

  test('an import through the Vi dialect is watched in the Jobs view until done', async (t) => {
    if (!(await viServed())) {
      t.skip('this build serves no Vi import routes; the purge test below covers job progress');
      return;
    }
    const ws = (await api('POST', '/_emulator/workspaces', { name: 'ui-import' })).json;
    const org = ws.keys.vi.organizationId;
    const H = viHeaders(ws.keys);
    const ds = await api('POST', `/workspaces/${org}/datasets`, { name: 'imported-shapes', type: 'phrase-grounding' }, H);
    assert.equal(ds.status, 201, ds.text);
    const D = `/workspaces/${org}/datasets/${ds.json.datasetId.includes('_') ? ds.json.datasetId : `${org}_${ds.json.datasetId}`}`;

    const page = await openPage(browser);
    await page.goto(`${BASE}/_emulator/ui/#/jobs`);
    await page.waitForSelector('#jobs-live');
    // Freeze time from the console: the ingestion job then waits for the clock.
    await page.click('#clock-toggle');
    await page.waitForSelector('#clock-mode:text("frozen")');

    // 1. Images: an asset ingestion session, then one PUT per file.
    const files = IMAGES.map((name) => ({ name, bytes: readFileSync(`${REPO}fixtures/images/${name}`) }));
    const session = await api('POST', `${D}/assetSources/managed/datature/transient/assetIngestionSessions`, {
      spec: {
        assets: files.map((f) => ({ filename: f.name, mime: 'image/png', size: f.bytes.length, crc32c: crc32c(f.bytes) | 0, customMetadata: null, kind: 'Image' })),
        kind: 'Upload', failureMode: 'FailAfterOne', onAssetOverwritten: 'RemoveLinkedResource',
      },
    }, H);
    assert.ok(session.status === 200 || session.status === 201, session.text);
    const queued = await waitJobRow(page, 'vi.asset_ingest', 'queued');
    await shot(page, '20-jobs-import-queued');
    for (const entry of session.json.status.assets) {
      const f = files.find((x) => x.name === entry.metadata.filename);
      const put = await api(entry.upload.method || 'PUT', entry.upload.url, new Uint8Array(f.bytes), entry.upload.headers || {});
      assert.equal(put.status, 200, put.text);
    }
    assert.equal(await queued.getAttribute('data-state'), 'queued', 'waits for the frozen clock');
    // Advance the virtual clock from the console: the job runs and finishes.
    await page.click('[data-advance="1000"]');
    const done = await waitJobRow(page, 'vi.asset_ingest', 'succeeded');
    assert.equal(await done.locator('.progress.done').count(), 1);
    await shot(page, '21-jobs-import-succeeded');

    // 2. Annotations: a JSONL import session (upload, then PATCH FilesInserted).
    const boxes = { 'shapes-rect.png': [[32, 40, 96, 88, 128, 128]], 'shapes-circle.png': [[80, 48, 176, 144, 256, 192]], 'shapes-multi.png': [[24, 24, 120, 88, 320, 240], [188, 28, 276, 116, 320, 240]] };
    const lines = Object.entries(boxes).map(([name, bs]) => JSON.stringify({
      asset_id: name,
      caption: `shapes in ${name}`,
      grounded_phrases: bs.map(([x0, y0, x1, y1, w, h]) => ({ phrase: 'shapes', bbox: [x0 / w, y0 / h, x1 / w, y1 / h] })),
    })).join('\n') + '\n';
    const jsonl = Buffer.from(lines);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32c(jsonl));
    const imp = await api('POST', `${D}/annotationImportSessions`, {
      spec: { uploadBefore: (await getJson('/_emulator/clock')).now + 3300000, failurePolicies: { onBadAnnotation: 'RejectSession', onBadFile: 'RejectSession', onOverwritten: 'RejectSession' }, source: 'UploadedIndividualFiles' },
      metadata: { attributes: {} },
    }, H);
    assert.ok(imp.status === 200 || imp.status === 201, imp.text);
    const sid = imp.json.annotationImportSessionId || imp.json.id || imp.json.sessionId;
    assert.ok(sid, `no session id in ${imp.text}`);
    const up = await api('POST', `${D}/annotationImportSessions/${sid}/files`, { files: { 'boxes.jsonl': { sizeBytes: jsonl.length, crc32c: crc.toString('base64'), kind: 'Unknown' } } }, H);
    assert.equal(up.status, 200, up.text);
    const target = up.json.files['boxes.jsonl'];
    assert.equal((await api(target.method, target.url, new Uint8Array(jsonl), target.headers || {})).status, 200);
    const patch = await api('PATCH', `${D}/annotationImportSessions/${sid}/status`, { status: { conditions: [{ condition: 'FilesInserted', status: 'Reached', lastTransitionTime: (await getJson('/_emulator/clock')).now }] } }, H);
    assert.equal(patch.status, 200, patch.text);
    await page.click('[data-advance="1000"]');
    const imported = await waitJobRow(page, 'vi.annotation_import', 'succeeded');
    assert.equal(await imported.locator('.progress.done').count(), 1);
    assert.equal(await imported.locator('.progress-cell small').textContent(), String(Object.keys(boxes).length));
    await shot(page, '22-jobs-annotation-import');
    await page.click('#clock-toggle');
    await page.waitForSelector('#clock-mode:text("real")');

    // 3. The imported images and boxes are in the console.
    const dsList = await getJson(`/_emulator/workspaces/${ws.id}/datasets`);
    assert.equal(dsList.items.length, 1);
    assert.equal(dsList.items[0].assetCount, IMAGES.length);
    const multi = (await getJson(`/_emulator/datasets/${dsList.items[0].id}/assets`)).items.find((x) => x.filename === 'shapes-multi.png');
    const full = await getJson(`/_emulator/assets/${multi.id}`);
    const spatial = full.annotations.filter((x) => SPATIAL.has(x.kind));
    assert.equal(spatial.length, 2);
    await openAsset(page, multi.id);
    assert.equal(await page.locator('#overlay [data-annotation-id]').count(), 2);
    // The rows carry the Vi dialect's namespace: they form their own layer.
    assert.ok(full.annotations.every((x) => x.dialect === 'vi'), JSON.stringify(full.annotations));
    await page.uncheck('[data-layers="dialect"] input[data-layer="vi"]');
    assert.equal(await page.getAttribute('#shape-count', 'data-shown'), '0');
    await page.check('[data-layers="dialect"] input[data-layer="vi"]');
    assert.equal(await page.getAttribute('#shape-count', 'data-shown'), '2');
    await shot(page, '23-imported-image');
    assert.deepEqual(page.errors, []);
    await page.close();
    await api('DELETE', `/_emulator/workspaces/${ws.id}`);
  });

  test('deleting a big workspace is watched in the Jobs view until the purge succeeds', async () => {
    const ws = (await api('POST', '/_emulator/workspaces', { name: 'ui-purge' })).json;
    // Many rows straight into the store file (the harness does the same in pytest).
    python(PURGE_SCRIPT, ws.id, '60000');

    const page = await openPage(browser);
    page.on('dialog', (d) => d.accept());
    await page.goto(`${BASE}/_emulator/ui/#/w/${ws.id}`);
    await page.waitForSelector('.stat b:text("60,000")');
    await page.click('[data-action="delete"]');
    await page.waitForSelector('#jobs');
    const job = await until(async () => (await getJson('/_emulator/jobs?limit=50')).items
      .find((j) => j.type === 'workspace.purge' && j.payload.workspace === ws.id), { what: 'the purge job' });
    await page.waitForSelector(`#jobs tr[data-job-id="${job.id}"][data-state="succeeded"]`, { timeout: 60000 });
    const row = page.locator(`#jobs tr[data-job-id="${job.id}"]`);
    const removed = Number((await row.locator('.progress-cell small').textContent()).replace(/,/g, ''));
    assert.ok(removed >= 60000 + 3, `rows removed: ${removed}`);
    assert.equal(await row.locator('.progress.done').count(), 1);
    await row.click();
    await page.waitForSelector('#jobs tr.detail');
    assert.match(await page.textContent('#jobs tr.detail'), /rowsRemoved/);
    await shot(page, '24-jobs-purge');
    assert.equal((await api('GET', `/_emulator/workspaces/${ws.id}`)).status, 404);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('vendor traffic appears in the journal, with its bodies', async () => {
    const page = await openPage(browser);
    await page.goto(`${BASE}/_emulator/ui/#/journal`);
    await page.waitForSelector('#journal-live');
    const marker = `ui-journal-${Date.now()}`;
    const r = await api('GET', `/workspaces/${DEMO.keys.vi.organizationId}/datasets/${DEMO.keys.vi.organizationId}_${marker}`, undefined, viHeaders(DEMO.keys));
    assert.equal(r.status, 404);
    const row = page.locator(`#journal tr[data-status="404"]`, { hasText: marker });
    await row.waitFor({ timeout: 10000 });
    assert.match(await row.textContent(), /vi/);
    await row.click();
    await page.waitForSelector('#journal tr.detail');
    assert.match(await page.textContent('#journal tr.detail'), /Response body/);
    await shot(page, '25-journal');
    // The console's own calls are hidden unless asked for.
    assert.equal(await page.locator('#journal tbody tr[data-journal-id] .badge.d-admin').count(), 0);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('fault rules are added, switched off and on, and deleted from the Faults view', async () => {
    await api('DELETE', '/_emulator/faults');
    const page = await openPage(browser);
    await page.goto(`${BASE}/_emulator/ui/#/faults`);
    await page.waitForSelector('#fault-form');
    await page.selectOption('#fault-form select[name="dialect"]', 'pictograph');
    await page.fill('#fault-form input[name="route"]', '/api/v1/developer/**');
    await page.fill('#fault-form input[name="status"]', '503');
    await page.fill('#fault-form input[name="times"]', '2');
    await page.click('#fault-form button[type="submit"]');
    await page.waitForSelector('#faults tr[data-fault]:not([data-fault="off"])');
    let rules = (await getJson('/_emulator/faults')).items;
    assert.equal(rules.length, 1);
    assert.equal(rules[0].status, 503);
    assert.equal(rules[0].dialect, 'pictograph');
    await shot(page, '26-faults');

    await page.click('#faults [data-toggle]');
    await page.waitForSelector('#faults tr[data-fault="off"]');
    assert.equal((await getJson('/_emulator/faults')).items.length, 0, 'switched off = no rule on the server');
    await page.click('#faults tr[data-fault="off"] [data-toggle]');
    await page.waitForSelector('#faults tr[data-fault]:not([data-fault="off"])');
    rules = (await getJson('/_emulator/faults')).items;
    assert.equal(rules.length, 1);
    assert.equal(rules[0].times, 2);
    await page.click('#faults tr[data-fault] button.danger');
    await page.waitForSelector('#fault-list .empty');
    assert.equal((await getJson('/_emulator/faults')).items.length, 0);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
