//! Certificate and private-key parsing on arbitrary bytes: errors, never panics.
#![no_main]

use kubeseal_core::{Certificate, PrivateKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = Certificate::from_pem(data) {
        // Everything a caller may ask of a parsed certificate.
        let _ = (
            cert.key_bits(),
            cert.subject(),
            cert.not_before(),
            cert.not_after(),
        );
        let _ = (
            cert.fingerprint_hex(),
            cert.is_expired(),
            format!("{cert:?}"),
        );
        // What we print must read back as the same certificate.
        let again = Certificate::from_pem(cert.to_pem().as_bytes()).expect("to_pem reads back");
        assert_eq!(again.fingerprint_sha256(), cert.fingerprint_sha256());
    }
    let _ = Certificate::from_der(data);
    let _ = Certificate::from_public_key_der(data);
    if let Ok(keys) = PrivateKey::from_pem(data) {
        assert!(!keys.is_empty());
    }
});
