/**
 * The controller's certificate (PEM) or a bare RSA public key (PEM "PUBLIC KEY").
 * The functions keep a handle for the last one they were given, so repeated calls
 * with the same PEM parse it once; `loadCertificate` makes that explicit.
 */
export type Cert = string | Uint8Array;

/** Sealing scope: which namespace and name the value is bound to. */
export type Scope = 'strict' | 'namespace-wide' | 'cluster-wide';

export interface SealSecretOptions {
  /** kubeseal's --scope: replaces the Secret's scope annotations (strict leaves them). */
  scope?: Scope;
  /** kubeseal's --name: replaces metadata.name. */
  name?: string;
  /** kubeseal's --namespace: used when the Secret has none; another one is refused. */
  namespace?: string;
  /** Output format, "json" (kubeseal's default) or "yaml". */
  format?: 'json' | 'yaml';
  /** kubeseal's --allow-empty-data. */
  allowEmptyData?: boolean;
  /** Seal even when the certificate has expired. */
  allowExpiredCertificate?: boolean;
}

export interface SealRawOptions {
  scope?: Scope;
  /** Required unless the scope is cluster-wide. */
  namespace?: string;
  /** Required for the strict scope. */
  name?: string;
}

export interface CertInfo {
  subject: string;
  barePublicKey: boolean;
  keyBits: number;
  /** SHA-256 of the DER certificate (or public key), lowercase hex. */
  fingerprintSha256: string;
  /** RFC 3339, or null for a bare public key. */
  notBefore: string | null;
  notAfter: string | null;
  expired: boolean;
  notYetValid: boolean;
  /** Expires within 30 days (kubeseal-core's EXPIRY_WARNING_DAYS): the controller will soon renew its key. */
  expiresSoon: boolean;
  /** The CLI's warnings about the validity period, in its words (expired, expires soon, not yet valid). */
  warnings: string[];
}

export interface CertificateOptions {
  /**
   * Where sealing's RSA-OAEP step runs. 'auto' (default): the fastest safe path,
   * Node's OpenSSL (`node:crypto`) in Node for every method, WebCrypto
   * (`crypto.subtle`) for the *Async methods in browsers and workers, WebAssembly
   * elsewhere (e.g. a page served over plain http from a name other than
   * localhost, where `crypto.subtle` is missing). 'wasm': always in WebAssembly.
   * 'webcrypto': the *Async methods in WebCrypto (a TypeError where it is missing).
   */
  rsa?: 'auto' | 'wasm' | 'webcrypto';
  /** `false` is `rsa: 'wasm'` (kept from earlier versions). */
  nativeRsa?: boolean;
}

/** Where a `Certificate`'s *Async methods run the RSA-OAEP step. */
export type AsyncRsaPath = 'node:crypto' | 'webcrypto' | 'wasm';

/**
 * A certificate parsed once (see `loadCertificate`): sealing many values with it
 * skips parsing the PEM and preparing the RSA key on every call (and, on the
 * WebCrypto path, importing the key: once per handle). Public data only.
 */
export class Certificate {
  /** Parses a PEM certificate or bare public key; throws the CLI's message if it is not one. */
  constructor(cert: string | Uint8Array | ArrayBuffer, options?: CertificateOptions);
  /** Whether the synchronous methods' RSA-OAEP step runs in Node's OpenSSL (false in browsers). */
  readonly nativeRsa: boolean;
  /** Where the *Async methods' RSA-OAEP step runs. */
  readonly asyncRsa: AsyncRsaPath;
  sealSecret(manifest: string | Uint8Array | object, options?: SealSecretOptions): string;
  sealRaw(value: string | Uint8Array, options?: SealRawOptions): string;
  /**
   * `sealSecret` with the RSA-OAEP steps on the `asyncRsa` path. Rejects with the
   * same errors; a failing WebCrypto step rejects with "encryption failed".
   */
  sealSecretAsync(manifest: string | Uint8Array | object, options?: SealSecretOptions): Promise<string>;
  /** `sealRaw` with the RSA-OAEP step on the `asyncRsa` path. */
  sealRawAsync(value: string | Uint8Array, options?: SealRawOptions): Promise<string>;
  info(): CertInfo;
  /** Releases it now (otherwise the garbage collector does); unusable afterwards. */
  free(): void;
}

/** Parses a PEM certificate or bare public key once, for many seals (a `Certificate` is returned as is). */
export function loadCertificate(cert: Cert | ArrayBuffer | Certificate, options?: CertificateOptions): Certificate;

/**
 * Seals every Secret of a manifest (YAML or JSON text, several documents or a
 * List, or a Secret object) into SealedSecrets. Throws an Error whose message is
 * the CLI's; it never contains a value.
 */
export function sealSecret(cert: Cert | Certificate, manifest: string | Uint8Array | object, options?: SealSecretOptions): string;

/** Seals one value as `kubeseal --raw` (base64 ciphertext). */
export function sealRaw(cert: Cert | Certificate, value: string | Uint8Array, options?: SealRawOptions): string;

/** `sealSecret` with the RSA-OAEP steps on the fastest safe path (`Certificate.asyncRsa` of the handle). */
export function sealSecretAsync(cert: Cert | Certificate, manifest: string | Uint8Array | object, options?: SealSecretOptions): Promise<string>;

/** `sealRaw` with the RSA-OAEP step on the fastest safe path. */
export function sealRawAsync(cert: Cert | Certificate, value: string | Uint8Array, options?: SealRawOptions): Promise<string>;

export function certInfo(cert: Cert | Certificate): CertInfo;

/** A fresh random token: hex of `bytes` random bytes (default 16). */
export function generateToken(bytes?: number): string;

/** "/hook/<sha256 hex>" for the Receiver namespace/receiver (namespace default flux-system). */
export function webhookPath(token: string, receiver: string, namespace?: string): string;

/** Options of `tokenSecret`. */
export interface TokenSecretOptions {
  /** Namespace of the Secret (default flux-system). */
  namespace?: string;
  /** Name of the Secret (default webhook-token). */
  name?: string;
  /** Key of the token (default token). */
  key?: string;
  /** The webhook URL, recorded in the notification.toolkit.fluxcd.io/webhook annotation. */
  webhookUrl?: string;
  /**
   * The Receiver the token is for (its type guessed from the name, as the CLI does): the URL
   * is not recorded when it is that type's only credential (generic, quay, dockerhub, acr,
   * cdevents), unless `annotateUrl`.
   */
  receiver?: string;
  /** Record the URL even when it is the Receiver's only credential (committed in plain). */
  annotateUrl?: boolean;
}

/**
 * The Flux token Secret holding `token`, as the CLI's main job builds it (the
 * reconcile.fluxcd.io/watch label, the URL annotation): a JSON manifest for `sealSecret`.
 */
export function tokenSecret(token: string, options?: TokenSecretOptions): string;

/** Options of `receiver`. */
export interface ReceiverOptions {
  /** Namespace of the Receiver and the token Secret (default flux-system). */
  namespace?: string;
  /** Name of the token Secret, the Receiver's secretRef (default webhook-token). */
  secretName?: string;
  /** GitRepository the Receiver reconciles, in the same namespace (default flux-system). */
  gitRepository?: string;
  /** ImageRepository an image registry Receiver (harbor, dockerhub, …) reconciles. */
  imageRepository?: string;
  /** Webhook host (flux.example.org, or a base URL): the URL is https://host/hook/…. */
  host?: string;
}

/** One Flux Receiver, as the CLI's main job writes it. */
export interface ReceiverInfo {
  name: string;
  /** The Receiver type (given as name:type, or guessed from the name), or null. */
  type: string | null;
  /** "/hook/<sha256 hex>". */
  path: string;
  /** The webhook URL with the host, or null without one. */
  url: string | null;
  /** The Receiver manifest (YAML), or null (see note). */
  manifest: string | null;
  /** What to set up at the sender (no token in it), or null without a type. */
  instructions: string | null;
  /** Why there is no manifest, or null. */
  note: string | null;
}

/** One Receiver's type, webhook path and URL, manifest and sender set-up. */
export function receiver(token: string, receiver: string, options?: ReceiverOptions): ReceiverInfo;

/**
 * Opens every SealedSecret of `sealed` with the private keys of `keys` (PEM, or a
 * key backup as upstream's recovery procedure writes it): the plaintext Secrets
 * (a string JavaScript cannot wipe). Pure-Rust RSA private-key operation: see
 * RUSTSEC-2023-0071.
 */
export function unseal(keys: string | Uint8Array, sealed: string | Uint8Array, options?: { format?: 'json' | 'yaml' }): string;

/** What `diagnose` found (`sealtoken doctor`). */
export interface Diagnosis {
  sealedSecrets: number;
  findings: { line: number; cause: string; message: string }[];
  values: {
    line: number;
    namespace: string | null;
    name: string;
    key: string;
    /** The index of the key that opened it (in `keys`) and what it was sealed for. */
    openedBy: { key: number; binding: string } | null;
  }[];
}

/** `sealtoken doctor` on `sealed`, with the certificate and private keys when given. */
export function diagnose(sealed: string | Uint8Array, options?: { keys?: string | Uint8Array; cert?: string | Uint8Array }): Diagnosis;

/** The crypto backend compiled into the module: "rust-crypto". */
export const backend: string;
