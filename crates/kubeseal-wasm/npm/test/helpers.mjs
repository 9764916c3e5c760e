// What the browser test and the benchmark share: the oracles that open what the
// package sealed (the CLI's `unseal`, pyca/cryptography through
// tests/interop/hybrid.py), and a loopback server for web/ in headless Chromium.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const web = join(root, 'web');
export const upstream = join(root, 'fixtures/upstream');
export const CERT = readFileSync(join(upstream, 'controller.crt'), 'utf8');
export const KEY = join(upstream, 'controller.key');
export const BIN = process.env.SEALTOKEN_BIN ?? join(root, 'target/debug/sealtoken');
export const PYTHON = process.env.SEALTOKEN_PYTHON ?? 'python3';
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** The reason to skip a Chromium test (none under SEALTOKEN_CI=1). */
export const skipChromium = !existsSync(CHROMIUM) && process.env.SEALTOKEN_CI !== '1' ? `${CHROMIUM} is not installed` : false;

const dir = mkdtempSync(join(tmpdir(), 'kubeseal-wasm-'));

/** The Secret the CLI's `unseal` opens from a sealed manifest (JSON or YAML). */
export function cliUnseal(sealed) {
  const f = join(dir, `sealed-${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(f, sealed);
  return JSON.parse(execFileSync(BIN, ['unseal', '--key', KEY, '-f', f, '-o', 'json'], { encoding: 'utf8' }));
}

/** pyca/cryptography opening every value of a sealed manifest: { key: base64 }. */
export function pyOpenSealed(sealed) {
  const out = execFileSync(PYTHON, [join(root, 'tests/interop/hybrid.py'), 'open-sealed', KEY], { input: sealed, encoding: 'utf8' });
  return JSON.parse(out);
}

/** pyca/cryptography opening one raw value under `label`. */
export function pyOpen(label, sealed) {
  const input = JSON.stringify([{ label: Buffer.from(label).toString('base64'), sealed }]);
  const out = execFileSync(PYTHON, [join(root, 'tests/interop/hybrid.py'), 'open', KEY], { input, encoding: 'utf8' });
  return Buffer.from(JSON.parse(out)[0], 'base64');
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };
const peer = join(root, 'crates/kubeseal-wasm/npm/node_modules/@linode/kubeseal-encrypt/dist/index.js');

/**
 * Serves web/ on 127.0.0.1 (and, under /peer/, `@linode/kubeseal-encrypt` for
 * the benchmark), with the page's CSP also as a header, as a static host would.
 */
export function serve() {
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = path === '/peer/index.js' ? peer : join(web, normalize(path === '/' ? '/index.html' : path));
    if (!file.startsWith(web) && file !== peer) { res.writeHead(403).end(); return; }
    try {
      const body = readFileSync(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (file.endsWith('.html')) headers['content-security-policy'] = csp;
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Headless Chromium; `args` are extra command-line switches. */
export async function launch(args = []) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', ...args] });
}

/** A page that records every request and every error. */
export async function open(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1300 } });
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  return { page, requests, errors };
}

/** The page's own files: the only requests it may make. */
export const PAGE_FILES = ['/', '/index.html', '/style.css', '/pkg/page.js'];
/** The package as the browser test loads it from the page's copy (ES modules). */
export const PACKAGE_FILES = ['/pkg/index.js', '/pkg/pkg/kubeseal_wasm.js', '/pkg/pkg/wasm-bytes.js'];

/** Every request went to `origin`, for one of `files` (default: the page's and the package's). */
export function assertOwnRequests(requests, origin, files = [...PAGE_FILES, ...PACKAGE_FILES]) {
  const own = new Set(files);
  for (const u of requests) {
    const url = new URL(u);
    assert.equal(url.origin, origin, `request to another origin: ${u}`);
    assert.ok(own.has(url.pathname), `unexpected request: ${u}`);
  }
}
