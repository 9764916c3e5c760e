//! The Flux manifests written for a Receiver: the Receiver itself and the
//! GitRepository interval patch, as the Flux documentation writes them.

use k8s_manifest::emit::{self, Out};
use k8s_manifest::ObjectRef;

use crate::ReceiverType;

/// A `notification.toolkit.fluxcd.io/v1` Receiver manifest (YAML), as the
/// Flux documentation writes them: its type, the documented default events
/// where the type filters events ([`ReceiverType::default_events`]),
/// `secretRef` to the token Secret (none for `generic-oidc`), and the
/// resource to reconcile (a GitRepository or an ImageRepository, by
/// [`ReceiverType::resource_kind`]).
///
/// Names are quoted where YAML would read them as something other than a
/// string (a Receiver named `true` or `123`).
///
/// ```
/// use flux_receiver::{receiver_manifest, ReceiverType};
/// use k8s_manifest::ObjectRef;
///
/// let me = ObjectRef::new("flux-system", "apps-harbor");
/// let images = ObjectRef::new("flux-system", "apps");
/// let yaml = receiver_manifest(ReceiverType::Harbor, &me, "webhook-token", &images);
/// assert!(yaml.contains("  type: harbor\n"));
/// assert!(yaml.contains("      kind: ImageRepository\n"));
/// ```
pub fn receiver_manifest(
    kind: ReceiverType,
    receiver: &ObjectRef,
    token_secret_name: &str,
    resource: &ObjectRef,
) -> String {
    let resource_kind = kind.resource_kind();
    let mut source = Out::map();
    source.put("apiVersion", Out::Str(resource_kind.api_version().into()));
    source.put("kind", Out::Str(resource_kind.kind().into()));
    source.put("name", Out::Str(resource.name.clone()));
    if resource.namespace != receiver.namespace {
        source.put("namespace", Out::Str(resource.namespace.clone()));
    }
    let mut spec = Out::map();
    spec.put("type", Out::Str(kind.as_str().into()));
    let events = kind.default_events();
    if !events.is_empty() {
        spec.put(
            "events",
            Out::Seq(events.iter().map(|e| Out::Quoted((*e).into())).collect()),
        );
    }
    if kind.uses_token_secret() {
        let mut secret_ref = Out::map();
        secret_ref.put("name", Out::Str(token_secret_name.into()));
        spec.put("secretRef", secret_ref);
    }
    spec.put("resources", Out::Seq(vec![source]));
    document(RECEIVER_API_VERSION, "Receiver", receiver, spec)
}

/// A kustomize patch that sets a GitRepository's polling `interval`
/// (e.g. `1h` once webhooks trigger reconciliation).
pub fn git_repository_interval_patch(git_repository: &ObjectRef, interval: &str) -> String {
    let mut spec = Out::map();
    spec.put("interval", Out::Str(interval.into()));
    document(
        GIT_REPOSITORY_API_VERSION,
        "GitRepository",
        git_repository,
        spec,
    )
}

const RECEIVER_API_VERSION: &str = "notification.toolkit.fluxcd.io/v1";
const GIT_REPOSITORY_API_VERSION: &str = "source.toolkit.fluxcd.io/v1";

/// `---`, then `apiVersion`, `kind`, `metadata` (name, namespace) and `spec`, in that order.
fn document(api_version: &str, kind: &str, object: &ObjectRef, spec: Out) -> String {
    let mut meta = Out::map();
    meta.put("name", Out::Str(object.name.clone()));
    meta.put("namespace", Out::Str(object.namespace.clone()));
    let mut o = Out::map();
    o.put("apiVersion", Out::Str(api_version.into()));
    o.put("kind", Out::Str(kind.into()));
    o.put("metadata", meta);
    o.put("spec", spec);
    format!("---\n{}", emit::to_yaml_as_written(&o))
}

/// Whether `s` is a Flux duration such as `1h`, `30m` or `1h30m`
/// (the pattern of the Receiver and GitRepository `interval` fields).
pub fn is_valid_duration(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.is_empty() {
        return false;
    }
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let f = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == f {
                return false;
            }
        }
        let rest = &s[i..];
        let unit = ["ms", "s", "m", "h"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        match unit {
            Some(u) => i += u.len(),
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_durations() {
        // Names: the one rule in k8s_manifest::names, as every command checks them.
        for ok in ["webhook-token", "flux-system", "a.b-c", "x1"] {
            assert!(k8s_manifest::names::is_dns1123_subdomain(ok), "{ok}");
        }
        for bad in ["", "Upper", "-a", "a-", "a..b", "a_b", "a b", "a\"b"] {
            assert!(!k8s_manifest::names::is_dns1123_subdomain(bad), "{bad}");
        }
        for ok in ["1h", "1m", "90s", "1h30m", "1.5h", "500ms"] {
            assert!(is_valid_duration(ok), "{ok}");
        }
        // "1.5" and "1." end inside the number: the scan must stop at the end, not read past it.
        for bad in ["", "h", "1", "1d", "1h ", "-1h", "1.h", "1.5", "1."] {
            assert!(!is_valid_duration(bad), "{bad}");
        }
    }

    #[test]
    fn receiver_manifest_matches_flux_docs_shape() {
        let r = ObjectRef::new("flux-system", "github-receiver");
        let repo = ObjectRef::new("flux-system", "webapp");
        let want = "---\napiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: github-receiver\n  namespace: flux-system\nspec:\n  type: github\n  events:\n    - \"ping\"\n    - \"push\"\n  secretRef:\n    name: webhook-token\n  resources:\n    - apiVersion: source.toolkit.fluxcd.io/v1\n      kind: GitRepository\n      name: webapp\n";
        assert_eq!(
            receiver_manifest(ReceiverType::GitHub, &r, "webhook-token", &repo),
            want
        );
        let other = ObjectRef::new("tenant", "webapp");
        let gl = receiver_manifest(ReceiverType::GitLab, &r, "webhook-token", &other);
        assert!(gl.contains("    - \"Push Hook\"\n    - \"Tag Push Hook\"\n"));
        assert!(gl.ends_with("      name: webapp\n      namespace: tenant\n"));
    }

    #[test]
    fn receiver_manifests_of_every_type_read_back() {
        let me = ObjectRef::new("flux-system", "r");
        let res = ObjectRef::new("flux-system", "app");
        for kind in ReceiverType::ALL {
            let text = receiver_manifest(kind, &me, "webhook-token", &res);
            let found = crate::find_receivers(text.as_bytes()).unwrap();
            assert_eq!(found.len(), 1, "{kind}");
            let m = &found[0];
            assert_eq!(m.type_name, kind.as_str());
            let want_events: Vec<String> = kind
                .default_events()
                .iter()
                .map(|e| e.to_string())
                .collect();
            assert_eq!(m.events, want_events, "{kind}");
            assert_eq!(
                m.secret_ref.as_deref(),
                kind.uses_token_secret().then_some("webhook-token"),
                "{kind}"
            );
            assert_eq!(
                m.resources,
                [(kind.resource_kind().kind().to_string(), "app".to_string())],
                "{kind}"
            );
        }
        // The docs' Bitbucket and CDEvents examples.
        let bb = receiver_manifest(ReceiverType::Bitbucket, &me, "t", &res);
        assert!(
            bb.contains("  events:\n    - \"repo:refs_changed\"\n"),
            "{bb}"
        );
        let oidc = receiver_manifest(ReceiverType::GenericOidc, &me, "t", &res);
        assert!(!oidc.contains("secretRef"), "{oidc}");
        assert!(!oidc.contains("events"), "{oidc}");
    }

    #[test]
    fn interval_patch_and_names_that_read_as_other_types() {
        let repo = ObjectRef::new("flux-system", "webapp");
        assert_eq!(
            git_repository_interval_patch(&repo, "1h"),
            "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: webapp\n  namespace: flux-system\nspec:\n  interval: 1h\n"
        );
        // Valid Kubernetes names that YAML reads as a boolean or a number.
        let odd = ObjectRef::new("123", "true");
        let patch = git_repository_interval_patch(&odd, "30m");
        assert!(
            patch.contains("  name: \"true\"\n  namespace: \"123\"\n"),
            "{patch}"
        );
        let r = receiver_manifest(ReceiverType::GitHub, &odd, "1e3", &odd);
        assert!(
            r.contains("  name: \"true\"\n  namespace: \"123\"\n"),
            "{r}"
        );
        assert!(r.contains("    name: \"1e3\"\n"), "{r}");
        assert!(r.ends_with("      name: \"true\"\n"), "{r}");
        // Read back as YAML, every name is still a string.
        let docs = k8s_manifest::yaml::parse_stream(&r).unwrap();
        let root = docs[0].root().unwrap();
        let meta = root.get("metadata").unwrap();
        assert_eq!(meta.get("name").and_then(|n| n.as_str()), Some("true"));
        assert_eq!(meta.get("namespace").and_then(|n| n.as_str()), Some("123"));
    }
}
