// Per-value and per-MiB seal time of this package beside @linode/kubeseal-encrypt,
// on the same key (namespace-wide: the only scope the peer has), in one run:
// - headless Chromium (Debian's /usr/bin/chromium), both packages in one page
//   served from 127.0.0.1 (a secure context: WebCrypto), wall clock;
// - Node, in this process, CPU time: the package as Node loads it (RSA-OAEP step
//   in node:crypto), its *Async API on WebCrypto, and all in WebAssembly.
// "Per value" is sequential: each seal awaited before the next, a 32-byte value,
// this package's certificate handle reused (`loadCertificate`); the peer has no
// handle and takes the PEM on every call (what its API offers).
// Optionally beside the native CLI (SEALTOKEN_BIN): one process per value, so its
// figure includes process start-up. Prints Markdown tables.
//
//   node bench/compare.mjs            (after ../build.sh --npm)
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createPublicKey, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encryptSecretItem } from '@linode/kubeseal-encrypt';
import { sealRaw, loadCertificate, Certificate } from '@sealtoken/kubeseal';
import { existsSync } from 'node:fs';
import { serve, launch, CHROMIUM, chromiumFigures } from '../test/helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const certPath = join(root, 'fixtures/upstream/controller.crt');
const CERT = readFileSync(certPath, 'utf8');
const PUBLIC_KEY = createPublicKey(CERT).export({ type: 'spki', format: 'pem' });
const token = randomBytes(16).toString('hex'); // 32 bytes
const mib = randomBytes(1 << 20).toString('base64').slice(0, 1 << 20);

// CPU time of this process (µs per call, all threads): steadier than wall-clock
// time on a shared machine. The cases take turns, round after round, in a new
// random order each round (as in Chromium); the median round is reported. The
// CLI rows are wall-clock (the work is in child processes).
async function rounds(cases, n, per) {
  const times = cases.map(() => []);
  for (const [, f, k = 1] of cases) for (let i = 0; i < per * k; i++) await f(); // warm-up
  for (let r = 0; r < n; r++) {
    const order = cases.map((_, i) => i).sort(() => Math.random() - 0.5);
    for (const i of order) {
      const [, f, k = 1] = cases[i];
      const m = Math.max(1, Math.round(per * k));
      const t0 = process.cpuUsage();
      for (let j = 0; j < m; j++) await f();
      const d = process.cpuUsage(t0);
      times[i].push((d.user + d.system) / m);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]);
}

async function wall(n, f) {
  for (let i = 0; i < Math.min(n, 5); i++) await f(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await f();
  return Number(process.hrtime.bigint() - t0) / 1e3 / n;
}

// Chromium first (the machine quieter), both packages in one page.
if (existsSync(CHROMIUM)) {
  const server = await serve({ isolated: true });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const t = await chromiumFigures(page, { rounds: 30, per: 30, mibRounds: 9, value: token });
    if (!t.isolated) throw new Error('the page is not cross-origin isolated: coarse timers');
    console.log(`Chromium (${t.ua.match(/Chrome\/[\d.]+/)?.[0]}), wall clock, one page (cross-origin isolated: 5 µs timers):\n`);
    console.log('| Implementation | per 32 B value: median round (best) | per MiB: median round (best) |');
    console.log('|---|---:|---:|');
    for (const [name, [v, vb], [m, mb]] of t.rows) {
      console.log(`| ${name} | ${v.toFixed(0)} µs (${vb.toFixed(0)}) | ${(m / 1000).toFixed(1)} ms (${(mb / 1000).toFixed(1)}) |`);
    }
    console.log();
  } finally {
    await browser.close();
    server.close();
  }
} else {
  console.log(`(${CHROMIUM} is not installed: no Chromium figures)\n`);
}

const rows = [];
const ours = (v) => () => sealRaw(CERT, v, { scope: 'namespace-wide', namespace: 'apps' });
const cert = loadCertificate(CERT);
const wasmOnly = loadCertificate(CERT, { nativeRsa: false });
if (!cert.nativeRsa || wasmOnly.nativeRsa) throw new Error('the package did not load through its Node entry point');
const handle = (c, v) => () => c.sealRaw(v, { scope: 'namespace-wide', namespace: 'apps' });
const peer = (v) => () => encryptSecretItem(PUBLIC_KEY, 'apps', v);
const web = new Certificate(CERT, { rsa: 'webcrypto' });
const asyncHandle = (c, v) => () => c.sealRawAsync(v, { scope: 'namespace-wide', namespace: 'apps' });
// [name, seal of a value v, share of the round's seals (the slow case does fewer)]
const cases = [
  ['@sealtoken/kubeseal `sealRaw`, RSA step in node:crypto, handle reused', (v) => handle(cert, v)],
  ['@sealtoken/kubeseal `sealRawAsync`, RSA step in node:crypto, handle reused', (v) => asyncHandle(cert, v)],
  ['@sealtoken/kubeseal `sealRawAsync`, RSA step in WebCrypto (`rsa: \'webcrypto\'`), handle reused', (v) => asyncHandle(web, v)],
  ['@sealtoken/kubeseal `sealRaw`, RSA step in node:crypto, PEM each call', (v) => ours(v)],
  ['@sealtoken/kubeseal `sealRaw`, all in WebAssembly (`nativeRsa: false`), handle reused', (v) => handle(wasmOnly, v), 0.2],
  ['@linode/kubeseal-encrypt `encryptSecretItem` (WebCrypto), PEM each call', (v) => peer(v)],
];
const small = await rounds(cases.map(([n, f, k]) => [n, f(token), k]), 15, 50);
const big = await rounds(cases.map(([n, f]) => [n, f(mib)]), 5, 2);
cases.forEach(([name], i) => rows.push([name, small[i], big[i]]));
if (process.env.SEALTOKEN_BIN) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const f = join(dir, 'mib');
  writeFileSync(f, mib);
  const cli = (input) => () =>
    execFileSync(process.env.SEALTOKEN_BIN, ['seal', '--raw', '--cert', certPath, '--scope', 'namespace-wide', '-n', 'apps', '--from-file', input], { maxBuffer: 64 << 20 });
  const t = join(dir, 'token');
  writeFileSync(t, token);
  rows.push(['sealtoken CLI (native, one process per value, wall clock)', await wall(20, cli(t)), await wall(5, cli(f))]);
}
console.log(`Node ${process.version}, CPU time of the process, median round:\n`);
const loadavg = (await import('node:os')).loadavg;
console.log('| Implementation | per 32 B value | per MiB |');
console.log('|---|---:|---:|');
for (const [name, v, m] of rows) console.log(`| ${name} | ${v.toFixed(0)} µs | ${(m / 1000).toFixed(1)} ms |`);
console.log(`\nLoad average at the end: ${loadavg().map((l) => l.toFixed(1)).join(', ')} (${(await import('node:os')).cpus().length} cores)`);
