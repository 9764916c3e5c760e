//! The Secret the sealed-secrets controller creates from a SealedSecret:
//! what `kubeseal --recovery-unseal` prints, and what a cluster would hold.
//!
//! Upstream's `SealedSecret.Unseal` (bitnami/sealed-secrets, the release
//! [`CONTROLLER_VERSION`]), step by step:
//!
//! 1. every `encryptedData` value is opened (all of them are tried; every one
//!    that does not open is reported);
//! 2. the values a template can read are the opened values, then the plain
//!    `spec.template.data` values under keys no opened value has (an opened
//!    value wins on a key collision, so a plain value can never shadow a secret);
//! 3. every `spec.template.data` entry is rendered as a Go `text/template`
//!    with sprig's functions over those values ([`crate::template`]); the
//!    result is the Secret's value for that key unless `encryptedData` has
//!    the key (an opened value wins there too). A `null` entry is read as an
//!    empty template, so the key holds an empty value, as Go decodes it;
//! 4. the Secret takes the SealedSecret's name and namespace, and the
//!    template's labels, annotations, type and `immutable`;
//! 5. its owner is the SealedSecret (`ownerReferences`, `controller: true`),
//!    unless the template's annotation
//!    `sealedsecrets.bitnami.com/skip-set-owner-references` is `"true"`. The
//!    reference needs the SealedSecret's `metadata.uid`, which only an object
//!    exported from a cluster has: without it the reference is left out
//!    ([`Owner::NoUid`]) rather than written with an empty uid.

use std::collections::BTreeMap;

use k8s_manifest::OwnerReference;

use crate::manifest::{SealedSecret, Secret, SecretValue};
use crate::template::{Template, TemplateError};
use crate::unseal::{open_all, PrivateKey, UnsealError};

/// The controller release whose unsealing this module follows.
pub const CONTROLLER_VERSION: &str = "v0.38.4";

/// The annotation (on `spec.template`) that stops the controller from
/// setting the SealedSecret as the Secret's owner, when it is `"true"`.
pub const SKIP_SET_OWNER_REFERENCES_ANNOTATION: &str =
    "sealedsecrets.bitnami.com/skip-set-owner-references";

/// What became of the owner reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Owner {
    /// The Secret names the SealedSecret as its owner.
    Set,
    /// The template's annotation said not to set it.
    Skipped,
    /// The SealedSecret has no `metadata.uid` (it was not exported from a
    /// cluster): the reference is left out.
    NoUid,
}

/// The Secret as the controller creates it, and how its owner was decided.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ControllerSecret {
    /// The Secret (plaintext).
    pub secret: Secret,
    /// The owner reference's fate.
    pub owner: Owner,
}

/// Why the controller would not create the Secret. Messages name keys,
/// never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ControllerError {
    /// No private keys were given, or the SealedSecret cannot be opened at all.
    #[error(transparent)]
    Unseal(#[from] UnsealError),
    /// Values that no key opens: every one of them.
    #[error(
        "{} encryptedData value(s) do not open with any key: {} (wrong key, or sealed for another namespace, name or scope)",
        .keys.len(),
        .keys.join(", ")
    )]
    Undecryptable {
        /// The keys of the values that do not open, in order.
        keys: Vec<String>,
    },
    /// Templates of `spec.template.data` that do not render: every one of them.
    #[error("{}", .errors.iter().map(|(k, e)| format!("spec.template.data.{k}: {e}")).collect::<Vec<_>>().join("; "))]
    Template {
        /// The failing entries: key and error, in key order.
        errors: Vec<(String, TemplateError)>,
    },
}

/// The Secret the controller would create from `sealed` with `keys` (see the
/// module docs for every step).
pub fn controller_secret(
    keys: &[PrivateKey],
    sealed: &SealedSecret,
) -> Result<ControllerSecret, ControllerError> {
    let opened = open_all(keys, sealed)?;
    if !opened.failures.is_empty() {
        let keys = opened
            .failures
            .iter()
            .map(|f| match f {
                UnsealError::NoKeyCouldDecrypt { key } | UnsealError::Base64 { key } => key.clone(),
                other => other.to_string(),
            })
            .collect();
        return Err(ControllerError::Undecryptable { keys });
    }
    let mut secret = opened.secret;
    let template_data = &sealed.template.data;
    if !template_data.is_empty() {
        // What templates read: opened values first, then plain values.
        let mut context: BTreeMap<String, SecretValue> = secret.data.clone();
        for (k, v) in template_data {
            context
                .entry(k.clone())
                .or_insert_with(|| SecretValue::from(v.as_str()));
        }
        let mut errors = Vec::new();
        for (k, text) in template_data {
            let rendered = Template::parse(k, text).and_then(|t| t.render(&context));
            match rendered {
                Ok(value) => {
                    if !sealed.encrypted_data.contains_key(k) {
                        secret.data.insert(k.clone(), value);
                    }
                }
                Err(e) => errors.push((k.clone(), e)),
            }
        }
        if !errors.is_empty() {
            return Err(ControllerError::Template { errors });
        }
    }
    let skip = sealed
        .template
        .metadata
        .annotations
        .get(SKIP_SET_OWNER_REFERENCES_ANNOTATION)
        .is_some_and(|v| v == "true");
    let owner = match (&sealed.metadata.uid, skip) {
        (_, true) => Owner::Skipped,
        (None, false) => Owner::NoUid,
        (Some(uid), false) => {
            secret.metadata.owner_references = vec![OwnerReference::controller(
                crate::SEALED_SECRET_API_VERSION,
                "SealedSecret",
                sealed.metadata.name.clone().unwrap_or_default(),
                uid.clone(),
            )];
            Owner::Set
        }
    };
    Ok(ControllerSecret { secret, owner })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_sealed_secrets, seal_raw, Certificate, ObjectRef, Scope};

    fn cert() -> Certificate {
        Certificate::from_pem(include_bytes!("../../../fixtures/upstream/controller.crt")).unwrap()
    }

    fn keys() -> Vec<PrivateKey> {
        PrivateKey::from_pem(include_bytes!("../../../fixtures/upstream/controller.key")).unwrap()
    }

    /// A SealedSecret apps/db with `encrypted` sealed values and `extra` YAML
    /// under its metadata (indented 2) and template (indented 4).
    fn sealed(encrypted: &[(&str, &str)], meta: &str, template: &str) -> SealedSecret {
        let me = ObjectRef::new("apps", "db");
        let mut enc = String::new();
        for (k, v) in encrypted {
            let ct = seal_raw(&cert(), Scope::Strict, &me, v.as_bytes()).unwrap();
            enc.push_str(&format!("    {k}: {ct}\n"));
        }
        let text = format!(
            "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\n  namespace: apps\n{meta}\
             spec:\n  encryptedData:\n{enc}  template:\n    metadata:\n      name: db\n      namespace: apps\n{template}"
        );
        read_sealed_secrets(text.as_bytes()).unwrap().remove(0)
    }

    fn value(s: &ControllerSecret, k: &str) -> String {
        String::from_utf8(s.secret.data[k].expose().to_vec()).unwrap()
    }

    #[test]
    fn templates_read_opened_and_plain_values_and_opened_values_win() {
        let s = sealed(
            &[("password", "s3cr3t"), ("user", "sealed-user")],
            "",
            "    data:\n      url: 'postgres://{{ .user }}:{{ index . \"password\" }}@{{ .host }}/db'\n      host: db.example\n      user: plain-user\n      empty: null\n",
        );
        let out = controller_secret(&keys(), &s).unwrap();
        assert_eq!(
            value(&out, "url"),
            "postgres://sealed-user:s3cr3t@db.example/db"
        );
        assert_eq!(value(&out, "host"), "db.example");
        // encryptedData wins over a template entry of the same key.
        assert_eq!(value(&out, "user"), "sealed-user");
        // A null entry: an empty template, an empty value (Go decodes null as "").
        assert_eq!(value(&out, "empty"), "");
        assert_eq!(out.owner, Owner::NoUid);
        assert!(out.secret.metadata.owner_references.is_empty());
    }

    #[test]
    fn the_owner_is_the_sealed_secret_unless_skipped() {
        let s = sealed(
            &[("a", "x")],
            "  uid: 0a1b2c3d-4e5f-6789-abcd-ef0123456789\n",
            "",
        );
        let out = controller_secret(&keys(), &s).unwrap();
        assert_eq!(out.owner, Owner::Set);
        let json = out.secret.to_string(crate::Format::Json);
        assert!(
            json.contains(
                "\"ownerReferences\": [\n      {\n        \"apiVersion\": \"bitnami.com/v1alpha1\",\n        \"kind\": \"SealedSecret\",\n        \"name\": \"db\",\n        \"uid\": \"0a1b2c3d-4e5f-6789-abcd-ef0123456789\",\n        \"controller\": true\n      }\n    ]"
            ),
            "{json}"
        );
        let skipped = sealed(
            &[("a", "x")],
            "  uid: 0a1b2c3d-4e5f-6789-abcd-ef0123456789\n",
            "      annotations:\n        sealedsecrets.bitnami.com/skip-set-owner-references: \"true\"\n",
        );
        let out = controller_secret(&keys(), &skipped).unwrap();
        assert_eq!(out.owner, Owner::Skipped);
        assert!(out.secret.metadata.owner_references.is_empty());
    }

    #[test]
    fn every_value_that_does_not_open_is_named_and_no_value_is_shown() {
        let mut s = sealed(&[("a", "first"), ("b", "second"), ("c", "third")], "", "");
        // Move a and c to another name: they no longer open under db's label.
        let other = ObjectRef::new("apps", "other");
        for k in ["a", "c"] {
            let ct = seal_raw(&cert(), Scope::Strict, &other, b"moved").unwrap();
            s.encrypted_data.insert(k.into(), ct);
        }
        let e = controller_secret(&keys(), &s).unwrap_err();
        assert_eq!(
            e,
            ControllerError::Undecryptable {
                keys: vec!["a".into(), "c".into()]
            }
        );
        let msg = e.to_string();
        assert!(
            msg.starts_with("2 encryptedData value(s) do not open with any key: a, c"),
            "{msg}"
        );
        assert!(!msg.contains("second") && !msg.contains("moved"), "{msg}");
    }

    #[test]
    fn every_template_that_fails_is_named() {
        let s = sealed(
            &[("a", "s3cr3t-value")],
            "",
            "    data:\n      bad: '{{ .a '\n      worse: '{{ env \"HOME\" }}'\n      fine: '{{ .a }}'\n",
        );
        let e = controller_secret(&keys(), &s).unwrap_err();
        let ControllerError::Template { errors } = &e else {
            panic!("{e}")
        };
        let failed: Vec<&str> = errors.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(failed, ["bad", "worse"]);
        assert!(!e.to_string().contains("s3cr3t-value"), "{e}");
    }
}
