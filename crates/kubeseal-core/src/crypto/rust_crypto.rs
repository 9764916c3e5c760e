//! Pure-Rust RustCrypto backend, for targets without a C compiler.
//!
//! The `rsa` crate's private-key operations are not constant-time
//! (RUSTSEC-2023-0071, "Marvin"). This project uses the private key only in
//! `unseal`, a local recovery tool run by the key's owner on their own data,
//! never as a decryption oracle for others. Sealing uses only the public key.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::Aes256Gcm;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::Oaep;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{Backend, Failure, RsaPrivateKey, RsaPublicKey, NONCE, SESSION_KEY_LEN, TAG_LEN};

/// The RustCrypto backend.
pub(crate) enum RustCrypto {}

impl Backend for RustCrypto {
    const NAME: &'static str = "rustcrypto";
    type PublicKey = PublicKey;
    type PrivateKey = PrivateKey;

    fn aes_gcm_seal_in_place(
        key: &[u8; SESSION_KEY_LEN],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Failure> {
        let tag = gcm(key)?
            .encrypt_inout_detached(&NONCE.into(), &[], buf.into())
            .map_err(|_| Failure::Encrypt)?;
        let mut out = [0u8; TAG_LEN];
        out.copy_from_slice(&tag);
        Ok(out)
    }

    fn aes_gcm_open_in_place(
        key: &[u8; SESSION_KEY_LEN],
        buf: &mut Vec<u8>,
        tag: &[u8; TAG_LEN],
    ) -> Result<(), Failure> {
        gcm(key)?
            .decrypt_inout_detached(&NONCE.into(), &[], buf.as_mut_slice().into(), tag.into())
            .map_err(|_| Failure::Decrypt)
    }

    fn sha256(parts: &[&[u8]]) -> [u8; 32] {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().into()
    }
}

/// An RSA public key ready for OAEP encryption.
pub(crate) struct PublicKey(rsa::PublicKey);

impl RsaPublicKey for PublicKey {
    fn from_spki_der(der: &[u8]) -> Result<Self, Failure> {
        rsa::PublicKey::from_public_key_der(der)
            .map(Self)
            .map_err(|_| Failure::Key)
    }

    fn ciphertext_len(&self) -> usize {
        self.0.size()
    }

    fn oaep_encrypt(&self, label: &[u8], msg: &[u8], out: &mut [u8]) -> Result<(), Failure> {
        let ct = self
            .0
            .encrypt(
                &mut getrandom::SysRng,
                Oaep::<Sha256>::new_with_label(label.to_vec()),
                msg,
            )
            .map_err(|_| Failure::Encrypt)?;
        if ct.len() != out.len() {
            return Err(Failure::Encrypt);
        }
        out.copy_from_slice(&ct);
        Ok(())
    }
}

/// An RSA private key ready for OAEP decryption.
pub(crate) struct PrivateKey(rsa::PrivateKey);

impl RsaPrivateKey for PrivateKey {
    fn from_pkcs8_der(der: &[u8]) -> Result<Self, Failure> {
        rsa::PrivateKey::from_pkcs8_der(der)
            .map(Self)
            .map_err(|_| Failure::Key)
    }

    fn oaep_decrypt(&self, label: &[u8], ct: &[u8]) -> Result<Zeroizing<Vec<u8>>, Failure> {
        self.0
            .decrypt(Oaep::<Sha256>::new_with_label(label.to_vec()), ct)
            .map(Zeroizing::new)
            .map_err(|_| Failure::Decrypt)
    }
}

fn gcm(key: &[u8; SESSION_KEY_LEN]) -> Result<Aes256Gcm, Failure> {
    Aes256Gcm::new_from_slice(key).map_err(|_| Failure::Key)
}
