//! The SealedSecret model (the plain Secret and object identity are
//! `k8s_manifest`'s).

use std::collections::BTreeMap;

use k8s_manifest::{ObjectMeta, ObjectRef, Origin};

/// The `spec.template` of a SealedSecret: metadata and type of the Secret
/// the controller will create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretTemplate {
    /// `metadata` (scope annotations included).
    pub metadata: ObjectMeta,
    /// `type`.
    pub secret_type: Option<String>,
    /// `immutable`.
    pub immutable: Option<bool>,
    /// `data`: plain (non-secret) template values, kept as they are.
    pub data: BTreeMap<String, String>,
}

/// A `bitnami.com/v1alpha1` SealedSecret, as [`seal_secret`](crate::seal_secret)
/// makes it or [`read_sealed_secrets`](crate::read_sealed_secrets) reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SealedSecret {
    /// `metadata` (the scope annotation lives here; the name is always set
    /// on a SealedSecret that was read or sealed; the namespace may be absent
    /// for cluster-wide secrets).
    pub metadata: ObjectMeta,
    /// `spec.template`.
    pub template: SecretTemplate,
    /// `spec.encryptedData`: base64 of each sealed value, keys sorted.
    pub encrypted_data: BTreeMap<String, String>,
    /// Where it was read from.
    pub origin: Origin,
}

impl SealedSecret {
    /// The namespace and name its values are bound to (an absent namespace is empty).
    pub fn object_ref(&self) -> ObjectRef {
        self.metadata.object_ref()
    }

    /// Merges `update` into `self` as kubeseal's `--merge-into` does: sealed
    /// values, template annotations, labels and data of `update` are added or
    /// replaced; everything else in `self` is kept.
    pub fn merge_from(&mut self, update: &SealedSecret) {
        for (k, v) in &update.encrypted_data {
            self.encrypted_data.insert(k.clone(), v.clone());
        }
        let (mine, theirs) = (&mut self.template, &update.template);
        for (k, v) in &theirs.metadata.annotations {
            mine.metadata.annotations.insert(k.clone(), v.clone());
        }
        for (k, v) in &theirs.metadata.labels {
            mine.metadata.labels.insert(k.clone(), v.clone());
        }
        for (k, v) in &theirs.data {
            mine.data.insert(k.clone(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_from_adds_and_replaces_and_keeps_the_rest() {
        fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        }
        let sealed = |data: &[(&str, &str)],
                      annotations: &[(&str, &str)],
                      labels: &[(&str, &str)],
                      template_data: &[(&str, &str)],
                      secret_type: &str| {
            let mut template = SecretTemplate {
                secret_type: Some(secret_type.into()),
                data: map(template_data),
                ..SecretTemplate::default()
            };
            template.metadata.annotations = map(annotations);
            template.metadata.labels = map(labels);
            SealedSecret {
                encrypted_data: map(data),
                template,
                ..SealedSecret::default()
            }
        };
        let mut mine = sealed(
            &[("a", "A1"), ("b", "B1")],
            &[("x", "1"), ("y", "1")],
            &[("l", "1")],
            &[("t", "1")],
            "Opaque",
        );
        let update = sealed(
            &[("b", "B2"), ("c", "C2")],
            &[("y", "2")],
            &[("m", "2")],
            &[("t", "2"), ("u", "2")],
            "kubernetes.io/tls",
        );
        mine.merge_from(&update);
        assert_eq!(
            mine.encrypted_data,
            map(&[("a", "A1"), ("b", "B2"), ("c", "C2")])
        );
        assert_eq!(
            mine.template.metadata.annotations,
            map(&[("x", "1"), ("y", "2")])
        );
        assert_eq!(
            mine.template.metadata.labels,
            map(&[("l", "1"), ("m", "2")])
        );
        assert_eq!(mine.template.data, map(&[("t", "2"), ("u", "2")]));
        assert_eq!(mine.template.secret_type.as_deref(), Some("Opaque"));
    }
}
