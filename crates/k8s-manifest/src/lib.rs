//! Kubernetes manifests as Kubernetes reads and writes them: no crypto, no I/O.
//!
//! # Which module do I need?
//!
//! - [`yaml`]: read a YAML or JSON stream into a positioned tree, as
//!   `kubectl`, kustomize and the controllers read it (go-yaml v2's YAML 1.1
//!   resolution, apimachinery's JSON detection, bounded aliases and nesting).
//! - [`emit`]: write JSON and YAML that Go's readers read back as meant, keys in
//!   go-yaml's order.
//! - [`names`]: the rules for namespaces, object names and Secret data keys.
//! - [`ObjectRef`], [`ObjectMeta`]: what names an object; [`Secret`] and
//!   [`SecretValue`]: a plaintext Secret (values wiped on drop); [`base64`]:
//!   Kubernetes' base64 rule for `data`.
//! - [`escape`]: untrusted strings made safe for a terminal or a JSON report.
//! - [`Format`]: JSON or YAML, decided as Kubernetes decides.
//!
//! # Example
//!
//! ```
//! use k8s_manifest::{names, yaml, Format, ObjectRef};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let raw = b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\n";
//! assert_eq!(Format::detect(raw), Format::Yaml);
//! let text = yaml::decode_text(raw)?;
//! let docs = yaml::parse_manifests(&text)?;
//! let meta = docs[0].root().and_then(|r| r.get("metadata")).expect("metadata");
//! let name = meta.get("name").and_then(|n| n.as_str()).expect("a name");
//! let namespace = meta.get("namespace").and_then(|n| n.as_str()).expect("a namespace");
//! names::object_name(name)?;
//! names::namespace(namespace)?;
//! assert_eq!(ObjectRef::new(namespace, name).to_string(), "prod/db");
//! assert_eq!(meta.get("name").map(|n| n.pos().line), Some(4));
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod base64;
pub mod emit;
pub mod escape;
mod format;
mod json;
mod key_order;
mod kustomize;
pub mod names;
mod object;
mod resolve;
mod secret;
mod tree;
pub mod yaml;

pub use format::Format;
pub use kustomize::{
    is_kustomization_file, normalize, patch_entries, PatchBody, PatchEntry,
    KUSTOMIZATION_FILE_NAMES, PATCH_FIELDS,
};
pub use object::{ObjectMeta, ObjectRef, OwnerReference};
pub use secret::{Origin, Secret, SecretValue};
pub use tree::{Pos, MAX_DEPTH, MAX_NODES};

/// The README's Rust examples compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
