//! Why the controller would fail to decrypt a SealedSecret, and what to change.
//!
//! [`diagnose`] reads a manifest stream and looks at every SealedSecret in it
//! the way the controller will (since the fix for CVE-2026-22728 the
//! controller takes name, namespace and scope from `metadata`, never from
//! `spec.template.metadata`):
//!
//! - alone: a namespace-bound scope without a namespace, `metadata` and the
//!   template disagreeing on scope, name or namespace, values that are not
//!   base64 or too short to be sealed, values of one object sealed with keys
//!   of different sizes, a `kubernetes.io/tls` (and similar) type missing its
//!   required keys, templates referencing absent keys;
//! - with a [`Certificate`]: values sealed for a key of another size;
//! - with private keys: which key opens each value and under which label,
//!   trying the object's own name and namespace, the template's and the
//!   candidates given, then the fix in words.
//!
//! Values are opened only to learn whether they open: the plaintext is wiped
//! at once and never returned.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use kubeseal_core::diagnose::{diagnose, Cause, Doctor};
//!
//! let manifest = b"apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n\
//! metadata: {name: db}\nspec:\n  encryptedData:\n    password: bm90IHNlYWxlZA==\n";
//! let report = diagnose(&Doctor::new(), manifest)?;
//! assert_eq!(report.sealed_secrets(), 1);
//! let causes: Vec<&Cause> = report.findings().iter().map(|f| f.cause()).collect();
//! assert!(matches!(causes[0], Cause::MissingNamespace { .. }));
//! assert!(matches!(causes[1], Cause::TooShort { len: 10 }));
//! assert_eq!(report.findings()[1].line(), 6);
//! # Ok(())
//! # }
//! ```

mod cause;

use std::collections::BTreeMap;
use std::fmt;

pub use cause::{Binding, Cause, MIN_SEALED_LEN};

use crate::b64;
use crate::cert::Certificate;
use crate::crypto;
use crate::manifest::read::{objects, parse_sealed_secret};
use crate::manifest::{ManifestError, SealedSecret};
use crate::scope::Scope;
use crate::template::Template;
use crate::unseal::PrivateKey;
use k8s_manifest::yaml::{Kind, Node};

/// What [`diagnose`] knows besides the manifest: a certificate, private
/// keys, and further namespaces and names to try.
#[derive(Debug, Default, Clone)]
pub struct Doctor<'a> {
    certificate: Option<&'a Certificate>,
    keys: Vec<&'a PrivateKey>,
    namespaces: Vec<String>,
    names: Vec<String>,
}

impl<'a> Doctor<'a> {
    /// Nothing but the manifest.
    pub fn new() -> Self {
        Self::default()
    }

    /// The controller's certificate: values sealed for a key of another size are reported.
    pub fn certificate(mut self, certificate: &'a Certificate) -> Self {
        self.certificate = Some(certificate);
        self
    }

    /// Private keys (in order; the index of each is what
    /// [`ValueReport::opened_by`] reports): every value is tried with them.
    pub fn keys(mut self, keys: impl IntoIterator<Item = &'a PrivateKey>) -> Self {
        self.keys.extend(keys);
        self
    }

    /// One more namespace to try values under (with keys).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespaces.push(namespace.into());
        self
    }

    /// One more name to try values under (with keys).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.names.push(name.into());
        self
    }
}

/// One thing wrong with a SealedSecret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    line: usize,
    namespace: Option<String>,
    name: Option<String>,
    key: Option<String>,
    cause: Cause,
}

impl Finding {
    /// 1-based line of the field concerned (the value, the annotation…), or
    /// of the object.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The SealedSecret's `metadata.namespace`.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The SealedSecret's `metadata.name` (`None` when it cannot be read).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The `encryptedData` key concerned, for a finding about one value.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// What is wrong, and the fix.
    pub fn cause(&self) -> &Cause {
        &self.cause
    }
}

/// `SealedSecret "prod/db": encryptedData.password: <cause>`.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealedSecret")?;
        match (&self.namespace, &self.name) {
            (Some(ns), Some(n)) => write!(f, " \"{ns}/{n}\"")?,
            (None, Some(n)) => write!(f, " {n:?}")?,
            _ => {}
        }
        if let Some(k) = &self.key {
            write!(f, ": encryptedData.{k}")?;
        }
        write!(f, ": {}", self.cause)
    }
}

/// Which private key opened a value, and for what.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Opened {
    /// Index of the key in [`Doctor::keys`].
    pub key_index: usize,
    /// What the value was sealed for.
    pub binding: Binding,
}

/// One `encryptedData` value, and the key that opened it (with keys).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValueReport {
    /// 1-based line of the value's key.
    pub line: usize,
    /// The SealedSecret's `metadata.namespace`.
    pub namespace: Option<String>,
    /// The SealedSecret's `metadata.name`.
    pub name: String,
    /// The `encryptedData` key.
    pub key: String,
    /// The key that opened it; `None` when none did, the value is
    /// malformed, or no keys were given.
    pub opened_by: Option<Opened>,
}

/// What [`diagnose`] found in one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnosis {
    sealed_secrets: usize,
    findings: Vec<Finding>,
    values: Vec<ValueReport>,
}

impl Diagnosis {
    /// How many SealedSecrets the input holds (other objects are ignored).
    pub fn sealed_secrets(&self) -> usize {
        self.sealed_secrets
    }

    /// Everything wrong, in input order.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Whether nothing is wrong.
    pub fn is_healthy(&self) -> bool {
        self.findings.is_empty()
    }

    /// Every `encryptedData` value of every readable SealedSecret, in input order.
    pub fn values(&self) -> &[ValueReport] {
        &self.values
    }
}

/// Looks at every SealedSecret of a YAML or JSON stream (several documents,
/// `kind: List`); objects of other kinds are ignored. Fails only when the
/// input is not YAML or JSON at all; a SealedSecret the controller could not
/// read is a [`Cause::Invalid`] finding.
pub fn diagnose(doctor: &Doctor<'_>, input: &[u8]) -> Result<Diagnosis, ManifestError> {
    let mut out = Diagnosis::default();
    for (origin, node) in objects(input)? {
        if node.get("kind").and_then(Node::as_str) != Some("SealedSecret") {
            continue;
        }
        out.sealed_secrets += 1;
        match parse_sealed_secret(&node, origin) {
            Ok(sealed) => examine(doctor, &sealed, &node, &mut out),
            Err(problem) => out.findings.push(Finding {
                line: origin.line,
                namespace: None,
                name: node
                    .get("metadata")
                    .and_then(|m| m.get("name"))
                    .and_then(Node::as_str)
                    .map(str::to_string),
                key: None,
                cause: Cause::Invalid(problem),
            }),
        }
    }
    Ok(out)
}

/// The line of the node at `path` under `node`, else of the deepest parent found.
fn line_of(node: &Node, path: &[&str]) -> usize {
    let mut line = node.pos().line;
    let mut cur = node;
    for p in path {
        let found = match cur.kind() {
            Kind::Map(entries) => entries.iter().rev().find(|(k, _)| k.as_str() == Some(p)),
            _ => None,
        };
        match found {
            Some((k, v)) => {
                line = k.pos().line;
                cur = v;
            }
            None => break,
        }
    }
    line
}

/// One SealedSecret.
struct Object<'s> {
    sealed: &'s SealedSecret,
    node: &'s Node,
}

impl Object<'_> {
    fn finding(&self, line: usize, key: Option<&str>, cause: Cause) -> Finding {
        Finding {
            line,
            namespace: self.sealed.metadata.namespace.clone(),
            name: self.sealed.metadata.name.clone(),
            key: key.map(str::to_string),
            cause,
        }
    }

    fn line(&self, path: &[&str]) -> usize {
        line_of(self.node, path)
    }
}

/// A decoded value's RSA ciphertext length, or why it cannot be sealed.
fn rsa_len(encoded: &str) -> Result<(usize, zeroize::Zeroizing<Vec<u8>>), Cause> {
    let ct = b64::decode(encoded).ok_or(Cause::NotBase64)?;
    if ct.len() < MIN_SEALED_LEN {
        return Err(Cause::TooShort { len: ct.len() });
    }
    let declared = usize::from(u16::from_be_bytes([ct[0], ct[1]]));
    if declared < 256 || declared % 8 != 0 || 2 + declared + 16 > ct.len() {
        return Err(Cause::BadLength {
            declared,
            len: ct.len(),
        });
    }
    Ok((declared, ct))
}

fn examine(doctor: &Doctor<'_>, sealed: &SealedSecret, node: &Node, out: &mut Diagnosis) {
    let obj = Object { sealed, node };
    let meta = &sealed.metadata;
    let tmeta = &sealed.template.metadata;
    let scope = Scope::from_annotations(&meta.annotations);
    let mut findings = Vec::new();

    // Identity: metadata against the template.
    let missing_ns = scope != Scope::ClusterWide && meta.namespace.is_none();
    let template_scope = Scope::from_annotations(&tmeta.annotations);
    if template_scope != scope {
        findings.push(obj.finding(
            obj.line(&["spec", "template", "metadata", "annotations"]),
            None,
            Cause::ScopeMismatch {
                metadata: scope,
                template: template_scope,
            },
        ));
    }
    if let (Some(m), Some(t)) = (&meta.name, &tmeta.name) {
        if m != t {
            findings.push(obj.finding(
                obj.line(&["spec", "template", "metadata", "name"]),
                None,
                Cause::NameMismatch {
                    metadata: m.clone(),
                    template: t.clone(),
                },
            ));
        }
    }
    if let (Some(m), Some(t)) = (&meta.namespace, &tmeta.namespace) {
        if m != t {
            findings.push(obj.finding(
                obj.line(&["spec", "template", "metadata", "namespace"]),
                None,
                Cause::NamespaceMismatch {
                    metadata: m.clone(),
                    template: t.clone(),
                },
            ));
        }
    }

    // The values, one by one.
    let mut sizes: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let expected = Binding::new(scope, meta.namespace.as_deref(), meta.name.as_deref());
    let candidates = candidates(doctor, sealed, scope);
    let mut sealed_for_ns: Vec<String> = Vec::new();
    for (key, encoded) in &sealed.encrypted_data {
        let line = obj.line(&["spec", "encryptedData", key]);
        let mut report = ValueReport {
            line,
            namespace: meta.namespace.clone(),
            name: meta.name.clone().unwrap_or_default(),
            key: key.clone(),
            opened_by: None,
        };
        let (len, ct) = match rsa_len(encoded) {
            Ok(v) => v,
            Err(cause) => {
                findings.push(obj.finding(line, Some(key), cause));
                out.values.push(report);
                continue;
            }
        };
        sizes.entry(len * 8).or_default().push(key.clone());
        if let Some(cert) = doctor.certificate {
            if cert.key_bits().div_ceil(8) != len {
                findings.push(obj.finding(
                    line,
                    Some(key),
                    Cause::CertificateMismatch {
                        bits: len * 8,
                        cert_bits: cert.key_bits(),
                    },
                ));
            }
        }
        if !doctor.keys.is_empty() {
            report.opened_by = open(doctor, &candidates, len, &ct);
            match &report.opened_by {
                None => findings.push(obj.finding(
                    line,
                    Some(key),
                    Cause::NoKeyOpens {
                        tried: candidates.clone(),
                    },
                )),
                Some(o) if o.binding == expected => {}
                Some(o) if missing_ns && same_but_namespace(&o.binding, &expected) => {
                    if let Some(ns) = &o.binding.namespace {
                        if !sealed_for_ns.contains(ns) {
                            sealed_for_ns.push(ns.clone());
                        }
                    }
                }
                Some(o) => findings.push(obj.finding(
                    line,
                    Some(key),
                    Cause::SealedElsewhere {
                        expected: expected.clone(),
                        found: o.binding.clone(),
                    },
                )),
            }
        }
        out.values.push(report);
    }
    if missing_ns {
        let sealed_for = match sealed_for_ns.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        };
        findings.insert(
            0,
            obj.finding(
                obj.line(&["metadata"]),
                None,
                Cause::MissingNamespace { scope, sealed_for },
            ),
        );
    }
    if sizes.len() > 1 {
        findings.push(obj.finding(
            obj.line(&["spec", "encryptedData"]),
            None,
            Cause::MixedKeySizes {
                sizes: sizes.into_iter().collect(),
            },
        ));
    }

    // The Secret the controller would make.
    let has_key =
        |k: &str| sealed.encrypted_data.contains_key(k) || sealed.template.data.contains_key(k);
    if let Some(t) = &sealed.template.secret_type {
        let required: &[&str] = match t.as_str() {
            "kubernetes.io/tls" => &["tls.crt", "tls.key"],
            "kubernetes.io/dockerconfigjson" => &[".dockerconfigjson"],
            "kubernetes.io/dockercfg" => &[".dockercfg"],
            "kubernetes.io/ssh-auth" => &["ssh-privatekey"],
            "kubernetes.io/basic-auth" => &["username", "password"],
            _ => &[],
        };
        let missing: Vec<String> = if t == "kubernetes.io/basic-auth" {
            if required.iter().any(|k| has_key(k)) {
                Vec::new()
            } else {
                required.iter().map(|k| k.to_string()).collect()
            }
        } else {
            required
                .iter()
                .filter(|k| !has_key(k))
                .map(|k| k.to_string())
                .collect()
        };
        if !missing.is_empty() {
            findings.push(obj.finding(
                obj.line(&["spec", "template", "type"]),
                None,
                Cause::MissingTypeKeys {
                    secret_type: t.clone(),
                    missing,
                },
            ));
        }
    }
    // Templates, read as the controller reads them: one that does not parse
    // (or uses a function the controller lacks) fails; a key it names that
    // neither encryptedData nor template.data holds renders as "<no value>".
    for (tkey, text) in &sealed.template.data {
        let line = obj.line(&["spec", "template", "data", tkey]);
        match Template::parse(tkey, text) {
            Err(e) => findings.push(obj.finding(
                line,
                None,
                Cause::TemplateInvalid {
                    template_key: tkey.clone(),
                    error: e.to_string(),
                },
            )),
            Ok(t) => {
                for r in t.referenced_keys() {
                    if !sealed.encrypted_data.contains_key(&r)
                        && !sealed.template.data.contains_key(&r)
                    {
                        findings.push(obj.finding(
                            line,
                            None,
                            Cause::TemplateMissingKey {
                                template_key: tkey.clone(),
                                missing: r,
                            },
                        ));
                    }
                }
            }
        }
    }
    findings.sort_by_key(|f| f.line);
    out.findings.extend(findings);
}

fn same_but_namespace(found: &Binding, expected: &Binding) -> bool {
    found.scope == expected.scope && found.name == expected.name
}

/// The bindings to try, the controller's own first: every scope with the
/// namespaces and names of `metadata`, the template and the doctor.
fn candidates(doctor: &Doctor<'_>, sealed: &SealedSecret, scope: Scope) -> Vec<Binding> {
    let (meta, tmeta) = (&sealed.metadata, &sealed.template.metadata);
    let mut namespaces: Vec<&str> = Vec::new();
    for ns in [meta.namespace.as_deref(), tmeta.namespace.as_deref()]
        .into_iter()
        .flatten()
        .chain(doctor.namespaces.iter().map(String::as_str))
    {
        if !namespaces.contains(&ns) {
            namespaces.push(ns);
        }
    }
    let mut names: Vec<&str> = Vec::new();
    for n in [meta.name.as_deref(), tmeta.name.as_deref()]
        .into_iter()
        .flatten()
        .chain(doctor.names.iter().map(String::as_str))
    {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let mut out = Vec::new();
    let mut add = |b: Binding| {
        if b.label().is_some() && !out.contains(&b) {
            out.push(b);
        }
    };
    add(Binding::new(
        scope,
        meta.namespace.as_deref(),
        meta.name.as_deref(),
    ));
    for s in Scope::ALL {
        for ns in &namespaces {
            for n in &names {
                add(Binding::new(s, Some(ns), Some(n)));
            }
        }
        if s == Scope::ClusterWide {
            add(Binding::new(s, None, None));
        }
    }
    out
}

/// The first (binding, key) that opens the value; the plaintext is wiped at once.
fn open(doctor: &Doctor<'_>, candidates: &[Binding], rsa_len: usize, ct: &[u8]) -> Option<Opened> {
    let keys: Vec<(usize, &PrivateKey)> = doctor
        .keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.bits().div_ceil(8) == rsa_len)
        .map(|(i, k)| (i, *k))
        .collect();
    for binding in candidates {
        let Some(label) = binding.label() else {
            continue;
        };
        for (i, key) in &keys {
            if crypto::hybrid_decrypt(key.raw(), &label, ct).is_ok() {
                return Some(Opened {
                    key_index: *i,
                    binding: binding.clone(),
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
