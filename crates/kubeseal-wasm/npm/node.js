// The package in Node (package.json "exports", condition "node"): index.js, with
// sealing's RSA-OAEP step run by Node's OpenSSL (node:crypto.publicEncrypt) instead
// of the pure-Rust RSA compiled to WebAssembly, several times slower. Only that
// step moves: the session key is drawn in the module from the CSPRNG, and AES-GCM,
// the scope labels, the ciphertext format and the manifests stay in the module.
// `new Certificate(pem, { nativeRsa: false })` keeps the step in WebAssembly.
import crypto from 'node:crypto';
import { setRsaOaepEncrypt } from './pkg/kubeseal_wasm.js';

export * from './index.js';

// The key of the last certificate used, as a KeyObject, with its DER.
let lastSpki = null;
let lastKey = null;

// Called by the module for each sealed value. `spki`, `label` and `sessionKey` are
// views of the module's memory, not copies: publicEncrypt reads the session key
// there, and the module zeroizes it once AES-GCM is done.
function rsaOaepEncrypt(spki, label, sessionKey) {
  if (lastSpki === null || !lastSpki.equals(spki)) {
    lastKey = crypto.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    lastSpki = Buffer.from(spki);
  }
  return crypto.publicEncrypt(
    { key: lastKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
    sessionKey,
  );
}

setRsaOaepEncrypt(rsaOaepEncrypt);
