//! `doctor` (kubeseal_core::diagnose) over arbitrary input, alone and with a
//! certificate, a private key and candidate names: errors or findings, never
//! a panic, and both runs agree on what the input holds.
#![no_main]

use std::sync::OnceLock;

use kubeseal_core::diagnose::{diagnose, Doctor};
use kubeseal_core::{Certificate, PrivateKey};
use libfuzzer_sys::fuzz_target;

// RSA-2048: values with a fitting length field are really decrypted, and
// each decryption stays cheap under the sanitizer.
static KEY_PEM: &[u8] = include_bytes!("../../fixtures/keys/rsa2048.pkcs8.key");
static CERT_PEM: &[u8] = include_bytes!("../../fixtures/keys/rsa2048.crt");

fn keys() -> &'static [PrivateKey] {
    static KEYS: OnceLock<Vec<PrivateKey>> = OnceLock::new();
    KEYS.get_or_init(|| PrivateKey::from_pem(KEY_PEM).expect("test key"))
}

fn cert() -> &'static Certificate {
    static CERT: OnceLock<Certificate> = OnceLock::new();
    CERT.get_or_init(|| Certificate::from_pem(CERT_PEM).expect("test certificate"))
}

fuzz_target!(|data: &[u8]| {
    let alone = diagnose(&Doctor::new(), data);
    let doctor = Doctor::new()
        .certificate(cert())
        .keys(keys())
        .namespace("prod")
        .name("db");
    let with = diagnose(&doctor, data);
    match (&alone, &with) {
        (Ok(a), Ok(w)) => {
            assert_eq!(a.sealed_secrets(), w.sealed_secrets());
            assert_eq!(a.values().len(), w.values().len());
            assert!(a.values().iter().all(|v| v.opened_by.is_none()));
            for f in a.findings().iter().chain(w.findings()) {
                let _ = f.to_string();
                let _ = f.cause().code();
            }
        }
        (Err(a), Err(_)) => {
            let _ = a.to_string();
        }
        _ => panic!("diagnose read the input differently with keys"),
    }
});
