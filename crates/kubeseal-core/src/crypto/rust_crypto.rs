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
use rsa::{Oaep, PrivateKey as RsaPrivateKey, PublicKey as RsaPublicKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{Failure, NONCE, SESSION_KEY_LEN, TAG_LEN};

pub(crate) const NAME: &str = "rustcrypto";

/// An RSA public key ready for OAEP encryption.
pub(crate) struct PublicKey(RsaPublicKey);

impl PublicKey {
    /// From a DER `SubjectPublicKeyInfo`.
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Self, Failure> {
        RsaPublicKey::from_public_key_der(der)
            .map(Self)
            .map_err(|_| Failure::Key)
    }

    pub(crate) fn ciphertext_len(&self) -> usize {
        self.0.size()
    }

    pub(crate) fn oaep_encrypt(
        &self,
        label: &[u8],
        msg: &[u8],
        out: &mut [u8],
    ) -> Result<(), Failure> {
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
pub(crate) struct PrivateKey(RsaPrivateKey);

impl PrivateKey {
    /// From a DER PKCS#8 `PrivateKeyInfo`.
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self, Failure> {
        RsaPrivateKey::from_pkcs8_der(der)
            .map(Self)
            .map_err(|_| Failure::Key)
    }

    pub(crate) fn oaep_decrypt(
        &self,
        label: &[u8],
        ct: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Failure> {
        self.0
            .decrypt(Oaep::<Sha256>::new_with_label(label.to_vec()), ct)
            .map(Zeroizing::new)
            .map_err(|_| Failure::Decrypt)
    }
}

fn gcm(key: &[u8]) -> Result<Aes256Gcm, Failure> {
    Aes256Gcm::new_from_slice(key).map_err(|_| Failure::Key)
}

pub(crate) fn aes_gcm_seal_in_place(
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

pub(crate) fn aes_gcm_open_in_place(
    key: &[u8],
    buf: &mut Vec<u8>,
    tag: &[u8; TAG_LEN],
) -> Result<(), Failure> {
    gcm(key)?
        .decrypt_inout_detached(&NONCE.into(), &[], buf.as_mut_slice().into(), tag.into())
        .map_err(|_| Failure::Decrypt)
}

pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}
