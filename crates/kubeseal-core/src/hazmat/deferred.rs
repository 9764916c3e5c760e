//! Sealing whose RSA-OAEP steps the caller runs afterwards, asynchronously:
//! for a platform whose fast RSA cannot be called synchronously (WebCrypto's
//! `crypto.subtle.encrypt` in browsers, under the npm package's `*Async` API).
//!
//! [`seal_secrets_deferred`] and [`seal_raw_deferred`] do everything sealing
//! does (the checks, the labels, a fresh session key per value from the OS
//! CSPRNG, AES-256-GCM, the manifests) but the RSA-OAEP encryption of each
//! session key: each key is handed once to the caller's `export` with its
//! OAEP label, then zeroized here. The caller encrypts the keys in that order
//! and hands the ciphertexts to [`DeferredSeal::finish`], which writes them
//! into the values and gives what [`crate::seal_secrets`] or
//! [`crate::seal_raw`] would have given.
//!
//! The exported session keys are the caller's to wipe: whoever holds a
//! session key can read its value until the key is gone.

use crate::b64;
use crate::crypto::{self, RsaPublicKey as _};
use crate::seal::{plan, raw_label};
use crate::{Certificate, ObjectRef, Scope, SealError, SealOptions, SealedSecret, Secret};

/// One value waiting for its RSA-OAEP block.
struct Waiting {
    /// Index of its SealedSecret in the output (0 for a raw value).
    object: usize,
    /// Its `encryptedData` key (empty for a raw value).
    key: String,
    /// The hybrid ciphertext, the RSA-OAEP block still zero.
    ciphertext: Vec<u8>,
}

/// Sealed values whose RSA-OAEP blocks are still to come: from
/// [`seal_secrets_deferred`] (`T` is `Vec<SealedSecret>`) or
/// [`seal_raw_deferred`] (`T` is the base64 `String`). Holds ciphertext
/// only: dropping it unfinished leaves nothing to wipe.
pub struct DeferredSeal<T> {
    out: T,
    rsa_len: usize,
    values: Vec<Waiting>,
}

impl<T> DeferredSeal<T> {
    /// How many RSA-OAEP ciphertexts [`DeferredSeal::finish`] takes: one per
    /// session key handed to `export`, in that order.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether nothing waits (a Secret sealed without values).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Writes `rsa[i]`, RSA-OAEP (SHA-256, MGF1-SHA-256) of the `i`-th
    /// exported session key under its label, into the `i`-th value. Fails
    /// with [`SealError::Crypto`] ("encryption failed") unless there is one
    /// ciphertext per value, each the size of the key's modulus.
    fn fill<C: AsRef<[u8]>>(
        self,
        rsa: &[C],
        mut put: impl FnMut(&mut T, usize, String, String),
    ) -> Result<T, SealError> {
        if rsa.len() != self.values.len() || rsa.iter().any(|c| c.as_ref().len() != self.rsa_len) {
            return Err(SealError::Crypto);
        }
        let mut out = self.out;
        for (mut w, c) in self.values.into_iter().zip(rsa) {
            w.ciphertext[2..2 + self.rsa_len].copy_from_slice(c.as_ref());
            put(&mut out, w.object, w.key, b64::encode(&w.ciphertext));
        }
        Ok(out)
    }
}

impl DeferredSeal<Vec<SealedSecret>> {
    /// The SealedSecrets, with `rsa[i]` (RSA-OAEP of the `i`-th exported
    /// session key) in the `i`-th value. [`SealError::Crypto`] unless there is
    /// one ciphertext per value, each the size of the key's modulus.
    pub fn finish<C: AsRef<[u8]>>(self, rsa: &[C]) -> Result<Vec<SealedSecret>, SealError> {
        self.fill(rsa, |out, i, key, value| {
            out[i].encrypted_data.insert(key, value);
        })
    }
}

impl DeferredSeal<String> {
    /// The value's base64 (as [`crate::seal_raw`] gives it), with `rsa[0]`
    /// (RSA-OAEP of the exported session key) in it. [`SealError::Crypto`]
    /// unless `rsa` is that one ciphertext, the size of the key's modulus.
    pub fn finish<C: AsRef<[u8]>>(self, rsa: &[C]) -> Result<String, SealError> {
        self.fill(rsa, |out, _, _, value| *out = value)
    }
}

/// [`crate::seal_secrets`] but for the RSA-OAEP steps: `export(label,
/// session_key)` is called once per value, in order (the Secrets in input
/// order, each one's keys sorted), and the session key is zeroized when it
/// returns. [`DeferredSeal::finish`] takes the ciphertexts in the same order.
/// Checks and errors are [`crate::seal_secrets`]'s.
pub fn seal_secrets_deferred(
    cert: &Certificate,
    secrets: &[Secret],
    opts: &SealOptions,
    mut export: impl FnMut(&[u8], &[u8]),
) -> Result<DeferredSeal<Vec<SealedSecret>>, SealError> {
    let key = cert.encryptor().key;
    let mut out = Vec::with_capacity(secrets.len());
    let mut values = Vec::new();
    for (object, secret) in secrets.iter().enumerate() {
        let (sealed, label) = plan(cert, secret, opts)?;
        out.push(sealed);
        for (name, value) in &secret.data {
            let ciphertext = crypto::hybrid_encrypt_deferred(
                key,
                |session_key| export(&label, session_key),
                value.expose(),
            )
            .map_err(|_| SealError::Crypto)?;
            values.push(Waiting {
                object,
                key: name.clone(),
                ciphertext,
            });
        }
    }
    Ok(DeferredSeal {
        out,
        rsa_len: key.ciphertext_len(),
        values,
    })
}

/// [`crate::seal_raw`] but for the RSA-OAEP step: `export(label,
/// session_key)` is called once, and the session key is zeroized when it
/// returns. Checks and errors are [`crate::seal_raw`]'s.
pub fn seal_raw_deferred(
    cert: &Certificate,
    scope: Scope,
    object: &ObjectRef,
    value: &[u8],
    mut export: impl FnMut(&[u8], &[u8]),
) -> Result<DeferredSeal<String>, SealError> {
    let label = raw_label(scope, object)?;
    let key = cert.encryptor().key;
    let ciphertext =
        crypto::hybrid_encrypt_deferred(key, |session_key| export(&label, session_key), value)
            .map_err(|_| SealError::Crypto)?;
    Ok(DeferredSeal {
        out: String::new(),
        rsa_len: key.ciphertext_len(),
        values: vec![Waiting {
            object: 0,
            key: String::new(),
            ciphertext,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hazmat::rsa_oaep_encrypt;
    use crate::{read_secrets, seal_raw, unseal, unseal_raw, PrivateKey};

    const CERT: &[u8] = include_bytes!("../../../../fixtures/upstream/controller.crt");
    const KEY: &[u8] = include_bytes!("../../../../fixtures/upstream/controller.key");

    /// Runs the deferred RSA steps with the backend's RSA-OAEP, as a caller would.
    fn encrypt_all(cert: &Certificate, exported: &[(Vec<u8>, Vec<u8>)]) -> Vec<Vec<u8>> {
        exported
            .iter()
            .map(|(label, key)| rsa_oaep_encrypt(cert, label, key).unwrap())
            .collect()
    }

    #[test]
    fn deferred_secrets_open_as_sealed_ones_do() {
        let cert = Certificate::from_pem(CERT).unwrap();
        let keys = PrivateKey::from_pem(KEY).unwrap();
        let secrets = read_secrets(
            b"kind: Secret\napiVersion: v1\nmetadata: {name: a, namespace: ns}\nstringData: {p: one, q: two}\n---\n\
              kind: Secret\napiVersion: v1\nmetadata: {name: b, namespace: ns}\nstringData: {z: three}\n",
        )
        .unwrap();
        let opts = SealOptions::new();
        let mut exported = Vec::new();
        let deferred = seal_secrets_deferred(&cert, &secrets, &opts, |label, key| {
            exported.push((label.to_vec(), key.to_vec()));
        })
        .unwrap();
        assert_eq!(deferred.len(), 3);
        let labels: Vec<&[u8]> = exported.iter().map(|(l, _)| l.as_slice()).collect();
        assert_eq!(labels, [&b"ns/a"[..], b"ns/a", b"ns/b"]);
        assert!(exported.iter().all(|(_, k)| k.len() == 32));
        let rsa = encrypt_all(&cert, &exported);

        // Wrong count or size: the one vague error, nothing returned.
        let short = seal_secrets_deferred(&cert, &secrets, &opts, |_, _| {}).unwrap();
        assert_eq!(short.finish(&rsa[..2]).unwrap_err(), SealError::Crypto);
        let mut cut = rsa.clone();
        cut[1].pop();
        let again = seal_secrets_deferred(&cert, &secrets, &opts, |_, _| {}).unwrap();
        assert_eq!(
            again.finish(&cut).unwrap_err().to_string(),
            "encryption failed"
        );

        let sealed = deferred.finish(&rsa).unwrap();
        // The same manifests as the synchronous path, but the ciphertext.
        let sync = crate::seal_secrets(&cert, &secrets, &opts).unwrap();
        for (d, s) in sealed.iter().zip(&sync) {
            assert_eq!(d.metadata, s.metadata);
            assert_eq!(d.template, s.template);
            assert_eq!(
                d.encrypted_data.keys().collect::<Vec<_>>(),
                s.encrypted_data.keys().collect::<Vec<_>>()
            );
        }
        let a = unseal(&keys, &sealed[0]).unwrap();
        assert_eq!(a.data["p"].expose(), b"one");
        assert_eq!(a.data["q"].expose(), b"two");
        assert_eq!(
            unseal(&keys, &sealed[1]).unwrap().data["z"].expose(),
            b"three"
        );
    }

    #[test]
    fn deferred_raw_values_open_under_their_label_only() {
        let cert = Certificate::from_pem(CERT).unwrap();
        let keys = PrivateKey::from_pem(KEY).unwrap();
        let object = ObjectRef::new("apps", "db");
        for scope in [Scope::Strict, Scope::NamespaceWide, Scope::ClusterWide] {
            let mut exported = Vec::new();
            let deferred = seal_raw_deferred(&cert, scope, &object, b"s3cr3t", |l, k| {
                exported.push((l.to_vec(), k.to_vec()));
            })
            .unwrap();
            assert_eq!(exported[0].0, scope.label(&object));
            let value = deferred.finish(&encrypt_all(&cert, &exported)).unwrap();
            let plain = seal_raw(&cert, scope, &object, b"s3cr3t").unwrap();
            assert_eq!(value.len(), plain.len());
            assert_eq!(
                unseal_raw(&keys, scope, &object, &value).unwrap().expose(),
                b"s3cr3t"
            );
            let elsewhere = ObjectRef::new("other", "db");
            if scope != Scope::ClusterWide {
                assert!(unseal_raw(&keys, scope, &elsewhere, &value).is_err());
            }
        }
        // The synchronous path's checks.
        let e = seal_raw_deferred(
            &cert,
            Scope::Strict,
            &ObjectRef::new("apps", ""),
            b"v",
            |_, _| {},
        )
        .err()
        .unwrap();
        assert!(matches!(e, SealError::MissingName { .. }));
    }
}
