//! The controller's private keys as backups hold them.
//!
//! Upstream's disaster-recovery procedure saves the sealing keys with
//!
//! ```text
//! kubectl get secret -n kube-system -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml > main.key
//! ```
//!
//! which writes a `v1` `List` of `kubernetes.io/tls` Secrets, one per key
//! (the controller adds a key every 30 days and keeps the old ones), each
//! with the PEM private key in `data["tls.key"]` and its certificate in
//! `data["tls.crt"]`. [`read_key_backup`] reads that file (YAML or JSON),
//! a single such Secret, several of them in one stream, or plain PEM
//! (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY` blocks), as
//! `kubeseal --recovery-private-key` does.

use crate::cert::Certificate;
use crate::manifest::{read_secrets, ManifestError, Origin};
use crate::pem;
use crate::unseal::{KeyError, PrivateKey};

/// The label the controller puts on the Secrets holding its keys
/// (`kubectl get secret -l` selects them with it).
pub const SEALED_SECRETS_KEY_LABEL: &str = "sealedsecrets.bitnami.com/sealed-secrets-key";

/// The `data` key of a `kubernetes.io/tls` Secret that holds the private key.
pub const TLS_KEY: &str = "tls.key";

/// The `data` key of a `kubernetes.io/tls` Secret that holds the certificate.
pub const TLS_CERT: &str = "tls.crt";

/// One private key read from a backup, with what the backup says about it.
///
/// `Debug` shows nothing of the key.
#[derive(Debug)]
#[non_exhaustive]
pub struct BackupKey {
    key: PrivateKey,
    secret_name: Option<String>,
    origin: Origin,
    certificate: Option<Certificate>,
}

impl BackupKey {
    /// The private key.
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// The private key, without the rest.
    pub fn into_key(self) -> PrivateKey {
        self.key
    }

    /// `metadata.name` of the Secret that held the key (e.g.
    /// `sealed-secrets-keyx8p2q`); `None` for a PEM file or a Secret without a name.
    pub fn secret_name(&self) -> Option<&str> {
        self.secret_name.as_deref()
    }

    /// Where the Secret that held the key starts in its input (document and
    /// line); [`Origin::default`] (all zero) for a PEM file.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The Secret's `tls.crt`: the certificate the controller published for
    /// this key, with its validity period. `None` for a PEM file, and when the
    /// Secret has no `tls.crt` or it cannot be read (a backup is never refused
    /// for its certificate: only the private key is needed to unseal).
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_ref()
    }
}

/// Why a key backup could not be read. Messages name documents and fields,
/// never key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// PEM input whose private-key blocks are missing or unusable.
    #[error(transparent)]
    Pem(#[from] KeyError),
    /// The input holds no PEM block and is not a Secret, several Secrets or
    /// a `List` of Secrets either.
    #[error("neither a PEM private key nor a key Secret or List of them: {0}")]
    NotABackup(ManifestError),
    /// A Secret in the backup has no `tls.key`.
    #[error("{origin}: Secret {name:?} has no data.\"tls.key\" (not a sealed-secrets key)")]
    NoTlsKey {
        /// Where the Secret starts.
        origin: Origin,
        /// Its `metadata.name` (empty if it has none).
        name: String,
    },
    /// A Secret's `tls.key` is not a usable PEM private key.
    #[error("{origin}: Secret {name:?}: data.\"tls.key\": {reason}")]
    BadTlsKey {
        /// Where the Secret starts.
        origin: Origin,
        /// Its `metadata.name` (empty if it has none).
        name: String,
        /// What is wrong with the key.
        reason: KeyError,
    },
}

impl BackupError {
    /// Whether the input holds no private key at all and does not look like
    /// a key backup either (e.g. a certificate, or an unrelated file), as
    /// opposed to a backup or key that is damaged. A caller reading a whole
    /// folder can skip such files.
    pub fn is_not_a_key(&self) -> bool {
        matches!(
            self,
            BackupError::Pem(KeyError::NoKey) | BackupError::NotABackup(_)
        )
    }
}

/// Reads every private key in one key file or backup, in input order:
///
/// - PEM: every `RSA PRIVATE KEY` (PKCS#1) and `PRIVATE KEY` (PKCS#8) block;
/// - YAML or JSON: a `kubernetes.io/tls` Secret, several of them (one
///   document each), or a `v1` `List` of them, as `kubectl get secret -o
///   yaml` (or `-o json`) writes it; every Secret must hold a PEM private key
///   in `data["tls.key"]` (`stringData` is read too).
///
/// Input with any PEM block is read as PEM, as kubeseal does; other input as
/// Kubernetes objects. Duplicates are kept: compare [`PrivateKey::fingerprint`]
/// to drop them. The whole input is refused if any key in it is unusable.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/keys/backup-list.yaml");
/// let backup = std::fs::read(path)?; // kubectl get secret -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml
/// let keys = kubeseal_core::read_key_backup(&backup)?;
/// assert_eq!(keys.len(), 2);
/// assert!(keys[0].secret_name().unwrap().starts_with("sealed-secrets-key"));
/// let keys: Vec<kubeseal_core::PrivateKey> = keys.into_iter().map(|k| k.into_key()).collect();
/// # let _ = keys;
/// # Ok(())
/// # }
/// ```
pub fn read_key_backup(input: &[u8]) -> Result<Vec<BackupKey>, BackupError> {
    if has_pem_block(input) {
        let keys = PrivateKey::from_pem(input)?;
        return Ok(keys
            .into_iter()
            .map(|key| BackupKey {
                key,
                secret_name: None,
                origin: Origin::default(),
                certificate: None,
            })
            .collect());
    }
    let secrets = read_secrets(input).map_err(BackupError::NotABackup)?;
    let mut out = Vec::new();
    for secret in secrets {
        let name = secret.metadata.name.clone().unwrap_or_default();
        let Some(pem) = secret.data.get(TLS_KEY) else {
            return Err(BackupError::NoTlsKey {
                origin: secret.origin,
                name,
            });
        };
        let keys = PrivateKey::from_pem(pem.expose()).map_err(|reason| BackupError::BadTlsKey {
            origin: secret.origin,
            name: name.clone(),
            reason,
        })?;
        let cert = || {
            secret
                .data
                .get(TLS_CERT)
                .and_then(|c| Certificate::from_pem(c.expose()).ok())
        };
        for key in keys {
            out.push(BackupKey {
                key,
                secret_name: secret.metadata.name.clone(),
                origin: secret.origin,
                certificate: cert(),
            });
        }
    }
    Ok(out)
}

/// [`read_key_backup`] without what the backup says about each key.
pub fn read_private_keys(input: &[u8]) -> Result<Vec<PrivateKey>, BackupError> {
    Ok(read_key_backup(input)?
        .into_iter()
        .map(BackupKey::into_key)
        .collect())
}

/// Whether the input holds a PEM `-----BEGIN` line (of any block, well formed or not).
fn has_pem_block(input: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(input) else {
        return false;
    };
    match pem::blocks(text) {
        Ok(blocks) => !blocks.is_empty(),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPSTREAM_KEY: &[u8] = include_bytes!("../../../fixtures/upstream/controller.key");
    const LIST_YAML: &[u8] = include_bytes!("../../../fixtures/keys/backup-list.yaml");
    const LIST_JSON: &[u8] = include_bytes!("../../../fixtures/keys/backup-list.json");
    const ONE_SECRET: &[u8] = include_bytes!("../../../fixtures/keys/backup-secret.yaml");

    /// SHA-256 of each key's DER SubjectPublicKeyInfo, computed with
    /// `openssl pkey -in KEY -pubout -outform DER | sha256sum`.
    const UPSTREAM_FP: &str = "8fe6a236f91b26e4f0f7f128cb0ad200f523c1e704c4dc9a8845da878fd0a27e";
    const RSA2048_FP: &str = "6aaa3c321fe7bf689566ccf22199798e981069a1f24ddde82acdff47b399fc33";
    const RSA3072_FP: &str = "108cf15f41d56066febb5a843575ef9f33826d3b1678f920d010cb8c66509193";

    fn hex(b: [u8; 32]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    fn fingerprints(keys: &[BackupKey]) -> Vec<String> {
        keys.iter().map(|k| hex(k.key().fingerprint())).collect()
    }

    #[test]
    fn fingerprints_and_sizes_match_openssl_for_pkcs1_and_pkcs8() {
        let cases: [(&[u8], &str, usize); 3] = [
            (UPSTREAM_KEY, UPSTREAM_FP, 4096),
            (
                include_bytes!("../../../fixtures/keys/rsa2048.pkcs8.key"),
                RSA2048_FP,
                2048,
            ),
            (
                include_bytes!("../../../fixtures/keys/rsa3072.pkcs1.key"),
                RSA3072_FP,
                3072,
            ),
        ];
        for (pem, fp, bits) in cases {
            let keys = read_key_backup(pem).unwrap();
            assert_eq!(fingerprints(&keys), [fp]);
            assert_eq!(keys[0].key().bits(), bits);
            assert_eq!(keys[0].secret_name(), None);
            assert!(keys[0].certificate().is_none());
        }
    }

    #[test]
    fn a_kubectl_list_backup_yields_every_key_in_order_yaml_and_json() {
        for input in [LIST_YAML, LIST_JSON] {
            let keys = read_key_backup(input).unwrap();
            assert_eq!(fingerprints(&keys), [RSA2048_FP, UPSTREAM_FP]);
            assert_eq!(keys[0].secret_name(), Some("sealed-secrets-key7xq4m"));
            assert_eq!(keys[1].secret_name(), Some("sealed-secrets-keyb9k2t"));
            assert_eq!(keys[1].certificate().unwrap().key_bits(), 4096);
            assert_eq!(keys[0].certificate().unwrap().key_bits(), 2048);
            assert!(keys[1].origin().line > keys[0].origin().line);
        }
    }

    #[test]
    fn a_single_secret_and_a_stream_of_them() {
        let keys = read_key_backup(ONE_SECRET).unwrap();
        assert_eq!(fingerprints(&keys), [UPSTREAM_FP]);
        let mut stream = ONE_SECRET.to_vec();
        stream.extend_from_slice(b"---\n");
        stream.extend_from_slice(ONE_SECRET);
        assert_eq!(read_key_backup(&stream).unwrap().len(), 2);
    }

    #[test]
    fn several_pem_blocks_are_all_read() {
        let mut pem = UPSTREAM_KEY.to_vec();
        pem.extend_from_slice(include_bytes!("../../../fixtures/keys/rsa2048.crt"));
        pem.extend_from_slice(include_bytes!("../../../fixtures/keys/rsa3072.pkcs1.key"));
        let keys = read_key_backup(&pem).unwrap();
        assert_eq!(fingerprints(&keys), [UPSTREAM_FP, RSA3072_FP]);
    }

    #[test]
    fn what_is_not_a_key_is_told_apart_from_a_damaged_key() {
        let cert = include_bytes!("../../../fixtures/keys/rsa2048.crt");
        let e = read_key_backup(cert).unwrap_err();
        assert_eq!(e, BackupError::Pem(KeyError::NoKey));
        assert!(e.is_not_a_key());

        let e = read_key_backup(b"just some notes\n").unwrap_err();
        assert!(matches!(e, BackupError::NotABackup(_)), "{e:?}");
        assert!(e.is_not_a_key());

        let e = read_key_backup(b"kind: ConfigMap\n").unwrap_err();
        assert!(e.is_not_a_key());

        let e =
            read_key_backup(b"kind: Secret\nmetadata: {name: app}\nstringData: {password: x}\n")
                .unwrap_err();
        assert_eq!(e.to_string(), "document 1 (line 1): Secret \"app\" has no data.\"tls.key\" (not a sealed-secrets key)");
        assert!(!e.is_not_a_key());

        let e =
            read_key_backup(b"kind: Secret\nmetadata: {name: k}\nstringData: {tls.key: nope}\n")
                .unwrap_err();
        assert!(
            matches!(&e, BackupError::BadTlsKey { reason: KeyError::NoKey, name, .. } if name == "k"),
            "{e:?}"
        );

        let broken = b"-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n";
        let e = read_key_backup(broken).unwrap_err();
        assert!(matches!(e, BackupError::Pem(KeyError::Pem { .. })), "{e:?}");
        assert!(!e.is_not_a_key());
    }

    #[test]
    fn errors_never_show_key_material() {
        let text = String::from_utf8(LIST_YAML.to_vec()).unwrap();
        // Damage the second key's base64 so that it no longer decodes as a PEM key.
        let key_b64 = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("tls.key: "))
            .nth(1)
            .unwrap()
            .to_string();
        let damaged = text.replace(&key_b64, &key_b64[..200]);
        let e = read_key_backup(damaged.as_bytes()).unwrap_err();
        let msg = e.to_string();
        assert!(!msg.contains(&key_b64[..40]), "{msg}");
        assert!(msg.contains("sealed-secrets-keyb9k2t"), "{msg}");
    }
}
