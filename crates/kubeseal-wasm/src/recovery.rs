//! Unsealing and `doctor`'s diagnosis with a pasted private key, for the
//! offline page: the core's `read_key_backup`, `unseal` and `diagnose`, as
//! `sealtoken unseal` and `sealtoken doctor --key` call them.
//!
//! The private-key operation is the pure-Rust `rsa` crate's (this module is
//! built on the RustCrypto backend): see RUSTSEC-2023-0071 (a timing side
//! channel of RSA decryption, which matters where an attacker can time many
//! decryptions; the page decrypts a handful, on the user's own machine).

use k8s_manifest::escape::error_chain;
use kubeseal_core::diagnose::{diagnose, Doctor};
use kubeseal_core::{
    read_key_backup, read_sealed_secrets, unseal, Certificate, Format, PrivateKey,
};
use zeroize::Zeroizing;

use crate::{json_string, parse_format};

/// Every private key of a PEM file or key backup (upstream's `List` of key
/// Secrets, one Secret, several), each key once.
fn read_keys(keys: &[u8]) -> Result<Vec<PrivateKey>, String> {
    let found = read_key_backup(keys).map_err(|e| format!("private key: {}", error_chain(&e)))?;
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for k in found {
        let fingerprint = k.key().fingerprint();
        if !seen.contains(&fingerprint) {
            seen.push(fingerprint);
            out.push(k.into_key());
        }
    }
    Ok(out)
}

/// The plaintext Secrets of every SealedSecret in `sealed`, opened with the
/// keys of `keys`, rendered one after the other as `sealtoken unseal` writes
/// them. The result is plaintext.
pub(crate) fn unseal_impl(
    keys: &[u8],
    sealed: &[u8],
    format: Option<&str>,
) -> Result<Zeroizing<String>, String> {
    let format: Format = parse_format(format)?;
    let keys = read_keys(keys)?;
    let sealed = read_sealed_secrets(sealed).map_err(|e| error_chain(&e))?;
    if sealed.is_empty() {
        return Err("no SealedSecret found in the input".into());
    }
    let mut out = Zeroizing::new(String::new());
    for s in &sealed {
        let secret = unseal(&keys, s).map_err(|e| {
            format!(
                "SealedSecret {:?}: {}",
                s.object_ref().name,
                error_chain(&e)
            )
        })?;
        out.push_str(&Zeroizing::new(secret.to_string(format)));
    }
    Ok(out)
}

/// `sealtoken doctor` on `sealed`, with the certificate and the private keys
/// when given: a JSON object `{sealedSecrets, findings: [{line, cause,
/// message}], values: [{line, namespace, name, key, openedBy}]}`, where
/// `openedBy` is `{key, binding}` (the key's index in the pasted input and
/// what the value was sealed for) or null. No value is ever in it.
pub(crate) fn diagnose_impl(
    sealed: &[u8],
    keys: Option<&[u8]>,
    cert: Option<&Certificate>,
) -> Result<String, String> {
    let keys = keys.map(read_keys).transpose()?.unwrap_or_default();
    let mut doctor = Doctor::new().keys(keys.iter());
    if let Some(c) = cert {
        doctor = doctor.certificate(c);
    }
    let report = diagnose(&doctor, sealed).map_err(|e| error_chain(&e))?;
    let opt = |s: Option<&str>| s.map_or("null".to_string(), json_string);
    let findings: Vec<String> = report
        .findings()
        .iter()
        .map(|f| {
            format!(
                "{{\"line\":{},\"cause\":{},\"message\":{}}}",
                f.line(),
                json_string(f.cause().code()),
                json_string(&f.to_string())
            )
        })
        .collect();
    let values: Vec<String> = report
        .values()
        .iter()
        .map(|v| {
            let opened = v.opened_by.as_ref().map_or("null".to_string(), |o| {
                format!(
                    "{{\"key\":{},\"binding\":{}}}",
                    o.key_index,
                    json_string(&o.binding.to_string())
                )
            });
            format!(
                "{{\"line\":{},\"namespace\":{},\"name\":{},\"key\":{},\"openedBy\":{opened}}}",
                v.line,
                opt(v.namespace.as_deref()),
                json_string(&v.name),
                json_string(&v.key),
            )
        })
        .collect();
    Ok(format!(
        "{{\"sealedSecrets\":{},\"findings\":[{}],\"values\":[{}]}}",
        report.sealed_secrets(),
        findings.join(","),
        values.join(",")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeseal_core::{seal_secret, ObjectRef, SealOptions, Secret, SecretValue};

    const CERT: &[u8] = include_bytes!("../../../fixtures/upstream/controller.crt");
    const KEY: &[u8] = include_bytes!("../../../fixtures/upstream/controller.key");

    fn sealed(namespace: &str) -> String {
        let cert = Certificate::from_pem(CERT).unwrap();
        let mut s = Secret::new(&ObjectRef::new(namespace, "db"));
        s.insert("password", SecretValue::from("s3cr3t"));
        seal_secret(&cert, &s, &SealOptions::new())
            .unwrap()
            .to_string(Format::Yaml)
    }

    #[test]
    fn unseals_with_a_pem_key_and_names_no_value_when_it_cannot() {
        let yaml = sealed("apps");
        let out = unseal_impl(KEY, yaml.as_bytes(), Some("json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["data"]["password"], "czNjcjN0");
        // Moved to another namespace: the strict label no longer matches.
        let moved = yaml.replace("namespace: apps", "namespace: other");
        let e = unseal_impl(KEY, moved.as_bytes(), None).unwrap_err();
        assert!(e.starts_with("SealedSecret \"db\": "), "{e}");
        assert!(!e.contains("s3cr3t"), "{e}");
        let e = unseal_impl(b"not a key", yaml.as_bytes(), None).unwrap_err();
        assert!(e.starts_with("private key: "), "{e}");
    }

    #[test]
    fn diagnosis_says_which_key_opened_what_and_what_is_wrong() {
        let yaml = sealed("apps");
        let json = diagnose_impl(yaml.as_bytes(), Some(KEY), None).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["sealedSecrets"], 1);
        assert_eq!(v["findings"].as_array().unwrap().len(), 0);
        assert_eq!(v["values"][0]["openedBy"]["key"], 0);
        assert_eq!(v["values"][0]["openedBy"]["binding"], "strict (apps/db)");
        let moved = yaml.replace("  namespace: apps\n", "  namespace: other\n");
        let json = diagnose_impl(moved.as_bytes(), Some(KEY), None).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let finding = &v["findings"][0];
        assert!(finding["message"]
            .as_str()
            .unwrap()
            .contains("encryptedData.password"));
        assert!(!json.contains("s3cr3t"));
        // Without keys: only what the manifest shows.
        let json = diagnose_impl(yaml.as_bytes(), None, None).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["values"][0]["openedBy"], serde_json::Value::Null);
    }
}

/// The bindings exported to JavaScript (only on `wasm32-unknown-unknown`).
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub(crate) mod js {
    use super::{diagnose_impl, unseal_impl};
    use wasm_bindgen::prelude::*;
    use zeroize::Zeroizing;

    /// `unseal`: see `unseal_impl`. The key buffer is zeroized; the result
    /// is a JavaScript string (plaintext), which this module cannot wipe.
    #[wasm_bindgen]
    pub fn unseal(
        keys: Vec<u8>,
        sealed: Vec<u8>,
        format: Option<String>,
    ) -> Result<String, JsError> {
        let keys = Zeroizing::new(keys);
        let out = unseal_impl(&keys, &sealed, format.as_deref()).map_err(|m| JsError::new(&m))?;
        Ok(out.as_str().to_string())
    }

    /// `diagnose`: see `diagnose_impl` (a JSON string). The key buffer is zeroized.
    #[wasm_bindgen]
    pub fn diagnose(
        sealed: Vec<u8>,
        keys: Option<Vec<u8>>,
        cert: Option<Vec<u8>>,
    ) -> Result<String, JsError> {
        let keys = keys.map(Zeroizing::new);
        let cert = cert
            .map(|c| crate::parse_cert(&c))
            .transpose()
            .map_err(|m| JsError::new(&m))?;
        diagnose_impl(
            &sealed,
            keys.as_deref().map(|k| k.as_slice()),
            cert.as_ref(),
        )
        .map_err(|m| JsError::new(&m))
    }
}
