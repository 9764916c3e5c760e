// The offline sealing page: plain JS over the npm package (copied into pkg/ by
// crates/kubeseal-wasm/build.sh). No network: the module is embedded in pkg/.
import { sealSecretAsync, certInfo, generateToken, webhookPath, tokenSecret } from './pkg/index.js';

const $ = (id) => document.getElementById(id);
let lastName = 'sealed-secret';

function showError(e) {
  $('error').textContent = e ? String(e.message ?? e) : '';
}

function showCert() {
  const pem = $('cert').value.trim();
  if (!pem) { $('cert-info').textContent = ''; return; }
  try {
    const i = certInfo(pem);
    const validity = i.barePublicKey ? 'bare public key, no expiry'
      : `expires ${i.notAfter}${i.expired ? ' (EXPIRED)' : ''}`;
    $('cert-info').textContent = `RSA ${i.keyBits} bits · SHA-256 ${i.fingerprintSha256} · ${validity}`;
    $('cert-info').className = i.expired ? 'bad' : 'ok';
  } catch (e) {
    $('cert-info').textContent = e.message;
    $('cert-info').className = 'bad';
  }
}
$('cert').addEventListener('input', showCert);
$('cert').addEventListener('dragover', (ev) => ev.preventDefault());
$('cert').addEventListener('drop', async (ev) => {
  ev.preventDefault();
  const f = ev.dataTransfer.files[0];
  if (f) { $('cert').value = await f.text(); showCert(); }
});

function addPair(key = '', value = '') {
  const row = document.createElement('div');
  row.className = 'pair';
  const n = $('pairs').children.length + 1;
  row.innerHTML = `<input class="k" aria-label="Key ${n}" placeholder="key" autocomplete="off">
    <input class="v" aria-label="Value ${n}" placeholder="value" type="password" autocomplete="off">
    <button type="button" aria-label="Remove key ${n}">×</button>`;
  row.querySelector('.k').value = key;
  row.querySelector('.v').value = value;
  row.querySelector('button').addEventListener('click', () => row.remove());
  $('pairs').append(row);
}
$('add-pair').addEventListener('click', () => { addPair(); $('pairs').lastChild.querySelector('.k').focus(); });
addPair();

function show(text, name) {
  $('output').value = text;
  lastName = name;
  showError(null);
}

$('seal').addEventListener('click', async () => {
  try {
    const namespace = $('namespace').value.trim() || undefined;
    const name = $('name').value.trim() || undefined;
    const opts = { scope: $('scope').value, format: $('format').value, namespace, name };
    let manifest = $('manifest').value;
    if (!manifest.trim()) {
      const stringData = {};
      for (const row of $('pairs').children) {
        const k = row.querySelector('.k').value.trim();
        if (k) stringData[k] = row.querySelector('.v').value;
      }
      manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: name ?? '', namespace: namespace ?? '' }, stringData };
    }
    show(await sealSecretAsync($('cert').value, manifest, opts), name ?? 'sealed-secret');
  } catch (e) {
    $('output').value = '';
    showError(e);
  }
});

$('flux-run').addEventListener('click', async () => {
  try {
    const namespace = $('flux-namespace').value.trim() || 'flux-system';
    const receivers = $('flux-receivers').value.split(',').map((s) => s.trim()).filter(Boolean);
    const host = $('flux-host').value.trim().replace(/\/+$/, '');
    let token = generateToken(16);
    const url = (r) => (host ? `https://${host.replace(/^https?:\/\//, '')}${webhookPath(token, r, namespace)}` : null);
    // The CLI's recipe: the watch label, and the URL when one Receiver uses the token.
    const webhookUrl = receivers.length === 1 && host ? url(receivers[0]) : undefined;
    const secret = tokenSecret(token, { namespace, webhookUrl, receiver: receivers[0] });
    const sealed = await sealSecretAsync($('cert').value, secret, { format: $('format').value });
    $('flux-paths').replaceChildren(...receivers.map((r) => {
      const li = document.createElement('li');
      const path = webhookPath(token, r, namespace);
      li.textContent = `${r}: ${host ? `https://${host.replace(/^https?:\/\//, '')}${path}` : path}`;
      return li;
    }));
    $('flux-token').textContent = token;
    $('flux-token-box').hidden = false;
    token = null;
    show(sealed, 'webhook-token');
  } catch (e) {
    showError(e);
  }
});

$('copy').addEventListener('click', () => navigator.clipboard.writeText($('output').value));
$('download').addEventListener('click', () => {
  const yaml = $('output').value.startsWith('---');
  const blob = new Blob([$('output').value], { type: yaml ? 'application/yaml' : 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${lastName}.sealed.${yaml ? 'yaml' : 'json'}`;
  a.click();
  URL.revokeObjectURL(a.href);
});

// Tabs: arrow keys move between them (WAI-ARIA tabs pattern).
const tabs = [$('tab-secret'), $('tab-flux')];
function select(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  tab.focus();
}
for (const t of tabs) {
  t.addEventListener('click', () => select(t));
  t.addEventListener('keydown', (ev) => {
    const i = tabs.indexOf(t);
    if (ev.key === 'ArrowRight') select(tabs[(i + 1) % tabs.length]);
    if (ev.key === 'ArrowLeft') select(tabs[(i + tabs.length - 1) % tabs.length]);
  });
}
