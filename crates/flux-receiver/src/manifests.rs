//! The Flux manifests written for a Receiver: the Receiver itself and the
//! GitRepository interval patch, as the Flux documentation writes them.

use k8s_manifest::emit::{self, Out};
use k8s_manifest::ObjectRef;

#[cfg(test)]
use crate::{ReceiverResource, ReceiverType};
use crate::{ReceiverSpec, SpecError};

/// A `notification.toolkit.fluxcd.io/v1` Receiver manifest (YAML) for
/// `spec`, checked first by [`ReceiverSpec::validate`]: what is written is
/// what the API server and the controller accept.
///
/// Names are quoted where YAML would read them as something other than a
/// string (a Receiver named `true` or `123`).
///
/// ```
/// use flux_receiver::{receiver_manifest, ReceiverResource, ReceiverSpec, ReceiverType, ResourceKind};
/// use k8s_manifest::ObjectRef;
///
/// let me = ObjectRef::new("flux-system", "apps-harbor");
/// let spec = ReceiverSpec::new(ReceiverType::Harbor)
///     .secret_ref("webhook-token")
///     .resource(ReceiverResource::new(ResourceKind::ImageRepository, "apps"));
/// let yaml = receiver_manifest(&me, &spec)?;
/// assert!(yaml.contains("  type: harbor\n"));
/// assert!(yaml.contains("      kind: ImageRepository\n"));
/// # Ok::<(), flux_receiver::SpecError>(())
/// ```
pub fn receiver_manifest(receiver: &ObjectRef, spec: &ReceiverSpec) -> Result<String, SpecError> {
    spec.validate()?;
    Ok(document(
        RECEIVER_API_VERSION,
        "Receiver",
        receiver,
        spec.to_out(&receiver.namespace),
    ))
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
    parse_duration(s).is_some()
}

/// A Flux duration (`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`, e.g. `10s`, `1h30m`,
/// `1.5h`) as a [`Duration`](std::time::Duration); `None` when `s` does not
/// match the pattern or overflows.
pub fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut total = std::time::Duration::ZERO;
    if b.is_empty() {
        return None;
    }
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let f = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == f {
                return None;
            }
        }
        let number: f64 = s[start..i].parse().ok()?;
        let rest = &s[i..];
        let (unit, seconds) = [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)]
            .into_iter()
            .find(|(u, _)| rest.starts_with(u))?;
        i += unit.len();
        total =
            total.checked_add(std::time::Duration::try_from_secs_f64(number * seconds).ok()?)?;
    }
    Some(total)
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
        let d = |s| parse_duration(s).map(|d| d.as_millis());
        assert_eq!(d("10s"), Some(10_000));
        assert_eq!(d("1h30m"), Some(5_400_000));
        assert_eq!(d("1.5h"), Some(5_400_000));
        assert_eq!(d("250ms"), Some(250));
        assert_eq!(d("0s"), Some(0));
        assert_eq!(d("1m1s"), Some(61_000));
        assert_eq!(d("10"), None);
    }

    /// The Receiver the main job writes for `kind`: its token Secret (or, for
    /// generic-oidc, one provider) and the resource of its kind.
    fn written(kind: ReceiverType, me: &ObjectRef, secret: &str, res: &ObjectRef) -> String {
        let mut spec = ReceiverSpec::new(kind).resource(
            ReceiverResource::new(kind.resource_kind(), &res.name).namespace(&res.namespace),
        );
        spec = if kind.uses_token_secret() {
            spec.secret_ref(secret)
        } else {
            spec.oidc_provider(
                crate::OidcProvider::new("https://token.actions.githubusercontent.com")
                    .validation("claims.repository_owner == 'acme'", None),
            )
        };
        receiver_manifest(me, &spec).unwrap()
    }

    #[test]
    fn receiver_manifest_matches_flux_docs_shape() {
        let r = ObjectRef::new("flux-system", "github-receiver");
        let repo = ObjectRef::new("flux-system", "webapp");
        let want = "---\napiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: github-receiver\n  namespace: flux-system\nspec:\n  type: github\n  events:\n    - \"ping\"\n    - \"push\"\n  secretRef:\n    name: webhook-token\n  resources:\n    - apiVersion: source.toolkit.fluxcd.io/v1\n      kind: GitRepository\n      name: webapp\n";
        assert_eq!(
            written(ReceiverType::GitHub, &r, "webhook-token", &repo),
            want
        );
        let other = ObjectRef::new("tenant", "webapp");
        let gl = written(ReceiverType::GitLab, &r, "webhook-token", &other);
        assert!(gl.contains("    - \"Push Hook\"\n    - \"Tag Push Hook\"\n"));
        assert!(gl.ends_with("      name: webapp\n      namespace: tenant\n"));
    }

    #[test]
    fn receiver_manifests_of_every_type_read_back() {
        let me = ObjectRef::new("flux-system", "r");
        let res = ObjectRef::new("flux-system", "app");
        for kind in ReceiverType::ALL {
            let text = written(kind, &me, "webhook-token", &res);
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
        let bb = written(ReceiverType::Bitbucket, &me, "t", &res);
        assert!(
            bb.contains("  events:\n    - \"repo:refs_changed\"\n"),
            "{bb}"
        );
        let oidc = written(ReceiverType::GenericOidc, &me, "t", &res);
        assert!(!oidc.contains("secretRef"), "{oidc}");
        assert!(!oidc.contains("events"), "{oidc}");
        let docs = k8s_manifest::yaml::parse_stream(&oidc).unwrap();
        let p = docs[0]
            .root()
            .unwrap()
            .get("spec")
            .unwrap()
            .get("oidcProviders")
            .unwrap();
        let first = |n: &k8s_manifest::yaml::Node| match n.kind() {
            k8s_manifest::yaml::Kind::Seq(items) => items[0].clone(),
            _ => panic!("not a sequence"),
        };
        let v = first(first(p).get("validations").unwrap());
        assert_eq!(
            v.get("message").and_then(|m| m.as_str()),
            Some("token claims do not satisfy: claims.repository_owner == 'acme'")
        );
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
        let r = written(ReceiverType::GitHub, &odd, "1e3", &odd);
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
