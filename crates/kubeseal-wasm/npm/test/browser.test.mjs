// The offline page (web/) in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core): served on 127.0.0.1, filled by keyboard and mouse, sealed;
// the output is opened with the CLI and the demo key. Counts every request the
// browser makes: only the page's own files are allowed. Screenshot: target/web-page.png.
//
// Skips when /usr/bin/chromium is missing, unless SEALTOKEN_CI=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPublicKey } from 'node:crypto';
import { webhookPath } from '../index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const web = join(root, 'web');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const BIN = process.env.SEALTOKEN_BIN ?? join(root, 'target/debug/sealtoken');
const upstream = join(root, 'fixtures/upstream');
const CERT = readFileSync(join(upstream, 'controller.crt'), 'utf8');
const skip = !existsSync(CHROMIUM) && process.env.SEALTOKEN_CI !== '1' ? `${CHROMIUM} is not installed` : false;

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };
// web/ and, under /peer/, the comparison package (for the in-browser timing only).
const peer = join(root, 'crates/kubeseal-wasm/npm/node_modules/@linode/kubeseal-encrypt/dist/index.js');
function serve() {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = path === '/peer/index.js' ? peer : join(web, normalize(path === '/' ? '/index.html' : path));
    if (!file.startsWith(web) && file !== peer) { res.writeHead(403).end(); return; }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('the offline page seals in Chromium, offline, by keyboard', { skip, timeout: 120_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1300 } });
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${origin}/`);

    await page.fill('#cert', CERT);
    await page.waitForFunction(() => document.getElementById('cert-info').textContent.includes('SHA-256'));
    // Keyboard: Tab into the namespace field and type, as a user would.
    await page.focus('#namespace');
    await page.keyboard.type('apps');
    await page.keyboard.press('Tab');
    await page.keyboard.type('db');
    await page.fill('#pairs .k', 'password');
    await page.fill('#pairs .v', 'hunter2 p4ss');
    await page.focus('#seal');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('output').value.includes('SealedSecret'));
    const sealed = await page.inputValue('#output');
    assert.ok(!sealed.includes('hunter2'));
    const dir = mkdtempSync(join(tmpdir(), 'web-'));
    writeFileSync(join(dir, 'db.yaml'), sealed);
    const opened = JSON.parse(execFileSync(BIN, ['unseal', '--key', join(upstream, 'controller.key'), '-f', join(dir, 'db.yaml'), '-o', 'json'], { encoding: 'utf8' }));
    assert.equal(opened.metadata.namespace, 'apps');
    assert.equal(opened.metadata.name, 'db');
    assert.equal(Buffer.from(opened.data.password, 'base64').toString(), 'hunter2 p4ss');

    // The Flux tab, reached with the arrow key.
    await page.focus('#tab-secret');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.isVisible('#panel-flux'), true);
    await page.fill('#flux-receivers', 'github, gitlab');
    await page.click('#flux-run');
    await page.waitForSelector('#flux-token-box:not([hidden])');
    const token = await page.textContent('#flux-token');
    assert.match(token, /^[0-9a-f]{32}$/);
    const paths = await page.$$eval('#flux-paths li', (lis) => lis.map((li) => li.textContent));
    assert.deepEqual(paths, [`github: ${webhookPath(token, 'github')}`, `gitlab: ${webhookPath(token, 'gitlab')}`]);
    const fluxSealed = await page.inputValue('#output');
    writeFileSync(join(dir, 'token.yaml'), fluxSealed);
    const tok = JSON.parse(execFileSync(BIN, ['unseal', '--key', join(upstream, 'controller.key'), '-f', join(dir, 'token.yaml'), '-o', 'json'], { encoding: 'utf8' }));
    assert.equal(Buffer.from(tok.data.token, 'base64').toString(), token);

    mkdirSync(join(root, 'target'), { recursive: true });
    await page.screenshot({ path: join(root, 'target/web-page.png'), fullPage: true });

    assert.deepEqual(errors, []);
    const own = new Set(['/', '/style.css', '/app.js', '/pkg/index.js', '/pkg/pkg/kubeseal_wasm.js', '/pkg/pkg/wasm-bytes.js']);
    for (const u of requests) {
      const url = new URL(u);
      assert.equal(url.origin, origin, `request to another origin: ${u}`);
      assert.ok(own.has(url.pathname), `unexpected request: ${u}`);
    }
    console.log(`# page requests: ${requests.length} (${[...new Set(requests.map((u) => new URL(u).pathname))].join(' ')})`);

    // Per-value seal time in Chromium, beside @linode/kubeseal-encrypt (served for this only).
    const times = await page.evaluate(async ([cert, pub]) => {
      const ours = await import('/pkg/index.js');
      const theirs = await import('/peer/index.js');
      const value = 'x'.repeat(32);
      const mib = 'y'.repeat(1 << 20);
      const handle = ours.loadCertificate(cert);
      const opts = { scope: 'namespace-wide', namespace: 'apps' };
      const time = async (n, f) => {
        for (let i = 0; i < 5; i++) await f();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await f();
        return ((performance.now() - t0) * 1000) / n;
      };
      return {
        handle: await time(100, () => handle.sealRaw(value, opts)),
        ours: await time(100, () => ours.sealRaw(cert, value, opts)),
        theirs: await time(100, () => theirs.encryptSecretItem(pub, 'apps', value)),
        handleMib: await time(5, () => handle.sealRaw(mib, opts)),
        theirsMib: await time(5, () => theirs.encryptSecretItem(pub, 'apps', mib)),
      };
    }, [CERT, createPublicKey(CERT).export({ type: 'spki', format: 'pem' })]);
    console.log(`# chromium per value: @sealtoken/kubeseal ${times.handle.toFixed(0)} µs (loadCertificate), ${times.ours.toFixed(0)} µs (PEM each call), @linode/kubeseal-encrypt ${times.theirs.toFixed(0)} µs`);
    console.log(`# chromium per MiB: @sealtoken/kubeseal ${(times.handleMib / 1000).toFixed(1)} ms, @linode/kubeseal-encrypt ${(times.theirsMib / 1000).toFixed(1)} ms`);
  } finally {
    await browser.close();
    server.close();
  }
});
