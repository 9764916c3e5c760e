// What the browser test and the benchmark share: the oracles that open what the
// package sealed (the CLI's `unseal`, pyca/cryptography through
// tests/interop/hybrid.py), and a loopback server for web/ in headless Chromium.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createPublicKey } from 'node:crypto';
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
 * the benchmark), with the page's CSP also as a header, as a static host would;
 * `isolated` adds the headers of cross-origin isolation (finer timers).
 */
export function serve({ isolated = false } = {}) {
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
      if (isolated) {
        // Cross-origin isolation: performance.now() to 5 µs rather than 100 µs (the benchmark).
        headers['cross-origin-opener-policy'] = 'same-origin';
        headers['cross-origin-embedder-policy'] = 'require-corp';
      }
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

/**
 * Seal time in `page` (served by `serve`, so the peer is under /peer/) of this
 * package beside @linode/kubeseal-encrypt, same key, namespace-wide: per value
 * (`value`, sequential, each seal awaited before the next, this package's
 * handle reused; the peer takes the PEM each call) and per MiB. The
 * implementations take turns, round after round (in a new random order each
 * round), so that load on the machine falls on all of them alike; each row
 * gives [median round, best round] in µs per seal. Used by bench/compare.mjs,
 * and briefly by the browser test.
 */
export async function chromiumFigures(page, { rounds: n, per, mibRounds, value }) {
  const pub = createPublicKey(CERT).export({ type: 'spki', format: 'pem' });
  return page.evaluate(async ([cert, pub, value, n, per, mibRounds]) => {
    const ours = await import('/pkg/index.js');
    const theirs = await import('/peer/index.js');
    const mib = 'y'.repeat(1 << 20);
    const opts = { scope: 'namespace-wide', namespace: 'apps' };
    const handle = ours.loadCertificate(cert);
    const wasmOnly = ours.loadCertificate(cert, { rsa: 'wasm' });
    if (handle.asyncRsa !== 'webcrypto') throw new Error(`async path ${handle.asyncRsa}`);
    const cases = [
      ['@sealtoken/kubeseal `sealRawAsync` (RSA-OAEP in WebCrypto), handle reused', (v) => handle.sealRawAsync(v, opts)],
      ['@sealtoken/kubeseal `sealRawAsync`, PEM each call (one-entry cache)', (v) => ours.sealRawAsync(cert, v, opts)],
      ['@sealtoken/kubeseal `sealRaw` (all in WebAssembly), handle reused', (v) => wasmOnly.sealRaw(v, opts)],
      ['@linode/kubeseal-encrypt `encryptSecretItem` (WebCrypto), PEM each call', (v) => theirs.encryptSecretItem(pub, 'apps', v)],
    ];
    const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
    const rounds = async (n, per, input) => {
      const times = cases.map(() => []);
      for (const [, f] of cases) for (let i = 0; i < per; i++) await f(input); // warm-up
      for (let r = 0; r < n; r++) {
        // A new order each round: no case always follows the same one (whose
        // leftovers, garbage or WebCrypto work, it would pay for).
        const order = cases.map((_, i) => i).sort(() => Math.random() - 0.5);
        for (const i of order) {
          const f = cases[i][1];
          const t0 = performance.now();
          for (let j = 0; j < per; j++) await f(input);
          times[i].push(((performance.now() - t0) * 1000) / per);
        }
      }
      return times.map((t) => [median(t), Math.min(...t)]);
    };
    const small = await rounds(n, per, value);
    const big = await rounds(mibRounds, 1, mib);
    return { rows: cases.map(([name], i) => [name, small[i], big[i]]), ua: navigator.userAgent, isolated: crossOriginIsolated };
  }, [CERT, pub, value, n, per, mibRounds]);
}
