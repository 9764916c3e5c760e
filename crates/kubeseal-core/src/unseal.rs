//! Unsealing with the controller's private key (what `kubeseal --recovery-unseal` does).

use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroizing;

use crate::b64;
use crate::crypto::{self, RsaPrivateKey as _};
use crate::manifest::{ObjectMeta, ObjectRef, SealedSecret, Secret, SecretValue};
use crate::pem;
use crate::scope::Scope;

/// A controller's RSA private key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`).
///
/// `Debug` shows nothing of the key.
pub struct PrivateKey {
    key: crypto::PrivateKey,
    fingerprint: [u8; 32],
    bits: usize,
    /// DER `SubjectPublicKeyInfo` of the public half.
    spki: Vec<u8>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(<redacted>)")
    }
}

/// Why a private key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// No `RSA PRIVATE KEY` or `PRIVATE KEY` PEM block was found.
    #[error("no PEM private key found (expected \"RSA PRIVATE KEY\" or \"PRIVATE KEY\")")]
    NoKey,
    /// A PEM block is malformed.
    #[error("malformed PEM block {label:?} starting on line {line}")]
    Pem {
        /// The block's label.
        label: String,
        /// 1-based line of the BEGIN marker.
        line: usize,
    },
    /// A key block does not hold a usable RSA private key.
    #[error("PEM block {index} is not a usable RSA private key")]
    Invalid {
        /// 1-based index of the block.
        index: usize,
    },
}

impl PrivateKey {
    /// Reads every private key in a PEM file (a controller backup may hold several).
    pub fn from_pem(pem_text: &[u8]) -> Result<Vec<PrivateKey>, KeyError> {
        let text = std::str::from_utf8(pem_text).map_err(|_| KeyError::NoKey)?;
        let blocks = pem::blocks(text).map_err(|b| KeyError::Pem {
            label: b.label,
            line: b.line,
        })?;
        let mut keys = Vec::new();
        for (i, b) in blocks.iter().enumerate() {
            let pkcs8 = match b.label.as_str() {
                "RSA PRIVATE KEY" => pkcs1_to_pkcs8(&b.der),
                "PRIVATE KEY" => Zeroizing::new(b.der.to_vec()),
                _ => continue,
            };
            keys.push(Self::from_pkcs8_der(&pkcs8).ok_or(KeyError::Invalid { index: i + 1 })?);
        }
        if keys.is_empty() {
            return Err(KeyError::NoKey);
        }
        Ok(keys)
    }

    /// From a DER PKCS#8 `PrivateKeyInfo` holding an RSA key.
    fn from_pkcs8_der(pkcs8: &[u8]) -> Option<PrivateKey> {
        let (spki, bits) = public_part(pkcs8)?;
        let key = crypto::PrivateKey::from_pkcs8_der(pkcs8).ok()?;
        Some(PrivateKey {
            key,
            fingerprint: crypto::sha256(&[spki.as_slice()]),
            bits,
            spki,
        })
    }

    /// SHA-256 of the public key's DER `SubjectPublicKeyInfo`: the key
    /// fingerprint upstream's controller and kubeseal use to tell keys apart
    /// (`crypto.PublicKeyFingerprint`). Two backups of the same key have the
    /// same fingerprint.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// RSA modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The public half, to seal for this key without its certificate (a
    /// bare public key: no validity period, as
    /// [`crate::Certificate::from_public_key_der`] reads one).
    pub fn public_key(&self) -> Result<crate::Certificate, crate::CertError> {
        crate::Certificate::from_public_key_der(&self.spki)
    }

    /// The backend's key.
    pub(crate) fn raw(&self) -> &crypto::PrivateKey {
        &self.key
    }

    /// Decrypts one sealed value (raw bytes, not base64) with this key and `label`.
    fn open(&self, label: &[u8], ct: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        crypto::hybrid_decrypt(&self.key, label, ct).ok()
    }
}

/// DER `AlgorithmIdentifier` of rsaEncryption with NULL parameters.
const RSA_ALG_ID: [u8; 15] = [
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/// Wraps a PKCS#1 `RSAPrivateKey` in a PKCS#8 `PrivateKeyInfo` (rsaEncryption, NULL parameters).
fn pkcs1_to_pkcs8(pkcs1: &[u8]) -> Zeroizing<Vec<u8>> {
    const VERSION: [u8; 3] = [0x02, 0x01, 0x00];
    let mut octets = Zeroizing::new(vec![0x04]);
    der_len(pkcs1.len(), &mut octets);
    octets.extend_from_slice(pkcs1);
    let body_len = VERSION.len() + RSA_ALG_ID.len() + octets.len();
    let mut out = Zeroizing::new(vec![0x30]);
    der_len(body_len, &mut out);
    out.extend_from_slice(&VERSION);
    out.extend_from_slice(&RSA_ALG_ID);
    out.extend_from_slice(&octets);
    out
}

/// The public half of a PKCS#8 RSA key: the SHA-256 of its DER
/// `SubjectPublicKeyInfo` (as Go's `x509.MarshalPKIXPublicKey` writes it),
/// and the modulus size in bits. `None` if the DER is not an RSA key.
fn public_part(pkcs8: &[u8]) -> Option<(Vec<u8>, usize)> {
    use der::Decode as _;
    use der::Encode as _;
    let info = pkcs8::PrivateKeyInfoRef::from_der(pkcs8).ok()?;
    let rsa = pkcs1::RsaPrivateKey::<der::asn1::UintRef<'_>>::from_der(info.private_key.as_bytes())
        .ok()?;
    let public = pkcs1::RsaPublicKey {
        modulus: rsa.modulus,
        public_exponent: rsa.public_exponent,
    }
    .to_der()
    .ok()?;
    let modulus = rsa.modulus.as_bytes();
    let bits = match modulus.iter().position(|b| *b != 0) {
        Some(i) => (modulus.len() - i) * 8 - modulus[i].leading_zeros() as usize,
        None => 0,
    };
    // SEQUENCE { AlgorithmIdentifier, BIT STRING (no unused bits) }
    let mut bit_string = vec![0x03];
    der_len(public.len() + 1, &mut bit_string);
    bit_string.push(0);
    bit_string.extend_from_slice(&public);
    let mut spki = vec![0x30];
    der_len(RSA_ALG_ID.len() + bit_string.len(), &mut spki);
    spki.extend_from_slice(&RSA_ALG_ID);
    spki.extend_from_slice(&bit_string);
    Some((spki, bits))
}

fn der_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// Why a SealedSecret could not be unsealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnsealError {
    /// No private keys were given.
    #[error("no private keys given")]
    NoKeys,
    /// An `encryptedData` value is not base64.
    #[error("encryptedData.{key}: not valid base64")]
    Base64 {
        /// The item's key.
        key: String,
    },
    /// None of the keys could decrypt an item: wrong key, wrong namespace,
    /// name or scope, or tampered data.
    #[error("encryptedData.{key}: no key could decrypt it (wrong key, or sealed for another namespace, name or scope)")]
    NoKeyCouldDecrypt {
        /// The item's key.
        key: String,
    },
}

/// Decrypts one base64 value as [`crate::seal_raw`] produced it for `scope`
/// and the Secret `object`, trying each key in turn.
pub fn unseal_raw(
    keys: &[PrivateKey],
    scope: Scope,
    object: &ObjectRef,
    sealed_base64: &str,
) -> Result<SecretValue, UnsealError> {
    open_item(keys, &scope.label(object), "value", sealed_base64)
}

/// Like [`unseal_raw`], and also says which key opened the value: its index
/// in `keys` (for telling which keys are still in use).
pub fn unseal_raw_indexed(
    keys: &[PrivateKey],
    scope: Scope,
    object: &ObjectRef,
    sealed_base64: &str,
) -> Result<(usize, SecretValue), UnsealError> {
    open_item_indexed(keys, &scope.label(object), "value", sealed_base64)
}

fn open_item(
    keys: &[PrivateKey],
    label: &[u8],
    key_name: &str,
    encoded: &str,
) -> Result<SecretValue, UnsealError> {
    open_item_indexed(keys, label, key_name, encoded).map(|(_, v)| v)
}

/// Opens one value with the first key that can; that key's index in `keys`.
fn open_item_indexed(
    keys: &[PrivateKey],
    label: &[u8],
    key_name: &str,
    encoded: &str,
) -> Result<(usize, SecretValue), UnsealError> {
    if keys.is_empty() {
        return Err(UnsealError::NoKeys);
    }
    let ct = b64::decode(encoded).ok_or_else(|| UnsealError::Base64 {
        key: key_name.to_string(),
    })?;
    keys.iter()
        .enumerate()
        .find_map(|(i, k)| k.open(label, &ct).map(|p| (i, p)))
        .map(|(i, mut plain)| (i, SecretValue::new(std::mem::take(&mut *plain))))
        .ok_or_else(|| UnsealError::NoKeyCouldDecrypt {
            key: key_name.to_string(),
        })
}

/// Turns a SealedSecret back into its Secret with the controller's private
/// key(s), trying each key in turn as the controller does. The label comes
/// from the SealedSecret's own name, namespace and scope annotations.
pub fn unseal(keys: &[PrivateKey], sealed: &SealedSecret) -> Result<Secret, UnsealError> {
    unseal_indexed(keys, sealed).map(|(secret, _)| secret)
}

/// Like [`unseal`], and also says which key opened each value: its index in
/// `keys`, by data key.
pub fn unseal_indexed(
    keys: &[PrivateKey],
    sealed: &SealedSecret,
) -> Result<(Secret, BTreeMap<String, usize>), UnsealError> {
    let mut opened = open_all(keys, sealed)?;
    match opened.failures.is_empty() {
        true => Ok((opened.secret, opened.opened_by)),
        false => Err(opened.failures.remove(0)),
    }
}

/// What [`open_all`] opened.
pub(crate) struct Opened {
    /// The Secret with every value that opens.
    pub(crate) secret: Secret,
    /// Which key opened each value (its index in the keys).
    pub(crate) opened_by: BTreeMap<String, usize>,
    /// Every value that does not open, in key order.
    pub(crate) failures: Vec<UnsealError>,
}

/// Opens every value it can: see [`Opened`].
pub(crate) fn open_all(keys: &[PrivateKey], sealed: &SealedSecret) -> Result<Opened, UnsealError> {
    if keys.is_empty() {
        return Err(UnsealError::NoKeys);
    }
    let scope = Scope::from_annotations(&sealed.metadata.annotations);
    let label = scope.label(&sealed.object_ref());
    let t = &sealed.template;
    let mut secret = Secret::from_parts(
        ObjectMeta::from_parts(
            sealed.metadata.name.clone(),
            sealed.metadata.namespace.clone(),
            t.metadata.labels.clone(),
            t.metadata.annotations.clone(),
        ),
        t.secret_type.clone(),
        t.immutable,
        Default::default(),
        sealed.origin,
    );
    let mut opened_by = BTreeMap::new();
    let mut failures = Vec::new();
    for (k, v) in &sealed.encrypted_data {
        match open_item_indexed(keys, &label, k, v) {
            Ok((i, value)) => {
                secret.data.insert(k.clone(), value);
                opened_by.insert(k.clone(), i);
            }
            Err(e) => failures.push(e),
        }
    }
    Ok(Opened {
        secret,
        opened_by,
        failures,
    })
}

#[cfg(test)]
pub(crate) mod test_support {
    pub(crate) fn demo_private_key() -> crate::crypto::PrivateKey {
        let pem = include_bytes!("../../../fixtures/upstream/controller.key");
        super::PrivateKey::from_pem(pem).unwrap().remove(0).key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths() {
        let mut v = Vec::new();
        der_len(5, &mut v);
        der_len(0x80, &mut v);
        der_len(0x1234, &mut v);
        assert_eq!(v, [5, 0x81, 0x80, 0x82, 0x12, 0x34]);
    }

    #[test]
    fn reads_pkcs1_and_rejects_non_keys() {
        let pem = include_bytes!("../../../fixtures/upstream/controller.key");
        assert_eq!(PrivateKey::from_pem(pem).unwrap().len(), 1);
        let cert = include_bytes!("../../../fixtures/upstream/controller.crt");
        assert_eq!(PrivateKey::from_pem(cert).unwrap_err(), KeyError::NoKey);
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sizes_and_fingerprints_match_openssl() {
        // `openssl pkey -in KEY -pubout -outform DER | sha256sum`, and the size
        // `openssl pkey -text` prints. RSA-2052's top byte holds 4 bits only.
        for (pem, bits, sha) in [
            (
                &include_bytes!("../../../fixtures/upstream/controller.key")[..],
                4096,
                "8fe6a236f91b26e4f0f7f128cb0ad200f523c1e704c4dc9a8845da878fd0a27e",
            ),
            (
                &include_bytes!("../../../fixtures/keys/rsa2052.pkcs8.key")[..],
                2052,
                "835775fb165e5a0dfd2c9f08177410d511deda08c415a87aff23460d3ff65578",
            ),
        ] {
            let key = &PrivateKey::from_pem(pem).unwrap()[0];
            assert_eq!(key.bits(), bits);
            assert_eq!(hex(&key.fingerprint()), sha);
        }
    }

    #[test]
    fn a_bad_key_is_named_by_its_place() {
        let mut pem = include_bytes!("../../../fixtures/upstream/controller.key").to_vec();
        pem.extend_from_slice(b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n");
        assert_eq!(
            PrivateKey::from_pem(&pem).unwrap_err(),
            KeyError::Invalid { index: 2 }
        );
    }

    #[test]
    fn unseal_gives_back_the_whole_secret() {
        use crate::{ObjectRef, Origin, SealOptions, Secret, SecretValue};
        let cert = crate::Certificate::from_pem(include_bytes!(
            "../../../fixtures/upstream/controller.crt"
        ))
        .unwrap();
        let keys =
            PrivateKey::from_pem(include_bytes!("../../../fixtures/upstream/controller.key"))
                .unwrap();
        let mut secret = Secret::new(&ObjectRef::new("ns", "s"));
        secret.insert("k", SecretValue::from("v"));
        secret.secret_type = Some("kubernetes.io/basic-auth".into());
        secret.immutable = Some(true);
        secret.metadata.labels.insert("app".into(), "web".into());
        secret
            .metadata
            .annotations
            .insert("note".into(), "kept".into());
        secret.origin = Origin::new(3, 12);
        let sealed = crate::seal_secret(&cert, &secret, &SealOptions::new()).unwrap();
        assert_eq!(unseal(&keys, &sealed).unwrap(), secret);
    }

    #[test]
    fn debug_is_redacted() {
        let pem = include_bytes!("../../../fixtures/upstream/controller.key");
        let k = PrivateKey::from_pem(pem).unwrap();
        assert_eq!(format!("{:?}", k[0]), "PrivateKey(<redacted>)");
    }
}
