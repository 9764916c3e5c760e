// kubeseal-core in JavaScript: seal Kubernetes Secrets for Bitnami Sealed Secrets
// in Node 20+ and in browsers (ES module). The WebAssembly module is embedded in
// pkg/wasm-bytes.js, so loading it makes no network request (CSP connect-src 'none').
// In Node the package's entry point is node.js, which adds Node's native RSA.
import * as wasm from './pkg/kubeseal_wasm.js';
import { wasmBytes } from './pkg/wasm-bytes.js';

wasm.initSync({ module: wasmBytes() });

const encoder = new TextEncoder();

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

  /**
   * @param {string | Uint8Array | ArrayBuffer} cert
   * @param {{ nativeRsa?: boolean }} [options] nativeRsa: false keeps sealing's
   *   RSA step in WebAssembly even where the platform's is available (Node).
   */
  constructor(cert, options = {}) {
    this.#inner = new wasm.ParsedCertificate(bytes('cert', cert), options.nativeRsa !== false);
  }

  /** Whether sealing's RSA-OAEP step runs in the platform (Node's OpenSSL) rather than in WebAssembly. */
  get nativeRsa() {
    return this.#inner.nativeRsa;
  }

  /** Seals every Secret of a manifest (YAML or JSON text, or an object). */
  sealSecret(manifest, options = {}) {
    return this.#inner.sealSecret(
      manifestBytes(manifest),
      opt('scope', options.scope),
      opt('name', options.name),
      opt('namespace', options.namespace),
      opt('format', options.format),
      Boolean(options.allowEmptyData),
      Boolean(options.allowExpiredCertificate),
    );
  }

  /** Seals one value as `kubeseal --raw`. */
  sealRaw(value, options = {}) {
    return this.#inner.sealRaw(
      bytes('value', value),
      opt('scope', options.scope),
      opt('namespace', options.namespace) ?? '',
      opt('name', options.name) ?? '',
    );
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

/** The crypto backend compiled into the module ("rust-crypto"). */
export const backend = wasm.backend();
