//! The controller's public certificate: the key everything is sealed to.

use std::fmt;

use der::{Decode, Encode};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use crate::crypto::{self, PublicKey, RsaPublicKey as _};
use crate::pem;
use crate::time::Timestamp;

/// The smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;

/// How many days before its end of validity a certificate draws a
/// [`ValidityWarning::ExpiresSoon`].
pub const EXPIRY_WARNING_DAYS: u32 = 30;

const RSA_ENCRYPTION_OID: &str = "1.2.840.113549.1.1.1";

/// Why a certificate could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// The input holds no `CERTIFICATE` (or `PUBLIC KEY`) PEM block.
    #[error("no PEM certificate found (expected a \"-----BEGIN CERTIFICATE-----\" block)")]
    NoCertificate,
    /// A PEM block is unterminated or its body is not base64.
    #[error("malformed PEM block {label:?} starting on line {line}")]
    Pem {
        /// The block's label.
        label: String,
        /// 1-based line of the BEGIN marker.
        line: usize,
    },
    /// The DER inside the PEM block is not an X.509 certificate (or public key).
    #[error("the {what} is not valid DER: {reason}")]
    Malformed {
        /// `certificate` or `public key`.
        what: &'static str,
        /// The decoder's reason.
        reason: String,
    },
    /// The key is not an RSA key (e.g. EC or Ed25519).
    #[error("expected an RSA public key, found {} ({algorithm})", algorithm_name(.algorithm))]
    NotRsa {
        /// Dotted OID of the key algorithm found.
        algorithm: String,
    },
    /// The RSA key is smaller than [`MIN_RSA_BITS`].
    #[error("RSA key of {bits} bits is too small: at least {MIN_RSA_BITS} bits are required")]
    KeyTooSmall {
        /// The modulus size found.
        bits: usize,
    },
    /// The crypto backend rejected the key.
    #[error("the RSA public key was rejected as invalid")]
    Rejected,
    /// The certificate's validity has ended.
    #[error("the certificate expired on {not_after}")]
    Expired {
        /// When it expired.
        not_after: Timestamp,
    },
}

/// Something about a certificate's validity period worth telling the user,
/// that does not stop sealing; from [`Certificate::check_validity_at`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidityWarning {
    /// The certificate has expired, and expired certificates were allowed
    /// (the controller may still hold the key).
    Expired {
        /// When it expired.
        not_after: Timestamp,
    },
    /// The certificate expires within [`EXPIRY_WARNING_DAYS`]: the controller
    /// will soon renew its key.
    ExpiresSoon {
        /// When it expires.
        not_after: Timestamp,
    },
    /// The certificate's validity has not begun (often a clock that is wrong).
    NotYetValid {
        /// When its validity begins.
        not_before: Timestamp,
    },
}

impl fmt::Display for ValidityWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired { not_after } => write!(f, "the certificate expired on {not_after}"),
            Self::ExpiresSoon { not_after } => write!(f, "the certificate expires on {not_after}"),
            Self::NotYetValid { not_before } => {
                write!(f, "the certificate is not valid before {not_before}")
            }
        }
    }
}

/// The common name of a public-key algorithm OID, for messages.
fn algorithm_name(oid: &str) -> &'static str {
    match oid {
        "1.2.840.10045.2.1" => "an EC key (id-ecPublicKey)",
        "1.3.101.112" => "an Ed25519 key",
        "1.3.101.113" => "an Ed448 key",
        "1.3.101.110" => "an X25519 key",
        "1.3.101.111" => "an X448 key",
        "1.2.840.10040.4.1" => "a DSA key",
        "1.2.840.113549.1.1.10" => "an RSA-PSS key (sealed-secrets needs rsaEncryption)",
        _ => "a key of another algorithm",
    }
}

/// A parsed, checked sealing certificate: an RSA public key of at least
/// 2048 bits, with the certificate's validity and fingerprint.
///
/// Parse it once with [`Certificate::from_pem`]; every value sealed with it
/// can be decrypted only by the controller holding the private key.
pub struct Certificate {
    key: PublicKey,
    bits: usize,
    der: Vec<u8>,
    is_bare_key: bool,
    not_before: Option<Timestamp>,
    not_after: Option<Timestamp>,
    subject: String,
    fingerprint: [u8; 32],
    /// The key's DER `SubjectPublicKeyInfo`, handed to an outside RSA step.
    #[cfg(feature = "hazmat")]
    spki: Vec<u8>,
    /// The RSA-OAEP step set by [`crate::hazmat::with_rsa_oaep_encrypt`].
    #[cfg(feature = "hazmat")]
    rsa_step: Option<crypto::RsaOaepEncrypt>,
}

impl Certificate {
    /// Parses the first `CERTIFICATE` PEM block in `pem` (as kubeseal does),
    /// or, when there is none, the first bare `PUBLIC KEY` block.
    pub fn from_pem(pem: &[u8]) -> Result<Certificate, CertError> {
        let text = std::str::from_utf8(pem).map_err(|_| CertError::NoCertificate)?;
        let blocks = pem::blocks(text).map_err(|b| CertError::Pem {
            label: b.label,
            line: b.line,
        })?;
        if let Some(b) = blocks.iter().find(|b| b.label == "CERTIFICATE") {
            return Self::from_der(&b.der);
        }
        if let Some(b) = blocks.iter().find(|b| b.label == "PUBLIC KEY") {
            return Self::from_public_key_der(&b.der);
        }
        Err(CertError::NoCertificate)
    }

    /// The DER of every `CERTIFICATE` block in `pem`, in order: one for a
    /// controller's certificate, several for a chain or a bundle (of which
    /// [`from_pem`](Self::from_pem) reads the first). Each is as given,
    /// unparsed; [`from_der`](Self::from_der) checks one.
    pub fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, CertError> {
        let text = std::str::from_utf8(pem).map_err(|_| CertError::NoCertificate)?;
        let blocks = pem::blocks(text).map_err(|b| CertError::Pem {
            label: b.label,
            line: b.line,
        })?;
        Ok(blocks
            .into_iter()
            .filter(|b| b.label == "CERTIFICATE")
            .map(|b| b.der.to_vec())
            .collect())
    }

    /// Parses a DER X.509 certificate.
    pub fn from_der(der: &[u8]) -> Result<Certificate, CertError> {
        let cert = x509_cert::Certificate::from_der(der).map_err(|e| CertError::Malformed {
            what: "certificate",
            reason: e.to_string(),
        })?;
        let tbs = cert.tbs_certificate();
        let validity = tbs.validity();
        let mut c = Self::from_spki(tbs.subject_public_key_info(), der.to_vec(), false)?;
        c.not_before = Some(Timestamp::from(validity.not_before.to_unix_duration()));
        c.not_after = Some(Timestamp::from(validity.not_after.to_unix_duration()));
        c.subject = tbs.subject().to_string();
        Ok(c)
    }

    /// Parses a DER `SubjectPublicKeyInfo` (a bare public key, no validity).
    pub fn from_public_key_der(der: &[u8]) -> Result<Certificate, CertError> {
        let spki = SubjectPublicKeyInfoOwned::from_der(der).map_err(|e| CertError::Malformed {
            what: "public key",
            reason: e.to_string(),
        })?;
        Self::from_spki(&spki, der.to_vec(), true)
    }

    fn from_spki(
        spki: &SubjectPublicKeyInfoOwned,
        der: Vec<u8>,
        is_bare_key: bool,
    ) -> Result<Certificate, CertError> {
        let oid = spki.algorithm.oid.to_string();
        if oid != RSA_ENCRYPTION_OID {
            return Err(CertError::NotRsa { algorithm: oid });
        }
        let rsa = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(
            spki.subject_public_key.raw_bytes(),
        )
        .map_err(|e| CertError::Malformed {
            what: "public key",
            reason: e.to_string(),
        })?;
        let bits = bit_len(rsa.modulus.as_bytes());
        if bits < MIN_RSA_BITS {
            return Err(CertError::KeyTooSmall { bits });
        }
        let spki_der = spki.to_der().map_err(|e| CertError::Malformed {
            what: "public key",
            reason: e.to_string(),
        })?;
        let key = PublicKey::from_spki_der(&spki_der).map_err(|_| CertError::Rejected)?;
        let fingerprint = crypto::sha256(&[&der]);
        Ok(Certificate {
            key,
            bits,
            der,
            is_bare_key,
            not_before: None,
            not_after: None,
            subject: String::new(),
            fingerprint,
            #[cfg(feature = "hazmat")]
            spki: spki_der,
            #[cfg(feature = "hazmat")]
            rsa_step: None,
        })
    }

    /// RSA modulus size in bits.
    pub fn key_bits(&self) -> usize {
        self.bits
    }

    /// Start of validity (`None` for a bare public key).
    pub fn not_before(&self) -> Option<Timestamp> {
        self.not_before
    }

    /// End of validity (`None` for a bare public key).
    pub fn not_after(&self) -> Option<Timestamp> {
        self.not_after
    }

    /// The subject as an RFC 4514 string (empty for the controller's own
    /// certificates, which have an empty subject, and for bare keys).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Whether this came from a bare `PUBLIC KEY` block rather than a certificate.
    pub fn is_bare_public_key(&self) -> bool {
        self.is_bare_key
    }

    /// Whether the certificate has expired at `now` (never, for a bare key).
    pub fn is_expired_at(&self, now: Timestamp) -> bool {
        self.not_after.is_some_and(|t| now > t)
    }

    /// Whether the certificate is not yet valid at `now`.
    pub fn is_not_yet_valid_at(&self, now: Timestamp) -> bool {
        self.not_before.is_some_and(|t| now < t)
    }

    /// Whether the certificate has expired now, by the system clock.
    pub fn is_expired(&self) -> bool {
        self.is_expired_at(Timestamp::now())
    }

    /// The expiry policy applied before sealing with this certificate at `now`.
    ///
    /// An expired certificate is refused with [`CertError::Expired`], as
    /// kubeseal refuses it, unless `allow_expired`; then it is a warning.
    /// A certificate that expires within [`EXPIRY_WARNING_DAYS`] or is not
    /// yet valid is a warning. Warnings come in that order (expiry first);
    /// a bare public key has no validity period and draws none.
    ///
    /// ```
    /// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/upstream/controller.crt");
    /// use kubeseal_core::{CertError, Certificate, Timestamp, ValidityWarning};
    ///
    /// let cert = Certificate::from_pem(&std::fs::read(path)?)?;
    /// let after_expiry = Timestamp::from_unix(cert.not_after().unwrap().unix() + 1);
    /// assert!(matches!(
    ///     cert.check_validity_at(after_expiry, false),
    ///     Err(CertError::Expired { .. })
    /// ));
    /// let warnings = cert.check_validity_at(after_expiry, true)?;
    /// assert!(matches!(warnings[..], [ValidityWarning::Expired { .. }]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_validity_at(
        &self,
        now: Timestamp,
        allow_expired: bool,
    ) -> Result<Vec<ValidityWarning>, CertError> {
        let mut warnings = Vec::new();
        if let Some(not_after) = self.not_after {
            if self.is_expired_at(now) {
                if !allow_expired {
                    return Err(CertError::Expired { not_after });
                }
                warnings.push(ValidityWarning::Expired { not_after });
            } else if not_after.unix().saturating_sub(now.unix())
                < i64::from(EXPIRY_WARNING_DAYS) * 86_400
            {
                warnings.push(ValidityWarning::ExpiresSoon { not_after });
            }
        }
        if let Some(not_before) = self.not_before {
            if self.is_not_yet_valid_at(now) {
                warnings.push(ValidityWarning::NotYetValid { not_before });
            }
        }
        Ok(warnings)
    }

    /// SHA-256 over the certificate's DER (or the public key's DER for a bare key),
    /// the same value as `openssl x509 -noout -fingerprint -sha256`.
    pub fn fingerprint_sha256(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// [`Self::fingerprint_sha256`] as lowercase hex without separators.
    pub fn fingerprint_hex(&self) -> String {
        base16ct::lower::encode_string(&self.fingerprint)
    }

    /// The certificate (or public key) as PEM, for saving a fetched certificate.
    pub fn to_pem(&self) -> String {
        let label = if self.is_bare_key {
            "PUBLIC KEY"
        } else {
            "CERTIFICATE"
        };
        pem::encode(label, &self.der)
    }

    /// What sealing encrypts with for this certificate.
    pub(crate) fn encryptor(&self) -> crypto::Encryptor<'_> {
        crypto::Encryptor {
            key: &self.key,
            #[cfg(feature = "hazmat")]
            step: self.rsa_step(),
        }
    }

    /// The outside RSA-OAEP step, if one is set, with the key's DER `SubjectPublicKeyInfo`.
    #[cfg(feature = "hazmat")]
    pub(crate) fn rsa_step(&self) -> Option<(crypto::RsaOaepEncrypt, &[u8])> {
        self.rsa_step.map(|step| (step, self.spki.as_slice()))
    }

    /// The key's DER `SubjectPublicKeyInfo`.
    #[cfg(feature = "hazmat")]
    pub(crate) fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    #[cfg(feature = "hazmat")]
    pub(crate) fn set_rsa_step(&mut self, step: crypto::RsaOaepEncrypt) {
        self.rsa_step = Some(step);
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .field("key_bits", &self.bits)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("fingerprint", &self.fingerprint_hex())
            .finish()
    }
}

fn bit_len(be: &[u8]) -> usize {
    let be = match be.iter().position(|&b| b != 0) {
        Some(i) => &be[i..],
        None => return 0,
    };
    be.len() * 8 - be[0].leading_zeros() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_rsa_key_is_named_in_the_error() {
        let e = Certificate::from_pem(include_bytes!("../../../fixtures/keys/ec.crt"))
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            "expected an RSA public key, found an EC key (id-ecPublicKey) (1.2.840.10045.2.1)"
        );
    }

    const DEMO: &[u8] = include_bytes!("../../../fixtures/upstream/controller.crt");
    const SHORT: &[u8] = include_bytes!("../../../fixtures/keys/short.crt");
    const BARE: &[u8] = include_bytes!("../../../fixtures/keys/rsa3072.pub.pem");

    #[test]
    fn every_certificate_block_is_listed_in_order() {
        let ec = include_bytes!("../../../fixtures/keys/ec.crt");
        let bundle = [b"junk\n".as_slice(), DEMO, BARE, ec].concat();
        let ders = Certificate::pem_certificates(&bundle).unwrap();
        assert_eq!(ders.len(), 2);
        assert_eq!(
            Certificate::from_der(&ders[0]).unwrap().to_pem().as_bytes(),
            DEMO
        );
        assert!(Certificate::from_der(&ders[1]).is_err());
        assert!(Certificate::pem_certificates(BARE).unwrap().is_empty());
        assert!(Certificate::pem_certificates(b"-----BEGIN CERTIFICATE-----\n").is_err());
    }

    #[test]
    fn parses_upstream_controller_certificate() {
        let c = Certificate::from_pem(DEMO).unwrap();
        assert_eq!(c.key_bits(), 4096);
        assert_eq!(c.subject(), "");
        // `openssl x509 -in controller.crt -noout -fingerprint -sha256`
        assert_eq!(
            c.fingerprint_hex(),
            "027033aaa42e61c54933a990a58ce791c87144fb41f0c6e0fe682e7ac6a17328"
        );
        // `openssl x509 -in controller.crt -noout -dates`
        assert_eq!(c.not_before().unwrap().to_string(), "2026-11-25T12:57:37Z");
        assert_eq!(c.not_after().unwrap().to_string(), "2036-11-22T12:57:37Z");
        assert!(c.is_expired_at(Timestamp::from_unix(2_200_000_000)));
        assert!(!c.is_expired_at(Timestamp::from_unix(2_000_000_000)));
        assert!(c.is_not_yet_valid_at(Timestamp::from_unix(0)));
        assert!(matches!(
            c.check_validity_at(Timestamp::from_unix(2_200_000_000), false),
            Err(CertError::Expired { .. })
        ));
    }

    #[test]
    fn validity_policy_at_each_boundary() {
        use ValidityWarning::*;
        let c = Certificate::from_pem(DEMO).unwrap();
        // `date -u -d 2026-11-25T12:57:37Z +%s` and `... 2036-11-22T12:57:37Z`
        let (nb, na) = (1_795_611_457, 2_110_971_457);
        let not_before = Timestamp::from_unix(nb);
        let not_after = Timestamp::from_unix(na);
        let days_30 = 30 * 86_400;
        for (now, want) in [
            (nb - 1, vec![NotYetValid { not_before }]),
            (nb, vec![]),
            (na - days_30, vec![]),
            (na - days_30 + 1, vec![ExpiresSoon { not_after }]),
            (na, vec![ExpiresSoon { not_after }]),
            (na + 1, vec![Expired { not_after }]),
        ] {
            let now = Timestamp::from_unix(now);
            assert_eq!(c.check_validity_at(now, true), Ok(want.clone()), "{now}");
            let refused = want.contains(&Expired { not_after });
            assert_eq!(
                c.check_validity_at(now, false),
                if refused {
                    Err(CertError::Expired { not_after })
                } else {
                    Ok(want)
                },
                "{now}"
            );
        }
    }

    #[test]
    fn short_validity_warns_of_both_ends() {
        // Valid for a week from 2040-01-01: both warnings, expiry first.
        let c = Certificate::from_pem(SHORT).unwrap();
        let (nb, na) = (c.not_before().unwrap(), c.not_after().unwrap());
        assert_eq!(
            (nb.to_string(), na.to_string()),
            ("2040-01-01T00:00:00Z".into(), "2040-01-08T00:00:00Z".into())
        );
        let warnings = c.check_validity_at(Timestamp::from_unix(nb.unix() - 1), false);
        assert_eq!(
            warnings,
            Ok(vec![
                ValidityWarning::ExpiresSoon { not_after: na },
                ValidityWarning::NotYetValid { not_before: nb }
            ])
        );
    }

    #[test]
    fn bare_public_key_has_no_validity_verdict() {
        let c = Certificate::from_pem(BARE).unwrap();
        for now in [i64::MIN, 0, i64::MAX] {
            assert_eq!(
                c.check_validity_at(Timestamp::from_unix(now), false),
                Ok(vec![])
            );
        }
    }

    #[test]
    fn pem_round_trip_keeps_fingerprint() {
        let c = Certificate::from_pem(DEMO).unwrap();
        let again = Certificate::from_pem(c.to_pem().as_bytes()).unwrap();
        assert_eq!(c.fingerprint_hex(), again.fingerprint_hex());
    }

    #[test]
    fn to_pem_writes_what_go_pem_encode_wrote() {
        // The fixture is the controller's own `cert.pem`, written by Go's `pem.Encode`.
        let c = Certificate::from_pem(DEMO).unwrap();
        assert_eq!(c.to_pem().as_bytes(), DEMO);
    }

    #[test]
    fn bit_len_counts_leading_zero_bits() {
        assert_eq!(bit_len(&[0, 0x01, 0]), 9);
        assert_eq!(bit_len(&[0x80, 0]), 16);
        assert_eq!(bit_len(&[]), 0);
    }

    #[test]
    fn rejects_empty_and_garbage() {
        assert_eq!(
            Certificate::from_pem(b"").unwrap_err(),
            CertError::NoCertificate
        );
        assert_eq!(
            Certificate::from_pem(b"\xff\xfe").unwrap_err(),
            CertError::NoCertificate
        );
        let garbage = crate::pem::encode("CERTIFICATE", b"not der");
        assert!(matches!(
            Certificate::from_pem(garbage.as_bytes()),
            Err(CertError::Malformed { .. })
        ));
    }
}
