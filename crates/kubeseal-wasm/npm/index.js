// kubeseal-core in JavaScript: seal Kubernetes Secrets for Bitnami Sealed Secrets
// in Node 20+ and in browsers (ES module). The WebAssembly module is embedded in
// pkg/wasm-bytes.js, so loading it makes no network request (CSP connect-src 'none').
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

  /** @param {string | Uint8Array | ArrayBuffer} cert */
  constructor(cert) {
    this.#inner = new wasm.ParsedCertificate(bytes('cert', cert));
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
export function loadCertificate(cert) {
  return cert instanceof Certificate ? cert : new Certificate(cert);
}

/**
 * Seals every Secret of a manifest (YAML or JSON text, or an object). `cert` is a
 * PEM (the last one parsed is kept) or a `Certificate` from `loadCertificate`.
 */
export function sealSecret(cert, manifest, options = {}) {
  if (cert instanceof Certificate) return cert.sealSecret(manifest, options);
  return wasm.sealSecret(
    bytes('cert', cert),
    manifestBytes(manifest),
    opt('scope', options.scope),
    opt('name', options.name),
    opt('namespace', options.namespace),
    opt('format', options.format),
    Boolean(options.allowEmptyData),
    Boolean(options.allowExpiredCertificate),
  );
}

/** Seals one value as `kubeseal --raw`; `cert` as for `sealSecret`. */
export function sealRaw(cert, value, options = {}) {
  if (cert instanceof Certificate) return cert.sealRaw(value, options);
  return wasm.sealRaw(
    bytes('cert', cert),
    bytes('value', value),
    opt('scope', options.scope),
    opt('namespace', options.namespace) ?? '',
    opt('name', options.name) ?? '',
  );
}

/** The certificate's subject, key size, SHA-256 fingerprint and validity. */
export function certInfo(cert) {
  if (cert instanceof Certificate) return cert.info();
  return JSON.parse(wasm.certInfo(bytes('cert', cert)));
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

/** The crypto backend compiled into the module ("rust-crypto"). */
export const backend = wasm.backend();
