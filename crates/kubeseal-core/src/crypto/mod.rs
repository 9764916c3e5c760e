//! The hybrid encryption scheme of Sealed Secrets, over one of two backends.
//!
//! Format (upstream `pkg/crypto/crypto.go`, `HybridEncrypt`):
//!
//! ```text
//! u16 big-endian len(rsa) ‖ RSA-OAEP-SHA256(label, session key) ‖ AES-256-GCM(session key, nonce 0, no AAD)
//! ```
//!
//! Each value gets a fresh 32-byte session key from the OS CSPRNG, so the
//! all-zero GCM nonce is never reused under one key.

use zeroize::Zeroizing;

#[cfg(feature = "aws-lc")]
#[path = "aws_lc.rs"]
mod backend;

#[cfg(all(feature = "rust-crypto", not(feature = "aws-lc")))]
#[path = "rust_crypto.rs"]
mod backend;

#[cfg(not(any(feature = "aws-lc", feature = "rust-crypto")))]
compile_error!("kubeseal-core needs a crypto backend: enable feature `aws-lc` or `rust-crypto`");

pub(crate) use backend::{aes_gcm_seal_in_place, PrivateKey, PublicKey};

/// Name of the crypto backend compiled in (`"aws-lc-rs"` or `"rustcrypto"`).
pub const BACKEND: &str = backend::NAME;

/// Size of the AES-256 session key.
pub(crate) const SESSION_KEY_LEN: usize = 32;
/// Size of the AES-GCM authentication tag.
pub(crate) const TAG_LEN: usize = 16;
/// The GCM nonce upstream uses: all zeros (safe because every key is fresh).
pub(crate) const NONCE: [u8; 12] = [0u8; 12];

/// Why a crypto primitive failed. Deliberately vague: no detail that could
/// help an attacker or leak material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The OS random number generator failed.
    Random,
    /// The key was rejected by the backend.
    Key,
    /// Encryption failed.
    Encrypt,
    /// Decryption or authentication failed.
    Decrypt,
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[&[u8]]) -> [u8; 32] {
    backend::sha256(data)
}

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), Failure> {
    getrandom::fill(buf).map_err(|_| Failure::Random)
}

/// Encrypts `plaintext` for `key` under the OAEP `label`, with a fresh session key.
pub(crate) fn hybrid_encrypt(
    key: &PublicKey,
    label: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, Failure> {
    let mut session_key = Zeroizing::new([0u8; SESSION_KEY_LEN]);
    fill_random(&mut session_key[..])?;
    hybrid_encrypt_with_session_key(key, label, plaintext, &session_key)
}

/// [`hybrid_encrypt`] with a caller-chosen session key (tests only outside this module).
pub(crate) fn hybrid_encrypt_with_session_key(
    key: &PublicKey,
    label: &[u8],
    plaintext: &[u8],
    session_key: &[u8; SESSION_KEY_LEN],
) -> Result<Vec<u8>, Failure> {
    let rsa_len = key.ciphertext_len();
    let rsa_len_u16 = u16::try_from(rsa_len).map_err(|_| Failure::Key)?;
    let mut out = Vec::with_capacity(2 + rsa_len + plaintext.len() + TAG_LEN);
    out.extend_from_slice(&rsa_len_u16.to_be_bytes());
    out.resize(2 + rsa_len, 0);
    key.oaep_encrypt(label, session_key, &mut out[2..])?;
    let start = out.len();
    out.extend_from_slice(plaintext);
    let tag = aes_gcm_seal_in_place(session_key, &mut out[start..])?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Decrypts what [`hybrid_encrypt`] produced.
pub(crate) fn hybrid_decrypt(
    key: &PrivateKey,
    label: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let (len, rest) = ciphertext
        .split_first_chunk::<2>()
        .ok_or(Failure::Decrypt)?;
    let rsa_len = usize::from(u16::from_be_bytes(*len));
    if rest.len() < rsa_len {
        return Err(Failure::Decrypt);
    }
    let (rsa_ct, aes_ct) = rest.split_at(rsa_len);
    let session_key = key.oaep_decrypt(label, rsa_ct)?;
    if session_key.len() != SESSION_KEY_LEN || aes_ct.len() < TAG_LEN {
        return Err(Failure::Decrypt);
    }
    let mut buf = Zeroizing::new(aes_ct.to_vec());
    let body_len = buf.len() - TAG_LEN;
    let mut tag = [0u8; TAG_LEN];
    tag.copy_from_slice(&buf[body_len..]);
    buf.truncate(body_len);
    backend::aes_gcm_open_in_place(&session_key, &mut buf, &tag)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_known_vector() {
        // FIPS 180-2 "abc" vector, split across two parts.
        let got = sha256(&[b"a", b"bc"]);
        let want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let hex: String = got.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, want);
    }

    #[test]
    fn truncated_inputs_fail_cleanly() {
        let key = crate::unseal::test_support::demo_private_key();
        for ct in [&[][..], &[0x02][..], &[0x02, 0x00, 1, 2, 3][..]] {
            assert_eq!(hybrid_decrypt(&key, b"", ct).unwrap_err(), Failure::Decrypt);
        }
    }
}
