// With --admin-key the console's page still loads (it holds no data), every
// data call answers 401 until the key is entered in the console's dialog, and
// then images load through the key as well.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, openBrowser, openPage, shot, until } from './lib.mjs';

const KEY = 'ui-admin-key-0123456789';

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

describe('admin key', () => {
  let browser;
  let proc;
  let base;
  let dir;
  let exited;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vs-ui-key-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = spawn(process.env.VS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--db', join(dir, 'vs.db'),
      '--seed', process.env.VS_FIXTURES, '--admin-key', KEY, '--quiet', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; });
    exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, stderr: () => stderr })));
    await until(async () => {
      try { return (await fetch(`${base}/_emulator/health`)).ok; } catch { return false; }
    }, { what: 'the second server' });
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    proc.kill('SIGTERM');
    const { code, stderr } = await exited;
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, `server exit status (stderr: ${stderr()})`);
    assert.doesNotMatch(stderr(), /AddressSanitizer|runtime error:|LeakSanitizer/);
  });

  test('asks for the key, then shows the data and the images', async () => {
    assert.equal((await fetch(`${base}/_emulator/workspaces`)).status, 401);
    assert.equal((await fetch(`${base}/_emulator/ui/`)).status, 200);
    const page = await openPage(browser, ['401']);
    await page.goto(`${base}/_emulator/ui/`);
    await page.waitForSelector('#key-dialog[open]');
    await shot(page, '30-admin-key-dialog');
    await page.fill('#key-dialog input[name="key"]', KEY);
    await page.click('#key-dialog button[type="submit"]');
    await page.waitForSelector(`[data-workspace-card="${DEMO.id}"] .keys`);
    await page.goto(`${base}/_emulator/ui/#/d/${DEMO.datasets.shapes}`);
    await page.waitForSelector('#thumbs .thumb');
    await until(() => page.evaluate(() => [...document.querySelectorAll('#thumbs img')]
      .every((i) => i.complete && i.naturalWidth > 0 && i.src.startsWith('blob:'))), { what: 'thumbnails through the key' });
    await page.locator('#thumbs .thumb').first().click();
    await page.waitForSelector('#stage[data-ready="1"]');
    assert.ok(await page.evaluate(() => document.querySelector('#stage img').naturalWidth > 0));
    await shot(page, '31-admin-key-image');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
