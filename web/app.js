// The offline sealing page: plain JS over the npm package (build.sh bundles the
// package and this file into pkg/page.js, one classic script, so that the page also
// works from a file:// URL). No network: the module is embedded in the script.
import { sealSecretAsync, certInfo, generateToken, tokenSecret, receiver, unseal, diagnose } from './pkg/index.js';

const $ = (id) => document.getElementById(id);
let lastName = 'sealed-secret';

function showError(e) {
  $('error').textContent = e ? String(e.message ?? e) : '';
}

function showCert() {
  const pem = $('cert').value.trim();
  $('cert-warnings').replaceChildren();
  if (!pem) { $('cert-info').textContent = ''; return; }
  try {
    const i = certInfo(pem);
    const validity = i.barePublicKey ? 'bare public key, no expiry'
      : `valid ${i.notBefore} to ${i.notAfter}${i.expired ? ' (EXPIRED)' : ''}${i.notYetValid ? ' (NOT YET VALID)' : ''}${i.expiresSoon ? ' (EXPIRES SOON)' : ''}`;
    $('cert-info').textContent = `RSA ${i.keyBits} bits · SHA-256 ${i.fingerprintSha256} · ${validity}`;
    $('cert-info').className = i.expired || i.notYetValid ? 'bad' : i.expiresSoon ? 'warn' : 'ok';
    // The CLI's warnings, in its words, with what they mean here.
    const why = {
      expired: 'sealing is refused, as kubeseal refuses it: fetch the current certificate',
      soon: 'the controller will soon seal with a new key; values sealed now still open',
      early: 'often a wrong clock on this machine or on the controller',
    };
    $('cert-warnings').replaceChildren(...i.warnings.map((w) => {
      const li = document.createElement('li');
      const kind = w.includes('expired') ? 'expired' : w.includes('not valid before') ? 'early' : 'soon';
      li.textContent = `Warning: ${w} (${why[kind]})`;
      return li;
    }));
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
  row.innerHTML = `<input class="k" aria-label="Key ${n}" placeholder="key" autocomplete="off" spellcheck="false">
    <input class="v" aria-label="Value ${n}" placeholder="value" type="password" autocomplete="off" spellcheck="false">
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
    const options = {
      namespace,
      secretName: 'webhook-token',
      gitRepository: $('flux-git').value.trim() || undefined,
      imageRepository: $('flux-image').value.trim() || undefined,
      host: $('flux-host').value.trim() || undefined,
    };
    let token = generateToken(16);
    // Type, path, URL and manifest of each Receiver, from the library (flux-receiver).
    const infos = receivers.map((r) => receiver(token, r, options));
    // The CLI's recipe: the watch label, and the URL when one Receiver uses the
    // token (unless the URL is that Receiver type's only credential).
    const one = infos.length === 1 ? infos[0] : undefined;
    const secret = tokenSecret(token, { namespace, webhookUrl: one?.url ?? undefined, receiver: one?.type ?? one?.name });
    const sealed = await sealSecretAsync($('cert').value, secret, { format: $('format').value });
    $('flux-paths').replaceChildren(...infos.map((r) => {
      const li = document.createElement('li');
      li.textContent = `${r.name}${r.type ? ` (${r.type})` : ''}: ${r.url ?? r.path}`;
      for (const text of [r.instructions, r.note]) {
        if (!text) continue;
        const p = document.createElement('p');
        p.className = r.note === text ? 'note' : 'instructions';
        p.textContent = text;
        li.append(p);
      }
      return li;
    }));
    const manifests = infos.map((r) => r.manifest).filter(Boolean);
    $('flux-manifests').value = manifests.join('');
    $('flux-manifests-box').hidden = manifests.length === 0;
    $('flux-token').textContent = token;
    $('flux-token-box').hidden = false;
    token = null;
    show(sealed, 'webhook-token');
  } catch (e) {
    showError(e);
  }
});
$('flux-copy').addEventListener('click', () => navigator.clipboard.writeText($('flux-manifests').value));

// Unsealing and diagnosis: the private key stays in this page, in memory only.
function unsealError(e) {
  $('unseal-error').textContent = e ? String(e.message ?? e) : '';
}
function pasted(id) {
  const v = $(id).value;
  return v.trim() ? v : undefined;
}
$('diagnose').addEventListener('click', () => {
  unsealError(null);
  $('unsealed-box').hidden = true;
  try {
    const d = diagnose($('unseal-input').value, { keys: pasted('unseal-key'), cert: pasted('cert') });
    $('diagnosis-summary').textContent = d.findings.length === 0
      ? `${d.sealedSecrets} SealedSecret(s) checked: nothing found that would stop the controller`
      : `${d.sealedSecrets} SealedSecret(s) checked: ${d.findings.length} problem(s)`;
    $('diagnosis-findings').replaceChildren(...d.findings.map((f) => {
      const li = document.createElement('li');
      li.textContent = `line ${f.line}: ${f.message}`;
      return li;
    }));
    const withKeys = pasted('unseal-key') !== undefined;
    $('diagnosis-values').replaceChildren(...(withKeys ? d.values : []).map((v) => {
      const li = document.createElement('li');
      const what = `${v.namespace ? `${v.namespace}/` : ''}${v.name} ${v.key}`;
      li.className = v.openedBy ? 'opened' : 'closed';
      li.textContent = v.openedBy ? `${what}: opens with key ${v.openedBy.key + 1}, sealed ${v.openedBy.binding}` : `${what}: no key given opens it`;
      return li;
    }));
    $('diagnosis-box').hidden = false;
  } catch (e) {
    $('diagnosis-box').hidden = true;
    unsealError(e);
  }
});
$('unseal').addEventListener('click', () => {
  unsealError(null);
  try {
    $('unsealed').value = unseal($('unseal-key').value, $('unseal-input').value, { format: $('format').value });
    $('unsealed-box').hidden = false;
  } catch (e) {
    $('unsealed').value = '';
    $('unsealed-box').hidden = true;
    unsealError(e);
  }
});
$('unseal-clear').addEventListener('click', () => {
  for (const id of ['unseal-key', 'unseal-input', 'unsealed']) $(id).value = '';
  $('diagnosis-box').hidden = true;
  $('unsealed-box').hidden = true;
  unsealError(null);
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
const tabs = [$('tab-secret'), $('tab-flux'), $('tab-unseal')];
function select(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  // The SealedSecret output belongs to the sealing tabs.
  $('out').hidden = tab === $('tab-unseal');
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
