//! Object identity and metadata: what names a namespaced object.

use std::collections::BTreeMap;
use std::fmt;

/// A namespaced object's identity: namespace and name, always together.
///
/// This is what binds a sealed value (the scope label is made of it) and what
/// names a Flux Receiver in its webhook path.
///
/// ```
/// use k8s_manifest::ObjectRef;
///
/// let secret = ObjectRef::new("flux-system", "webhook-token");
/// assert_eq!(secret.to_string(), "flux-system/webhook-token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ObjectRef {
    /// `metadata.namespace` (empty for a cluster-wide value without one).
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
}

impl ObjectRef {
    /// The object `name` in `namespace` (namespace first, as in `namespace/name`).
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> ObjectRef {
        ObjectRef {
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for ObjectRef {
    /// `namespace/name`, or `name` alone when the namespace is empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{}/{}", self.namespace, self.name)
        }
    }
}

/// The `metadata` fields kubeseal reads and writes, shared by every
/// manifest type (a Secret, a SealedSecret and its template).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectMeta {
    /// `metadata.name`.
    pub name: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `metadata.uid`, as the API server assigned it (read from objects
    /// exported from a cluster; never written by sealing).
    pub uid: Option<String>,
    /// `metadata.ownerReferences` (written, for a Secret as the controller
    /// creates it; not read).
    pub owner_references: Vec<OwnerReference>,
}

/// One entry of `metadata.ownerReferences`: the object that owns this one
/// (the controller sets its SealedSecret as the owner of each Secret it creates).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OwnerReference {
    /// `apiVersion` of the owner.
    pub api_version: String,
    /// `kind` of the owner.
    pub kind: String,
    /// `name` of the owner.
    pub name: String,
    /// `uid` of the owner.
    pub uid: String,
    /// `controller`: whether the owner manages this object.
    pub controller: Option<bool>,
}

impl OwnerReference {
    /// The reference to `kind` `name` (`api_version`) with `uid`, marked as its controller.
    pub fn controller(
        api_version: impl Into<String>,
        kind: impl Into<String>,
        name: impl Into<String>,
        uid: impl Into<String>,
    ) -> OwnerReference {
        OwnerReference {
            api_version: api_version.into(),
            kind: kind.into(),
            name: name.into(),
            uid: uid.into(),
            controller: Some(true),
        }
    }
}

impl ObjectMeta {
    /// Metadata naming `object` (no labels or annotations).
    pub fn new(object: &ObjectRef) -> ObjectMeta {
        ObjectMeta {
            name: Some(object.name.clone()),
            namespace: Some(object.namespace.clone()),
            ..ObjectMeta::default()
        }
    }

    /// Metadata with every field given.
    pub fn from_parts(
        name: Option<String>,
        namespace: Option<String>,
        labels: BTreeMap<String, String>,
        annotations: BTreeMap<String, String>,
    ) -> ObjectMeta {
        ObjectMeta {
            name,
            namespace,
            labels,
            annotations,
            ..ObjectMeta::default()
        }
    }

    /// Namespace and name; an absent one is empty.
    pub fn object_ref(&self) -> ObjectRef {
        ObjectRef::new(
            self.namespace.clone().unwrap_or_default(),
            self.name.clone().unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_ref_display_and_meta() {
        let r = ObjectRef::new("flux-system", "webhook-token");
        assert_eq!(r.to_string(), "flux-system/webhook-token");
        assert_eq!(ObjectRef::new("", "x").to_string(), "x");
        let meta = ObjectMeta::new(&r);
        assert_eq!(meta.namespace.as_deref(), Some("flux-system"));
        assert_eq!(meta.name.as_deref(), Some("webhook-token"));
        assert_eq!(meta.object_ref(), r);
        assert_eq!(ObjectMeta::default().object_ref(), ObjectRef::default());
    }
}
