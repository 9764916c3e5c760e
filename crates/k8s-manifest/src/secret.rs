//! A plaintext Kubernetes `v1` Secret, and where a document came from.

use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroizing;

use crate::emit::{self, object_meta, render, Out};
use crate::{Format, ObjectMeta, ObjectRef};

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
        crate::base64::decode(encoded).map(|mut v| Self::new(std::mem::take(&mut *v)))
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
/// Read one with `kubeseal_core::read_secrets` or build one with
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

    /// A Secret with every field given (readers build one this way).
    pub fn from_parts(
        metadata: ObjectMeta,
        secret_type: Option<String>,
        immutable: Option<bool>,
        data: BTreeMap<String, SecretValue>,
        origin: Origin,
    ) -> Secret {
        Secret {
            metadata,
            secret_type,
            immutable,
            data,
            origin,
        }
    }

    /// Adds or replaces one value.
    pub fn insert(&mut self, key: impl Into<String>, value: SecretValue) -> &mut Self {
        self.data.insert(key.into(), value);
        self
    }
}

impl Secret {
    /// Writes the Secret (with base64 `data`) in `format`; this is plaintext.
    pub fn to_string(&self, format: Format) -> String {
        let mut o = Out::map();
        o.put("kind", Out::Str("Secret".into()));
        o.put("apiVersion", Out::Str("v1".into()));
        o.put("metadata", object_meta(&self.metadata));
        if let Some(i) = self.immutable {
            o.put("immutable", Out::Bool(i));
        }
        if !self.data.is_empty() {
            let data = self
                .data
                .iter()
                .map(|(k, v)| (k.clone(), Out::Str(crate::base64::encode(v.expose()))))
                .collect();
            o.put("data", Out::Map(data));
        }
        if let Some(t) = &self.secret_type {
            o.put("type", Out::Str(t.clone()));
        }
        render(&o, format)
    }
}

impl Secret {
    /// Writes the Secret as YAML for a person to edit: values that are
    /// UTF-8 text under `stringData` (as written), others under `data`
    /// (base64). This is plaintext; the result and every copy made on the
    /// way are wiped when dropped. `kubeseal_core::read_secrets`
    /// reads it back to the same values.
    pub fn to_editable_yaml(&self) -> zeroize::Zeroizing<String> {
        let mut text = Vec::new();
        let mut binary = Vec::new();
        for (k, v) in &self.data {
            match std::str::from_utf8(v.expose()) {
                Ok(s) => text.push((k.clone(), Out::Str(s.to_string()))),
                Err(_) => binary.push((k.clone(), Out::Str(crate::base64::encode(v.expose())))),
            }
        }
        let mut o = Out::map();
        o.put("apiVersion", Out::Str("v1".into()));
        o.put("kind", Out::Str("Secret".into()));
        o.put("metadata", object_meta(&self.metadata));
        if let Some(t) = &self.secret_type {
            o.put("type", Out::Str(t.clone()));
        }
        if !text.is_empty() {
            o.put("stringData", Out::Map(text));
        }
        if !binary.is_empty() {
            o.put("data", Out::Map(binary));
        }
        let out = zeroize::Zeroizing::new(emit::to_yaml_as_written(&o));
        wipe(o);
        out
    }
}

/// Wipes every string of `o` (plaintext copies made for writing).
fn wipe(o: Out) {
    use zeroize::Zeroize as _;
    match o {
        Out::Str(mut s) | Out::Quoted(mut s) => s.zeroize(),
        Out::Map(entries) => entries.into_iter().for_each(|(_, v)| wipe(v)),
        Out::Seq(items) => items.into_iter().for_each(wipe),
        Out::Bool(_) => {}
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
}
