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

use zeroize::{Zeroize as _, Zeroizing};

#[cfg(feature = "aws-lc")]
mod aws_lc;

// Also compiled beside aws-lc (`--all-features`), so that the compiler checks it
// against the same traits and the tests can seal with one backend and open
// with the other.
// With aws-lc, feature `fast-start` uses its public-key half (aws_lc.rs, "fast_start").
#[cfg(any(feature = "rust-crypto", feature = "fast-start"))]
#[cfg_attr(
    all(feature = "aws-lc", any(not(test), not(feature = "rust-crypto"))),
    allow(dead_code)
)]
mod rust_crypto;

#[cfg(not(any(feature = "aws-lc", feature = "rust-crypto")))]
compile_error!("kubeseal-core needs a crypto backend: enable feature `aws-lc` or `rust-crypto`");

/// The backend compiled in: aws-lc wins when both features are on.
#[cfg(feature = "aws-lc")]
type Active = aws_lc::AwsLc;
#[cfg(all(feature = "rust-crypto", not(feature = "aws-lc")))]
type Active = rust_crypto::RustCrypto;

/// The active backend's RSA public key.
pub(crate) type PublicKey = <Active as Backend>::PublicKey;
/// The active backend's RSA private key.
pub(crate) type PrivateKey = <Active as Backend>::PrivateKey;

/// Name of the crypto backend compiled in (`"aws-lc-rs"` or `"rustcrypto"`).
pub const BACKEND: &str = Active::NAME;

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

/// What one crypto backend provides: the contract both backends are checked
/// against by the compiler. Everything above the primitives (the hybrid
/// format, randomness) is written once, in this module.
pub(crate) trait Backend {
    /// The name [`BACKEND`] reports.
    const NAME: &'static str;
    /// An RSA public key ready for OAEP encryption.
    type PublicKey: RsaPublicKey;
    /// An RSA private key ready for OAEP decryption.
    type PrivateKey: RsaPrivateKey;

    /// AES-256-GCM of `buf` in place under `key`, [`NONCE`] and no AAD; returns the tag.
    fn aes_gcm_seal_in_place(
        key: &[u8; SESSION_KEY_LEN],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Failure>;

    /// Authenticates and decrypts `buf` in place (ciphertext without its tag).
    fn aes_gcm_open_in_place(
        key: &[u8; SESSION_KEY_LEN],
        buf: &mut Vec<u8>,
        tag: &[u8; TAG_LEN],
    ) -> Result<(), Failure>;

    /// SHA-256 over the concatenation of `parts`.
    fn sha256(parts: &[&[u8]]) -> [u8; 32];
}

/// An RSA public key, for RSA-OAEP with SHA-256 (and MGF1-SHA-256).
pub(crate) trait RsaPublicKey: Sized + Send + Sync {
    /// From a DER `SubjectPublicKeyInfo`.
    fn from_spki_der(der: &[u8]) -> Result<Self, Failure>;
    /// The size of one ciphertext (the modulus) in bytes.
    fn ciphertext_len(&self) -> usize;
    /// Encrypts `msg` under the OAEP `label` into `out`, which is exactly
    /// [`Self::ciphertext_len`] bytes long.
    fn oaep_encrypt(&self, label: &[u8], msg: &[u8], out: &mut [u8]) -> Result<(), Failure>;
}

/// An RSA private key, for RSA-OAEP with SHA-256 (and MGF1-SHA-256).
pub(crate) trait RsaPrivateKey: Sized + Send + Sync {
    /// From a DER PKCS#8 `PrivateKeyInfo`.
    fn from_pkcs8_der(der: &[u8]) -> Result<Self, Failure>;
    /// Decrypts `ct` under the OAEP `label`.
    fn oaep_decrypt(&self, label: &[u8], ct: &[u8]) -> Result<Zeroizing<Vec<u8>>, Failure>;
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[&[u8]]) -> [u8; 32] {
    Active::sha256(data)
}

/// AES-256-GCM of `buf` in place with a caller-chosen key; returns the tag.
#[cfg(feature = "hazmat")]
pub(crate) fn aes_gcm_seal_in_place(
    key: &[u8; SESSION_KEY_LEN],
    buf: &mut [u8],
) -> Result<[u8; TAG_LEN], Failure> {
    Active::aes_gcm_seal_in_place(key, buf)
}

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), Failure> {
    getrandom::fill(buf).map_err(|_| Failure::Random)
}

/// An RSA-OAEP step done outside this library, for a caller whose platform has
/// a faster RSA than the backend's (the npm package hands it to Node's OpenSSL,
/// where the pure-Rust RSA compiled to WebAssembly is several times slower).
///
/// Called once per sealed value with the certificate's public key as DER
/// `SubjectPublicKeyInfo`, the scope's OAEP label and the value's fresh 32-byte
/// session key. It must write RSAES-OAEP (SHA-256, MGF1-SHA-256, that label) of
/// the session key under that key into `out`, which is exactly the modulus
/// size, keep no copy of the session key, and return `Ok(())`; an `Err` seals
/// nothing (`SealError::Crypto`). Everything else stays in the library:
/// the session key is drawn from the OS CSPRNG and zeroized afterwards, and
/// AES-GCM and the ciphertext format are the library's.
#[cfg(feature = "hazmat")]
pub type RsaOaepEncrypt = fn(
    spki_der: &[u8],
    label: &[u8],
    session_key: &[u8],
    out: &mut [u8],
) -> Result<(), RsaOaepFailed>;

/// An [`RsaOaepEncrypt`] step failed. It carries no detail: sealing reports
/// its own message, whatever the step's error said.
#[cfg(feature = "hazmat")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RsaOaepFailed;

/// What sealing encrypts with: the public key, and (feature `hazmat`) an
/// outside RSA-OAEP step with the key's DER `SubjectPublicKeyInfo`.
pub(crate) struct Encryptor<'a> {
    /// The backend's key.
    pub key: &'a PublicKey,
    /// The outside step, if one is set.
    #[cfg(feature = "hazmat")]
    pub step: Option<(RsaOaepEncrypt, &'a [u8])>,
}

/// Encrypts `plaintext` for the encryptor's key under the OAEP `label`, with
/// a fresh session key; the RSA-OAEP step is the outside one when there is
/// one (feature `hazmat`), the backend's otherwise.
pub(crate) fn hybrid_encrypt(
    enc: &Encryptor<'_>,
    label: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, Failure> {
    #[cfg(feature = "hazmat")]
    if let Some((step, spki)) = enc.step {
        let rsa = |msg: &[u8], out: &mut [u8]| {
            step(spki, label, msg, out).map_err(|RsaOaepFailed| Failure::Encrypt)
        };
        return encrypt_with::<Active>(enc.key.ciphertext_len(), rsa, plaintext);
    }
    encrypt::<Active>(enc.key, label, plaintext)
}

/// [`hybrid_encrypt`] with the RSA-OAEP block (bytes `2..2 + rsa_len`) left
/// zero for the caller to fill in later: `export` is handed the fresh session
/// key, which is zeroized here as soon as AES-GCM is done.
#[cfg(feature = "hazmat")]
pub(crate) fn hybrid_encrypt_deferred(
    key: &PublicKey,
    export: impl FnOnce(&[u8]),
    plaintext: &[u8],
) -> Result<Vec<u8>, Failure> {
    let rsa = |session_key: &[u8], _: &mut [u8]| {
        export(session_key);
        Ok(())
    };
    encrypt_with::<Active>(key.ciphertext_len(), rsa, plaintext)
}

/// Decrypts what [`hybrid_encrypt`] produced.
pub(crate) fn hybrid_decrypt(
    key: &PrivateKey,
    label: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Failure> {
    decrypt::<Active>(key, label, ciphertext)
}

/// [`hybrid_encrypt`] with backend `B`.
fn encrypt<B: Backend>(
    key: &B::PublicKey,
    label: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, Failure> {
    let rsa = |msg: &[u8], out: &mut [u8]| key.oaep_encrypt(label, msg, out);
    encrypt_with::<B>(key.ciphertext_len(), rsa, plaintext)
}

/// The hybrid format around an RSA-OAEP step `rsa(session key, out)` whose
/// ciphertext is `rsa_len` bytes: a fresh session key from the OS CSPRNG, then
/// AES-256-GCM with backend `B`. The session key is zeroized on every path.
fn encrypt_with<B: Backend>(
    rsa_len: usize,
    rsa: impl FnOnce(&[u8], &mut [u8]) -> Result<(), Failure>,
    plaintext: &[u8],
) -> Result<Vec<u8>, Failure> {
    let mut session_key = Zeroizing::new([0u8; SESSION_KEY_LEN]);
    fill_random(&mut session_key[..])?;
    let rsa_len_u16 = u16::try_from(rsa_len).map_err(|_| Failure::Key)?;
    let mut out = Vec::with_capacity(2 + rsa_len + plaintext.len() + TAG_LEN);
    out.extend_from_slice(&rsa_len_u16.to_be_bytes());
    out.resize(2 + rsa_len, 0);
    rsa(&session_key[..], &mut out[2..])?;
    let start = out.len();
    out.extend_from_slice(plaintext);
    let tag = match B::aes_gcm_seal_in_place(&session_key, &mut out[start..]) {
        Ok(tag) => tag,
        Err(e) => {
            // The buffer may still hold the plaintext: wipe it before it is freed.
            out.zeroize();
            return Err(e);
        }
    };
    out.extend_from_slice(&tag);
    Ok(out)
}

/// [`hybrid_decrypt`] with backend `B`.
fn decrypt<B: Backend>(
    key: &B::PrivateKey,
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
    let session_key: &[u8; SESSION_KEY_LEN] = session_key
        .as_slice()
        .try_into()
        .map_err(|_| Failure::Decrypt)?;
    if aes_ct.len() < TAG_LEN {
        return Err(Failure::Decrypt);
    }
    let mut buf = Zeroizing::new(aes_ct.to_vec());
    let body_len = buf.len() - TAG_LEN;
    let mut tag = [0u8; TAG_LEN];
    tag.copy_from_slice(&buf[body_len..]);
    buf.truncate(body_len);
    B::aes_gcm_open_in_place(session_key, &mut buf, &tag)?;
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
        assert_eq!(base16ct::lower::encode_string(&got), want);
    }

    #[test]
    fn truncated_inputs_fail_cleanly() {
        let key = crate::unseal::test_support::demo_private_key();
        for ct in [&[][..], &[0x02][..], &[0x02, 0x00, 1, 2, 3][..]] {
            assert_eq!(hybrid_decrypt(&key, b"", ct).unwrap_err(), Failure::Decrypt);
        }
    }

    /// Sealed by one backend, opened by the other: both implement the same
    /// format, not merely each its own round trip (`--all-features` builds both).
    #[cfg(all(feature = "aws-lc", feature = "rust-crypto"))]
    #[test]
    fn backends_open_each_others_ciphertexts() {
        use der::{Decode, Encode};
        use rsa::pkcs1::DecodeRsaPrivateKey;
        use rsa::pkcs8::EncodePrivateKey;

        let der_of = |pem: &[u8]| {
            let text = std::str::from_utf8(pem).unwrap();
            crate::pem::blocks(text).unwrap().remove(0).der
        };
        let cert_der = der_of(include_bytes!(
            "../../../../fixtures/upstream/controller.crt"
        ));
        let cert = x509_cert::Certificate::from_der(&cert_der).unwrap();
        let spki = cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap();
        let pkcs1 = der_of(include_bytes!(
            "../../../../fixtures/upstream/controller.key"
        ));
        let pkcs8 = rsa::PrivateKey::from_pkcs1_der(&pkcs1)
            .unwrap()
            .to_pkcs8_der()
            .unwrap();
        let pkcs8 = pkcs8.as_bytes();
        fn cross<S: Backend, O: Backend>(spki: &[u8], pkcs8: &[u8]) {
            let public = S::PublicKey::from_spki_der(spki).unwrap();
            let private = O::PrivateKey::from_pkcs8_der(pkcs8).unwrap();
            for value in [&b""[..], b"token", &[0xA5; 70_000]] {
                let ct = encrypt::<S>(&public, b"ns/name", value).unwrap();
                assert_eq!(&decrypt::<O>(&private, b"ns/name", &ct).unwrap()[..], value);
                assert_eq!(
                    decrypt::<O>(&private, b"ns/other", &ct).unwrap_err(),
                    Failure::Decrypt
                );
            }
            assert_eq!(S::sha256(&[b"a", b"bc"]), O::sha256(&[b"abc"]));
        }
        cross::<aws_lc::AwsLc, rust_crypto::RustCrypto>(&spki, pkcs8);
        cross::<rust_crypto::RustCrypto, aws_lc::AwsLc>(&spki, pkcs8);
    }
}
