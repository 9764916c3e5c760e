//! Offline re-encryption after a key rotation: every value of a file opened
//! with the old private keys and sealed again for the new certificate, under
//! the same scope, everything else in the file kept byte for byte.

use crate::manifest::{Edits, ObjectRef, Origin, PatchError, SealedFile};
use crate::{seal_raw, unseal_raw_indexed, Certificate, PrivateKey, Scope, SealError, UnsealError};

/// The outcome of [`reseal`] for one file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Resealed {
    /// The file with every value that opened sealed again (values that did
    /// not open are kept as they were).
    pub output: Vec<u8>,
    /// How many values were sealed again.
    pub values: usize,
    /// For each key given (same order), how many values it opened.
    pub opened_by: Vec<usize>,
    /// The values that could not be resealed, in file order.
    pub failures: Vec<ValueFailure>,
}

/// A value [`reseal`] could not seal again.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValueFailure {
    /// The SealedSecret it belongs to.
    pub origin: Origin,
    /// Its namespace and name (from `metadata`).
    pub object: ObjectRef,
    /// The `encryptedData` key.
    pub key: String,
    /// Why.
    pub error: ResealError,
}

/// Why one value could not be sealed again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResealError {
    /// No old key opens it (or it is not base64).
    #[error(transparent)]
    Open(UnsealError),
    /// It could not be sealed for the new certificate.
    #[error(transparent)]
    Seal(SealError),
}

impl std::fmt::Display for ValueFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match &self.error {
            ResealError::Open(UnsealError::Base64 { .. }) => "not valid base64".to_string(),
            ResealError::Open(UnsealError::NoKeyCouldDecrypt { .. }) => {
                "no key could decrypt it (wrong key, or sealed for another namespace, name or scope)"
                    .to_string()
            }
            e => e.to_string(),
        };
        write!(
            f,
            "{}: SealedSecret {}: encryptedData.{}: {what}",
            self.origin, self.object, self.key
        )
    }
}

/// Opens every `encryptedData` value of the SealedSecrets in `input` with
/// `keys` and seals it again for `cert`, under the scope and label the
/// controller uses (from `metadata`, not the template). Plaintext lives only
/// in wiped memory. Values run in parallel with the `parallel` feature.
///
/// The result holds the rewritten file and the values that failed; a caller
/// that wants all or nothing writes the file only when there are none.
pub fn reseal(
    keys: &[PrivateKey],
    cert: &Certificate,
    input: &[u8],
) -> Result<Resealed, PatchError> {
    let file = SealedFile::parse(input)?;
    let mut jobs = Vec::new();
    for (index, sealed) in file.sealed_secrets().enumerate() {
        let scope = Scope::from_annotations(&sealed.metadata.annotations);
        let object = sealed.object_ref();
        for (key, value) in &sealed.encrypted_data {
            jobs.push((index, sealed.origin, scope, object.clone(), key, value));
        }
    }
    let work = |(_, origin, scope, object, key, value): &(
        usize,
        Origin,
        Scope,
        ObjectRef,
        &String,
        &String,
    )| {
        let fail = |error| {
            Box::new(ValueFailure {
                origin: *origin,
                object: object.clone(),
                key: (*key).clone(),
                error,
            })
        };
        let (by, plain) = unseal_raw_indexed(keys, *scope, object, value)
            .map_err(|e| fail(ResealError::Open(e)))?;
        let sealed = seal_raw(cert, *scope, object, plain.expose())
            .map_err(|e| fail(ResealError::Seal(e)))?;
        Ok::<_, Box<ValueFailure>>((by, sealed))
    };
    #[cfg(feature = "parallel")]
    let results: Vec<_> = {
        use rayon::prelude::*;
        jobs.par_iter().map(work).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let results: Vec<_> = jobs.iter().map(work).collect();

    let mut edits = Edits::new();
    let mut opened_by = vec![0; keys.len()];
    let mut failures = Vec::new();
    for ((index, _, _, _, key, _), result) in jobs.iter().zip(results) {
        match result {
            Ok((by, sealed)) => {
                opened_by[by] += 1;
                edits.set(*index, (*key).clone(), sealed);
            }
            Err(f) => failures.push(*f),
        }
    }
    let output = file.apply(&edits)?;
    Ok(Resealed {
        output,
        values: edits.len(),
        opened_by,
        failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::read_sealed_secrets;
    use crate::{unseal, Format, SealOptions, Secret, SecretValue};

    fn demo() -> (Certificate, Vec<PrivateKey>) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
        let cert = std::fs::read(format!("{dir}/upstream/controller.crt")).unwrap();
        let key = std::fs::read(format!("{dir}/upstream/controller.key")).unwrap();
        (
            Certificate::from_pem(&cert).unwrap(),
            PrivateKey::from_pem(&key).unwrap(),
        )
    }

    fn other() -> (Certificate, Vec<PrivateKey>) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/keys");
        let cert = std::fs::read(format!("{dir}/rsa2048.crt")).unwrap();
        let key = std::fs::read(format!("{dir}/rsa2048.pkcs8.key")).unwrap();
        (
            Certificate::from_pem(&cert).unwrap(),
            PrivateKey::from_pem(&key).unwrap(),
        )
    }

    #[test]
    fn values_move_to_the_new_key_under_the_same_scope() {
        let (old_cert, old_keys) = demo();
        let (new_cert, new_keys) = other();
        let mut secret = Secret::new(&ObjectRef::new("apps", "db"));
        secret.insert("user", SecretValue::from("admin"));
        secret.insert("password", SecretValue::from("s3cr3t"));
        let opts = SealOptions::new()
            .scope(Scope::NamespaceWide)
            .allow_expired_certificate(true);
        let text = crate::seal_secret(&old_cert, &secret, &opts)
            .unwrap()
            .to_string(Format::Yaml);
        let done = reseal(&old_keys, &new_cert, text.as_bytes()).unwrap();
        assert!(done.failures.is_empty());
        assert_eq!((done.values, done.opened_by.clone()), (2, vec![2]));
        let back = read_sealed_secrets(&done.output).unwrap();
        let opened = unseal(&new_keys, &back[0]).unwrap();
        assert_eq!(opened.data["password"].expose(), b"s3cr3t");
        assert!(unseal(&old_keys, &back[0]).is_err());

        // A key that opens nothing is counted as such; values that no key
        // opens are reported and kept.
        let mut keys = other().1;
        keys.extend(demo().1);
        let again = reseal(&old_keys, &new_cert, &done.output).unwrap();
        assert_eq!(again.failures.len(), 2);
        assert_eq!(again.output, done.output);
        let msg = again.failures[0].to_string();
        assert!(
            msg.contains("SealedSecret apps/db: encryptedData.password: no key"),
            "{msg}"
        );
        let mixed = reseal(&keys, &old_cert, &done.output).unwrap();
        assert_eq!(mixed.opened_by, vec![2, 0]);
    }
}
