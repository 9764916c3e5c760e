// The npm package against the CLI's `unseal`, the independent pyca/cryptography
// implementation (tests/interop/hybrid.py) and upstream's vectors (test/helpers.mjs).
//
// Environment (set by tests/integration/wasm.rs): SEALTOKEN_BIN, the CLI;
// SEALTOKEN_PYTHON, a python with pyca/cryptography.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import crypto, { createPublicKey } from 'node:crypto';
import { upstream, CERT, KEY, BIN, cliUnseal, pyOpen, pyOpenSealed } from './helpers.mjs';

// The package as Node resolves it (package.json "exports", condition "node": node.js,
// whose sealing runs the RSA-OAEP step in node:crypto). `pure` seals entirely in WebAssembly.
import { sealSecret, sealRaw, sealSecretAsync, sealRawAsync, certInfo, generateToken, webhookPath, tokenSecret, receiver, unseal, diagnose, backend, loadCertificate, Certificate } from '@sealtoken/kubeseal';

const PUBLIC_KEY = createPublicKey(CERT).export({ type: 'spki', format: 'pem' });
const dir = mkdtempSync(join(tmpdir(), 'kubeseal-wasm-'));

const SCOPES = ['strict', 'namespace-wide', 'cluster-wide'];
const VALUE = 'p4ss w0rd\n\u00e9';
const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'apps' },
  stringData: { password: VALUE },
  data: { bin: Buffer.from([0, 1, 2, 255]).toString('base64') },
};

test('backend is the pure-Rust one', () => {
  assert.equal(backend, 'rustcrypto');
});

const pure = (cert) => new Certificate(cert, { nativeRsa: false });
const native = (cert) => {
  const c = loadCertificate(cert);
  assert.equal(c.nativeRsa, true);
  return c;
};
const PATHS = [['node:crypto RSA', native], ['WebAssembly RSA', pure]];

for (const scope of SCOPES) {
  for (const [certKind, cert] of [['certificate', CERT], ['bare public key', PUBLIC_KEY]]) {
   // Both paths for the certificate; the bare key (same code past parsing) on Node's.
   for (const [path, via] of cert === CERT ? PATHS : PATHS.slice(0, 1)) {
    test(`sealSecret ${scope} (${certKind}, ${path}) opens with the CLI and with pyca/cryptography`, () => {
      const sealed = sealSecret(via(cert), secret, { scope, format: 'json' });
      assert.ok(!sealed.includes(VALUE));
      const doc = JSON.parse(sealed);
      assert.equal(doc.kind, 'SealedSecret');
      const opened = cliUnseal(sealed);
      assert.equal(Buffer.from(opened.data.password, 'base64').toString(), VALUE);
      assert.deepEqual([...Buffer.from(opened.data.bin, 'base64')], [0, 1, 2, 255]);
      const py = pyOpenSealed(sealed);
      assert.equal(Buffer.from(py.password, 'base64').toString(), VALUE);
      assert.deepEqual([...Buffer.from(py.bin, 'base64')], [0, 1, 2, 255]);
    });
   }
  }

  for (const [path, via] of PATHS) {
    test(`sealRaw ${scope} (${path}) opens with pyca/cryptography under its label only`, () => {
      const sealed = sealRaw(via(CERT), VALUE, { scope, namespace: 'apps', name: 'db' });
      const label = { strict: 'apps/db', 'namespace-wide': 'apps', 'cluster-wide': '' }[scope];
      assert.equal(pyOpen(label, sealed).toString(), VALUE);
      assert.throws(() => pyOpen('other/label', sealed));
      const f = join(dir, `raw-${scope}-${path}.json`);
      writeFileSync(f, JSON.stringify({
        apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret',
        metadata: { name: 'db', namespace: 'apps', annotations: {
          ...(scope === 'namespace-wide' && { 'sealedsecrets.bitnami.com/namespace-wide': 'true' }),
          ...(scope === 'cluster-wide' && { 'sealedsecrets.bitnami.com/cluster-wide': 'true' }),
        } },
        spec: { encryptedData: { v: sealed }, template: { metadata: { name: 'db', namespace: 'apps' } } },
      }));
      const opened = JSON.parse(execFileSync(BIN, ['unseal', '--key', KEY, '-f', f, '-o', 'json'], { encoding: 'utf8' }));
      assert.equal(Buffer.from(opened.data.v, 'base64').toString(), VALUE);
    });
  }
}

// The *Async API on each path Node offers: node:crypto (auto), WebCrypto (forced:
// Node has crypto.subtle too) and WebAssembly; every scope, both checkers.
const ASYNC_PATHS = [['auto', 'node:crypto'], ['webcrypto', 'webcrypto'], ['wasm', 'wasm']];
for (const [rsa, path] of ASYNC_PATHS) {
  test(`sealSecretAsync and sealRawAsync (${path}) open with the CLI and pyca/cryptography, every scope`, async () => {
    const cert = new Certificate(CERT, { rsa });
    assert.equal(cert.asyncRsa, path);
    for (const scope of SCOPES) {
      const sealed = await cert.sealSecretAsync(secret, { scope });
      assert.ok(!sealed.includes(VALUE));
      const py = pyOpenSealed(sealed);
      assert.equal(Buffer.from(py.password, 'base64').toString(), VALUE);
      assert.deepEqual([...Buffer.from(py.bin, 'base64')], [0, 1, 2, 255]);
      assert.equal(Buffer.from(cliUnseal(sealed).data.password, 'base64').toString(), VALUE);
      const label = { strict: 'apps/db', 'namespace-wide': 'apps', 'cluster-wide': '' }[scope];
      const raw = await cert.sealRawAsync(VALUE, { scope, namespace: 'apps', name: 'db' });
      assert.equal(pyOpen(label, raw).toString(), VALUE);
      assert.throws(() => pyOpen('other/label', raw));
    }
    // The same errors as the synchronous API, as rejections.
    await assert.rejects(cert.sealRawAsync('s3cr3t', { scope: 'strict', namespace: 'apps' }), (e) =>
      /must provide the name option/.test(e.message) && !e.message.includes('s3cr3t'));
    await assert.rejects(cert.sealSecretAsync(secret, { scope: 'global' }), /unknown scope "global"/);
    cert.free();
  });
}

test('module-level *Async functions: the fastest path in Node is node:crypto', async (t) => {
  assert.equal(loadCertificate(CERT).asyncRsa, 'node:crypto');
  const encrypt = t.mock.method(crypto.subtle, 'encrypt');
  const sealed = await sealSecretAsync(CERT, secret, { format: 'yaml' });
  assert.match(sealed, /^---\napiVersion: bitnami.com\/v1alpha1\nkind: SealedSecret\n/);
  assert.equal(pyOpen('apps/db', await sealRawAsync(CERT, VALUE, { namespace: 'apps', name: 'db' })).toString(), VALUE);
  assert.equal(encrypt.mock.callCount(), 0);
  assert.throws(() => new Certificate(CERT, { rsa: 'openssl' }), TypeError);
});

test('WebCrypto path: one importKey per handle, one encrypt per value, session keys overwritten once settled', async (t) => {
  const importKey = t.mock.method(crypto.subtle, 'importKey');
  const seen = [];
  const real = crypto.subtle.encrypt.bind(crypto.subtle);
  t.mock.method(crypto.subtle, 'encrypt', (alg, key, data) => {
    const copy = Buffer.from(data);
    seen.push({ alg, data, copy });
    return real(alg, key, data);
  });
  const cert = new Certificate(CERT, { rsa: 'webcrypto' });
  await cert.sealSecretAsync(secret);
  await Promise.all([cert.sealRawAsync(VALUE, { scope: 'cluster-wide' }), cert.sealRawAsync(VALUE, { scope: 'cluster-wide' })]);
  assert.equal(importKey.mock.callCount(), 1);
  assert.equal(seen.length, 4);
  assert.deepEqual(seen.map((s) => Buffer.from(s.alg.label).toString()), ['apps/db', 'apps/db', '', '']);
  for (const { alg, data, copy } of seen) {
    assert.equal(alg.name, 'RSA-OAEP');
    assert.equal(copy.length, 32);
    assert.ok(!copy.equals(Buffer.alloc(32)), 'a real session key was handed over');
    // The session key's ArrayBuffer, once the promise settled: all zero.
    assert.ok(Buffer.from(data).equals(Buffer.alloc(32)), 'session key left in the ArrayBuffer');
  }
  cert.free();
});

test('a failing WebCrypto step: "encryption failed", never a value or the key, keys still overwritten', async (t) => {
  for (const [what, bad] of [
    ['encrypt throws', () => t.mock.method(crypto.subtle, 'encrypt', (_, __, k) => { throw new Error(`boom ${Buffer.from(k).toString('hex')} s3cr3t`); })],
    ['encrypt rejects', () => t.mock.method(crypto.subtle, 'encrypt', async (_, __, k) => { throw new Error(`boom ${Buffer.from(k).toString('hex')}`); })],
    ['wrong size', () => t.mock.method(crypto.subtle, 'encrypt', async () => new ArrayBuffer(10))],
    ['importKey fails', () => t.mock.method(crypto.subtle, 'importKey', async () => { throw new Error('no s3cr3t'); })],
  ]) {
    const handed = [];
    const real = crypto.subtle.encrypt.bind(crypto.subtle);
    t.mock.method(crypto.subtle, 'encrypt', (alg, key, data) => { handed.push(data); return real(alg, key, data); });
    bad();
    const cert = new Certificate(CERT, { rsa: 'webcrypto' });
    for (const seal of [
      () => cert.sealRawAsync('s3cr3t', { scope: 'strict', namespace: 'apps', name: 'db' }),
      () => cert.sealSecretAsync({ ...secret, stringData: { password: 's3cr3t' } }),
    ]) {
      await assert.rejects(seal(), (e) => {
        assert.ok(e instanceof Error, what);
        assert.equal(e.message, 'encryption failed', what);
        return true;
      });
    }
    for (const k of handed) assert.ok(Buffer.from(k).equals(Buffer.alloc(32)), `${what}: session key left`);
    t.mock.restoreAll();
    cert.free();
  }
  const cert = new Certificate(CERT, { rsa: 'webcrypto' });
  assert.equal(pyOpen('apps/db', await cert.sealRawAsync(VALUE, { scope: 'strict', namespace: 'apps', name: 'db' })).toString(), VALUE);
});

test('in Node the RSA-OAEP step runs in node:crypto (counted), unless nativeRsa: false', (t) => {
  const calls = [];
  const real = crypto.publicEncrypt;
  t.mock.method(crypto, 'publicEncrypt', (options, sessionKey) => {
    // Copies made during the call: the arguments are views of the module's memory.
    calls.push({ options, label: Buffer.from(options.oaepLabel), sessionKey, seen: Buffer.from(sessionKey) });
    return real(options, sessionKey);
  });
  const cert = loadCertificate(CERT);
  assert.equal(cert.nativeRsa, true);
  const sealed = cert.sealRaw(VALUE, { scope: 'strict', namespace: 'apps', name: 'db' });
  assert.equal(calls.length, 1);
  const [{ options, label, sessionKey, seen }] = calls;
  assert.equal(options.padding, crypto.constants.RSA_PKCS1_OAEP_PADDING);
  assert.equal(options.oaepHash, 'sha256');
  assert.equal(label.toString(), 'apps/db');
  assert.equal(seen.length, 32);
  // The session key is read in place from the module's memory, which the module
  // wipes after AES-GCM: the bytes publicEncrypt saw are no longer there.
  assert.ok(sessionKey.length === 0 || !seen.equals(Buffer.from(sessionKey)), 'session key left in memory');
  assert.equal(pyOpen('apps/db', sealed).toString(), VALUE);
  // One call per value: sealSecret with two keys, and the plain functions.
  sealSecret(CERT, secret, { scope: 'cluster-wide' });
  assert.equal(calls.length, 3);
  assert.equal(calls[2].label.length, 0);
  sealRaw(CERT, VALUE, { scope: 'namespace-wide', namespace: 'apps' });
  assert.equal(calls.length, 4);
  // The WebAssembly path does not call it, and still seals what opens.
  const wasmOnly = pure(CERT);
  assert.equal(wasmOnly.nativeRsa, false);
  const sealedPure = wasmOnly.sealRaw(VALUE, { scope: 'namespace-wide', namespace: 'apps' });
  assert.equal(JSON.parse(sealSecret(wasmOnly, secret)).kind, 'SealedSecret');
  assert.equal(calls.length, 4);
  assert.equal(pyOpen('apps', sealedPure).toString(), VALUE);
});

test('a failing node:crypto step: the usual one-line error, never a value or the key', (t) => {
  const cert = loadCertificate(CERT);
  for (const bad of [
    (_, key) => { throw new Error(`boom ${Buffer.from(key).toString('hex')} s3cr3t\nsecond line`); },
    () => Buffer.alloc(10), // a result of the wrong size
    () => 'not bytes',
  ]) {
    t.mock.method(crypto, 'publicEncrypt', bad);
    for (const seal of [
      () => cert.sealRaw('s3cr3t', { scope: 'strict', namespace: 'apps', name: 'db' }),
      () => sealSecret(CERT, { ...secret, stringData: { password: 's3cr3t' } }),
    ]) {
      assert.throws(seal, (e) => {
        assert.ok(e instanceof Error);
        assert.equal(e.message, 'encryption failed');
        return true;
      });
    }
    t.mock.restoreAll();
  }
  assert.equal(pyOpen('apps/db', cert.sealRaw(VALUE, { scope: 'strict', namespace: 'apps', name: 'db' })).toString(), VALUE);
});

test('YAML in and out, several documents, name and namespace options', () => {
  const yaml = `apiVersion: v1
kind: Secret
metadata:
  name: a
stringData:
  k: one
---
apiVersion: v1
kind: Secret
metadata:
  name: b
stringData:
  k: two
`;
  const out = sealSecret(CERT, yaml, { namespace: 'team', format: 'yaml' });
  assert.match(out, /^---\napiVersion: bitnami.com\/v1alpha1\nkind: SealedSecret\n/);
  assert.equal(out.split('kind: SealedSecret').length, 3);
  const f = join(dir, 'multi.yaml');
  writeFileSync(f, out);
  const opened = execFileSync(BIN, ['unseal', '--key', KEY, '-f', f, '-o', 'yaml'], { encoding: 'utf8' });
  assert.match(opened, /name: a\n  namespace: team/);
  assert.match(opened, /name: b\n  namespace: team/);
  const renamed = JSON.parse(sealSecret(CERT, secret, { name: 'other' }));
  assert.equal(renamed.metadata.name, 'other');
  assert.equal(cliUnseal(JSON.stringify(renamed)).metadata.name, 'other');
});

test('upstream vectors: same shape as upstream for every case', () => {
  const vectors = JSON.parse(readFileSync(join(upstream, 'vectors.json'), 'utf8'));
  assert.ok(vectors.cases.length >= 3);
  const seen = new Set();
  for (const c of vectors.cases) {
    seen.add(c.scope);
    const plaintext = Buffer.from(c.plaintext_base64, 'base64');
    const ours = Buffer.from(sealRaw(CERT, plaintext, { scope: c.scope, namespace: c.namespace, name: c.name }), 'base64');
    const theirs = Buffer.from(c.sealed_base64, 'base64');
    assert.equal(ours.length, theirs.length, c.plaintext_name);
    assert.deepEqual([...ours.subarray(0, 2)], [...theirs.subarray(0, 2)]);
    assert.notDeepEqual(ours, theirs);
    assert.equal(pyOpen(c.label, ours.toString('base64')).toString('base64'), c.plaintext_base64);
  }
  assert.deepEqual([...seen].sort(), [...SCOPES].sort());
});

test('upstream SealedSecret: same document as kubeseal wrote, but the ciphertext', () => {
  const strip = (doc) => {
    const walk = (o) => {
      if (o && typeof o === 'object') {
        delete o.creationTimestamp; // kubeseal before v0.32 wrote null
        for (const v of Object.values(o)) walk(v);
      }
      return o;
    };
    walk(doc);
    doc.spec.encryptedData = Object.fromEntries(
      Object.entries(doc.spec.encryptedData).map(([k, v]) => [k, Buffer.from(v, 'base64').length]),
    );
    return doc;
  };
  const manifest = readFileSync(join(upstream, 'secret.yaml'), 'utf8');
  const ours = strip(JSON.parse(sealSecret(CERT, manifest, { format: 'json' })));
  const theirs = strip(JSON.parse(readFileSync(join(upstream, 'flux-webhook-token.sealed.json'), 'utf8')));
  assert.deepEqual(ours, theirs);
});

test('errors: the CLI messages, never a value', () => {
  const bad = { ...secret, data: { password: 'n0t-base64-s3cr3t!' }, stringData: undefined };
  assert.throws(() => sealSecret(CERT, bad), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /password/);
    assert.ok(!e.message.includes('s3cr3t'), e.message);
    return true;
  });
  // The same input through the CLI fails with the same message.
  const f = join(dir, 'bad.json');
  writeFileSync(f, JSON.stringify(bad));
  let cliMessage;
  try {
    execFileSync(BIN, ['seal', '--cert', join(upstream, 'controller.crt'), '-f', f], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    cliMessage = e.stderr;
  }
  assert.ok(cliMessage, 'the CLI refuses it too');
  let jsMessage;
  try { sealSecret(CERT, bad); } catch (e) { jsMessage = e.message; }
  assert.ok(cliMessage.includes(jsMessage.replace(/^.*?: /, '')), `${cliMessage} vs ${jsMessage}`);

  assert.throws(() => sealSecret('not a cert', secret), /^Error: certificate: no PEM certificate found/);
  assert.throws(() => sealSecret(CERT, secret, { scope: 'global' }), /unknown scope "global"/);
  assert.throws(() => sealRaw(CERT, 'v', { scope: 'strict', namespace: 'apps' }), /must provide the name option/);
  assert.throws(() => generateToken(0), /token size must be between 16 and/);
  // The one floor shared with the CLI: 16 random bytes.
  assert.throws(() => generateToken(15), /token size must be between 16 and 1024 bytes, got 15/);
  assert.throws(() => webhookPath('has space', 'github'), (e) => !e.message.includes('has space'));
});

test('certInfo: certificate and bare public key', () => {
  const info = certInfo(CERT);
  assert.equal(info.keyBits, 4096);
  assert.equal(info.barePublicKey, false);
  const fp = execFileSync(BIN, ['cert-info', '--cert', join(upstream, 'controller.crt')], { encoding: 'utf8' });
  assert.ok(fp.includes(info.fingerprintSha256) || fp.includes(info.fingerprintSha256.toUpperCase()), fp);
  assert.ok(fp.includes(info.notAfter), fp);
  const bare = certInfo(PUBLIC_KEY);
  assert.equal(bare.barePublicKey, true);
  assert.equal(bare.notAfter, null);
});

test('loadCertificate: a parsed handle seals every scope, as the functions do', () => {
  for (const source of [CERT, PUBLIC_KEY, new TextEncoder().encode(CERT)]) {
    const cert = loadCertificate(source);
    assert.ok(cert instanceof Certificate);
    assert.equal(loadCertificate(cert), cert);
    assert.deepEqual(cert.info(), certInfo(source));
    assert.deepEqual(certInfo(cert), certInfo(source));
    // Every scope for the certificate; one for the other sources (same code path).
    for (const scope of source === CERT ? SCOPES : ['strict']) {
      const sealed = cert.sealSecret(secret, { scope });
      assert.ok(!sealed.includes(VALUE));
      assert.equal(Buffer.from(cliUnseal(sealed).data.password, 'base64').toString(), VALUE);
      const viaFunction = sealSecret(cert, secret, { scope, format: 'yaml' });
      assert.match(viaFunction, /^---\napiVersion: bitnami.com\/v1alpha1\nkind: SealedSecret\n/);
      const label = { strict: 'apps/db', 'namespace-wide': 'apps', 'cluster-wide': '' }[scope];
      assert.equal(pyOpen(label, cert.sealRaw(VALUE, { scope, namespace: 'apps', name: 'db' })).toString(), VALUE);
      assert.equal(pyOpen(label, sealRaw(cert, VALUE, { scope, namespace: 'apps', name: 'db' })).toString(), VALUE);
    }
    cert.free();
  }
  // Alternating certificates through the one-entry cache still seals with the right key each time.
  const other = CERT + '\n';
  for (const c of [CERT, other, CERT]) {
    assert.equal(pyOpen('apps', sealRaw(c, VALUE, { scope: 'namespace-wide', namespace: 'apps' })).toString(), VALUE);
  }
});

test('loadCertificate: errors are the CLI messages, never a value', () => {
  assert.throws(() => loadCertificate('not a cert'), /^Error: certificate: no PEM certificate found/);
  assert.throws(() => new Certificate(42), TypeError);
  const cert = loadCertificate(CERT);
  const bad = { ...secret, data: { password: 'n0t-base64-s3cr3t!' }, stringData: undefined };
  let handleMessage;
  try { cert.sealSecret(bad); } catch (e) { handleMessage = e.message; }
  let pemMessage;
  try { sealSecret(CERT, bad); } catch (e) { pemMessage = e.message; }
  assert.ok(handleMessage, 'refused');
  assert.equal(handleMessage, pemMessage);
  assert.match(handleMessage, /password/);
  assert.ok(!handleMessage.includes('s3cr3t'), handleMessage);
  assert.throws(() => cert.sealSecret(secret, { scope: 'global' }), /unknown scope "global"/);
  assert.throws(() => cert.sealRaw('s3cr3t', { scope: 'strict', namespace: 'apps' }), (e) =>
    /must provide the name option/.test(e.message) && !e.message.includes('s3cr3t'));
  assert.throws(() => cert.sealRaw('s3cr3t'), (e) =>
    /must provide the namespace option/.test(e.message) && !e.message.includes('s3cr3t'));
});

test('generateToken and webhookPath match the CLI', () => {
  const token = generateToken();
  assert.match(token, /^[0-9a-f]{32}$/);
  assert.notEqual(token, generateToken());
  assert.match(generateToken(32), /^[0-9a-f]{64}$/);
  const cli = execFileSync(BIN, ['webhook-path', '-n', 'flux-system', '--receiver', 'github', '--receiver', 'gitlab'], { input: token, encoding: 'utf8' });
  assert.equal(cli, `${webhookPath(token, 'github')}\n${webhookPath(token, 'gitlab', 'flux-system')}\n`);
});

test('tokenSecret is the CLI main job\'s recipe: the watch label, and the URL for one Receiver', () => {
  const token = generateToken();
  const url = `https://flux.example.org${webhookPath(token, 'github')}`;
  const manifest = JSON.parse(tokenSecret(token, { webhookUrl: url }));
  // The CLI's main job with the same token, Receiver and host.
  const certFile = join(upstream, 'controller.crt');
  const cli = JSON.parse(execFileSync(BIN, ['--cert', certFile, '--token-stdin', '--receiver', 'github', '--host', 'flux.example.org', '-o', 'json'], { input: token, encoding: 'utf8' }));
  assert.deepEqual(manifest.metadata.labels, cli.spec.template.metadata.labels);
  assert.deepEqual(manifest.metadata.labels, { 'reconcile.fluxcd.io/watch': 'Enabled' });
  assert.equal(manifest.metadata.annotations['notification.toolkit.fluxcd.io/webhook'], url);
  assert.equal(cli.spec.template.metadata.annotations['notification.toolkit.fluxcd.io/webhook'], url);
  // Sealed and opened by the CLI: the token under its key.
  const opened = cliUnseal(sealSecret(CERT, manifest, { format: "json" }));
  assert.equal(Buffer.from(opened.data.token, 'base64').toString(), token);
  assert.equal(opened.metadata.labels['reconcile.fluxcd.io/watch'], 'Enabled');
  // The same name and token rules as the CLI, and no token in a message.
  // A generic Receiver's URL is its only credential: not recorded unless asked, as in the CLI.
  const genericUrl = `https://flux.example.org${webhookPath(token, 'apps-generic')}`;
  const generic = JSON.parse(tokenSecret(token, { webhookUrl: genericUrl, receiver: 'apps-generic' }));
  assert.equal((generic.metadata.annotations ?? {})['notification.toolkit.fluxcd.io/webhook'], undefined);
  const cliGeneric = JSON.parse(execFileSync(BIN, ['--cert', certFile, '--token-stdin', '--receiver', 'apps-generic', '--host', 'flux.example.org', '-o', 'json'], { input: token, encoding: 'utf8' }));
  assert.equal((cliGeneric.spec.template.metadata.annotations ?? {})['notification.toolkit.fluxcd.io/webhook'], undefined);
  const forced = JSON.parse(tokenSecret(token, { webhookUrl: genericUrl, receiver: 'apps-generic', annotateUrl: true }));
  assert.equal(forced.metadata.annotations['notification.toolkit.fluxcd.io/webhook'], genericUrl);
  assert.throws(() => tokenSecret(token, { namespace: 'Bad_NS' }), /is not a valid namespace/);
  assert.throws(() => tokenSecret('short-secret'), (e) => /at least 16/.test(e.message) && !e.message.includes('short-secret'));
});

test('index.d.ts declares exactly what the package exports, and the Certificate methods', async () => {
  const pkg = await import('@sealtoken/kubeseal');
  const dts = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8');
  const declared = [...dts.matchAll(/^export (?:declare )?(?:function|const|class) (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(declared, Object.keys(pkg).sort());
  const body = dts.slice(dts.indexOf('export class Certificate'), dts.indexOf('\n}\n', dts.indexOf('export class Certificate')));
  const members = [...body.matchAll(/^ {2}(?:readonly )?(\w+)[(:]/gm)].map((m) => m[1]).filter((n) => n !== 'constructor').sort();
  const proto = Object.getOwnPropertyNames(Certificate.prototype).filter((n) => n !== 'constructor').sort();
  assert.deepEqual(members, proto);
});

test('receiver, unseal and diagnose: what the CLI says and writes', () => {
  const token = generateToken();
  const r = receiver(token, 'apps-gitlab', { host: 'flux.example.org' });
  assert.equal(r.type, 'gitlab');
  assert.equal(r.path, webhookPath(token, 'apps-gitlab'));
  assert.equal(r.url, `https://flux.example.org${r.path}`);
  assert.match(r.manifest, /^---\napiVersion: notification.toolkit.fluxcd.io\/v1\nkind: Receiver\n/);
  assert.ok(!JSON.stringify(r).includes(token));
  assert.equal(receiver(token, 'x:generic-oidc').path.length, '/hook/'.length + 64);
  assert.throws(() => receiver(token, 'x:nope'), /nope/);

  const sealedFile = join(upstream, 'flux-webhook-token.sealed.yaml');
  const cli = execFileSync(BIN, ['unseal', '--key', KEY, '-f', sealedFile, '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.equal(unseal(readFileSync(KEY), readFileSync(sealedFile, 'utf8'), { format: 'json' }), cli);
  assert.throws(() => unseal('not a key', readFileSync(sealedFile)), /^Error: private key: /);
  const d = diagnose(readFileSync(sealedFile), { keys: readFileSync(KEY, 'utf8'), cert: CERT });
  assert.deepEqual(d.findings, []);
  assert.deepEqual(d.values.map((v) => [v.key, v.openedBy]), [['token', { key: 0, binding: 'strict (flux-system/webhook-token)' }]]);
  const broken = diagnose('apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: db}\nspec:\n  encryptedData:\n    password: bm90IHNlYWxlZA==\n');
  assert.deepEqual(broken.findings.map((f) => [f.line, f.cause]), [[3, 'missing-namespace'], [6, 'too-short']]);
});
