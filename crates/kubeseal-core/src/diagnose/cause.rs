//! What [`super::diagnose`] finds, and the fix for each, in words.

use std::fmt;

use crate::manifest::Problem;
use crate::scope::{Scope, CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION};

/// The identity a value is bound to: its scope and, as far as the scope
/// uses them, the namespace and name (the parts of the RSA-OAEP label).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Binding {
    /// The scope.
    pub scope: Scope,
    /// The namespace (`None` for cluster-wide, or when the manifest has none).
    pub namespace: Option<String>,
    /// The name (strict scope only).
    pub name: Option<String>,
}

impl Binding {
    /// A binding for `scope`, keeping only what the scope's label uses.
    pub fn new(scope: Scope, namespace: Option<&str>, name: Option<&str>) -> Binding {
        let (namespace, name) = match scope {
            Scope::Strict => (namespace, name),
            Scope::NamespaceWide => (namespace, None),
            Scope::ClusterWide => (None, None),
        };
        Binding {
            scope,
            namespace: namespace.map(str::to_string),
            name: name.map(str::to_string),
        }
    }

    /// The RSA-OAEP label, or `None` when the namespace it needs is unknown.
    pub(crate) fn label(&self) -> Option<Vec<u8>> {
        match self.scope {
            Scope::Strict => {
                Some(format!("{}/{}", self.namespace.as_ref()?, self.name.as_ref()?).into_bytes())
            }
            Scope::NamespaceWide => Some(self.namespace.as_ref()?.as_bytes().to_vec()),
            Scope::ClusterWide => Some(Vec::new()),
        }
    }
}

/// `strict (prod/db)`, `namespace-wide (prod)`, `cluster-wide`.
impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.namespace.as_deref().unwrap_or("?");
        match self.scope {
            Scope::Strict => write!(f, "strict ({ns}/{})", self.name.as_deref().unwrap_or("?")),
            Scope::NamespaceWide => write!(f, "namespace-wide ({ns})"),
            Scope::ClusterWide => f.write_str("cluster-wide"),
        }
    }
}

/// Why the controller would fail to decrypt a SealedSecret (or would make a
/// Secret other than the file suggests), with the fix in its message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// The object is a SealedSecret the controller cannot read at all.
    Invalid(Problem),
    /// A scope bound to a namespace, and no `metadata.namespace`.
    MissingNamespace {
        /// The scope `metadata` declares.
        scope: Scope,
        /// The namespace the values open in, when private keys told it.
        sealed_for: Option<String>,
    },
    /// The scope annotations of `metadata` and `spec.template.metadata` differ.
    ScopeMismatch {
        /// The scope `metadata` declares (the one the controller uses).
        metadata: Scope,
        /// The scope the template declares.
        template: Scope,
    },
    /// `metadata.name` and `spec.template.metadata.name` differ.
    NameMismatch {
        /// `metadata.name` (the one the controller uses).
        metadata: String,
        /// `spec.template.metadata.name`.
        template: String,
    },
    /// `metadata.namespace` and `spec.template.metadata.namespace` differ.
    NamespaceMismatch {
        /// `metadata.namespace` (the one the controller uses).
        metadata: String,
        /// `spec.template.metadata.namespace`.
        template: String,
    },
    /// An `encryptedData` value is not standard padded base64.
    NotBase64,
    /// An `encryptedData` value is too short to be a sealed value.
    TooShort {
        /// Its length in bytes, decoded.
        len: usize,
    },
    /// The RSA ciphertext length a value declares does not fit it.
    BadLength {
        /// The declared RSA ciphertext length in bytes.
        declared: usize,
        /// The value's length in bytes, decoded.
        len: usize,
    },
    /// The values of one object were sealed with RSA keys of different sizes.
    MixedKeySizes {
        /// Each size in bits, with the keys sealed with it.
        sizes: Vec<(usize, Vec<String>)>,
    },
    /// A Secret type whose required keys are missing.
    MissingTypeKeys {
        /// The `type`.
        secret_type: String,
        /// The keys missing (for `kubernetes.io/basic-auth`, either one).
        missing: Vec<String>,
    },
    /// A `spec.template.data` entry that the controller cannot render (a
    /// syntax error, a function it does not have, or one that cannot match).
    TemplateInvalid {
        /// The templated key.
        template_key: String,
        /// Why, in the template language's words (no value).
        error: String,
    },
    /// A `spec.template.data` template references a key absent from
    /// `encryptedData` and from the plain `template.data` values.
    TemplateMissingKey {
        /// The templated key.
        template_key: String,
        /// The key it references.
        missing: String,
    },
    /// The value's RSA ciphertext does not match the certificate's key size.
    CertificateMismatch {
        /// The value's RSA key size in bits.
        bits: usize,
        /// The certificate's.
        cert_bits: usize,
    },
    /// A private key opens the value, under another label than the
    /// controller will use.
    SealedElsewhere {
        /// What the manifest binds the value to (what the controller tries).
        expected: Binding,
        /// What it was sealed for.
        found: Binding,
    },
    /// No private key given opens the value under any label tried.
    NoKeyOpens {
        /// The labels tried.
        tried: Vec<Binding>,
    },
}

impl Cause {
    /// A stable kebab-case name for machine output (`namespace-mismatch`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Cause::Invalid(_) => "invalid",
            Cause::MissingNamespace { .. } => "missing-namespace",
            Cause::ScopeMismatch { .. } => "scope-mismatch",
            Cause::NameMismatch { .. } => "name-mismatch",
            Cause::NamespaceMismatch { .. } => "namespace-mismatch",
            Cause::NotBase64 => "not-base64",
            Cause::TooShort { .. } => "too-short",
            Cause::BadLength { .. } => "bad-length",
            Cause::MixedKeySizes { .. } => "mixed-key-sizes",
            Cause::MissingTypeKeys { .. } => "missing-type-keys",
            Cause::TemplateInvalid { .. } => "template-invalid",
            Cause::TemplateMissingKey { .. } => "template-missing-key",
            Cause::CertificateMismatch { .. } => "certificate-mismatch",
            Cause::SealedElsewhere { .. } => "sealed-elsewhere",
            Cause::NoKeyOpens { .. } => "no-key-opens",
        }
    }
}

fn annotation_fix(scope: Scope) -> String {
    match scope {
        Scope::Strict => format!(
            "remove the annotations {NAMESPACE_WIDE_ANNOTATION} and {CLUSTER_WIDE_ANNOTATION} from metadata"
        ),
        Scope::NamespaceWide => {
            format!("add the annotation {NAMESPACE_WIDE_ANNOTATION}: \"true\" to metadata")
        }
        Scope::ClusterWide => {
            format!("add the annotation {CLUSTER_WIDE_ANNOTATION}: \"true\" to metadata")
        }
    }
}

fn sealed_elsewhere(
    f: &mut fmt::Formatter<'_>,
    expected: &Binding,
    found: &Binding,
) -> fmt::Result {
    let mut fixes = Vec::new();
    if found.scope != expected.scope {
        fixes.push(annotation_fix(found.scope));
    }
    if let (Some(want), Some(got)) = (&found.namespace, &expected.namespace) {
        if want != got {
            fixes.push(format!(
                "sealed for namespace {want:?} but the manifest says {got:?}: move it to {want:?} or reseal it for {got:?}"
            ));
        }
    }
    if let (Some(want), Some(got)) = (&found.name, &expected.name) {
        if want != got {
            fixes.push(format!(
                "sealed for the name {want:?} but metadata.name is {got:?}: rename it or reseal it"
            ));
        }
    }
    write!(
        f,
        "sealed {found}, but the controller opens it as {expected}: {}",
        fixes.join("; ")
    )
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Invalid(p) => write!(f, "the controller cannot read this SealedSecret: {p}"),
            Cause::MissingNamespace { scope, sealed_for } => {
                write!(f, "no metadata.namespace, and its scope ({scope}) binds every value to one: it opens only where it is applied")?;
                match sealed_for {
                    Some(ns) => write!(f, "; the values were sealed for {ns:?}: set metadata.namespace: {ns}"),
                    None => f.write_str("; set metadata.namespace to the namespace it was sealed for"),
                }
            }
            Cause::ScopeMismatch { metadata, template } => write!(
                f,
                "metadata declares the scope {metadata} but spec.template.metadata declares {template}; the controller uses metadata's: make the annotations agree"
            ),
            Cause::NameMismatch { metadata, template } => write!(
                f,
                "metadata.name is {metadata:?} but spec.template.metadata.name is {template:?}; the controller uses metadata's: make them agree"
            ),
            Cause::NamespaceMismatch { metadata, template } => write!(
                f,
                "metadata.namespace is {metadata:?} but spec.template.metadata.namespace is {template:?}; the controller uses metadata's: make them agree"
            ),
            Cause::NotBase64 => f.write_str("not valid base64 (standard alphabet, padded): damaged or not a sealed value; seal it again"),
            Cause::TooShort { len } => write!(
                f,
                "decodes to {len} bytes, too short for a sealed value (at least {}): truncated or not sealed; seal it again",
                MIN_SEALED_LEN
            ),
            Cause::BadLength { declared, len } => write!(
                f,
                "declares a {declared}-byte RSA ciphertext in a {len}-byte value: truncated or not a sealed value; seal it again"
            ),
            Cause::MixedKeySizes { sizes } => {
                let parts: Vec<String> = sizes
                    .iter()
                    .map(|(bits, keys)| format!("{bits}-bit: {}", keys.join(", ")))
                    .collect();
                write!(
                    f,
                    "its values were sealed with RSA keys of different sizes ({}), so with different keys: reseal the odd ones with the current certificate",
                    parts.join("; ")
                )
            }
            Cause::MissingTypeKeys { secret_type, missing } => {
                let sep = if secret_type == "kubernetes.io/basic-auth" { " or " } else { ", " };
                write!(
                    f,
                    "type {secret_type} requires the key(s) {}, absent from encryptedData and spec.template.data: the API server will refuse the Secret",
                    missing.join(sep)
                )
            }
            Cause::TemplateInvalid { template_key, error } => write!(
                f,
                "spec.template.data.{template_key} cannot be rendered by the controller: {error}; fix the template"
            ),
            Cause::TemplateMissingKey { template_key, missing } => write!(
                f,
                "spec.template.data.{template_key} references {missing:?}, absent from encryptedData and template.data: it renders as \"<no value>\" (or empty with index); seal {missing:?} or fix the template"
            ),
            Cause::CertificateMismatch { bits, cert_bits } => write!(
                f,
                "sealed with a {bits}-bit RSA key but the certificate's key has {cert_bits} bits: sealed for another key; reseal it with this certificate"
            ),
            Cause::SealedElsewhere { expected, found } => sealed_elsewhere(f, expected, found),
            Cause::NoKeyOpens { tried } => {
                let tried: Vec<String> = tried.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "no key given opens it (tried {}): sealed with a key that is not in the backup, for another namespace or name, or damaged",
                    tried.join(", ")
                )
            }
        }
    }
}

/// The shortest sealed value: the 2-byte length, a 2048-bit RSA ciphertext
/// and an AES-GCM tag (an empty value).
pub const MIN_SEALED_LEN: usize = 2 + 256 + 16;
