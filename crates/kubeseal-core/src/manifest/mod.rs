//! Kubernetes `Secret` and `SealedSecret` manifests: the model, the reader
//! (YAML or JSON streams) and the writer (kubeseal's two layouts).

mod error;
mod model;
mod patch;
pub(crate) mod read;
mod write;

pub use error::{ManifestError, Problem};
pub use k8s_manifest::{Format, ObjectMeta, ObjectRef, Origin, Secret, SecretValue};
pub use model::{SealedSecret, SecretTemplate};
pub use patch::{Edits, PatchError, SealedFile};
pub use read::{read_sealed_secrets, read_secrets};

/// `apiVersion` of a SealedSecret.
pub const SEALED_SECRET_API_VERSION: &str = "bitnami.com/v1alpha1";
/// Annotations dropped from the template, as upstream's `StripLastAppliedAnnotations` does.
pub const STRIPPED_ANNOTATIONS: [&str; 2] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubecfg.ksonnet.io/last-applied-configuration",
];
