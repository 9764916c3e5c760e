//! The sealed-secrets controller's `/v1/verify` and `/v1/rotate`, as
//! upstream's HTTP handlers answer them (`pkg/controller/server.go`,
//! `AttemptUnseal` and `Rotate` in `controller.go`), with a real decrypt.
//!
//! The controller holds two keys: the upstream demo key
//! (`fixtures/upstream/controller.key`, the older one) and the test key
//! `fixtures/keys/rsa2048.pkcs8.key` (the newest, which `/v1/rotate` seals with).
//!
//! - `/v1/verify`: 200 when a key decrypts every value, 409 when none does,
//!   500 when the body is not one SealedSecret.
//! - `/v1/rotate`: 200 with the SealedSecret sealed again with the newest
//!   key (JSON), 500 when it cannot be decrypted or is not a SealedSecret.
//!   When `metadata` and `spec.template.metadata` disagree, `metadata` wins
//!   (upstream v0.36, CVE-2026-22728).

use kubeseal_core::{
    read_sealed_secrets, seal_secret, unseal, Certificate, Format, PrivateKey, Scope, SealOptions,
};

use super::read_fixture;

fn keys() -> Vec<PrivateKey> {
    let mut keys = PrivateKey::from_pem(&read_fixture("upstream/controller.key")).unwrap();
    keys.extend(PrivateKey::from_pem(&read_fixture("keys/rsa2048.pkcs8.key")).unwrap());
    keys
}

/// The certificate of the newest key.
pub fn newest_cert() -> Certificate {
    Certificate::from_pem(&read_fixture("keys/rsa2048.crt")).unwrap()
}

/// `POST /v1/verify`.
pub fn verify(body: &[u8]) -> (u16, Vec<u8>) {
    let Ok(mut sealed) = read_sealed_secrets(body) else {
        return (500, Vec::new());
    };
    if sealed.len() != 1 {
        return (500, Vec::new());
    }
    match unseal(&keys(), &sealed.remove(0)) {
        Ok(_) => (200, Vec::new()),
        Err(_) => (409, Vec::new()),
    }
}

/// `POST /v1/rotate`.
pub fn rotate(body: &[u8]) -> (u16, Vec<u8>) {
    let Ok(mut sealed) = read_sealed_secrets(body) else {
        return (500, Vec::new());
    };
    if sealed.len() != 1 {
        return (500, Vec::new());
    }
    let mut s = sealed.remove(0);
    // Upstream copies metadata over the template's when they differ.
    if s.template.metadata != s.metadata {
        s.template.metadata = s.metadata.clone();
    }
    let Ok(mut secret) = unseal(&keys(), &s) else {
        return (500, Vec::new());
    };
    // The scope travels in the template's annotations (upstream's labelFor(secret)).
    let scope = Scope::from_annotations(&s.metadata.annotations);
    scope.apply_to_annotations(&mut secret.metadata.annotations);
    let opts = SealOptions::new().scope(scope);
    match seal_secret(&newest_cert(), &secret, &opts) {
        Ok(resealed) => (200, resealed.to_string(Format::Json).into_bytes()),
        Err(_) => (500, Vec::new()),
    }
}
