//! Kubernetes `Secret` and `SealedSecret` manifests: the model, the reader
//! (YAML or JSON streams) and the writer (kubeseal's two layouts).

mod error;
mod model;
mod patch;
pub(crate) mod read;
mod write;

pub use error::{ManifestError, Problem};
pub use model::{ObjectMeta, ObjectRef, Origin, SealedSecret, Secret, SecretTemplate, SecretValue};
pub use patch::{is_valid_secret_key, Edits, PatchError, SealedFile};
pub use read::{read_sealed_secrets, read_secrets};

/// `apiVersion` of a SealedSecret.
pub const SEALED_SECRET_API_VERSION: &str = "bitnami.com/v1alpha1";
/// Annotations dropped from the template, as upstream's `StripLastAppliedAnnotations` does.
pub const STRIPPED_ANNOTATIONS: [&str; 2] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubecfg.ksonnet.io/last-applied-configuration",
];

/// The two output layouts kubeseal writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Indented JSON in Go struct order, kubeseal's default.
    #[default]
    Json,
    /// `---`-prefixed YAML with sorted keys.
    Yaml,
}

impl Format {
    /// Guesses the format of existing content: JSON if it starts with `{`.
    pub fn detect(input: &[u8]) -> Format {
        let first = input
            .iter()
            .find(|b| !(b.is_ascii_whitespace() || matches!(b, 0xEF | 0xBB | 0xBF)));
        if first == Some(&b'{') {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_detection() {
        assert_eq!(Format::detect(b"  \n{\"a\":1}"), Format::Json);
        assert_eq!(Format::detect(b"---\na: 1"), Format::Yaml);
    }
}
