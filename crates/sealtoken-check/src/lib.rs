//! Finding plain Kubernetes Secrets in manifests: the policy behind
//! `sealtoken check` (a pre-commit hook), as a library. Pure functions: bytes
//! in, findings out; no printing, no file system (files a kustomization names
//! are read through a function the caller passes).
//!
//! # Which function do I need?
//!
//! - [`scan`]: a YAML or JSON stream (one file, several documents, `kind: List`)
//!   → a [`Report`] of [`Finding`]s and [`Note`]s.
//! - [`scan_kustomization`]: a kustomization file, its `secretGenerator`s
//!   included; referenced files are read through your function.
//! - [`fix`]: replace each plain Secret document by its SealedSecret, in place
//!   → [`Fixed`] (new text, what was sealed, what was left and why).
//! - [`substitutions`]: the rule that spans files (Flux post-build
//!   substitution into a Secret), over reports you have.
//! - [`is_kustomization_file`], [`is_sops_encrypted`], [`is_placeholder`]: the
//!   small predicates the scan is built on.
//!
//! # Example
//!
//! ```
//! use sealtoken_check::{scan, FindingKind};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let manifest = b"apiVersion: v1
//! kind: Secret
//! metadata: {name: db, namespace: apps}
//! stringData:
//!   username: admin
//!   password: ${DB_PASSWORD}
//! ";
//! let report = scan(manifest)?;
//! let finding = &report.findings()[0];
//! assert_eq!(finding.kind(), FindingKind::PlainSecret);
//! assert_eq!((finding.pos().line, finding.pos().col), (2, 7));
//! // Names and keys only, never values; the placeholder is not a value.
//! assert_eq!(finding.keys(), ["username"]);
//! assert_eq!(finding.to_string(), r#"plain Secret "apps/db" (keys: username)"#);
//! # Ok(())
//! # }
//! ```
//!
//! A kustomization's files come from the caller (here, from memory; a
//! missing file is a [`Note`], a file that cannot be read is
//! [`Report::unreadable`]):
//!
//! ```
//! use std::io;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let kustomization = b"secretGenerator:\n- name: api\n  envs: [api.env]\n";
//! let mut read = |path: &str| match path {
//!     "api.env" => Ok(b"TOKEN=abc\nEMPTY=\n".to_vec()),
//!     _ => Err(io::Error::from(io::ErrorKind::NotFound)),
//! };
//! let report = sealtoken_check::scan_kustomization(kustomization, &mut read)?;
//! assert_eq!(report.findings()[0].keys(), ["TOKEN"]);
//! assert!(report.notes().is_empty() && report.unreadable().is_empty());
//! # Ok(())
//! # }
//! ```
//!
//! # What is flagged
//!
//! - A `v1` `Secret` (also an item of any `…List`, Lists nested) with at
//!   least one non-empty `data` or `stringData` value that is not a template
//!   placeholder; a controller key backup is named as such
//!   ([`FindingKind::ControllerKey`]).
//! - Input that does not parse and names a Secret or a List
//!   ([`FindingKind::Unparseable`]): it cannot be checked, so it fails closed.
//! - A `SealedSecret` with literal values in `spec.template.data`.
//! - In a kustomization: a `secretGenerator` (or a builtin `SecretGenerator`
//!   named by `generators:`) with `literals`, or with `files`/`envs` naming
//!   files that are not SOPS-encrypted; a patch that puts a plain value into
//!   a Secret; a replacement into a Secret from an object that is not one.
//! - Across files ([`substitutions`]): a Flux post-build substitution of a
//!   plain value into a Secret.
//!
//! # What is allowed
//!
//! - `SealedSecret`s without template literals, and every other kind.
//! - SOPS-encrypted documents: a document with `sops:` metadata (its `mac`
//!   and `lastmodified`) and `ENC[…]` values. This is judged per document,
//!   and inside such a document only `ENC[…]` values count as encrypted, so
//!   neither another document of the same file nor a value left out of
//!   encryption can hide behind it.
//! - Values that are empty, or made only of template placeholders:
//!   `{{ … }}` (Helm, Go templates) and `${NAME}` (envsubst, Flux
//!   post-build substitution), or a whole secret-injector reference
//!   ([`is_secret_reference`]). A placeholder carrying a literal default
//!   (`${PASS:=hunter2}`, `{{ .Values.p | default "hunter2" }}`) is a value;
//!   so is text around a placeholder (`user:${PASS}@host`).
//! - A document opted out with the annotation
//!   `sealtoken.dev/allow-plain: "true"` ([`ALLOW_ANNOTATION`]) or the
//!   comment `# sealtoken: allow` on the line of its `kind` (on the line of
//!   `name` for a `secretGenerator`). Each match is a [`Note`].
//!
//! No Secret `type` is exempt: `kubernetes.io/tls` holds a private key,
//! `dockerconfigjson`/`dockercfg` and `basic-auth` hold credentials,
//! `ssh-auth` a private key, `service-account-token` and
//! `bootstrap.kubernetes.io/token` bearer tokens. A service-account-token
//! Secret written as usual (no data, filled in by the cluster) is already
//! allowed as empty.
//!
//! # Templates and input that is not YAML
//!
//! Helm and Go templates are read as the YAML they render to: lines that
//! are only actions are removed, other actions become placeholders. A
//! template that still does not parse falls back to a line-based reading
//! that finds a `kind: Secret` with literal values under `data`/`stringData`,
//! and says so in a [`Note`] ([`Report::is_line_based`]).
//!
//! Nothing here ever puts a secret value into a finding, note or error.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod finding;
#[cfg(feature = "fix")]
mod fix;
mod kustomize;
mod line_scan;
mod placeholder;
mod postbuild;
mod scan;
mod sops;
mod template;
mod text;

pub use finding::{CheckError, Finding, FindingKind, Location, Note, Report, Unreadable};
#[cfg(feature = "fix")]
pub use fix::{fix, Fixed, Sealed, Unfixed, UnfixedReason};
pub use k8s_manifest::is_kustomization_file;
pub use k8s_manifest::Pos;
pub use placeholder::{is_placeholder, is_secret_reference};
pub use postbuild::substitutions;
pub use scan::{scan, scan_kustomization};
pub use sops::is_sops_encrypted;

/// The sealing library, whose types appear in `fix`'s signatures
/// ([`Certificate`](kubeseal_core::Certificate), [`SealOptions`](kubeseal_core::SealOptions)).
#[cfg(feature = "fix")]
pub use kubeseal_core;

/// Annotation that allows a plain Secret (value `"true"`).
pub const ALLOW_ANNOTATION: &str = "sealtoken.dev/allow-plain";
/// Comment text that allows a plain Secret when on the line of its `kind`.
pub const ALLOW_COMMENT: &str = "sealtoken: allow";

/// The README's Rust examples compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
