//! The data model: object identity, metadata, Secrets and SealedSecrets.

use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroizing;

use k8s_manifest::{ObjectMeta, ObjectRef};

/// Where a document came from in its input stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Origin {
    /// 1-based index of the document in the stream (0 when built in memory).
    pub document: usize,
    /// 1-based line where the object starts (0 when built in memory).
    pub line: usize,
}

impl Origin {
    /// Document `document` (1-based) of a stream, starting on `line` (1-based).
    pub fn new(document: usize, line: usize) -> Origin {
        Origin { document, line }
    }

    /// Whether the object was built in memory rather than read.
    pub fn is_in_memory(&self) -> bool {
        self.document == 0
    }
}

impl fmt::Display for Origin {
    /// `document 2 (line 7)`; `in memory` for an object not read from a stream.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_in_memory() {
            f.write_str("in memory")
        } else {
            write!(f, "document {} (line {})", self.document, self.line)
        }
    }
}

/// A secret value. Its memory is wiped on drop and `Debug` never shows it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretValue(Zeroizing<Vec<u8>>);

impl SecretValue {
    /// Wraps bytes (taking ownership, so no other copy is left behind).
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Decodes a Secret `data` value as the API server does (standard
    /// base64 with padding; line breaks are ignored, any other whitespace is
    /// an error). `None` if it is not valid base64; the decoded bytes are
    /// wiped on drop either way.
    pub fn from_base64(encoded: &str) -> Option<Self> {
        crate::b64::decode(encoded).map(|mut v| Self::new(std::mem::take(&mut *v)))
    }

    /// The plaintext bytes. Handle with care.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for SecretValue {
    fn from(s: &str) -> Self {
        Self::new(s.as_bytes().to_vec())
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue(<{} bytes redacted>)", self.0.len())
    }
}

/// A plaintext Kubernetes `v1` Secret, with `data` and `stringData` merged
/// (`stringData` wins on a shared key, as the API server and kubeseal do).
///
/// Read one with [`read_secrets`](crate::read_secrets) or build one with
/// [`Secret::new`]; fields are public so that callers can adjust them.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Secret {
    /// `metadata`: name, namespace, labels, annotations.
    pub metadata: ObjectMeta,
    /// `type` (e.g. `Opaque`).
    pub secret_type: Option<String>,
    /// `immutable`.
    pub immutable: Option<bool>,
    /// The values, decoded.
    pub data: BTreeMap<String, SecretValue>,
    /// Where it was read from.
    pub origin: Origin,
}

impl Secret {
    /// An empty `Opaque` Secret named `object`.
    pub fn new(object: &ObjectRef) -> Secret {
        Secret {
            metadata: ObjectMeta::new(object),
            secret_type: Some("Opaque".into()),
            ..Secret::default()
        }
    }

    /// Adds or replaces one value.
    pub fn insert(&mut self, key: impl Into<String>, value: SecretValue) -> &mut Self {
        self.data.insert(key.into(), value);
        self
    }
}

/// The `spec.template` of a SealedSecret: metadata and type of the Secret
/// the controller will create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretTemplate {
    /// `metadata` (scope annotations included).
    pub metadata: ObjectMeta,
    /// `type`.
    pub secret_type: Option<String>,
    /// `immutable`.
    pub immutable: Option<bool>,
    /// `data`: plain (non-secret) template values, kept as they are.
    pub data: BTreeMap<String, String>,
}

/// A `bitnami.com/v1alpha1` SealedSecret, as [`seal_secret`](crate::seal_secret)
/// makes it or [`read_sealed_secrets`](crate::read_sealed_secrets) reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SealedSecret {
    /// `metadata` (the scope annotation lives here; the name is always set
    /// on a SealedSecret that was read or sealed; the namespace may be absent
    /// for cluster-wide secrets).
    pub metadata: ObjectMeta,
    /// `spec.template`.
    pub template: SecretTemplate,
    /// `spec.encryptedData`: base64 of each sealed value, keys sorted.
    pub encrypted_data: BTreeMap<String, String>,
    /// Where it was read from.
    pub origin: Origin,
}

impl SealedSecret {
    /// The namespace and name its values are bound to (an absent namespace is empty).
    pub fn object_ref(&self) -> ObjectRef {
        self.metadata.object_ref()
    }

    /// Merges `update` into `self` as kubeseal's `--merge-into` does: sealed
    /// values, template annotations, labels and data of `update` are added or
    /// replaced; everything else in `self` is kept.
    pub fn merge_from(&mut self, update: &SealedSecret) {
        for (k, v) in &update.encrypted_data {
            self.encrypted_data.insert(k.clone(), v.clone());
        }
        let (mine, theirs) = (&mut self.template, &update.template);
        for (k, v) in &theirs.metadata.annotations {
            mine.metadata.annotations.insert(k.clone(), v.clone());
        }
        for (k, v) in &theirs.metadata.labels {
            mine.metadata.labels.insert(k.clone(), v.clone());
        }
        for (k, v) in &theirs.data {
            mine.data.insert(k.clone(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_value_debug_is_redacted() {
        let v = SecretValue::from("hunter2");
        assert_eq!(format!("{v:?}"), "SecretValue(<7 bytes redacted>)");
        assert!(!v.is_empty());
        assert!(SecretValue::from("").is_empty());
        let mut s = Secret::new(&ObjectRef::new("ns", "n"));
        s.insert("k", v);
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn merge_from_adds_and_replaces_and_keeps_the_rest() {
        fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        }
        let sealed = |data: &[(&str, &str)],
                      annotations: &[(&str, &str)],
                      labels: &[(&str, &str)],
                      template_data: &[(&str, &str)],
                      secret_type: &str| {
            let mut template = SecretTemplate {
                secret_type: Some(secret_type.into()),
                data: map(template_data),
                ..SecretTemplate::default()
            };
            template.metadata.annotations = map(annotations);
            template.metadata.labels = map(labels);
            SealedSecret {
                encrypted_data: map(data),
                template,
                ..SealedSecret::default()
            }
        };
        let mut mine = sealed(
            &[("a", "A1"), ("b", "B1")],
            &[("x", "1"), ("y", "1")],
            &[("l", "1")],
            &[("t", "1")],
            "Opaque",
        );
        let update = sealed(
            &[("b", "B2"), ("c", "C2")],
            &[("y", "2")],
            &[("m", "2")],
            &[("t", "2"), ("u", "2")],
            "kubernetes.io/tls",
        );
        mine.merge_from(&update);
        assert_eq!(
            mine.encrypted_data,
            map(&[("a", "A1"), ("b", "B2"), ("c", "C2")])
        );
        assert_eq!(
            mine.template.metadata.annotations,
            map(&[("x", "1"), ("y", "2")])
        );
        assert_eq!(
            mine.template.metadata.labels,
            map(&[("l", "1"), ("m", "2")])
        );
        assert_eq!(mine.template.data, map(&[("t", "2"), ("u", "2")]));
        assert_eq!(mine.template.secret_type.as_deref(), Some("Opaque"));
    }
}
