// The image view: every stored annotation is drawn (one SVG element per
// spatial annotation, one side-panel item per label or text), layers toggle by
// source and class, and the auto-annotate playground draws what the
// segmentation engine finds for a click, a dragged box and a text prompt.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, REPO, SPATIAL, openBrowser, openPage, shot, api, getJson, demoAssets, openAsset, screenPoint, until, python,
} from './lib.mjs';

// Inserts an image with two masks straight into the store file (no dialect
// stores masks in the demo): the red disc of shapes-circle.png as COCO RLE
// with a counts list, and a 50x30 rectangle as a compressed COCO counts string.
const MASK_SCRIPT = `
import sys, uuid, hashlib, time, json, sqlite3
import numpy as np
from PIL import Image
db, ws, path = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(path, "rb").read()
px = np.array(Image.open(path).convert("RGB"))
h, w = px.shape[:2]
def rle(mask):
    flat = mask.T.reshape(-1)  # COCO runs are column-major, starting with zeros
    counts, cur, n = [], 0, 0
    for v in flat:
        if v != cur:
            counts.append(n); cur, n = v, 0
        n += 1
    counts.append(n)
    return counts
def rle_string(cnts):
    out = []
    for i, x in enumerate(cnts):
        if i > 2: x -= cnts[i - 2]
        more = True
        while more:
            c = x & 0x1f; x >>= 5
            more = (x != -1) if (c & 0x10) else (x != 0)
            if more: c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)
disc = (px[:, :, 0] == 255) & (px[:, :, 1] == 0)
rect = np.zeros((h, w), dtype=bool); rect[20:50, 10:60] = True
now = int(time.time() * 1000); sha = hashlib.sha256(data).hexdigest()
c = sqlite3.connect(db, timeout=30); c.execute("PRAGMA busy_timeout=30000")
ds, asset = str(uuid.uuid4()), str(uuid.uuid4())
with c:
    c.execute("INSERT OR IGNORE INTO blobs(sha256,size,crc32c,md5,bytes,created_at) VALUES (?,?,?,?,?,?)", (sha, len(data), 0, hashlib.md5(data).hexdigest(), data, now))
    c.execute("INSERT INTO datasets(id,workspace_id,name,created_at,updated_at) VALUES (?,?,?,?,?)", (ds, ws, "masks", now, now))
    c.execute("INSERT INTO assets(id,workspace_id,dataset_id,filename,blob_sha256,mime,width,height,size,created_at,updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", (asset, ws, ds, "masks.png", sha, "image/png", w, h, len(data), now, now))
    for i, (label, src, conf, counts) in enumerate([("disc", "pictograph", 0.93, rle(disc)), ("patch", "model", None, rle_string(rle(rect)))]):
        c.execute("INSERT INTO annotations(id,workspace_id,dataset_id,asset_id,kind,label,geometry,confidence,source,created_at,updated_at) VALUES (?,?,?,?,'mask',?,?,?,?,?,?)",
                  (str(uuid.uuid4()), ws, ds, asset, label, json.dumps({"rle": {"counts": counts, "size": [h, w]}}), conf, src, now + i, now + i))
print(json.dumps({"asset": asset, "disc": int(disc.sum()), "patch": int(rect.sum())}))
`;

const byName = (assets, filename, dataset = DEMO.datasets.shapes) => assets.find((a) => a.filename === filename && a.dataset === dataset);

describe('image view', () => {
  let browser;
  let assets;
  before(async () => {
    browser = await openBrowser();
    assets = await demoAssets();
  });
  after(async () => { await browser.close(); });

  test('draws exactly the stored annotations on every demo image', async () => {
    assert.equal(assets.length, 11);
    const page = await openPage(browser);
    for (const a of assets) {
      await openAsset(page, a.id);
      const drawn = await page.$$eval('#overlay [data-annotation-id]', (els) => els.map((e) => e.getAttribute('data-annotation-id')));
      const beside = await page.$$eval('#text-annotations [data-annotation-id]', (els) => els.map((e) => e.getAttribute('data-annotation-id')));
      const spatial = a.annotations.filter((x) => SPATIAL.has(x.kind)).map((x) => x.id);
      const other = a.annotations.filter((x) => !SPATIAL.has(x.kind)).map((x) => x.id);
      assert.deepEqual(drawn, spatial, `${a.filename}: drawn shapes`);
      assert.deepEqual(beside.sort(), other.sort(), `${a.filename}: labels and texts`);
      assert.equal(drawn.length + beside.length, a.annotations.length);
      assert.equal(await page.textContent('#shape-count'), `${spatial.length} of ${spatial.length} shapes shown`);
      // Each kind is drawn as its own SVG shape.
      for (const x of a.annotations.filter((y) => SPATIAL.has(y.kind))) {
        const tag = { bbox: 'rect', polygon: 'polygon', polyline: 'polyline', point: 'circle', mask: 'image' }[x.kind];
        assert.equal(await page.locator(`#overlay [data-annotation-id="${x.id}"] ${tag}.shape`).count(), 1, `${x.kind} ${x.id}`);
      }
    }
    await openAsset(page, byName(assets, 'astronaut.jpg', DEMO.datasets.photos).id);
    await shot(page, '10-image-astronaut');
    await openAsset(page, byName(assets, 'shapes-multi.png').id);
    await shot(page, '11-image-shapes-multi');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('masks are drawn as translucent overlays, decoded from both COCO RLE forms', async () => {
    const ws = (await api('POST', '/_emulator/workspaces', { name: 'ui-masks' })).json;
    const made = python(MASK_SCRIPT, ws.id, `${REPO}fixtures/images/shapes-circle.png`);
    assert.equal(made.disc, 7232); // fixtures/README.md: the red disc's filled pixels
    const stored = await getJson(`/_emulator/assets/${made.asset}`);
    const page = await openPage(browser);
    await openAsset(page, made.asset);
    assert.equal(await page.locator('#overlay image.shape.mask').count(), 2);
    for (const x of stored.annotations) {
      // Count the opaque pixels of the bitmap each mask was drawn with.
      const opaque = await page.evaluate(async (id) => {
        const el = document.querySelector(`#overlay [data-annotation-id="${id}"] image.mask`);
        const img = new Image();
        img.src = el.getAttribute('href');
        await img.decode();
        const cv = document.createElement('canvas');
        cv.width = img.width;
        cv.height = img.height;
        const cx = cv.getContext('2d');
        cx.drawImage(img, 0, 0);
        const d = cx.getImageData(0, 0, cv.width, cv.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      }, x.id);
      assert.equal(opaque, made[x.label], `${x.label} mask pixels`);
    }
    // Layers by source: two sources, each toggles its own mask.
    await page.uncheck('[data-layers="source"] input[data-layer="pictograph"]');
    assert.equal(await page.getAttribute('#shape-count', 'data-shown'), '1');
    await page.check('[data-layers="source"] input[data-layer="pictograph"]');
    assert.match(await page.textContent('#ann-list'), /disc 93%/);
    await shot(page, '17-masks');
    assert.deepEqual(page.errors, []);
    await page.close();
    await api('DELETE', `/_emulator/workspaces/${ws.id}`);
  });

  test('a bbox is drawn where it is stored', async () => {
    const a = byName(assets, 'shapes-rect.png');
    const box = a.annotations.find((x) => x.kind === 'bbox');
    const page = await openPage(browser);
    await openAsset(page, a.id);
    const rect = page.locator(`#overlay [data-annotation-id="${box.id}"] rect.shape`);
    for (const [attr, key] of [['x', 'x'], ['y', 'y'], ['width', 'w'], ['height', 'h']]) {
      assert.equal(Number(await rect.getAttribute(attr)), box.geometry[key]);
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('layers toggle by class and by source', async () => {
    const a = byName(assets, 'shapes-multi.png');
    const page = await openPage(browser);
    await openAsset(page, a.id);
    const spatial = a.annotations.filter((x) => SPATIAL.has(x.kind));
    const visibleCount = () => page.$$eval('#overlay [data-annotation-id]', (els) => els.filter((e) => getComputedStyle(e).display !== 'none').length);
    assert.equal(await visibleCount(), spatial.length);

    const circles = spatial.filter((x) => x.label === 'circle').length;
    assert.ok(circles > 0);
    await page.uncheck('[data-layers="class"] input[data-layer="circle"]');
    assert.equal(await visibleCount(), spatial.length - circles);
    assert.equal(await page.getAttribute('#shape-count', 'data-shown'), String(spatial.length - circles));
    await shot(page, '12-layers-no-circle');
    await page.check('[data-layers="class"] input[data-layer="circle"]');
    assert.equal(await visibleCount(), spatial.length);

    const sources = [...new Set(a.annotations.map((x) => x.source))];
    for (const src of sources) await page.uncheck(`[data-layers="source"] input[data-layer="${src}"]`);
    assert.equal(await visibleCount(), 0);
    // Labels and texts follow the same toggles.
    assert.equal(await page.locator('#text-annotations [data-annotation-id].off').count(),
      a.annotations.length - spatial.length);
    await page.click('#layers button:text("Show all")');
    assert.equal(await visibleCount(), spatial.length);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('captions, tags and question-answer pairs are shown beside the image', async () => {
    const page = await openPage(browser);
    const vqa = assets.find((a) => a.dataset === DEMO.datasets.vqa);
    await openAsset(page, vqa.id);
    for (const x of vqa.annotations) {
      const qa = JSON.parse(x.text);
      const item = page.locator(`#text-annotations [data-annotation-id="${x.id}"]`);
      assert.equal(await item.locator('.q').textContent(), qa.question);
      assert.equal(await item.locator('.a').textContent(), String(qa.answer));
    }
    await shot(page, '13-vqa');
    const photo = byName(assets, 'coffee.jpg', DEMO.datasets.photos);
    await openAsset(page, photo.id);
    const caption = photo.annotations.find((x) => x.kind === 'text');
    assert.match(await page.locator(`#text-annotations [data-annotation-id="${caption.id}"]`).textContent(), new RegExp(caption.text.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const tag = photo.annotations.find((x) => x.kind === 'classification');
    assert.equal(await page.locator(`#text-annotations .chip[data-annotation-id="${tag.id}"]`).textContent(), tag.label);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('playground: a click on an object draws a new polygon around it', async () => {
    const a = byName(assets, 'shapes-multi.png');
    const page = await openPage(browser);
    await openAsset(page, a.id);
    const before = await page.locator('#overlay [data-annotation-id]').count();
    await page.click('#playground-modes [data-mode="point"]');
    const p = await screenPoint(page, 60, 50); // inside the blue rectangle (24,24)-(120,88)
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('#overlay [data-proposal="0"] path.shape');
    const d = await page.getAttribute('#overlay [data-proposal="0"] path.shape', 'd');
    assert.equal(d, 'M24,24L120,24L120,88L24,88Z');
    assert.equal(await page.locator('#overlay [data-proposal]').count(), 1);
    assert.equal(await page.locator('#overlay [data-annotation-id]').count(), before, 'stored shapes unchanged');
    assert.match(await page.textContent('#segment-results'), /score 0\.9\d\d/);
    await shot(page, '14-playground-point');
    // Nothing was stored.
    const after = await getJson(`/_emulator/assets/${a.id}`);
    assert.equal(after.annotations.length, a.annotations.length);

    // Shift-click adds a negative point: the prompt is re-run, still one region.
    const n = await screenPoint(page, 232, 72);
    await page.keyboard.down('Shift');
    await page.mouse.click(n.x, n.y);
    await page.keyboard.up('Shift');
    await until(async () => (await page.locator('.layer-prompts circle').count()) === 2, { what: 'the negative point' });
    await page.waitForSelector('#overlay [data-proposal="0"]');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('playground: a dragged box and a text prompt', async () => {
    const a = byName(assets, 'shapes-multi.png');
    const page = await openPage(browser);
    await openAsset(page, a.id);
    await page.click('#playground-modes [data-mode="box"]');
    const p0 = await screenPoint(page, 180, 20);
    const p1 = await screenPoint(page, 290, 125);
    await page.mouse.move(p0.x, p0.y);
    await page.mouse.down();
    await page.mouse.move((p0.x + p1.x) / 2, (p0.y + p1.y) / 2, { steps: 4 });
    await page.mouse.move(p1.x, p1.y, { steps: 4 });
    await page.mouse.up();
    await page.waitForSelector('#overlay [data-proposal="0"] path.shape');
    const box = await page.textContent('#segment-results [data-result="0"]');
    assert.match(box, /box 188,28 88×88/, 'the yellow disc (bbox 188,28 88x88)');
    await shot(page, '15-playground-box');

    await page.click('#playground-modes [data-mode="text"]');
    await page.fill('#segment-text input[name="prompt"]', 'green triangle');
    await page.click('#segment-text button');
    await page.waitForSelector('#segment-results [data-result="0"]');
    assert.match(await page.textContent('#segment-results [data-result="0"]'), /box 76,132 168×84/);
    await shot(page, '16-playground-text');
    await page.click('#playground-modes [data-mode="view"]');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('previous and next step through the dataset', async () => {
    const shapes = await getJson(`/_emulator/datasets/${DEMO.datasets.shapes}/assets`);
    const page = await openPage(browser);
    await openAsset(page, shapes.items[0].id);
    for (const item of shapes.items.slice(1)) {
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector(`h1:text("${item.filename}")`);
      await page.waitForSelector('#stage[data-ready="1"]');
    }
    assert.equal(await page.locator('[data-nav-asset="next"]').count(), 0, 'no next on the last image');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
