// The offline page (web/) in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core), one test per feature: served on 127.0.0.1 with
// its CSP also as a header (a static host), and opened from a file:// URL;
// filled by keyboard and mouse. What it seals is opened with the CLI; what it
// unseals and diagnoses is compared with the CLI's `unseal` and `doctor`; the
// Flux token Secret and Receiver manifests with the CLI's main job. Counts
// every request the browser makes: only the page's own files are allowed.
// Screenshots: target/web-page*.png.
//
// Skips when /usr/bin/chromium is missing, unless SEALTOKEN_CI=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync, mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { webhookPath } from '../index.js';
import { root, web, upstream, CERT, KEY, BIN, skipChromium as skip, cliUnseal, serve, launch, open, assertOwnRequests, PAGE_FILES } from './helpers.mjs';

const keys = join(root, 'fixtures/keys');
const dir = mkdtempSync(join(tmpdir(), 'web-'));
const opts = { skip, timeout: 120_000 };

/** The page over http (a static host, CSP as a header too); `fn(page)` runs the feature. */
async function onHttp(name, fn, setup) {
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 1300 } });
    const page = await context.newPage();
    if (setup) await setup(page);
    const requests = [];
    const errors = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${origin}/`);
    await fn(page);
    mkdirSync(join(root, 'target'), { recursive: true });
    await page.screenshot({ path: join(root, `target/web-page-${name}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    assertOwnRequests(requests, origin, PAGE_FILES);
    console.log(`# ${name}: page requests: ${requests.length} (${[...new Set(requests.map((u) => new URL(u).pathname))].join(' ')})`);
  } finally {
    await browser.close();
    server.close();
  }
}

async function sealedSecretShown(page) {
  await page.waitForFunction(() => document.getElementById('output').value.includes('SealedSecret'));
  return page.inputValue('#output');
}

async function sealByKeyboard(page) {
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
  const sealed = await sealedSecretShown(page);
  assert.ok(!sealed.includes('hunter2'));
  const opened = cliUnseal(sealed);
  assert.equal(opened.metadata.namespace, 'apps');
  assert.equal(opened.metadata.name, 'db');
  assert.equal(Buffer.from(opened.data.password, 'base64').toString(), 'hunter2 p4ss');
}

test('page: seals a Secret by keyboard (http, CSP header and meta)', opts, () => onHttp('secret', sealByKeyboard));

test('page: the Flux token Secret is the CLI recipe (watch label, URL), with Receiver manifests and webhook URLs', opts, () => onHttp('flux', async (page) => {
  await page.fill('#cert', CERT);
  // The Flux tab, reached with the arrow key.
  await page.focus('#tab-secret');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.isVisible('#panel-flux'), true);
  await page.fill('#flux-receivers', 'apps-github');
  await page.fill('#flux-host', 'flux.example.org');
  await page.click('#flux-run');
  await page.waitForSelector('#flux-token-box:not([hidden])');
  const token = await page.textContent('#flux-token');
  assert.match(token, /^[0-9a-f]{32}$/);
  const url = `https://flux.example.org${webhookPath(token, 'apps-github')}`;
  const paths = await page.$$eval('#flux-paths li', (lis) => lis.map((li) => li.firstChild.textContent));
  assert.deepEqual(paths, [`apps-github (github): ${url}`]);
  assert.match(await page.textContent('#flux-paths li .instructions'), new RegExp(`Payload URL ${url}`));

  // The CLI's main job, same token, Receiver, host and GitRepository.
  const out = join(dir, 'cli');
  mkdirSync(out, { recursive: true });
  execFileSync(BIN, ['--cert', join(upstream, 'controller.crt'), '--token-stdin', '--receiver', 'apps-github', '--provider', 'github',
    '--git-repository', 'flux-system', '--host', 'flux.example.org', '--receiver-manifests', out, '-w', join(out, 'token.yaml'), '--force'],
  { input: token, encoding: 'utf8', stdio: 'pipe' });
  const mine = cliUnseal(await page.inputValue('#output'));
  const cli = cliUnseal(readFileSync(join(out, 'token.yaml'), 'utf8'));
  assert.equal(Buffer.from(mine.data.token, 'base64').toString(), token);
  assert.deepEqual(mine.metadata.labels, { 'reconcile.fluxcd.io/watch': 'Enabled' });
  assert.deepEqual(mine.metadata.labels, cli.metadata.labels);
  assert.equal(mine.metadata.annotations['notification.toolkit.fluxcd.io/webhook'], url);
  assert.deepEqual(mine.metadata.annotations, cli.metadata.annotations);
  assert.deepEqual(Object.keys(mine.data), Object.keys(cli.data));
  // The Receiver manifest, byte for byte as the CLI writes it; no token in it.
  const manifests = await page.inputValue('#flux-manifests');
  assert.equal(manifests, readFileSync(join(out, 'receiver-apps-github.yaml'), 'utf8'));
  assert.ok(!manifests.includes(token));

  // Several Receivers share the token: no URL recorded; a type given after the
  // name; an image Receiver without an ImageRepository says what is missing.
  await page.fill('#flux-receivers', 'github, deploy:gitlab, images:harbor');
  await page.click('#flux-run');
  await page.waitForFunction((t) => document.getElementById('flux-token').textContent !== t, token);
  const token2 = await page.textContent('#flux-token');
  const items = await page.$$eval('#flux-paths li', (lis) => lis.map((li) => li.textContent));
  assert.ok(items[0].startsWith(`github (github): https://flux.example.org${webhookPath(token2, 'github')}`), items[0]);
  assert.ok(items[1].startsWith(`deploy (gitlab): https://flux.example.org${webhookPath(token2, 'deploy')}`), items[1]);
  assert.match(items[2], /reconciles a ImageRepository: give its name/);
  assert.equal((await page.inputValue('#flux-manifests')).split('kind: Receiver').length, 3);
  const shared = cliUnseal(await page.inputValue('#output'));
  assert.equal(shared.metadata.annotations?.['notification.toolkit.fluxcd.io/webhook'], undefined);
}));

test('page: unseals and diagnoses with a pasted key or key backup, marked, fields not spellchecked, nothing stored', opts, () => onHttp('unseal', async (page) => {
  await page.click('#tab-unseal');
  const note = await page.textContent('#panel-unseal .danger');
  assert.match(note, /handles the controller's private key/);
  assert.match(note, /nothing is stored or sent/);
  assert.match(note, /RUSTSEC-2023-0071/);
  // Every field that may hold a secret: no spellcheck service, no autofill.
  const fields = await page.$$eval('input, textarea', (els) => els.map((e) => [e.id || e.className, e.getAttribute('spellcheck'), e.getAttribute('autocomplete')]));
  for (const [what, spellcheck, autocomplete] of fields) {
    assert.equal(spellcheck, 'false', `${what}: spellcheck`);
    assert.equal(autocomplete, 'off', `${what}: autocomplete`);
  }

  // Unseal upstream's SealedSecret with the upstream key, as the CLI does.
  const sealedFile = join(upstream, 'flux-webhook-token.sealed.yaml');
  await page.fill('#unseal-key', readFileSync(KEY, 'utf8'));
  await page.fill('#unseal-input', readFileSync(sealedFile, 'utf8'));
  await page.click('#unseal');
  await page.waitForSelector('#unsealed-box:not([hidden])');
  const cli = execFileSync(BIN, ['unseal', '--key', KEY, '-f', sealedFile, '-o', 'yaml'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.equal(await page.inputValue('#unsealed'), cli);

  // The key backup (a List of two key Secrets) opens it too, and the diagnosis
  // says which key: the second one.
  await page.fill('#unseal-key', readFileSync(join(keys, 'backup-list.yaml'), 'utf8'));
  await page.click('#diagnose');
  await page.waitForSelector('#diagnosis-box:not([hidden])');
  assert.match(await page.textContent('#diagnosis-summary'), /1 SealedSecret\(s\) checked: nothing found/);
  const values = await page.$$eval('#diagnosis-values li', (lis) => lis.map((li) => li.textContent));
  assert.deepEqual(values, ['flux-system/webhook-token token: opens with key 2, sealed strict (flux-system/webhook-token)']);

  // Moved to another namespace: doctor's finding, in the CLI's words.
  const moved = readFileSync(sealedFile, 'utf8').replaceAll('namespace: flux-system', 'namespace: other');
  const movedFile = join(dir, 'moved.yaml');
  writeFileSync(movedFile, moved);
  await page.fill('#unseal-input', moved);
  await page.click('#diagnose');
  await page.waitForFunction(() => document.getElementById('diagnosis-findings').children.length > 0);
  const doctor = spawnSync(BIN, ['doctor', '--key', join(keys, 'backup-list.yaml'), movedFile], { encoding: 'utf8' });
  assert.equal(doctor.status, 1, doctor.stderr);
  const cliFindings = doctor.stdout.trim().split('\n').map((l) => l.replace(`${movedFile}:`, 'line ').replace(/^line (\d+): /, 'line $1: '));
  const findings = await page.$$eval('#diagnosis-findings li', (lis) => lis.map((li) => li.textContent));
  assert.equal(findings.length, cliFindings.length);
  for (const [i, f] of findings.entries()) assert.ok(cliFindings[i].startsWith(f), `${f}\nvs ${cliFindings[i]}`);
  await page.click('#unseal');
  assert.match(await page.textContent('#unseal-error'), /^SealedSecret "webhook-token": /);
  await page.screenshot({ path: join(root, 'target/web-page-unseal-tab.png'), fullPage: true });

  // Nothing stored: no storage, no cookie; Clear empties the fields; a reload forgets all.
  const stored = await page.evaluate(async () => ({
    local: localStorage.length, session: sessionStorage.length, cookie: document.cookie,
    idb: (await indexedDB.databases()).length,
  }));
  assert.deepEqual(stored, { local: 0, session: 0, cookie: '', idb: 0 });
  await page.click('#unseal-clear');
  assert.deepEqual(await page.$$eval('#unseal-key, #unseal-input, #unsealed', (els) => els.map((e) => e.value)), ['', '', '']);
  await page.fill('#unseal-key', 'left behind?');
  await page.reload();
  assert.equal(await page.inputValue('#unseal-key'), '');
}));

/** RFC 3339 of a certificate time, as the CLI prints it. */
const rfc3339 = (t) => new Date(t).toISOString().replace('.000Z', 'Z');

test('page: the certificate\'s not-yet-valid and expires-soon warnings', opts, async () => {
  const short = readFileSync(join(keys, 'short.crt'), 'utf8');
  const x = new X509Certificate(short);
  const day = 86_400_000;
  const at = (t) => (page) => page.clock.setFixedTime(new Date(t));
  const shown = async (page, pem) => {
    await page.fill('#cert', pem);
    await page.waitForFunction(() => document.getElementById('cert-info').textContent.includes('SHA-256'));
    return page.$$eval('#cert-warnings li', (lis) => lis.map((li) => li.textContent));
  };
  const early = `Warning: the certificate is not valid before ${rfc3339(x.validFrom)}`;
  const soon = `Warning: the certificate expires on ${rfc3339(x.validTo)}`;
  // Today: not yet valid; the upstream certificate draws no warning.
  await onHttp('cert-not-yet-valid', async (page) => {
    const warnings = await shown(page, short);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].startsWith(early), warnings[0]);
    assert.match(await page.textContent('#cert-info'), /NOT YET VALID/);
    assert.equal(await page.getAttribute('#cert-info', 'class'), 'bad');
    assert.deepEqual(await shown(page, CERT), []);
    assert.equal(await page.getAttribute('#cert-info', 'class'), 'ok');
  });
  // The day before its week begins: both, in the CLI's order (expiry first).
  await onHttp('cert-both-warnings', async (page) => {
    const warnings = await shown(page, short);
    assert.equal(warnings.length, 2);
    assert.ok(warnings[0].startsWith(soon), warnings[0]);
    assert.ok(warnings[1].startsWith(early), warnings[1]);
  }, at(new Date(x.validFrom).getTime() - day));
  // Two days into its week: expires soon only.
  await onHttp('cert-expires-soon', async (page) => {
    const warnings = await shown(page, short);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].startsWith(soon), warnings[0]);
    assert.match(await page.textContent('#cert-info'), /EXPIRES SOON/);
    assert.equal(await page.getAttribute('#cert-info', 'class'), 'warn');
  }, at(new Date(x.validFrom).getTime() + 2 * day));
});

test('page: works from a file:// URL under the same CSP (seal, Flux, unseal)', opts, async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1300 } });
    const requests = [];
    const errors = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(pathToFileURL(join(web, 'index.html')).href);
    await sealByKeyboard(page);
    await page.click('#tab-flux');
    await page.click('#flux-run');
    await page.waitForSelector('#flux-token-box:not([hidden])');
    const token = await page.textContent('#flux-token');
    assert.equal(Buffer.from(cliUnseal(await sealedSecretShown(page)).data.token, 'base64').toString(), token);
    await page.click('#tab-unseal');
    await page.fill('#unseal-key', readFileSync(KEY, 'utf8'));
    await page.fill('#unseal-input', readFileSync(join(upstream, 'flux-webhook-token.sealed.json'), 'utf8'));
    await page.click('#unseal');
    await page.waitForSelector('#unsealed-box:not([hidden])');
    assert.match(await page.inputValue('#unsealed'), /kind: Secret/);
    assert.deepEqual(errors, []);
    const files = new Set(['index.html', 'style.css', 'pkg/page.js'].map((f) => pathToFileURL(join(web, f)).href));
    for (const u of requests) assert.ok(files.has(u), `unexpected request: ${u}`);
    console.log(`# file://: page requests: ${requests.length}`);
  } finally {
    await browser.close();
  }
});
