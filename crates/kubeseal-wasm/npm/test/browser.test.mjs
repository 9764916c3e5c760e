// The npm package in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core), loaded as an ES module from the offline page's copy (web/pkg),
// served on 127.0.0.1 and, without WebCrypto, under another name over plain
// http; what it seals is opened with pyca/cryptography and the CLI. Counts every
// request the browser makes: only the page's own files are allowed.
// The page itself: test/page.test.mjs.
//
// Skips when /usr/bin/chromium is missing, unless SEALTOKEN_CI=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CERT, skipChromium as skip, cliUnseal, pyOpen, pyOpenSealed, serve, launch, open, assertOwnRequests, chromiumFigures } from './helpers.mjs';

const SCOPES = ['strict', 'namespace-wide', 'cluster-wide'];
const LABELS = { strict: 'apps/db', 'namespace-wide': 'apps', 'cluster-wide': '' };
const VALUE = 'p4ss w0rd \u00e9';

// In the page: every path the package offers there, every scope, both APIs.
async function sealEverywhere(page, cert, value) {
  return page.evaluate(async ([cert, value, scopes]) => {
    const pkg = await import('/pkg/index.js');
    const out = { subtle: Boolean(globalThis.crypto?.subtle), secure: isSecureContext, paths: {}, sealed: [] };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'apps' }, stringData: { password: value } };
    for (const rsa of ['auto', 'wasm']) {
      const c = new pkg.Certificate(cert, { rsa });
      out.paths[rsa] = { nativeRsa: c.nativeRsa, asyncRsa: c.asyncRsa };
      for (const scope of scopes) {
        const opts = { scope, namespace: 'apps', name: 'db' };
        out.sealed.push({ rsa, scope, api: 'sealRawAsync', raw: await c.sealRawAsync(value, opts) });
        out.sealed.push({ rsa, scope, api: 'sealRaw', raw: c.sealRaw(value, opts) });
        out.sealed.push({ rsa, scope, api: 'sealSecretAsync', manifest: await c.sealSecretAsync(secret, { scope }) });
      }
      c.free();
    }
    out.sealed.push({ rsa: 'module', scope: 'strict', api: 'sealRawAsync', raw: await pkg.sealRawAsync(cert, value, { namespace: 'apps', name: 'db' }) });
    out.sealed.push({ rsa: 'module', scope: 'strict', api: 'sealSecretAsync', manifest: await pkg.sealSecretAsync(cert, secret, { format: 'yaml' }) });
    return out;
  }, [cert, value, SCOPES]);
}

function checkAllOpen(sealed) {
  for (const s of sealed) {
    const what = `${s.api} ${s.scope} (${s.rsa})`;
    if (s.raw) {
      assert.equal(pyOpen(LABELS[s.scope], s.raw).toString(), VALUE, what);
    } else {
      assert.ok(!s.manifest.includes(VALUE), what);
      // pyca/cryptography reads JSON; the YAML output goes to the CLI.
      const opened = s.manifest.startsWith('---') ? cliUnseal(s.manifest).data : pyOpenSealed(s.manifest);
      assert.equal(Buffer.from(opened.password, 'base64').toString(), VALUE, what);
    }
  }
}

test('the package in Chromium: WebCrypto and WebAssembly paths, every scope, open with pyca/cryptography', { skip, timeout: 120_000 }, async () => {
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await launch();
  try {
    const { page, requests, errors } = await open(browser, `${origin}/`);
    const out = await sealEverywhere(page, CERT, VALUE);
    assert.equal(out.secure, true);
    assert.deepEqual(out.paths, { auto: { nativeRsa: false, asyncRsa: 'webcrypto' }, wasm: { nativeRsa: false, asyncRsa: 'wasm' } });
    assert.equal(out.sealed.length, 2 * 3 * 3 + 2);
    checkAllOpen(out.sealed);

    // A failing WebCrypto step: the one vague error, no value, the session keys overwritten.
    const failed = await page.evaluate(async ([cert]) => {
      const pkg = await import('/pkg/index.js');
      const handed = [];
      const real = crypto.subtle.encrypt;
      const results = [];
      for (const bad of [
        (alg, key, data) => { handed.push(data); throw new Error('boom s3cr3t'); },
        async (alg, key, data) => { handed.push(data); return new ArrayBuffer(7); },
      ]) {
        crypto.subtle.encrypt = bad;
        const c = new pkg.Certificate(cert);
        for (const f of [() => c.sealRawAsync('s3cr3t', { scope: 'cluster-wide' }),
          () => c.sealSecretAsync({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'b' }, stringData: { k: 's3cr3t' } })]) {
          try { await f(); results.push('sealed'); } catch (e) { results.push(`${e.constructor.name}: ${e.message}`); }
        }
      }
      crypto.subtle.encrypt = real;
      return { results, keys: handed.map((k) => [...k]) };
    }, [CERT]);
    assert.deepEqual(failed.results, Array(4).fill('Error: encryption failed'));
    assert.equal(failed.keys.length, 4);
    for (const k of failed.keys) assert.deepEqual(k, Array(32).fill(0));

    assert.deepEqual(errors, []);
    assertOwnRequests(requests, origin);
  } finally {
    await browser.close();
    server.close();
  }
});

test('over plain http from a name other than localhost (no crypto.subtle): the *Async API seals in WebAssembly', { skip, timeout: 120_000 }, async () => {
  const server = await serve();
  const port = server.address().port;
  // A name that is not localhost, resolved to the loopback server: not a secure context.
  const browser = await launch(['--host-resolver-rules=MAP sealtoken.test 127.0.0.1']);
  const origin = `http://sealtoken.test:${port}`;
  try {
    const { page, requests, errors } = await open(browser, `${origin}/`);
    const out = await sealEverywhere(page, CERT, VALUE);
    assert.equal(out.secure, false);
    assert.equal(out.subtle, false);
    assert.deepEqual(out.paths, { auto: { nativeRsa: false, asyncRsa: 'wasm' }, wasm: { nativeRsa: false, asyncRsa: 'wasm' } });
    checkAllOpen(out.sealed);
    const forced = await page.evaluate(async (cert) => {
      const pkg = await import('/pkg/index.js');
      try { new pkg.Certificate(cert, { rsa: 'webcrypto' }); return 'made'; } catch (e) { return `${e.constructor.name}: ${e.message}`; }
    }, CERT);
    assert.equal(forced, 'TypeError: WebCrypto (crypto.subtle) is not available here');
    // The page itself seals there too.
    await page.fill('#cert', CERT);
    await page.fill('#namespace', 'apps');
    await page.fill('#name', 'db');
    await page.fill('#pairs .k', 'password');
    await page.fill('#pairs .v', VALUE);
    await page.click('#seal');
    await page.waitForFunction(() => document.getElementById('output').value.includes('SealedSecret'));
    assert.equal(Buffer.from(cliUnseal(await page.inputValue('#output')).data.password, 'base64').toString(), VALUE);
    assert.deepEqual(errors, []);
    assertOwnRequests(requests, origin);
  } finally {
    await browser.close();
    server.close();
  }
});

// A short look at the speed, printed, not asserted (a loaded machine would make
// it flaky): the figures for the README come from bench/compare.mjs.
test('the package beside @linode/kubeseal-encrypt in one Chromium page (printed)', { skip, timeout: 120_000 }, async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const t = await chromiumFigures(page, { rounds: 5, per: 10, mibRounds: 2, value: 'x'.repeat(32) });
    for (const [name, [v], [m]] of t.rows) console.log(`# chromium: ${name}: ${v.toFixed(0)} µs per 32 B value, ${(m / 1000).toFixed(1)} ms per MiB`);
  } finally {
    await browser.close();
    server.close();
  }
});
