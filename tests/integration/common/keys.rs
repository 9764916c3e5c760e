//! Test data made on the fly: controller-like key pairs, the `List` backup
//! upstream's recovery procedure writes, and SealedSecrets of every scope.
//!
//! ```ignore
//! let [a, b, _] = keys::controller_keys();
//! let dir = tempfile::tempdir().unwrap();
//! let backup = keys::write(dir.path(), "main.key", &keys::backup_list(&[a, b]));
//! let cert = a.write_cert(dir.path());
//! let sealed = keys::sealed_secret(a, Scope::Strict, &ObjectRef::new("prod", "db"), &[("password", b"s3cr3t")]);
//! ```
//!
//! The keys are RSA-2048 (upstream's controller makes RSA-4096; 2048 keeps
//! the tests fast and is the smallest size sealing accepts), generated once
//! per test run with AWS-LC, each with a self-signed certificate like the
//! controller's (`CN=sealed-secret, O=sealed-secret`, ten years).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine as _;
use kubeseal_core::{
    seal_secret, Certificate, Format, ObjectRef, Scope, SealOptions, Secret, SecretValue,
};

/// A key pair as the controller keeps it in its key Secret.
pub struct ControllerKey {
    /// The Secret's name in a backup (`sealed-secrets-key` + 5 characters).
    pub secret_name: String,
    /// PKCS#8 `PRIVATE KEY` PEM.
    pub key_pem: String,
    /// Self-signed `CERTIFICATE` PEM.
    pub cert_pem: String,
    /// SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex (what
    /// `openssl pkey -pubout -outform DER | sha256sum` prints).
    pub fingerprint: String,
}

/// Number of keys [`controller_keys`] returns.
pub const KEY_COUNT: usize = 3;

/// Three distinct controller-like key pairs, made once per test run.
pub fn controller_keys() -> &'static [ControllerKey; KEY_COUNT] {
    static KEYS: OnceLock<[ControllerKey; KEY_COUNT]> = OnceLock::new();
    KEYS.get_or_init(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = ["k7xq4m", "kb9k2t", "kz3p8w"]
                .iter()
                .map(|suffix| {
                    s.spawn(move || {
                        generate(
                            &format!("sealed-secrets-{suffix}"),
                            aws_lc_rs::rsa::KeySize::Rsa2048,
                        )
                    })
                })
                .collect();
            let mut keys = handles.into_iter().map(|h| h.join().unwrap());
            [
                keys.next().unwrap(),
                keys.next().unwrap(),
                keys.next().unwrap(),
            ]
        })
    })
}

/// One more controller-like key pair, RSA-3072: values sealed with it have
/// another RSA ciphertext length than those of [`controller_keys`] (for
/// "sealed for another key size" cases). Made once per test run.
pub fn other_size_key() -> &'static ControllerKey {
    static KEY: OnceLock<ControllerKey> = OnceLock::new();
    KEY.get_or_init(|| generate("sealed-secrets-k3072x", aws_lc_rs::rsa::KeySize::Rsa3072))
}

fn generate(secret_name: &str, size: aws_lc_rs::rsa::KeySize) -> ControllerKey {
    use aws_lc_rs::encoding::AsDer as _;
    use aws_lc_rs::rsa::KeyPair;
    let pair = KeyPair::generate(size).unwrap();
    let der = pair.as_der().unwrap();
    let key_pem = pem("PRIVATE KEY", der.as_ref());
    let signer =
        rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(&key_pem, &rcgen::PKCS_RSA_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, "sealed-secret");
    dn.push(rcgen::DnType::OrganizationName, "sealed-secret");
    params.distinguished_name = dn;
    params.not_before = rcgen::date_time_ymd(2026, 1, 1);
    params.not_after = rcgen::date_time_ymd(2036, 1, 1);
    let cert_pem = params.self_signed(&signer).unwrap().pem();
    let spki = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &signer.public_key_der());
    let fingerprint = spki.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    ControllerKey {
        secret_name: secret_name.to_string(),
        key_pem,
        cert_pem,
        fingerprint,
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

impl ControllerKey {
    /// The certificate, parsed.
    pub fn certificate(&self) -> Certificate {
        Certificate::from_pem(self.cert_pem.as_bytes()).unwrap()
    }

    /// Writes the certificate to `dir/<secret name>.crt`; returns its path.
    pub fn write_cert(&self, dir: &Path) -> PathBuf {
        write(dir, &format!("{}.crt", self.secret_name), &self.cert_pem)
    }

    /// Writes the private key (PEM) to `dir/<secret name>.key`; returns its path.
    pub fn write_key(&self, dir: &Path) -> PathBuf {
        write(dir, &format!("{}.key", self.secret_name), &self.key_pem)
    }
}

/// Two clusters' certificates under `dir/certs/`: `prod`'s as written by
/// [`ControllerKey::write_cert`] and `staging`'s copied to `staging.pem` (a
/// name without the key's); returns both paths.
pub fn two_cluster_certs(
    dir: &Path,
    prod: &ControllerKey,
    staging: &ControllerKey,
) -> (PathBuf, PathBuf) {
    let certs = dir.join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    let prod = prod.write_cert(&certs);
    let staging_path = certs.join("staging.pem");
    std::fs::copy(staging.write_cert(&certs), &staging_path).unwrap();
    (prod, staging_path)
}

/// Writes `contents` to `dir/name`; returns the path.
pub fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// The backup `kubectl get secret -n kube-system -l
/// sealedsecrets.bitnami.com/sealed-secrets-key -o yaml` writes: a `v1`
/// `List` of `kubernetes.io/tls` Secrets, one per key, in order.
pub fn backup_list(keys: &[&ControllerKey]) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let mut out = String::from("apiVersion: v1\nitems:\n");
    for k in keys {
        out.push_str(&format!(
            "- apiVersion: v1\n  data:\n    tls.crt: {}\n    tls.key: {}\n  kind: Secret\n  metadata:\n    generateName: sealed-secrets-key\n    labels:\n      sealedsecrets.bitnami.com/sealed-secrets-key: active\n    name: {}\n    namespace: kube-system\n  type: kubernetes.io/tls\n",
            b64(&k.cert_pem),
            b64(&k.key_pem),
            k.secret_name
        ));
    }
    out.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    out
}

/// A SealedSecret (YAML, as `kubeseal` writes it) for the Secret `object`
/// holding `values`, sealed with `key`'s certificate under `scope`.
pub fn sealed_secret(
    key: &ControllerKey,
    scope: Scope,
    object: &ObjectRef,
    values: &[(&str, &[u8])],
) -> String {
    let mut secret = Secret::new(object);
    for (k, v) in values {
        secret.insert(*k, SecretValue::new(v.to_vec()));
    }
    sealed_secret_of(key, scope, &secret)
}

/// [`sealed_secret`] for a Secret built by the caller (a type, labels…).
pub fn sealed_secret_of(key: &ControllerKey, scope: Scope, secret: &Secret) -> String {
    let opts = SealOptions::new().scope(scope);
    seal_secret(&key.certificate(), secret, &opts)
        .unwrap()
        .to_string(Format::Yaml)
}

/// One value sealed with `key` under `scope` for `object`, base64, as
/// `kubeseal --raw` prints it.
pub fn sealed_value(key: &ControllerKey, scope: Scope, object: &ObjectRef, value: &[u8]) -> String {
    kubeseal_core::seal_raw(&key.certificate(), scope, object, value).unwrap()
}

#[test]
fn controller_keys_are_distinct_and_read_back_from_a_list_backup() {
    let keys = controller_keys();
    let backup = backup_list(&[&keys[0], &keys[1], &keys[2]]);
    let read = kubeseal_core::read_key_backup(backup.as_bytes()).unwrap();
    assert_eq!(read.len(), KEY_COUNT);
    for (k, r) in keys.iter().zip(&read) {
        let fp: String = r
            .key()
            .fingerprint()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(fp, k.fingerprint);
        assert_eq!(r.secret_name(), Some(k.secret_name.as_str()));
        assert_eq!(r.certificate().unwrap().key_bits(), 2048);
    }
    assert_ne!(keys[0].fingerprint, keys[1].fingerprint);
    assert_ne!(keys[1].fingerprint, keys[2].fingerprint);
    // A value sealed for one key opens with it only, under its own label.
    let object = ObjectRef::new("prod", "db");
    let value = sealed_value(&keys[1], Scope::Strict, &object, b"s3cr3t");
    let own = kubeseal_core::read_private_keys(keys[1].key_pem.as_bytes()).unwrap();
    let other = kubeseal_core::read_private_keys(keys[0].key_pem.as_bytes()).unwrap();
    let opened = kubeseal_core::unseal_raw(&own, Scope::Strict, &object, &value).unwrap();
    assert_eq!(opened.expose(), b"s3cr3t");
    assert!(kubeseal_core::unseal_raw(&other, Scope::Strict, &object, &value).is_err());
}
