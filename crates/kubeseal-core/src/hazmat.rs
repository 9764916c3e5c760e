//! The bare primitives under the scheme, for benchmarks that measure the
//! cost floor in the same run, and a seam for a platform's own RSA (feature
//! `hazmat`, off by default).
//!
//! Not part of the stable API, and easy to misuse: [`aes_gcm_seal`] takes the
//! key from the caller and always uses the zero nonce, which is safe only for
//! a key that never encrypts anything else; [`with_rsa_oaep_encrypt`] trusts
//! the caller's RSA-OAEP with every session key, and [`seal_secrets_deferred`]
//! and [`seal_raw_deferred`] hand every session key to the caller.

mod deferred;

pub use deferred::{seal_raw_deferred, seal_secrets_deferred, DeferredSeal};

use crate::crypto::{self, RsaPublicKey as _};
use crate::Certificate;

/// One RSA-OAEP-SHA256 encryption of `msg` (at most 32 bytes) with `label`.
pub fn rsa_oaep_encrypt(cert: &Certificate, label: &[u8], msg: &[u8]) -> Option<Vec<u8>> {
    let key = cert.encryptor().key;
    let mut out = vec![0u8; key.ciphertext_len()];
    key.oaep_encrypt(label, msg, &mut out).ok().map(|()| out)
}

/// The certificate's public key as DER `SubjectPublicKeyInfo`: what a
/// platform's RSA imports (WebCrypto's `importKey("spki", …)`).
pub fn spki_der(cert: &Certificate) -> &[u8] {
    cert.spki_der()
}

/// Standard padded base64, as written into `encryptedData`.
pub fn base64_encode(data: &[u8]) -> String {
    crate::b64::encode(data)
}

/// AES-256-GCM of `buf` in place with `key` and the zero nonce; returns the tag.
pub fn aes_gcm_seal(key: &[u8; 32], buf: &mut [u8]) -> Option<[u8; 16]> {
    crypto::aes_gcm_seal_in_place(key, buf).ok()
}

/// One RSA-OAEP-SHA256 decryption of `ct` with `label` by `key` (the
/// private-key half of the floor that resealing and unsealing pay).
pub fn rsa_oaep_decrypt(key: &crate::PrivateKey, label: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
    use crate::crypto::RsaPrivateKey as _;
    key.raw().oaep_decrypt(label, ct).ok().map(|p| p.to_vec())
}

pub use crate::crypto::{RsaOaepEncrypt, RsaOaepFailed};

/// `cert`, sealing from now on with `step` as its RSA-OAEP step in place of the
/// backend's, in [`crate::seal_raw`], [`crate::seal_secrets`] and every other
/// sealing function. A plain `fn`, so the certificate stays `Send + Sync`.
pub fn with_rsa_oaep_encrypt(mut cert: Certificate, step: RsaOaepEncrypt) -> Certificate {
    cert.set_rsa_step(step);
    cert
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{seal_raw, unseal_raw, ObjectRef, PrivateKey, Scope, SealError};
    use std::sync::atomic::{AtomicUsize, Ordering};

    const CERT: &[u8] = include_bytes!("../../../fixtures/upstream/controller.crt");
    const KEY: &[u8] = include_bytes!("../../../fixtures/upstream/controller.key");

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    /// The backend's RSA-OAEP through the seam, checking what the seam hands over.
    fn counted_step(
        spki: &[u8],
        label: &[u8],
        key: &[u8],
        out: &mut [u8],
    ) -> Result<(), RsaOaepFailed> {
        CALLS.fetch_add(1, Ordering::SeqCst);
        assert_eq!((key.len(), out.len()), (32, 512));
        assert_eq!(label, b"apps/db");
        let cert = Certificate::from_public_key_der(spki).map_err(|_| RsaOaepFailed)?;
        out.copy_from_slice(&rsa_oaep_encrypt(&cert, label, key).ok_or(RsaOaepFailed)?);
        Ok(())
    }

    fn failing_step(_: &[u8], _: &[u8], _: &[u8], _: &mut [u8]) -> Result<(), RsaOaepFailed> {
        Err(RsaOaepFailed)
    }

    #[test]
    fn aes_gcm_seal_matches_the_gcm_specification() {
        // Test case 14 of "The Galois/Counter Mode of Operation (GCM)" (McGrew
        // and Viega): AES-256, zero key, zero 96-bit IV, 16 zero bytes.
        let mut buf = [0u8; 16];
        let tag = aes_gcm_seal(&[0u8; 32], &mut buf).expect("seal");
        assert_eq!(buf.to_vec(), hex("cea7403d4d606b6e074ec5d3baf39d18"));
        assert_eq!(tag.to_vec(), hex("d0d1c8a799996bf0265b98b5d48ab919"));
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    #[test]
    fn outside_rsa_step_seals_what_the_controller_opens() {
        let keys = PrivateKey::from_pem(KEY).unwrap();
        let object = ObjectRef::new("apps", "db");
        let cert = with_rsa_oaep_encrypt(Certificate::from_pem(CERT).unwrap(), counted_step);
        let before = CALLS.load(Ordering::SeqCst);
        let sealed = seal_raw(&cert, Scope::Strict, &object, b"s3cr3t").unwrap();
        assert_eq!(CALLS.load(Ordering::SeqCst), before + 1);
        let opened = unseal_raw(&keys, Scope::Strict, &object, &sealed).unwrap();
        assert_eq!(opened.expose(), b"s3cr3t");

        let cert = with_rsa_oaep_encrypt(Certificate::from_pem(CERT).unwrap(), failing_step);
        let e = seal_raw(&cert, Scope::Strict, &object, b"s3cr3t").unwrap_err();
        assert!(matches!(e, SealError::Crypto), "{e:?}");
        assert_eq!(e.to_string(), "encryption failed");
    }
}
