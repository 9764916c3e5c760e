//! AWS-LC backend (default): OpenSSL-class speed, constant-time private-key operations.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, Tag, UnboundKey, AES_256_GCM};
use aws_lc_rs::digest::{Context, SHA256};
use aws_lc_rs::rsa::{
    OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
    OAEP_SHA256_MGF1SHA256,
};
use zeroize::Zeroizing;

use super::{Backend, Failure, RsaPrivateKey, RsaPublicKey, NONCE, SESSION_KEY_LEN, TAG_LEN};

/// The AWS-LC backend.
pub(crate) enum AwsLc {}

impl Backend for AwsLc {
    const NAME: &'static str = "aws-lc-rs";
    type PublicKey = PublicKey;
    type PrivateKey = PrivateKey;

    fn aes_gcm_seal_in_place(
        key: &[u8; SESSION_KEY_LEN],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Failure> {
        let tag: Tag = gcm_key(key)?
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(NONCE), Aad::empty(), buf)
            .map_err(|_| Failure::Encrypt)?;
        let mut out = [0u8; TAG_LEN];
        out.copy_from_slice(tag.as_ref());
        Ok(out)
    }

    fn aes_gcm_open_in_place(
        key: &[u8; SESSION_KEY_LEN],
        buf: &mut Vec<u8>,
        tag: &[u8; TAG_LEN],
    ) -> Result<(), Failure> {
        buf.extend_from_slice(tag);
        let n = gcm_key(key)?
            .open_in_place(Nonce::assume_unique_for_key(NONCE), Aad::empty(), buf)
            .map_err(|_| Failure::Decrypt)?
            .len();
        buf.truncate(n);
        Ok(())
    }

    fn sha256(parts: &[&[u8]]) -> [u8; 32] {
        let mut ctx = Context::new(&SHA256);
        for p in parts {
            ctx.update(p);
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        out
    }
}

/// An RSA public key ready for OAEP encryption.
pub(crate) struct PublicKey {
    key: OaepPublicEncryptingKey,
    /// The same key for RustCrypto, parsed on first use (feature `fast-start`).
    #[cfg(feature = "fast-start")]
    quick: fast_start::Key,
}

impl RsaPublicKey for PublicKey {
    fn from_spki_der(der: &[u8]) -> Result<Self, Failure> {
        let key = PublicEncryptingKey::from_der(der).map_err(|_| Failure::Key)?;
        let key = OaepPublicEncryptingKey::new(key).map_err(|_| Failure::Key)?;
        Ok(Self {
            key,
            #[cfg(feature = "fast-start")]
            quick: fast_start::Key::new(der),
        })
    }

    fn ciphertext_len(&self) -> usize {
        self.key.ciphertext_size()
    }

    fn oaep_encrypt(&self, label: &[u8], msg: &[u8], out: &mut [u8]) -> Result<(), Failure> {
        #[cfg(feature = "fast-start")]
        if fast_start::TURNS.quick() {
            if let Some(key) = self.quick.get() {
                return key.oaep_encrypt(label, msg, out);
            }
        }
        self.aws_lc_encrypt(label, msg, out)
    }
}

impl PublicKey {
    /// RSA-OAEP through AWS-LC (whose generator makes the OAEP seed).
    fn aws_lc_encrypt(&self, label: &[u8], msg: &[u8], out: &mut [u8]) -> Result<(), Failure> {
        let written = self
            .key
            .encrypt(&OAEP_SHA256_MGF1SHA256, msg, out, Some(label))
            .map_err(|_| Failure::Encrypt)?
            .len();
        if written == out.len() {
            Ok(())
        } else {
            Err(Failure::Encrypt)
        }
    }
}

/// An RSA private key ready for OAEP decryption.
pub(crate) struct PrivateKey(OaepPrivateDecryptingKey);

impl RsaPrivateKey for PrivateKey {
    fn from_pkcs8_der(der: &[u8]) -> Result<Self, Failure> {
        let key = PrivateDecryptingKey::from_pkcs8(der).map_err(|_| Failure::Key)?;
        OaepPrivateDecryptingKey::new(key)
            .map(Self)
            .map_err(|_| Failure::Key)
    }

    fn oaep_decrypt(&self, label: &[u8], ct: &[u8]) -> Result<Zeroizing<Vec<u8>>, Failure> {
        // Blinding draws from AWS-LC's generator: it is seeded from here on.
        #[cfg(feature = "fast-start")]
        fast_start::TURNS.seeded();
        let mut out = Zeroizing::new(vec![0u8; self.0.min_output_size()]);
        let n = self
            .0
            .decrypt(&OAEP_SHA256_MGF1SHA256, ct, &mut out, Some(label))
            .map_err(|_| Failure::Decrypt)?
            .len();
        out.truncate(n);
        Ok(out)
    }
}

fn gcm_key(key: &[u8; SESSION_KEY_LEN]) -> Result<LessSafeKey, Failure> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| Failure::Key)
}

/// Feature `fast-start`: a process's first RSA-OAEP encryptions through RustCrypto.
///
/// AWS-LC seeds its generator at its first draw, and unless aws-lc-sys was
/// built with `AWS_LC_SYS_NO_JITTER_ENTROPY=1` (a build-time setting that a
/// crate installed from the registry never sees), that seeding gathers
/// CPU-jitter entropy: about 20 ms of CPU. An OAEP encryption draws its seed
/// there, so a run that seals one token would spend more than 90% of its time
/// seeding. RustCrypto's `rsa` takes its seed from the OS CSPRNG instead, at
/// about 0.4 ms per RSA-4096 encryption against AWS-LC's 0.05 ms. So the first
/// [`QUICK`] encryptions of a process go through RustCrypto, unless AWS-LC's
/// generator is already seeded (a private-key operation ran), and every later
/// one through AWS-LC: a run of a few values never seeds AWS-LC, and a bulk run
/// pays at most about 13 ms more than it would have. Only the public key is
/// used here, so the `rsa` crate's private-key timing advisory does not apply.
#[cfg(feature = "fast-start")]
mod fast_start {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::sync::OnceLock;

    use super::super::rust_crypto;
    use super::RsaPublicKey;

    /// RustCrypto encryptions per process before AWS-LC takes over: 32 × 0.4 ms
    /// stays below the ~20 ms one jitter seeding costs.
    pub(super) const QUICK: u32 = 32;

    /// The process's count.
    pub(super) static TURNS: Turns = Turns::new();

    /// Which implementation makes the next encryption.
    pub(super) struct Turns {
        encryptions: AtomicU32,
        seeded: AtomicBool,
    }

    impl Turns {
        pub(super) const fn new() -> Self {
            Self {
                encryptions: AtomicU32::new(0),
                seeded: AtomicBool::new(false),
            }
        }

        /// Records that AWS-LC's generator is (about to be) seeded.
        pub(super) fn seeded(&self) {
            self.seeded.store(true, Ordering::Relaxed);
        }

        /// Whether the next encryption goes through RustCrypto.
        pub(super) fn quick(&self) -> bool {
            if self.seeded.load(Ordering::Relaxed) {
                return false;
            }
            if self.encryptions.fetch_add(1, Ordering::Relaxed) < QUICK {
                return true;
            }
            self.seeded();
            false
        }
    }

    /// A public key for RustCrypto, parsed from its SPKI on first use.
    pub(super) struct Key {
        spki: Vec<u8>,
        key: OnceLock<Option<rust_crypto::PublicKey>>,
    }

    impl Key {
        pub(super) fn new(spki: &[u8]) -> Self {
            Self {
                spki: spki.to_vec(),
                key: OnceLock::new(),
            }
        }

        /// The key, or `None` if RustCrypto refuses one that AWS-LC took (the
        /// caller then uses AWS-LC).
        pub(super) fn get(&self) -> Option<&rust_crypto::PublicKey> {
            self.key
                .get_or_init(|| rust_crypto::PublicKey::from_spki_der(&self.spki).ok())
                .as_ref()
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_first_turns_are_quick_then_aws_lc_for_good() {
            let turns = Turns::new();
            for i in 0..QUICK {
                assert!(turns.quick(), "turn {i}");
            }
            for i in 0..100 {
                assert!(!turns.quick(), "turn {}", QUICK + i);
            }
        }

        #[test]
        fn a_seeded_generator_ends_the_quick_turns_at_once() {
            let turns = Turns::new();
            assert!(turns.quick());
            turns.seeded();
            assert!(!turns.quick());
        }
    }
}

#[cfg(all(test, feature = "fast-start"))]
mod tests {
    use super::*;

    /// Both paths of one key make ciphertexts that AWS-LC opens (and that fail
    /// under another label), and the quick path's key is the same key.
    #[test]
    fn both_encryption_paths_open_with_the_private_key() {
        let cert = crate::Certificate::from_pem(include_bytes!(
            "../../../../fixtures/upstream/controller.crt"
        ))
        .unwrap();
        let private = crate::unseal::test_support::demo_private_key();
        let key: &PublicKey = cert.encryptor().key;
        let quick = key.quick.get().expect("RustCrypto takes the demo key");
        let msg = [0x5Au8; 32];
        let mut out = vec![0u8; key.ciphertext_len()];
        for path in ["quick", "aws-lc"] {
            if path == "quick" {
                quick.oaep_encrypt(b"ns/name", &msg, &mut out).unwrap();
            } else {
                key.aws_lc_encrypt(b"ns/name", &msg, &mut out).unwrap();
            }
            let opened = private.oaep_decrypt(b"ns/name", &out).unwrap();
            assert_eq!(&opened[..], &msg[..], "{path}");
            assert_eq!(
                private.oaep_decrypt(b"ns/other", &out).unwrap_err(),
                Failure::Decrypt,
                "{path}"
            );
        }
    }
}
