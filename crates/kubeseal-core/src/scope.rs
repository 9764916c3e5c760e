//! Sealing scopes: which namespace and name a sealed value is bound to.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::manifest::ObjectRef;

/// Annotation that marks a SealedSecret (and its Secret) as namespace-wide.
pub const NAMESPACE_WIDE_ANNOTATION: &str = "sealedsecrets.bitnami.com/namespace-wide";
/// Annotation that marks a SealedSecret (and its Secret) as cluster-wide.
pub const CLUSTER_WIDE_ANNOTATION: &str = "sealedsecrets.bitnami.com/cluster-wide";

/// How tightly a sealed value is bound to its Secret's identity.
///
/// The scope decides the RSA-OAEP label, so a value sealed for one scope,
/// namespace or name cannot be decrypted under another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// Bound to namespace and name (label `namespace/name`). Upstream's default.
    #[default]
    Strict,
    /// Bound to the namespace only (label `namespace`); the Secret may be renamed.
    NamespaceWide,
    /// Not bound (empty label); the Secret may move to any namespace and name.
    ClusterWide,
}

impl Scope {
    /// All scopes, in upstream's order.
    pub const ALL: [Scope; 3] = [Scope::Strict, Scope::NamespaceWide, Scope::ClusterWide];

    /// The RSA-OAEP label upstream's `EncryptionLabel` gives for this scope
    /// and the Secret `object`: `namespace/name`, `namespace`, or empty.
    pub fn label(self, object: &ObjectRef) -> Vec<u8> {
        match self {
            Scope::Strict => format!("{}/{}", object.namespace, object.name).into_bytes(),
            Scope::NamespaceWide => object.namespace.as_bytes().to_vec(),
            Scope::ClusterWide => Vec::new(),
        }
    }

    /// The scope the annotations declare, as upstream's `SecretScope` reads them:
    /// cluster-wide wins over namespace-wide, and only the exact string `"true"` counts.
    pub fn from_annotations(annotations: &BTreeMap<String, String>) -> Scope {
        let is_true = |k: &str| annotations.get(k).is_some_and(|v| v == "true");
        if is_true(CLUSTER_WIDE_ANNOTATION) {
            Scope::ClusterWide
        } else if is_true(NAMESPACE_WIDE_ANNOTATION) {
            Scope::NamespaceWide
        } else {
            Scope::Strict
        }
    }

    /// Sets the annotations for this scope and removes those of the other scopes,
    /// as upstream's `UpdateScopeAnnotations` does.
    pub fn apply_to_annotations(self, annotations: &mut BTreeMap<String, String>) {
        annotations.remove(NAMESPACE_WIDE_ANNOTATION);
        annotations.remove(CLUSTER_WIDE_ANNOTATION);
        match self {
            Scope::Strict => {}
            Scope::NamespaceWide => {
                annotations.insert(NAMESPACE_WIDE_ANNOTATION.into(), "true".into());
            }
            Scope::ClusterWide => {
                annotations.insert(CLUSTER_WIDE_ANNOTATION.into(), "true".into());
            }
        }
    }

    /// The name kubeseal uses for this scope on its command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Strict => "strict",
            Scope::NamespaceWide => "namespace-wide",
            Scope::ClusterWide => "cluster-wide",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no scope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope {0:?}: must be one of strict, namespace-wide, cluster-wide")]
pub struct ParseScopeError(String);

impl FromStr for Scope {
    type Err = ParseScopeError;

    /// Parses the strings kubeseal's `--scope` accepts.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "strict" => Ok(Scope::Strict),
            "namespace-wide" => Ok(Scope::NamespaceWide),
            "cluster-wide" => Ok(Scope::ClusterWide),
            other => Err(ParseScopeError(other.chars().take(64).collect())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_upstream_encryption_label() {
        let object = ObjectRef::new("ns", "n");
        assert_eq!(Scope::Strict.label(&object), b"ns/n");
        assert_eq!(Scope::NamespaceWide.label(&object), b"ns");
        assert_eq!(Scope::ClusterWide.label(&object), b"");
    }

    #[test]
    fn parses_kubeseal_names_and_rejects_others() {
        for s in Scope::ALL {
            assert_eq!(s.as_str().parse::<Scope>(), Ok(s));
        }
        for bad in ["", "Strict", "namespace", "clusterwide", "cluster-wide "] {
            assert!(bad.parse::<Scope>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn annotations_cluster_wide_wins_and_only_true_counts() {
        let ann = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let cases = [
            (ann(&[]), Scope::Strict),
            (
                ann(&[(NAMESPACE_WIDE_ANNOTATION, "true")]),
                Scope::NamespaceWide,
            ),
            (
                ann(&[(CLUSTER_WIDE_ANNOTATION, "true")]),
                Scope::ClusterWide,
            ),
            (
                ann(&[
                    (CLUSTER_WIDE_ANNOTATION, "true"),
                    (NAMESPACE_WIDE_ANNOTATION, "true"),
                ]),
                Scope::ClusterWide,
            ),
            (ann(&[(CLUSTER_WIDE_ANNOTATION, "True")]), Scope::Strict),
            (ann(&[(NAMESPACE_WIDE_ANNOTATION, "yes")]), Scope::Strict),
        ];
        for (a, want) in cases {
            assert_eq!(Scope::from_annotations(&a), want, "{a:?}");
        }
    }

    #[test]
    fn apply_round_trips_through_from_annotations() {
        for s in Scope::ALL {
            let mut a = BTreeMap::new();
            a.insert(CLUSTER_WIDE_ANNOTATION.to_string(), "true".to_string());
            s.apply_to_annotations(&mut a);
            assert_eq!(Scope::from_annotations(&a), s);
        }
    }
}
