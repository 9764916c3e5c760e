//! Sealing: Secret to SealedSecret, and single raw values.

use crate::cert::{CertError, Certificate};
use crate::crypto;
use crate::manifest::{Origin, SealedSecret, Secret, SecretTemplate, STRIPPED_ANNOTATIONS};
use crate::scope::Scope;
use crate::time::Timestamp;

/// Options for [`seal_secret`], mirroring kubeseal's flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SealOptions {
    /// `--scope`: when set to namespace-wide or cluster-wide, replaces the
    /// scope annotations. `Strict` leaves existing annotations alone, as kubeseal does.
    pub scope: Option<Scope>,
    /// `--name`: replaces `metadata.name`.
    pub name: Option<String>,
    /// `-n/--namespace`: used when the Secret has no namespace; a Secret in
    /// another namespace is refused (ignored for cluster-wide secrets).
    pub namespace: Option<String>,
    /// Replaces the namespace unconditionally (what `--merge-into` does with the target's namespace).
    pub override_namespace: Option<String>,
    /// `--allow-empty-data`: seal a Secret without values.
    pub allow_empty_data: bool,
    /// Seal even when the certificate has expired.
    pub allow_expired_certificate: bool,
}

impl SealOptions {
    /// Default options: strict scope from annotations, no overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`Self::scope`].
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Sets [`Self::namespace`].
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Sets [`Self::name`].
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets [`Self::allow_empty_data`].
    pub fn allow_empty_data(mut self, allow: bool) -> Self {
        self.allow_empty_data = allow;
        self
    }

    /// Sets [`Self::allow_expired_certificate`].
    pub fn allow_expired_certificate(mut self, allow: bool) -> Self {
        self.allow_expired_certificate = allow;
        self
    }
}

/// Why sealing failed. Messages never include a secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The Secret has no values.
    #[error("{origin}: the Secret has no data or stringData; refusing to seal an empty Secret (allow empty data to seal it anyway)")]
    EmptyData {
        /// Which Secret.
        origin: Origin,
    },
    /// The Secret has no name and none was given.
    #[error("{origin}: missing metadata.name in the Secret")]
    MissingName {
        /// Which Secret.
        origin: Origin,
    },
    /// The Secret has no namespace, none was given, and its scope needs one.
    #[error("{origin}: the Secret {name:?} has no namespace and none was given; a {scope} sealed secret needs one")]
    MissingNamespace {
        /// Which Secret.
        origin: Origin,
        /// Its name.
        name: String,
        /// Its scope.
        scope: Scope,
    },
    /// The Secret names another namespace than the one given.
    #[error("{origin}: namespace mismatch: the Secret is in namespace {found:?} but {given:?} was given")]
    NamespaceMismatch {
        /// Which Secret.
        origin: Origin,
        /// The Secret's namespace.
        found: String,
        /// The namespace given.
        given: String,
    },
    /// The certificate has expired.
    #[error(transparent)]
    Certificate(#[from] CertError),
    /// The operating system's random generator or the cipher failed.
    #[error("encryption failed")]
    Crypto,
}

/// Seals every value of `secret` for the controller holding `cert`'s private key,
/// giving the SealedSecret kubeseal would write.
///
/// Follows kubeseal's order of checks: empty data, name, scope, namespace.
pub fn seal_secret(
    cert: &Certificate,
    secret: &Secret,
    opts: &SealOptions,
) -> Result<SealedSecret, SealError> {
    if !opts.allow_expired_certificate {
        cert.check_not_expired_at(Timestamp::now())?;
    }
    let origin = secret.origin;
    if secret.data.is_empty() && !opts.allow_empty_data {
        return Err(SealError::EmptyData { origin });
    }
    let name = opts
        .name
        .clone()
        .or_else(|| secret.name.clone())
        .filter(|n| !n.is_empty())
        .ok_or(SealError::MissingName { origin })?;
    let mut annotations = secret.annotations.clone();
    if let Some(scope) = opts.scope.filter(|s| *s != Scope::Strict) {
        scope.apply_to_annotations(&mut annotations);
    }
    let scope = Scope::from_annotations(&annotations);
    let mut namespace = secret.namespace.clone().filter(|n| !n.is_empty());
    if let Some(forced) = &opts.override_namespace {
        namespace = Some(forced.clone());
    }
    if scope != Scope::ClusterWide {
        if let (Some(given), Some(found)) = (&opts.namespace, &namespace) {
            if given != found && opts.override_namespace.is_none() {
                return Err(SealError::NamespaceMismatch {
                    origin,
                    found: found.clone(),
                    given: given.clone(),
                });
            }
        }
        if namespace.is_none() {
            namespace = opts.namespace.clone();
        }
        if namespace.is_none() {
            return Err(SealError::MissingNamespace {
                origin,
                name,
                scope,
            });
        }
    }
    let label = scope.label(namespace.as_deref().unwrap_or(""), &name);

    let items: Vec<(&String, &crate::SecretValue)> = secret.data.iter().collect();
    let seal_one = |(key, value): &(&String, &crate::SecretValue)| {
        crypto::hybrid_encrypt(cert.public_key(), &label, value.expose())
            .map(|ct| ((*key).clone(), base64_simd::STANDARD.encode_to_string(&ct)))
            .map_err(|_| SealError::Crypto)
    };
    let encrypted_data = map_maybe_parallel(&items, seal_one)?.into_iter().collect();

    let mut template_annotations = annotations.clone();
    for a in STRIPPED_ANNOTATIONS {
        template_annotations.remove(a);
    }
    let mut top_annotations = std::collections::BTreeMap::new();
    scope.apply_to_annotations(&mut top_annotations);
    Ok(SealedSecret {
        name: name.clone(),
        namespace: namespace.clone(),
        labels: Default::default(),
        annotations: top_annotations,
        template: SecretTemplate {
            name: Some(name),
            namespace,
            labels: secret.labels.clone(),
            annotations: template_annotations,
            secret_type: secret.secret_type.clone(),
            immutable: secret.immutable,
            data: Default::default(),
        },
        encrypted_data,
        origin,
    })
}

/// Seals several Secrets (e.g. every document of a stream) with the same
/// options, in parallel when the `parallel` feature is on. Results keep the
/// input order; the first error (in input order) is returned.
pub fn seal_secrets(
    cert: &Certificate,
    secrets: &[Secret],
    opts: &SealOptions,
) -> Result<Vec<SealedSecret>, SealError> {
    map_maybe_parallel(secrets, |s| seal_secret(cert, s, opts))
}

/// Below this many items, threads cost more than they save
/// (one RSA-4096 encryption is about 50 µs).
#[cfg(feature = "parallel")]
const PARALLEL_THRESHOLD: usize = 4;

/// Maps `f` over `items`, in parallel for larger inputs; order is kept.
fn map_maybe_parallel<T, R, F>(items: &[T], f: F) -> Result<Vec<R>, SealError>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> Result<R, SealError> + Sync + Send,
{
    #[cfg(feature = "parallel")]
    if items.len() >= PARALLEL_THRESHOLD {
        use rayon::prelude::*;
        return items.par_iter().map(f).collect();
    }
    items.iter().map(f).collect()
}

/// Seals one raw value (kubeseal `--raw`) and returns its base64, ready for
/// `spec.encryptedData`. Strict scope needs `namespace` and `name`;
/// namespace-wide needs `namespace`; cluster-wide needs neither.
pub fn seal_raw(
    cert: &Certificate,
    scope: Scope,
    namespace: &str,
    name: &str,
    value: &[u8],
) -> Result<String, SealError> {
    let origin = Origin::default();
    if scope != Scope::ClusterWide && namespace.is_empty() {
        return Err(SealError::MissingNamespace {
            origin,
            name: name.to_string(),
            scope,
        });
    }
    if scope == Scope::Strict && name.is_empty() {
        return Err(SealError::MissingName { origin });
    }
    let ct = crypto::hybrid_encrypt(cert.public_key(), &scope.label(namespace, name), value)
        .map_err(|_| SealError::Crypto)?;
    Ok(base64_simd::STANDARD.encode_to_string(&ct))
}
