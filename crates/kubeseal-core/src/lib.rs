//! Seal and unseal Kubernetes Secrets exactly as Bitnami Sealed Secrets'
//! `kubeseal` does: what this crate seals, the sealed-secrets controller
//! decrypts; what kubeseal sealed, [`unseal`] reads with the controller's key.
//!
//! # Which type do I need?
//!
//! - [`Certificate`]: the controller's public certificate (`kubeseal --fetch-cert`),
//!   parsed once and checked (RSA, at least 2048 bits, validity).
//! - [`ObjectRef`]: a Secret's (or Receiver's) namespace and name, which
//!   travel together; the scope label is made of them.
//! - [`read_secrets`] → [`Secret`]: plaintext Secrets from YAML or JSON
//!   (several documents, `kind: List`), or build one with [`Secret::new`].
//!   [`ObjectMeta`] holds the metadata of every manifest type.
//! - [`seal_secret`] → [`SealedSecret`]: the manifest kubeseal writes;
//!   [`SealedSecret::to_string`] renders it as JSON or YAML ([`Format`]).
//!   [`SealOptions`] carries kubeseal's flags (scope, name, namespace…).
//! - [`seal_raw`]: one value, like `kubeseal --raw`.
//! - [`SealedFile`] + [`Edits`]: replace, add or remove `encryptedData` values
//!   of a file in place, every other byte kept (resealing, editing).
//! - [`reseal`]: offline re-encryption of a file's values for a new
//!   certificate after a key rotation (what `kubeseal --re-encrypt` asks the
//!   controller for).
//! - [`Scope`]: strict, namespace-wide or cluster-wide binding.
//! - [`PrivateKey`] + [`unseal`] / [`unseal_raw`]: recovery with the controller's private key;
//!   [`read_key_backup`] reads the key backups of upstream's recovery procedure;
//!   [`controller::controller_secret`]: the Secret the controller would create
//!   (`spec.template.data` rendered by [`template`], owner reference set).
//! - [`template::Template`]: `spec.template.data` rendered as the controller
//!   renders it (Go `text/template` with sprig) over the opened values.
//! - Flux webhook tokens, paths and Receivers live in the `flux-receiver` crate.
//! - [`k8s_manifest`] (re-exported): the positioned YAML tree the manifest
//!   reader is built on, name rules and emitters, for tools that look at
//!   manifests the same way (`sealtoken-check` does).
//!
//! Every call takes the key first (certificate or private keys),
//! then the object it concerns as an [`ObjectRef`] or a manifest, then the value.
//!
//! # Example
//!
//! ```
//! use kubeseal_core::{
//!     seal_raw, seal_secret, unseal_raw, Certificate, Format, ObjectRef, PrivateKey, Scope,
//!     SealOptions, Secret, SecretValue,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/upstream");
//! let pem = std::fs::read(format!("{dir}/controller.crt"))?; // e.g. from `kubeseal --fetch-cert`
//! let cert = Certificate::from_pem(&pem)?;
//!
//! // A Secret flux-system/webhook-token holding one value.
//! let object = ObjectRef::new("flux-system", "webhook-token");
//! let mut secret = Secret::new(&object);
//! secret.insert("token", SecretValue::from("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c"));
//!
//! // Key first, then what to seal.
//! let sealed = seal_secret(&cert, &secret, &SealOptions::new())?;
//! let yaml = sealed.to_string(Format::Yaml);
//! assert!(yaml.starts_with("---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"));
//! assert!(!yaml.contains("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c"));
//!
//! // One value, as `kubeseal --raw`, bound to the same namespace and name;
//! // the controller's private key opens it under that label only.
//! let value = seal_raw(&cert, Scope::Strict, &object, b"s3cr3t")?;
//! # let keys = PrivateKey::from_pem(&std::fs::read(format!("{dir}/controller.key"))?)?;
//! let opened = unseal_raw(&keys, Scope::Strict, &object, &value)?;
//! assert_eq!(opened.expose(), b"s3cr3t");
//! let elsewhere = ObjectRef::new("default", "webhook-token");
//! assert!(unseal_raw(&keys, Scope::Strict, &elsewhere, &value).is_err());

//! # Ok(())
//! # }
//! ```
//!
//! # Compatibility
//!
//! The ciphertext format is upstream's `HybridEncrypt`: a 2-byte big-endian
//! length, the RSA-OAEP (SHA-256, label = scope label) encryption of a fresh
//! 32-byte session key, then AES-256-GCM of the value (zero nonce, no AAD).
//! Manifests follow kubeseal v0.32 and later (no `creationTimestamp: null`).
//!
//! # Crypto backends
//!
//! Feature `aws-lc` (default) uses AWS-LC through `aws-lc-rs`; feature
//! `rust-crypto` uses the pure-Rust RustCrypto crates. Randomness always comes
//! from the operating system's CSPRNG. Session keys, tokens and decoded values
//! are wiped from memory when dropped.
//!
//! # Start-up
//!
//! AWS-LC seeds its own generator at its first draw with CPU-jitter entropy,
//! about 20 ms of CPU, unless aws-lc-sys was built with
//! `AWS_LC_SYS_NO_JITTER_ENTROPY=1`. With feature `fast-start` (default), a
//! process's first 32 RSA-OAEP encryptions go through RustCrypto's `rsa` with
//! the OS CSPRNG instead (about 0.4 ms each, public key only), so a run that
//! seals a few values never pays that seeding; every later encryption, and all
//! of them once a private-key operation has run, go through AWS-LC.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod b64;
mod backup;
mod cert;
pub mod controller;
mod crypto;
pub mod diagnose;
pub mod diff;
#[cfg(feature = "hazmat")]
pub mod hazmat;
#[cfg(test)]
mod k8s_yaml_tests;
mod manifest;
mod pem;
mod reseal;
mod scope;
mod seal;
pub mod template;
mod time;
mod unseal;

pub use backup::{
    read_key_backup, read_private_keys, BackupError, BackupKey, SEALED_SECRETS_KEY_LABEL, TLS_CERT,
    TLS_KEY,
};
pub use cert::{CertError, Certificate, ValidityWarning, EXPIRY_WARNING_DAYS, MIN_RSA_BITS};
pub use crypto::BACKEND;
pub use k8s_manifest::{self, Format, ObjectMeta, ObjectRef, Pos};
pub use manifest::{
    read_sealed_secrets, read_secrets, Edits, ManifestError, Origin, PatchError, Problem,
    SealedFile, SealedSecret, Secret, SecretTemplate, SecretValue, SEALED_SECRET_API_VERSION,
    STRIPPED_ANNOTATIONS,
};
pub use reseal::{reseal, ResealError, Resealed, ValueFailure};
pub use scope::{ParseScopeError, Scope, CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION};
pub use seal::{seal_raw, seal_secret, seal_secrets, SealError, SealOptions};
pub use time::Timestamp;
pub use unseal::{
    unseal, unseal_indexed, unseal_raw, unseal_raw_indexed, KeyError, PrivateKey, UnsealError,
};

/// The guide's library page: its Rust examples compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/library.md")]
struct ReadmeDoctests;
