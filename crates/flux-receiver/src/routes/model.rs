//! What a Gateway API `HTTPRoute` (v1, v1beta1), a `networking.k8s.io/v1`
//! `Ingress` or a `Gateway` says about hosts: which hostnames reach which
//! Service, and at which public path the sealed-secrets controller's
//! `/v1/cert.pem` is served.

use super::value::{Origin, Val};

/// The path at which the sealed-secrets controller serves its certificate.
pub(crate) const CERT_PATH: &str = "/v1/cert.pem";

/// The kinds read, by `apiVersion` and `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjKind {
    HttpRoute,
    Ingress,
    Gateway,
}

impl ObjKind {
    pub fn of(api_version: &str, kind: &str) -> Option<ObjKind> {
        match (api_version, kind) {
            ("gateway.networking.k8s.io/v1" | "gateway.networking.k8s.io/v1beta1", "HTTPRoute") => {
                Some(ObjKind::HttpRoute)
            }
            ("networking.k8s.io/v1", "Ingress") => Some(ObjKind::Ingress),
            ("gateway.networking.k8s.io/v1" | "gateway.networking.k8s.io/v1beta1", "Gateway") => {
                Some(ObjKind::Gateway)
            }
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ObjKind::HttpRoute => "HTTPRoute",
            ObjKind::Ingress => "Ingress",
            ObjKind::Gateway => "Gateway",
        }
    }
}

/// A Service a route sends to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Backend {
    pub name: String,
    /// Its namespace, when the route or the reference says.
    pub namespace: Option<String>,
    /// The public path at which the controller's `/v1/cert.pem` is reached
    /// through this rule, if it is.
    pub cert_path: Option<String>,
    /// The hosts of this rule (Ingress rules have their own); `None`: the
    /// route's `hostnames`.
    pub hosts: Option<Vec<(String, Origin)>>,
}

/// A route's hosts and backends.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub kind: ObjKind,
    pub name: String,
    pub namespace: Option<String>,
    /// `spec.hostnames` (HTTPRoute); Ingress hosts are per backend.
    pub hostnames: Vec<(String, Origin)>,
    pub backends: Vec<Backend>,
    /// `spec.parentRefs`: Gateway namespace, name and section.
    pub parents: Vec<(Option<String>, String, Option<String>)>,
}

impl Route {
    /// `HTTPRoute flux-system/webhook-receiver`.
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind.name(), self.name),
            None => format!("{} {}", self.kind.name(), self.name),
        }
    }
}

fn strings(v: Option<&Val>) -> Vec<(String, Origin)> {
    v.map(Val::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|h| match h {
            Val::Scalar(s, o) => Some((s.clone(), o.clone())),
            _ => None,
        })
        .collect()
}

/// The route an HTTPRoute or Ingress object declares.
pub(crate) fn route(kind: ObjKind, obj: &Val) -> Option<Route> {
    let name = obj.str_at(&["metadata", "name"])?.to_string();
    let namespace = obj
        .str_at(&["metadata", "namespace"])
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let spec = obj.get("spec")?;
    let mut route = Route {
        kind,
        name,
        namespace: namespace.clone(),
        hostnames: Vec::new(),
        backends: Vec::new(),
        parents: Vec::new(),
    };
    match kind {
        ObjKind::HttpRoute => {
            route.hostnames = strings(spec.get("hostnames"));
            for p in spec.get("parentRefs").map(Val::items).unwrap_or_default() {
                let kind = p.str_at(&["kind"]).unwrap_or("Gateway");
                let Some(gw) = p.str_at(&["name"]) else {
                    continue;
                };
                if kind == "Gateway" {
                    route.parents.push((
                        p.str_at(&["namespace"])
                            .map(str::to_string)
                            .or_else(|| namespace.clone()),
                        gw.to_string(),
                        p.str_at(&["sectionName"]).map(str::to_string),
                    ));
                }
            }
            for rule in spec.get("rules").map(Val::items).unwrap_or_default() {
                let cert_path = http_route_cert_path(rule);
                for b in rule.get("backendRefs").map(Val::items).unwrap_or_default() {
                    let group = b.str_at(&["group"]).unwrap_or("");
                    let bkind = b.str_at(&["kind"]).unwrap_or("Service");
                    let Some(n) = b.str_at(&["name"]) else {
                        continue;
                    };
                    if !group.is_empty() || bkind != "Service" {
                        continue;
                    }
                    route.backends.push(Backend {
                        name: n.to_string(),
                        namespace: b
                            .str_at(&["namespace"])
                            .map(str::to_string)
                            .or_else(|| namespace.clone()),
                        cert_path: cert_path.clone(),
                        hosts: None,
                    });
                }
            }
        }
        ObjKind::Ingress => {
            let rewrite = obj
                .str_at(&[
                    "metadata",
                    "annotations",
                    "nginx.ingress.kubernetes.io/rewrite-target",
                ])
                .map(str::to_string);
            let rules = spec.get("rules").map(Val::items).unwrap_or_default();
            let all_hosts: Vec<(String, Origin)> = rules
                .iter()
                .filter_map(|r| match r.get("host") {
                    Some(Val::Scalar(s, o)) => Some((s.clone(), o.clone())),
                    _ => None,
                })
                .collect();
            if let Some(n) = spec.str_at(&["defaultBackend", "service", "name"]) {
                route.backends.push(Backend {
                    name: n.to_string(),
                    namespace: namespace.clone(),
                    cert_path: ingress_cert_path("/", "Prefix", rewrite.as_deref()),
                    hosts: Some(all_hosts.clone()),
                });
            }
            for r in rules {
                let hosts: Vec<(String, Origin)> = match r.get("host") {
                    Some(Val::Scalar(s, o)) => vec![(s.clone(), o.clone())],
                    _ => Vec::new(),
                };
                for p in r
                    .path(&["http", "paths"])
                    .map(Val::items)
                    .unwrap_or_default()
                {
                    let Some(n) = p.str_at(&["backend", "service", "name"]) else {
                        continue;
                    };
                    route.backends.push(Backend {
                        name: n.to_string(),
                        namespace: namespace.clone(),
                        cert_path: ingress_cert_path(
                            p.str_at(&["path"]).unwrap_or("/"),
                            p.str_at(&["pathType"]).unwrap_or("Prefix"),
                            rewrite.as_deref(),
                        ),
                        hosts: Some(hosts.clone()),
                    });
                }
            }
        }
        ObjKind::Gateway => return None,
    }
    Some(route)
}

/// A Gateway listener: its section name and hostname.
pub(crate) type Listener = (Option<String>, Option<(String, Origin)>);

/// A Gateway's listeners.
pub(crate) fn listeners(obj: &Val) -> Vec<Listener> {
    obj.path(&["spec", "listeners"])
        .map(Val::items)
        .unwrap_or_default()
        .iter()
        .map(|l| {
            let host = match l.get("hostname") {
                Some(Val::Scalar(s, o)) => Some((s.clone(), o.clone())),
                _ => None,
            };
            (l.str_at(&["name"]).map(str::to_string), host)
        })
        .collect()
}

/// Whether the path `/v1/cert.pem` lies under the prefix `prefix`
/// (path-segment wise, as Gateway API and Ingress `Prefix` match).
fn under(prefix: &str, path: &str) -> bool {
    let p = prefix.trim_end_matches('/');
    p.is_empty() || path == p || path.starts_with(&format!("{p}/"))
}

/// The public path of an HTTPRoute rule that serves `/v1/cert.pem`:
/// through a `URLRewrite` (full path, or prefix), or unchanged.
fn http_route_cert_path(rule: &Val) -> Option<String> {
    let rewrite = rule
        .get("filters")
        .map(Val::items)
        .unwrap_or_default()
        .iter()
        .find(|f| f.str_at(&["type"]) == Some("URLRewrite"))
        .and_then(|f| f.path(&["urlRewrite", "path"]));
    let default = [(String::from("PathPrefix"), String::from("/"))];
    let matches: Vec<(String, String)> = rule
        .get("matches")
        .map(Val::items)
        .unwrap_or_default()
        .iter()
        .map(|m| {
            (
                m.str_at(&["path", "type"])
                    .unwrap_or("PathPrefix")
                    .to_string(),
                m.str_at(&["path", "value"]).unwrap_or("/").to_string(),
            )
        })
        .collect();
    let matches = if matches.is_empty() {
        &default[..]
    } else {
        &matches[..]
    };
    for (kind, value) in matches {
        let public = match rewrite {
            Some(r) => match (r.str_at(&["type"]), kind.as_str()) {
                (Some("ReplaceFullPath"), "Exact" | "PathPrefix") => {
                    (r.str_at(&["replaceFullPath"]) == Some(CERT_PATH)).then(|| value.clone())
                }
                (Some("ReplacePrefixMatch"), "PathPrefix") => {
                    let with = r.str_at(&["replacePrefixMatch"]).unwrap_or("/");
                    under(with, CERT_PATH).then(|| {
                        let rest = &CERT_PATH[with.trim_end_matches('/').len()..];
                        format!(
                            "{}/{}",
                            value.trim_end_matches('/'),
                            rest.trim_start_matches('/')
                        )
                    })
                }
                _ => None,
            },
            None => match kind.as_str() {
                "Exact" => (value == CERT_PATH).then(|| value.clone()),
                "PathPrefix" => under(value, CERT_PATH).then(|| CERT_PATH.to_string()),
                _ => None,
            },
        };
        if public.is_some() {
            return public;
        }
    }
    None
}

/// The public path of an Ingress path that serves `/v1/cert.pem`: the
/// path itself when ingress-nginx's `rewrite-target` sends it there, else
/// `/v1/cert.pem` when the path (or prefix) reaches it unchanged.
fn ingress_cert_path(path: &str, path_type: &str, rewrite: Option<&str>) -> Option<String> {
    match rewrite {
        Some(target) => (target == CERT_PATH).then(|| path.to_string()),
        None => match path_type {
            "Exact" => (path == CERT_PATH).then(|| path.to_string()),
            _ => under(path, CERT_PATH).then(|| CERT_PATH.to_string()),
        },
    }
}

/// Whether `s` is a host name a sender can reach: a DNS name of at least
/// two labels (letters, digits, `-`), no wildcard. `set-in-overlay`,
/// `flux.${CLUSTER_DOMAIN}` and `*.example.org` are not.
pub(crate) fn is_host(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::value::Place;
    use std::path::Path;

    fn obj(text: &str) -> Val {
        let docs = k8s_manifest::yaml::parse_stream(text).unwrap();
        Val::from_node(docs[0].root().unwrap(), &Place::file(Path::new("r.yaml")))
    }

    #[test]
    fn hosts_are_dns_names() {
        for ok in ["flux.example.org", "a-b.c1.example.org", "x.io"] {
            assert!(is_host(ok), "{ok}");
        }
        for bad in [
            "set-in-overlay",
            "flux.${CLUSTER_DOMAIN}",
            "*.example.org",
            "",
            "a..b",
            "-a.example.org",
            "10.0.0.1",
            "localhost",
        ] {
            assert!(!is_host(bad), "{bad}");
        }
    }

    #[test]
    fn cert_paths_through_rewrites() {
        let rule = |m: &str, f: &str| {
            let text = format!("spec:\n  rules:\n  - {m}{f}backendRefs: [{{name: sealed-secrets-controller, port: 8080}}]\n");
            let r = route(
                ObjKind::HttpRoute,
                &obj(&format!("metadata: {{name: r}}\n{text}")),
            )
            .unwrap();
            r.backends[0].cert_path.clone()
        };
        let full = "filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /v1/cert.pem}}}]\n    ";
        let prefix = "filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v1}}}]\n    ";
        assert_eq!(
            rule("matches: [{path: {type: Exact, value: /}}]\n    ", full).as_deref(),
            Some("/")
        );
        assert_eq!(
            rule(
                "matches: [{path: {type: PathPrefix, value: /sealed-secrets}}]\n    ",
                prefix
            )
            .as_deref(),
            Some("/sealed-secrets/cert.pem")
        );
        assert_eq!(rule("", "").as_deref(), Some("/v1/cert.pem"));
        assert_eq!(
            rule(
                "matches: [{path: {type: Exact, value: /v1/cert.pem}}]\n    ",
                ""
            )
            .as_deref(),
            Some("/v1/cert.pem")
        );
        assert_eq!(
            rule(
                "matches: [{path: {type: PathPrefix, value: /metrics}}]\n    ",
                ""
            )
            .as_deref(),
            None
        );
        assert_eq!(
            ingress_cert_path("/cert", "Exact", Some("/v1/cert.pem")).as_deref(),
            Some("/cert")
        );
        assert_eq!(
            ingress_cert_path("/", "Prefix", None).as_deref(),
            Some("/v1/cert.pem")
        );
        assert_eq!(ingress_cert_path("/v2", "Prefix", None), None);
    }
}
