//! What changed between two sets of SealedSecrets, without a value: objects
//! matched by namespace and name, keys added, removed or with a new
//! ciphertext, and the plain fields (metadata, scope, template) as they
//! changed. With the controller's private keys, a new ciphertext is told
//! apart from a new value (a re-seal keeps the value).
//!
//! Nothing here returns a value, a hash of a value or its length.
//!
//! ```
//! use kubeseal_core::diff::{diff, KeyChange};
//! use kubeseal_core::read_sealed_secrets;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let old = read_sealed_secrets(b"apiVersion: bitnami.com/v1alpha1
//! kind: SealedSecret
//! metadata: {name: db, namespace: apps}
//! spec:
//!   encryptedData: {password: AgAAAA==, user: AgBBBB==}
//! ")?;
//! let new = read_sealed_secrets(b"apiVersion: bitnami.com/v1alpha1
//! kind: SealedSecret
//! metadata: {name: db, namespace: apps}
//! spec:
//!   encryptedData: {password: AgCCCC==, token: AgDDDD==}
//! ")?;
//! let changes = diff(&old, &new, &[]);
//! let keys: Vec<(&str, KeyChange)> = changes[0]
//!     .keys()
//!     .iter()
//!     .map(|k| (k.key(), k.change()))
//!     .collect();
//! assert_eq!(
//!     keys,
//!     [
//!         ("password", KeyChange::Ciphertext),
//!         ("token", KeyChange::Added),
//!         ("user", KeyChange::Removed)
//!     ]
//! );
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;

use k8s_manifest::ObjectRef;
use subtle::ConstantTimeEq;

use crate::{unseal_raw_indexed, PrivateKey, Scope, SealedSecret};

/// How an object changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// Only in the new set.
    Added,
    /// Only in the old set.
    Removed,
    /// In both, with a difference.
    Changed,
}

/// How one key of `encryptedData` changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyChange {
    /// Only in the new object.
    Added,
    /// Only in the old object.
    Removed,
    /// In both, with another ciphertext.
    Ciphertext,
}

/// What the private keys say of a key whose ciphertext changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Plaintext {
    /// Both sides open, to the same value: only re-encrypted.
    Same {
        /// Index (in the keys given) of the key that opens the old side.
        old_key: usize,
        /// Index of the key that opens the new side.
        new_key: usize,
    },
    /// Both sides open, to different values.
    Changed {
        /// Index of the key that opens the old side.
        old_key: usize,
        /// Index of the key that opens the new side.
        new_key: usize,
    },
    /// A side does not open with the keys given.
    Unknown {
        /// Whether the old side opens.
        old_opens: bool,
        /// Whether the new side opens.
        new_opens: bool,
    },
}

/// One key's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDiff {
    key: String,
    change: KeyChange,
    plaintext: Option<Plaintext>,
}

impl KeyDiff {
    /// The key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// How it changed.
    pub fn change(&self) -> KeyChange {
        self.change
    }

    /// For a new ciphertext, when keys were given: whether the value changed.
    pub fn plaintext(&self) -> Option<Plaintext> {
        self.plaintext
    }
}

/// A plain field that changed (`metadata.annotations.NAME`,
/// `spec.template.type`, `spec.template.data.KEY`…), with its old and new
/// text; `None` where it is absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    /// The field's path.
    pub path: String,
    /// The old text.
    pub old: Option<String>,
    /// The new text.
    pub new: Option<String>,
}

/// One object's changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectDiff {
    object: ObjectRef,
    change: Change,
    keys: Vec<KeyDiff>,
    fields: Vec<FieldDiff>,
}

impl ObjectDiff {
    /// The SealedSecret's namespace and name.
    pub fn object(&self) -> &ObjectRef {
        &self.object
    }

    /// How it changed.
    pub fn change(&self) -> Change {
        self.change
    }

    /// Its keys that changed, in key order (all of them for an added or
    /// removed object).
    pub fn keys(&self) -> &[KeyDiff] {
        &self.keys
    }

    /// Its plain fields that changed, in path order.
    pub fn fields(&self) -> &[FieldDiff] {
        &self.fields
    }
}

/// The changes from `old` to `new`, object by object in namespace and name
/// order; objects equal on both sides are left out (an empty result: the
/// sets are equal). With `keys`, each new ciphertext is opened on both
/// sides (each under its own scope and name) to tell a re-seal from a new
/// value.
pub fn diff(old: &[SealedSecret], new: &[SealedSecret], keys: &[PrivateKey]) -> Vec<ObjectDiff> {
    let index = |set: &[SealedSecret]| -> BTreeMap<(String, String), usize> {
        set.iter()
            .enumerate()
            .map(|(i, s)| {
                let r = s.object_ref();
                ((r.namespace.clone(), r.name.clone()), i)
            })
            .collect()
    };
    let (old_at, new_at) = (index(old), index(new));
    let mut names: Vec<&(String, String)> = old_at.keys().chain(new_at.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let object = ObjectRef::new(&name.0, &name.1);
        match (old_at.get(name), new_at.get(name)) {
            (Some(&o), Some(&n)) => {
                let d = object_diff(&old[o], &new[n], keys);
                if !d.keys.is_empty() || !d.fields.is_empty() {
                    out.push(d);
                }
            }
            (Some(&o), None) => out.push(one_sided(object, &old[o], Change::Removed)),
            (None, Some(&n)) => out.push(one_sided(object, &new[n], Change::Added)),
            (None, None) => {}
        }
    }
    out
}

fn one_sided(object: ObjectRef, s: &SealedSecret, change: Change) -> ObjectDiff {
    let key_change = match change {
        Change::Added => KeyChange::Added,
        _ => KeyChange::Removed,
    };
    let fields = fields(s)
        .into_iter()
        .map(|(path, text)| match change {
            Change::Added => FieldDiff {
                path,
                old: None,
                new: Some(text),
            },
            _ => FieldDiff {
                path,
                old: Some(text),
                new: None,
            },
        })
        .collect();
    ObjectDiff {
        object,
        change,
        keys: s
            .encrypted_data
            .keys()
            .map(|k| KeyDiff {
                key: k.clone(),
                change: key_change,
                plaintext: None,
            })
            .collect(),
        fields,
    }
}

fn object_diff(old: &SealedSecret, new: &SealedSecret, keys: &[PrivateKey]) -> ObjectDiff {
    let mut key_diffs = Vec::new();
    let mut names: Vec<&String> = old
        .encrypted_data
        .keys()
        .chain(new.encrypted_data.keys())
        .collect();
    names.sort();
    names.dedup();
    for k in names {
        let change = match (old.encrypted_data.get(k), new.encrypted_data.get(k)) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(_), Some(_)) => KeyChange::Ciphertext,
            (Some(_), None) => KeyChange::Removed,
            (None, _) => KeyChange::Added,
        };
        let plaintext = (change == KeyChange::Ciphertext && !keys.is_empty())
            .then(|| compare(old, new, k, keys));
        key_diffs.push(KeyDiff {
            key: k.clone(),
            change,
            plaintext,
        });
    }
    let (a, b) = (fields(old), fields(new));
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    let fields = paths
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| FieldDiff {
            path: p.clone(),
            old: a.get(p).cloned(),
            new: b.get(p).cloned(),
        })
        .collect();
    ObjectDiff {
        object: new.object_ref(),
        change: Change::Changed,
        keys: key_diffs,
        fields,
    }
}

/// Opens one key on both sides and compares the values in constant time;
/// the values are wiped when dropped.
fn compare(old: &SealedSecret, new: &SealedSecret, key: &str, keys: &[PrivateKey]) -> Plaintext {
    let open = |s: &SealedSecret| {
        let scope = Scope::from_annotations(&s.metadata.annotations);
        s.encrypted_data
            .get(key)
            .and_then(|v| unseal_raw_indexed(keys, scope, &s.object_ref(), v).ok())
    };
    match (open(old), open(new)) {
        (Some((old_key, a)), Some((new_key, b))) => {
            if bool::from(a.expose().ct_eq(b.expose())) {
                Plaintext::Same { old_key, new_key }
            } else {
                Plaintext::Changed { old_key, new_key }
            }
        }
        (a, b) => Plaintext::Unknown {
            old_opens: a.is_some(),
            new_opens: b.is_some(),
        },
    }
}

/// The plain fields of a SealedSecret, by path: what a reviewer reads as it
/// is (none of them is sealed).
fn fields(s: &SealedSecret) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in &s.metadata.labels {
        out.insert(format!("metadata.labels.{k}"), v.clone());
    }
    for (k, v) in &s.metadata.annotations {
        out.insert(format!("metadata.annotations.{k}"), v.clone());
    }
    let t = &s.template;
    for (k, v) in &t.metadata.labels {
        out.insert(format!("spec.template.metadata.labels.{k}"), v.clone());
    }
    for (k, v) in &t.metadata.annotations {
        out.insert(format!("spec.template.metadata.annotations.{k}"), v.clone());
    }
    if let Some(ty) = &t.secret_type {
        out.insert("spec.template.type".into(), ty.clone());
    }
    if let Some(im) = t.immutable {
        out.insert("spec.template.immutable".into(), im.to_string());
    }
    for (k, v) in &t.data {
        out.insert(format!("spec.template.data.{k}"), v.clone());
    }
    out.insert(
        "scope".into(),
        Scope::from_annotations(&s.metadata.annotations).to_string(),
    );
    out
}

/// A stable text view of SealedSecrets for review tools (a Git `textconv`
/// driver): per object its name, its plain fields, and per key a
/// fingerprint of the ciphertext (the first 16 hex digits of its SHA-256),
/// which changes with every re-seal and says nothing of the value.
pub fn text_view(set: &[SealedSecret]) -> String {
    use sha2::Digest as _;
    let mut sorted: Vec<&SealedSecret> = set.iter().collect();
    sorted.sort_by_key(|s| {
        let r = s.object_ref();
        (r.namespace, r.name)
    });
    let mut out = String::new();
    for s in sorted {
        let r = s.object_ref();
        out.push_str(&format!("SealedSecret {}\n", qualified(&r)));
        for (path, text) in fields(s) {
            out.push_str(&format!("  {path}: {text}\n"));
        }
        for (k, v) in &s.encrypted_data {
            let digest = sha2::Sha256::digest(v.as_bytes());
            let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
            out.push_str(&format!("  encryptedData.{k}: sealed sha256:{hex}\n"));
        }
    }
    out
}

/// `namespace/name`, or `name` without a namespace.
pub fn qualified(r: &ObjectRef) -> String {
    if r.namespace.is_empty() {
        r.name.clone()
    } else {
        format!("{}/{}", r.namespace, r.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_sealed_secrets, seal_secret, SealOptions};
    use k8s_manifest::{Secret, SecretValue};

    fn sealed(values: &[(&str, &str)], annotations: &[(&str, &str)]) -> SealedSecret {
        let cert = crate::Certificate::from_pem(include_bytes!(
            "../../../fixtures/upstream/controller.crt"
        ))
        .unwrap();
        let mut secret = Secret::new(&ObjectRef::new("apps", "db"));
        for (k, v) in values {
            secret.insert(*k, SecretValue::from(*v));
        }
        for (k, v) in annotations {
            secret.metadata.annotations.insert((*k).into(), (*v).into());
        }
        seal_secret(
            &cert,
            &secret,
            &SealOptions::new().allow_expired_certificate(true),
        )
        .unwrap()
    }

    fn key() -> Vec<PrivateKey> {
        PrivateKey::from_pem(include_bytes!("../../../fixtures/upstream/controller.key")).unwrap()
    }

    #[test]
    fn a_reseal_is_told_from_a_new_value_only_with_the_key() {
        let old = sealed(&[("password", "hunter2"), ("user", "admin")], &[]);
        let new = sealed(
            &[("password", "hunter2"), ("user", "root")],
            &[("note", "x")],
        );
        let d = diff(
            std::slice::from_ref(&old),
            std::slice::from_ref(&new),
            &key(),
        );
        assert_eq!(d.len(), 1);
        let keys: Vec<(&str, Option<Plaintext>)> = d[0]
            .keys()
            .iter()
            .map(|k| (k.key(), k.plaintext()))
            .collect();
        assert_eq!(
            keys,
            [
                (
                    "password",
                    Some(Plaintext::Same {
                        old_key: 0,
                        new_key: 0
                    })
                ),
                (
                    "user",
                    Some(Plaintext::Changed {
                        old_key: 0,
                        new_key: 0
                    })
                ),
            ]
        );
        let fields: Vec<&str> = d[0].fields().iter().map(|f| f.path.as_str()).collect();
        assert_eq!(fields, ["spec.template.metadata.annotations.note"]);
        // Without keys: only that the ciphertexts changed.
        let d = diff(std::slice::from_ref(&old), &[new], &[]);
        assert!(d[0]
            .keys()
            .iter()
            .all(|k| k.plaintext().is_none() && k.change() == KeyChange::Ciphertext));
        // Equal sets: nothing.
        let same = std::slice::from_ref(&old);
        assert!(diff(same, same, &key()).is_empty());
        // No value in any output.
        assert!(!format!("{d:?}").contains("hunter2"));
    }

    #[test]
    fn objects_added_and_removed_and_the_text_view() {
        let a = read_sealed_secrets(b"apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: a, namespace: ns}\nspec:\n  encryptedData: {k: AgAA}\n").unwrap();
        let b = read_sealed_secrets(b"apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: b, namespace: ns, annotations: {sealedsecrets.bitnami.com/namespace-wide: \"true\"}}\nspec:\n  encryptedData: {k: AgBB}\n").unwrap();
        let d = diff(&a, &b, &[]);
        let got: Vec<(String, Change)> = d
            .iter()
            .map(|o| (qualified(o.object()), o.change()))
            .collect();
        assert_eq!(
            got,
            [
                ("ns/a".to_string(), Change::Removed),
                ("ns/b".to_string(), Change::Added)
            ]
        );
        let view = text_view(&b);
        assert!(view.starts_with("SealedSecret ns/b\n"), "{view}");
        assert!(view.contains("  scope: namespace-wide\n"), "{view}");
        assert!(view.contains("  encryptedData.k: sealed sha256:"), "{view}");
        assert!(!view.contains("AgBB"), "{view}");
    }
}
