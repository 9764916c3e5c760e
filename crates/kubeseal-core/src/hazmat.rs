//! The bare primitives under the scheme, for benchmarks that measure the
//! cost floor in the same run (feature `hazmat`, off by default).
//!
//! Not part of the stable API, and easy to misuse: [`aes_gcm_seal`] takes the
//! key from the caller and always uses the zero nonce, which is safe only for
//! a key that never encrypts anything else.

use crate::crypto::{self, RsaPublicKey as _};
use crate::Certificate;

/// One RSA-OAEP-SHA256 encryption of `msg` (at most 32 bytes) with `label`.
pub fn rsa_oaep_encrypt(cert: &Certificate, label: &[u8], msg: &[u8]) -> Option<Vec<u8>> {
    let key = cert.public_key();
    let mut out = vec![0u8; key.ciphertext_len()];
    key.oaep_encrypt(label, msg, &mut out).ok().map(|()| out)
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
