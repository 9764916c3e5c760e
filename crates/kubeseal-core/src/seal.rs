//! Sealing: Secret to SealedSecret, and single raw values.

use crate::b64;
use crate::cert::{CertError, Certificate};
use crate::crypto;
use crate::manifest::{
    ObjectMeta, ObjectRef, Origin, SealedSecret, Secret, SecretTemplate, SecretValue,
    STRIPPED_ANNOTATIONS,
};
use crate::scope::Scope;
use crate::time::Timestamp;

/// Options for [`seal_secret`], mirroring kubeseal's flags. Built with
/// [`SealOptions::new`] and its setters:
///
/// ```
/// use kubeseal_core::{Scope, SealOptions};
///
/// let opts = SealOptions::new().scope(Scope::NamespaceWide).namespace("flux-system");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SealOptions {
    scope: Option<Scope>,
    name: Option<String>,
    namespace: Option<String>,
    default_namespace: Option<String>,
    override_namespace: Option<String>,
    allow_empty_data: bool,
    allow_expired_certificate: bool,
    now: Option<Timestamp>,
}

impl SealOptions {
    /// Default options: the scope from the Secret's annotations (else
    /// strict), no overrides, empty Secrets and expired certificates refused.
    pub fn new() -> Self {
        Self::default()
    }

    /// kubeseal's `--scope`: namespace-wide or cluster-wide replaces the
    /// Secret's scope annotations; `Strict` leaves them alone, as kubeseal does.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// kubeseal's `--name`: replaces `metadata.name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// kubeseal's `--namespace`: used when the Secret has no namespace; a
    /// Secret in another namespace is refused (ignored for cluster-wide secrets).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// The namespace of the kubeconfig's context (kubeseal's
    /// `clientConfig.Namespace()` when `--namespace` is not given): fills a
    /// missing namespace, never judges one that is set. [`namespace`] wins.
    ///
    /// [`namespace`]: SealOptions::namespace
    pub fn default_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.default_namespace = Some(namespace.into());
        self
    }

    /// Replaces the Secret's namespace unconditionally (kubeseal's
    /// `--merge-into` seals under the target's namespace this way).
    pub fn override_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.override_namespace = Some(namespace.into());
        self
    }

    /// kubeseal's `--allow-empty-data`: seal a Secret without values.
    pub fn allow_empty_data(mut self, allow: bool) -> Self {
        self.allow_empty_data = allow;
        self
    }

    /// Seal even when the certificate has expired.
    pub fn allow_expired_certificate(mut self, allow: bool) -> Self {
        self.allow_expired_certificate = allow;
        self
    }

    /// Judge the certificate's validity at `now` instead of by the system
    /// clock (the only time sealing reads the clock).
    pub fn at(mut self, now: Timestamp) -> Self {
        self.now = Some(now);
        self
    }
}

/// Why sealing failed. Messages name the Secret once (by its place in the
/// input when it was read from one) and never include a secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The Secret has no values.
    #[error("{}the Secret has no data or stringData; refusing to seal it without values", at(.origin))]
    EmptyData {
        /// Which Secret.
        origin: Origin,
    },
    /// The Secret has no name and none was given.
    #[error("{}missing metadata.name in the Secret", at(.origin))]
    MissingName {
        /// Which Secret.
        origin: Origin,
    },
    /// The Secret has no namespace, none was given, and its scope needs one.
    #[error("{}the Secret {name:?} has no namespace and none was given; a {scope} sealed secret needs one", at(.origin))]
    MissingNamespace {
        /// Which Secret.
        origin: Origin,
        /// Its name.
        name: String,
        /// Its scope.
        scope: Scope,
    },
    /// The Secret names another namespace than the one given.
    #[error("{}namespace mismatch: the Secret is in namespace {found:?} but {given:?} was given", at(.origin))]
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

/// `document 2 (line 7): ` for a Secret read from a stream; nothing for one built in memory.
fn at(origin: &Origin) -> String {
    if origin.is_in_memory() {
        String::new()
    } else {
        format!("{origin}: ")
    }
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
    let (mut sealed, label) = plan(cert, secret, opts)?;
    let encryptor = cert.encryptor();
    let items: Vec<(&String, &SecretValue)> = secret.data.iter().collect();
    let seal_one = |(key, value): &(&String, &SecretValue)| {
        crypto::hybrid_encrypt(&encryptor, &label, value.expose())
            .map(|ct| ((*key).clone(), b64::encode(&ct)))
            .map_err(|_| SealError::Crypto)
    };
    sealed.encrypted_data = map_maybe_parallel(&items, seal_one)?.into_iter().collect();
    Ok(sealed)
}

/// Everything [`seal_secret`] decides before encrypting: the SealedSecret
/// without its `encryptedData`, and the OAEP label of its values.
pub(crate) fn plan(
    cert: &Certificate,
    secret: &Secret,
    opts: &SealOptions,
) -> Result<(SealedSecret, Vec<u8>), SealError> {
    // Warnings are the caller's to show (see `Certificate::check_validity_at`).
    cert.check_validity_at(
        opts.now.unwrap_or_else(Timestamp::now),
        opts.allow_expired_certificate,
    )?;
    let origin = secret.origin;
    if secret.data.is_empty() && !opts.allow_empty_data {
        return Err(SealError::EmptyData { origin });
    }
    let name = opts
        .name
        .clone()
        .or_else(|| secret.metadata.name.clone())
        .filter(|n| !n.is_empty())
        .ok_or(SealError::MissingName { origin })?;
    let mut annotations = secret.metadata.annotations.clone();
    if let Some(scope) = opts.scope.filter(|s| *s != Scope::Strict) {
        scope.apply_to_annotations(&mut annotations);
    }
    let scope = Scope::from_annotations(&annotations);
    let mut namespace = secret.metadata.namespace.clone().filter(|n| !n.is_empty());
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
            namespace = opts
                .namespace
                .clone()
                .or_else(|| opts.default_namespace.clone());
        }
        if namespace.is_none() {
            return Err(SealError::MissingNamespace {
                origin,
                name,
                scope,
            });
        }
    }
    let label = scope.label(&ObjectRef::new(
        namespace.clone().unwrap_or_default(),
        &name,
    ));

    let mut template_annotations = annotations.clone();
    for a in STRIPPED_ANNOTATIONS {
        template_annotations.remove(a);
    }
    let mut top_annotations = std::collections::BTreeMap::new();
    scope.apply_to_annotations(&mut top_annotations);
    let sealed = SealedSecret {
        metadata: ObjectMeta::from_parts(
            Some(name.clone()),
            namespace.clone(),
            Default::default(),
            top_annotations,
        ),
        template: SecretTemplate {
            metadata: ObjectMeta::from_parts(
                Some(name),
                namespace,
                secret.metadata.labels.clone(),
                template_annotations,
            ),
            secret_type: secret.secret_type.clone(),
            immutable: secret.immutable,
            data: Default::default(),
        },
        encrypted_data: Default::default(),
        origin,
    };
    Ok((sealed, label))
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

/// Seals one raw value (kubeseal `--raw`) for the Secret `object` and
/// returns its base64, ready for `spec.encryptedData`. Strict scope needs
/// the namespace and name; namespace-wide needs the namespace; cluster-wide
/// needs neither.
pub fn seal_raw(
    cert: &Certificate,
    scope: Scope,
    object: &ObjectRef,
    value: &[u8],
) -> Result<String, SealError> {
    let label = raw_label(scope, object)?;
    let ct =
        crypto::hybrid_encrypt(&cert.encryptor(), &label, value).map_err(|_| SealError::Crypto)?;
    Ok(b64::encode(&ct))
}

/// The OAEP label [`seal_raw`] seals under, once `object` has what `scope` needs.
pub(crate) fn raw_label(scope: Scope, object: &ObjectRef) -> Result<Vec<u8>, SealError> {
    let origin = Origin::default();
    if scope != Scope::ClusterWide && object.namespace.is_empty() {
        return Err(SealError::MissingNamespace {
            origin,
            name: object.name.clone(),
            scope,
        });
    }
    if scope == Scope::Strict && object.name.is_empty() {
        return Err(SealError::MissingName { origin });
    }
    Ok(scope.label(object))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_cert() -> Certificate {
        Certificate::from_pem(include_bytes!("../../../fixtures/upstream/controller.crt")).unwrap()
    }

    fn demo_key() -> Vec<crate::PrivateKey> {
        crate::PrivateKey::from_pem(include_bytes!("../../../fixtures/upstream/controller.key"))
            .unwrap()
    }

    /// A Secret `s` holding `k: v`, in `namespace` (none if empty).
    fn secret_in(namespace: &str) -> Secret {
        let mut s = Secret::new(&ObjectRef::new(namespace, "s"));
        s.insert("k", SecretValue::from("v"));
        s
    }

    /// Opens the one value of `sealed` with the demo key under `scope` for
    /// `namespace`/`name`: the label the controller would use.
    fn opens_as(sealed: &SealedSecret, scope: Scope, namespace: &str, name: &str) -> bool {
        let ct = &sealed.encrypted_data["k"];
        crate::unseal_raw(&demo_key(), scope, &ObjectRef::new(namespace, name), ct)
            .is_ok_and(|v| v.expose() == b"v")
    }

    #[test]
    fn each_option_changes_the_sealed_secret_as_kubeseal_does() {
        let cert = demo_cert();
        let base = SealOptions::new();

        // Defaults: the Secret's own name, namespace and (strict) scope.
        let plain = seal_secret(&cert, &secret_in("ns"), &base).unwrap();
        assert_eq!(plain.metadata.name.as_deref(), Some("s"));
        assert_eq!(plain.metadata.namespace.as_deref(), Some("ns"));
        assert!(plain.metadata.annotations.is_empty());
        assert!(opens_as(&plain, Scope::Strict, "ns", "s"));
        assert!(!opens_as(&plain, Scope::Strict, "other", "s"));

        // --scope namespace-wide: annotated on both levels, sealed under the namespace only.
        let wide = seal_secret(
            &cert,
            &secret_in("ns"),
            &base.clone().scope(Scope::NamespaceWide),
        )
        .unwrap();
        let annotation = "sealedsecrets.bitnami.com/namespace-wide";
        assert_eq!(
            wide.metadata
                .annotations
                .get(annotation)
                .map(String::as_str),
            Some("true")
        );
        assert!(opens_as(&wide, Scope::NamespaceWide, "ns", "another-name"));
        assert!(!opens_as(&wide, Scope::Strict, "ns", "s"));
        // --scope strict leaves the Secret's own scope annotation alone.
        let mut annotated = secret_in("ns");
        annotated
            .metadata
            .annotations
            .insert(annotation.into(), "true".into());
        let kept = seal_secret(&cert, &annotated, &base.clone().scope(Scope::Strict)).unwrap();
        assert!(opens_as(&kept, Scope::NamespaceWide, "ns", "x"));

        // --name replaces metadata.name, and the label with it.
        let renamed = seal_secret(&cert, &secret_in("ns"), &base.clone().name("t")).unwrap();
        assert_eq!(renamed.metadata.name.as_deref(), Some("t"));
        assert_eq!(renamed.template.metadata.name.as_deref(), Some("t"));
        assert!(opens_as(&renamed, Scope::Strict, "ns", "t"));

        // --namespace fills a missing namespace, accepts the same one, refuses another.
        let filled = seal_secret(&cert, &secret_in(""), &base.clone().namespace("ns")).unwrap();
        assert_eq!(filled.metadata.namespace.as_deref(), Some("ns"));
        assert!(opens_as(&filled, Scope::Strict, "ns", "s"));
        let same = seal_secret(&cert, &secret_in("ns"), &base.clone().namespace("ns")).unwrap();
        assert!(opens_as(&same, Scope::Strict, "ns", "s"));
        let err = seal_secret(&cert, &secret_in("ns"), &base.clone().namespace("x")).unwrap_err();
        assert!(matches!(err, SealError::NamespaceMismatch { .. }), "{err}");
        let err = seal_secret(&cert, &secret_in(""), &base).unwrap_err();
        assert!(matches!(err, SealError::MissingNamespace { .. }), "{err}");

        // An override wins over the Secret's namespace, even against --namespace.
        let moved = base.clone().namespace("x").override_namespace("y");
        let moved = seal_secret(&cert, &secret_in("ns"), &moved).unwrap();
        assert_eq!(moved.metadata.namespace.as_deref(), Some("y"));
        assert!(opens_as(&moved, Scope::Strict, "y", "s"));

        // --allow-empty-data.
        let empty = Secret::new(&ObjectRef::new("ns", "s"));
        assert!(matches!(
            seal_secret(&cert, &empty, &base).unwrap_err(),
            SealError::EmptyData { .. }
        ));
        let sealed = seal_secret(&cert, &empty, &base.clone().allow_empty_data(true)).unwrap();
        assert!(sealed.encrypted_data.is_empty());
    }

    #[test]
    fn the_context_namespace_fills_a_missing_one_and_judges_none() {
        let cert = demo_cert();
        let base = SealOptions::new().at(Timestamp::from_unix(1_700_000_000));
        let ctx = base.clone().default_namespace("ctx");
        let filled = seal_secret(&cert, &secret_in(""), &ctx).unwrap();
        assert_eq!(filled.metadata.namespace.as_deref(), Some("ctx"));
        assert!(opens_as(&filled, Scope::Strict, "ctx", "s"));
        // A Secret in another namespace keeps it (kubeseal only fills).
        let kept = seal_secret(&cert, &secret_in("ns"), &ctx).unwrap();
        assert_eq!(kept.metadata.namespace.as_deref(), Some("ns"));
        // --namespace wins over the context's.
        let both = ctx.clone().namespace("flag");
        let flagged = seal_secret(&cert, &secret_in(""), &both).unwrap();
        assert_eq!(flagged.metadata.namespace.as_deref(), Some("flag"));
    }

    #[test]
    fn cluster_wide_ignores_the_namespace_check() {
        let cert = demo_cert();
        let opts = SealOptions::new().scope(Scope::ClusterWide).namespace("x");
        let sealed = seal_secret(&cert, &secret_in("ns"), &opts).unwrap();
        assert_eq!(sealed.metadata.namespace.as_deref(), Some("ns"));
        assert!(opens_as(&sealed, Scope::ClusterWide, "", ""));
        // Without a namespace anywhere, cluster-wide still seals.
        let opts = SealOptions::new().scope(Scope::ClusterWide);
        assert!(seal_secret(&cert, &secret_in(""), &opts).is_ok());
    }

    #[test]
    fn many_secrets_keep_their_order() {
        // Enough Secrets to take the parallel path when it is compiled in.
        let cert = demo_cert();
        let secrets: Vec<Secret> = (0..6).map(|i| secret_in(&format!("ns{i}"))).collect();
        let sealed = seal_secrets(&cert, &secrets, &SealOptions::new()).unwrap();
        assert_eq!(sealed.len(), 6);
        for (i, s) in sealed.iter().enumerate() {
            assert!(opens_as(s, Scope::Strict, &format!("ns{i}"), "s"));
        }
        // The first error in input order wins.
        let mut bad = secrets.clone();
        bad[4] = Secret::new(&ObjectRef::new("ns", "s"));
        bad[5].metadata.name = None;
        let err = seal_secrets(&cert, &bad, &SealOptions::new()).unwrap_err();
        assert!(matches!(err, SealError::EmptyData { .. }), "{err}");
    }

    #[test]
    fn expired_certificates_need_the_override() {
        let expired =
            Certificate::from_pem(include_bytes!("../../../fixtures/keys/expired.crt")).unwrap();
        let err = seal_secret(&expired, &secret_in("ns"), &SealOptions::new()).unwrap_err();
        assert!(err.to_string().contains("expired"), "{err}");
        let opts = SealOptions::new().allow_expired_certificate(true);
        let sealed = seal_secret(&expired, &secret_in("ns"), &opts).unwrap();
        assert_eq!(sealed.encrypted_data.len(), 1);
    }

    /// The clock is a parameter: the same certificate is valid at a time
    /// inside its validity and refused at one after it.
    #[test]
    fn validity_is_judged_at_the_time_given() {
        let expired =
            Certificate::from_pem(include_bytes!("../../../fixtures/keys/expired.crt")).unwrap();
        let not_after = expired.not_after().unwrap();
        let before = SealOptions::new().at(Timestamp::from_unix(not_after.unix() - 60));
        assert!(seal_secret(&expired, &secret_in("ns"), &before).is_ok());
        let after = SealOptions::new().at(Timestamp::from_unix(not_after.unix() + 60));
        let err = seal_secret(&expired, &secret_in("ns"), &after).unwrap_err();
        assert!(err.to_string().contains("expired"), "{err}");
    }

    #[test]
    fn errors_name_their_subject_once() {
        let cert = demo_cert();
        let opts = SealOptions::new().allow_expired_certificate(true);
        let mut empty = Secret::new(&ObjectRef::new("ns", "n"));
        let msg = seal_secret(&cert, &empty, &opts).unwrap_err().to_string();
        assert!(msg.starts_with("the Secret has no data"), "{msg}");
        assert_eq!(msg.matches("Secret").count(), 1, "{msg}");
        empty.origin = Origin::new(2, 7);
        let msg = seal_secret(&cert, &empty, &opts).unwrap_err().to_string();
        assert!(
            msg.starts_with("document 2 (line 7): the Secret has no data"),
            "{msg}"
        );

        let mut unnamed = Secret::default();
        unnamed.insert("k", SecretValue::from("v"));
        let msg = seal_secret(&cert, &unnamed, &opts).unwrap_err().to_string();
        assert_eq!(msg, "missing metadata.name in the Secret");

        let raw = seal_raw(&cert, Scope::Strict, &ObjectRef::new("", "n"), b"v");
        let msg = raw.unwrap_err().to_string();
        assert_eq!(
            msg,
            "the Secret \"n\" has no namespace and none was given; a strict sealed secret needs one"
        );
    }
}
