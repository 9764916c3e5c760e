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
pub(crate) struct PublicKey(OaepPublicEncryptingKey);

impl RsaPublicKey for PublicKey {
    fn from_spki_der(der: &[u8]) -> Result<Self, Failure> {
        let key = PublicEncryptingKey::from_der(der).map_err(|_| Failure::Key)?;
        OaepPublicEncryptingKey::new(key)
            .map(Self)
            .map_err(|_| Failure::Key)
    }

    fn ciphertext_len(&self) -> usize {
        self.0.ciphertext_size()
    }

    fn oaep_encrypt(&self, label: &[u8], msg: &[u8], out: &mut [u8]) -> Result<(), Failure> {
        let written = self
            .0
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
