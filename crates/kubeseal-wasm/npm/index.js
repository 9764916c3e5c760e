// kubeseal-core in JavaScript: seal Kubernetes Secrets for Bitnami Sealed Secrets
// in Node 20+ and in browsers (ES module). The WebAssembly module is embedded in
// pkg/wasm-bytes.js, so loading it makes no network request (CSP connect-src 'none').
// In Node the package's entry point is node.js, which adds Node's native RSA.
import * as wasm from './pkg/kubeseal_wasm.js';
import { wasmBytes } from './pkg/wasm-bytes.js';

wasm.initSync({ module: wasmBytes() });

const encoder = new TextEncoder();

// WebCrypto, where the platform has it: browsers and workers in a secure context
// (https, localhost, file://), Node. Missing on pages served over plain http from
// another name: the *Async functions then seal in WebAssembly.
const subtle = globalThis.crypto?.subtle;
const RSA_OAEP = { name: 'RSA-OAEP', hash: 'SHA-256' };
const PATHS = ['auto', 'wasm', 'webcrypto'];

function bytes(what, v) {
  if (typeof v === 'string') return encoder.encode(v);
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw new TypeError(`${what} must be a string or a Uint8Array`);
}

function opt(what, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new TypeError(`${what} must be a string`);
  return v;
}

function manifestBytes(manifest) {
  const text = typeof manifest === 'object' && !(manifest instanceof Uint8Array) && !(manifest instanceof ArrayBuffer)
    ? JSON.stringify(manifest)
    : manifest;
  return bytes('manifest', text);
}

/**
 * A controller certificate (or bare public key) parsed once: sealing many values
 * with it skips parsing the PEM and preparing the RSA key on every call. It holds
 * public data only. `free()` releases it at once (otherwise the garbage collector does).
 */
export class Certificate {
  #inner;
  #asyncRsa;
  // The WebCrypto key, imported on first use (a promise, shared by concurrent seals).
  #webKey = null;
  #webKeyValue = null;

  /**
   * @param {string | Uint8Array | ArrayBuffer} cert
   * @param {{ rsa?: 'auto' | 'wasm' | 'webcrypto', nativeRsa?: boolean }} [options]
   *   rsa: where sealing's RSA-OAEP step runs. 'auto' (default): the fastest safe
   *   path (node:crypto in Node, WebCrypto for the *Async methods in browsers and
   *   workers, WebAssembly elsewhere); 'wasm': always in WebAssembly; 'webcrypto':
   *   the *Async methods in WebCrypto (a TypeError where it is missing).
   *   nativeRsa: false is rsa: 'wasm'.
   */
  constructor(cert, options = {}) {
    const rsa = options.rsa ?? (options.nativeRsa === false ? 'wasm' : 'auto');
    if (!PATHS.includes(rsa)) throw new TypeError(`rsa must be one of ${PATHS.join(', ')}`);
    if (rsa === 'webcrypto' && !subtle) throw new TypeError('WebCrypto (crypto.subtle) is not available here');
    this.#inner = new wasm.ParsedCertificate(bytes('cert', cert), rsa !== 'wasm');
    this.#asyncRsa = rsa === 'wasm' ? 'wasm'
      : rsa === 'webcrypto' ? 'webcrypto'
        : this.#inner.nativeRsa ? 'node:crypto'
          : subtle ? 'webcrypto' : 'wasm';
  }

  /** Whether the synchronous methods' RSA-OAEP step runs in the platform (Node's OpenSSL) rather than in WebAssembly. */
  get nativeRsa() {
    return this.#inner.nativeRsa;
  }

  /** Where the *Async methods' RSA-OAEP step runs: 'node:crypto', 'webcrypto' or 'wasm'. */
  get asyncRsa() {
    return this.#asyncRsa;
  }

  /** Seals every Secret of a manifest (YAML or JSON text, or an object). */
  sealSecret(manifest, options = {}) {
    return this.#inner.sealSecret(manifestBytes(manifest), ...secretArgs(options));
  }

  /** Seals one value as `kubeseal --raw`. */
  sealRaw(value, options = {}) {
    return this.#inner.sealRaw(bytes('value', value), ...rawArgs(options));
  }

  /**
   * `sealSecret`, with the RSA-OAEP steps on the `asyncRsa` path (WebCrypto in
   * browsers: about ten times faster than WebAssembly). Rejects with the same errors.
   */
  async sealSecretAsync(manifest, options = {}) {
    if (this.#asyncRsa !== 'webcrypto') return this.sealSecret(manifest, options);
    const text = manifestBytes(manifest);
    const args = secretArgs(options);
    return this.#webcrypto((start) => this.#inner.prepareSealSecret(text, ...args, start));
  }

  /** `sealRaw`, with the RSA-OAEP step on the `asyncRsa` path. */
  async sealRawAsync(value, options = {}) {
    if (this.#asyncRsa !== 'webcrypto') return this.sealRaw(value, options);
    const v = bytes('value', value);
    const args = rawArgs(options);
    return this.#webcrypto((start) => this.#inner.prepareSealRaw(v, ...args, start));
  }

  // The module draws each value's session key and hands it to `start`, which
  // starts WebCrypto's RSA-OAEP (SHA-256, the scope's label) of it on another
  // thread while the module seals the value with AES-GCM and builds the
  // manifests; then the module writes the RSA ciphertexts in. Each session key
  // is an ArrayBuffer of its own, overwritten as soon as its encryption settles
  // (and on every other way out). Any failure of WebCrypto is "encryption failed".
  async #webcrypto(prepare) {
    let key;
    try {
      key = this.#webKeyValue ?? (this.#webKeyValue = await (this.#webKey ??=
        subtle.importKey('spki', this.#inner.spki(), RSA_OAEP, false, ['encrypt'])));
    } catch {
      throw new Error('encryption failed');
    }
    const keys = [];
    const rsa = [];
    const start = (label, k) => {
      keys.push(k);
      let p;
      try {
        p = subtle.encrypt({ name: 'RSA-OAEP', label }, key, k);
      } catch (e) {
        p = Promise.reject(e);
      }
      rsa.push(p.finally(() => k.fill(0)));
    };
    let pending;
    let ciphertexts;
    try {
      try {
        pending = prepare(start); // the CLI's errors, as the synchronous API throws them
      } catch (e) {
        Promise.allSettled(rsa); // what was started for earlier Secrets: nobody waits for it
        throw e;
      }
      ciphertexts = await Promise.all(rsa).catch(() => {
        pending.free();
        throw new Error('encryption failed');
      });
    } finally {
      for (const k of keys) k.fill(0);
    }
    return pending.finish(ciphertexts.map((c) => new Uint8Array(c)));
  }

  /** The certificate's subject, key size, SHA-256 fingerprint and validity. */
  info() {
    return JSON.parse(this.#inner.info());
  }

  /** Releases the parsed certificate now; the object is unusable afterwards. */
  free() {
    this.#inner.free();
  }
}

function secretArgs(options) {
  return [
    opt('scope', options.scope),
    opt('name', options.name),
    opt('namespace', options.namespace),
    opt('format', options.format),
    Boolean(options.allowEmptyData),
    Boolean(options.allowExpiredCertificate),
  ];
}

function rawArgs(options) {
  return [opt('scope', options.scope), opt('namespace', options.namespace) ?? '', opt('name', options.name) ?? ''];
}

/** Parses a PEM certificate or bare public key once, for many seals. */
export function loadCertificate(cert, options = {}) {
  return cert instanceof Certificate ? cert : new Certificate(cert, options);
}

// The certificate the functions below parsed last, with (a copy of) the PEM it
// came from: repeated calls with the same PEM seal with one handle.
let last = null;

function sameSource(a, b) {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function handle(cert) {
  if (cert instanceof Certificate) return cert;
  const source = typeof cert === 'string' ? cert : bytes('cert', cert);
  if (last !== null && sameSource(last.source, source)) return last.cert;
  const parsed = new Certificate(source);
  last?.cert.free();
  last = { source: typeof source === 'string' ? source : source.slice(), cert: parsed };
  return parsed;
}

/**
 * Seals every Secret of a manifest (YAML or JSON text, or an object). `cert` is a
 * PEM (the last one parsed is kept) or a `Certificate` from `loadCertificate`.
 */
export function sealSecret(cert, manifest, options = {}) {
  return handle(cert).sealSecret(manifest, options);
}

/** Seals one value as `kubeseal --raw`; `cert` as for `sealSecret`. */
export function sealRaw(cert, value, options = {}) {
  return handle(cert).sealRaw(value, options);
}

/** `sealSecret` with the RSA-OAEP steps on the fastest safe path (see `Certificate.asyncRsa`). */
export async function sealSecretAsync(cert, manifest, options = {}) {
  return handle(cert).sealSecretAsync(manifest, options);
}

/** `sealRaw` with the RSA-OAEP step on the fastest safe path. */
export async function sealRawAsync(cert, value, options = {}) {
  return handle(cert).sealRawAsync(value, options);
}

/** The certificate's subject, key size, SHA-256 fingerprint and validity. */
export function certInfo(cert) {
  return handle(cert).info();
}

/** A fresh random token (hex of `bytes` bytes, 16 by default) from the platform's CSPRNG. */
export function generateToken(bytes = 16) {
  if (!Number.isInteger(bytes) || bytes < 0) throw new TypeError('bytes must be a non-negative integer');
  return wasm.generateToken(bytes);
}

/** The webhook path notification-controller publishes for the Receiver namespace/receiver. */
export function webhookPath(token, receiver, namespace = 'flux-system') {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  return wasm.webhookPath(token, String(receiver), String(namespace));
}

/**
 * The Flux token Secret holding `token`, as the CLI's main job builds it: the
 * `reconcile.fluxcd.io/watch: Enabled` label, and the webhook URL annotation
 * when `webhookUrl` is given, except when the type of `receiver` (guessed
 * from its name, as the CLI does) makes the URL its only credential
 * (generic, quay, dockerhub, acr, cdevents) and `annotateUrl` is not true:
 * the annotation is committed in plain. A JSON manifest (plaintext) for
 * `sealSecret`.
 */
export function tokenSecret(token, options = {}) {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  const { namespace = 'flux-system', name = 'webhook-token', key = 'token', webhookUrl, receiver, annotateUrl = false } = options;
  return wasm.tokenSecret(
    token,
    String(namespace),
    String(name),
    String(key),
    webhookUrl === undefined ? undefined : String(webhookUrl),
    receiver === undefined ? undefined : String(receiver),
    Boolean(annotateUrl),
  );
}

/**
 * One Flux Receiver as the CLI's main job writes it: `receiver` is `name` or
 * `name:type` (the type guessed from the name otherwise); gives its type, the
 * webhook path and (with `host`) URL, the Receiver manifest (with
 * `gitRepository`, or `imageRepository` for image registry types), and what to
 * set up at the sender. The token is in none of it.
 */
export function receiver(token, receiver, options = {}) {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  const { namespace = 'flux-system', secretName = 'webhook-token', gitRepository = 'flux-system', imageRepository, host } = options;
  return JSON.parse(wasm.receiver(
    token,
    String(receiver),
    String(namespace),
    String(secretName),
    opt('gitRepository', gitRepository),
    opt('imageRepository', imageRepository),
    opt('host', host),
  ));
}

/**
 * Opens every SealedSecret of `sealed` with the private keys of `keys` (a PEM
 * key, or a key backup: upstream's List of key Secrets), as `sealtoken unseal`:
 * the plaintext Secrets, rendered one after the other (`format`: json or yaml).
 * The private-key operation is the pure-Rust one (RUSTSEC-2023-0071).
 */
export function unseal(keys, sealed, options = {}) {
  return wasm.unseal(bytes('keys', keys), bytes('sealed', sealed), opt('format', options.format));
}

/**
 * `sealtoken doctor` on `sealed`: why the controller would fail to decrypt each
 * SealedSecret, with the certificate and the private keys when given (then
 * which key opens each value, and for what). No value is ever in the result.
 */
export function diagnose(sealed, options = {}) {
  return JSON.parse(wasm.diagnose(
    bytes('sealed', sealed),
    options.keys === undefined ? undefined : bytes('keys', options.keys),
    options.cert === undefined ? undefined : bytes('cert', options.cert),
  ));
}

/** The crypto backend compiled into the module ("rust-crypto"). */
export const backend = wasm.backend();
