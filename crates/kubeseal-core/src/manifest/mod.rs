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
    /// The format Kubernetes reads raw input as: JSON when `{` comes first
    /// after the runes Go's `unicode.IsSpace` skips, within the first 4096
    /// bytes (`k8s.io/apimachinery`'s `GuessJSONStream`, which kubectl and
    /// kubeseal read through); YAML otherwise, a byte-order mark included.
    /// Every reader here decides with this one rule.
    ///
    /// ```
    /// use kubeseal_core::Format;
    ///
    /// assert_eq!(Format::detect(b" \n{\"kind\": \"Secret\"}"), Format::Json);
    /// // A form feed is a space to Go: JSON (which the JSON parser then refuses).
    /// assert_eq!(Format::detect(b"\x0c{}"), Format::Json);
    /// // A BOM is not: YAML.
    /// assert_eq!(Format::detect(b"\xEF\xBB\xBF{}"), Format::Yaml);
    /// ```
    pub fn detect(input: &[u8]) -> Format {
        if crate::json::is_json_buffer(input) {
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
        // Go's `unicode.IsSpace` holds for a form feed: Kubernetes decides JSON.
        assert_eq!(Format::detect(b"\x0c{\"a\":1}"), Format::Json);
        // Not for a BOM: Kubernetes decides YAML (go-yaml drops the BOM).
        assert_eq!(Format::detect(b"\xEF\xBB\xBF{\"a\":1}"), Format::Yaml);
    }
}
