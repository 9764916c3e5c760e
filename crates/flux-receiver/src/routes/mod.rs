//! Where each cluster is reached, read from the repository: the host of the
//! notification-controller's `webhook-receiver` Service and the URL of the
//! sealed-secrets controller's certificate, from Gateway API `HTTPRoute`s
//! (v1, v1beta1) and `networking.k8s.io/v1` `Ingress`es, built as
//! `kustomize build` builds each overlay (resources, then its patches:
//! strategic merge and JSON 6902, inline or in files, and its `namespace:`).
//! One result per overlay (a kustomization no other one lists), named after
//! its directory; overlays of the same name are one cluster. The caller
//! reads the files (a [`Tree`]).

mod model;
mod value;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use k8s_manifest::yaml::{self, Kind, Node};
use k8s_manifest::{patch_entries, PatchBody};

use self::model::{is_host, listeners, route, ObjKind, Route, CERT_PATH};
use self::value::{Place, Val};
use crate::placement::{resolve_entry, Entry};
use crate::{read_kustomization, PlacementError, Tree};

/// The Service of the notification-controller that serves webhooks.
pub const WEBHOOK_RECEIVER_SERVICE: &str = "webhook-receiver";

/// What to look for.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RouteOptions {
    /// The namespace Flux runs in (`flux-system`): the `webhook-receiver`
    /// Service is looked for there.
    pub flux_namespace: String,
    /// The sealed-secrets controller's Service (`sealed-secrets-controller`).
    pub controller_name: String,
}

impl Default for RouteOptions {
    fn default() -> Self {
        RouteOptions::new("flux-system", "sealed-secrets-controller")
    }
}

impl RouteOptions {
    /// Flux's namespace and the sealed-secrets controller's Service name.
    pub fn new(flux_namespace: &str, controller_name: &str) -> Self {
        RouteOptions {
            flux_namespace: flux_namespace.to_string(),
            controller_name: controller_name.to_string(),
        }
    }
}

/// A value read from the repository, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sourced {
    /// The host name, or the certificate URL.
    pub value: String,
    /// The file that sets the host (an overlay's patch, or the route itself).
    pub file: PathBuf,
    /// Its line.
    pub line: usize,
    /// The route or Ingress, as `HTTPRoute flux-system/webhook-receiver`.
    pub route: String,
    /// The overlay (the directory of its kustomization) it was built in.
    pub overlay: PathBuf,
    /// How the host was found when not from the route itself (its Gateway's listener).
    pub via: Option<String>,
}

/// One cluster: what its overlays say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClusterRoutes {
    /// The overlay directories' name.
    pub name: String,
    /// The overlay directories that built it.
    pub overlays: Vec<PathBuf>,
    /// Hosts of the `webhook-receiver` Service.
    pub webhook_hosts: Vec<Sourced>,
    /// URLs of the sealed-secrets controller's certificate (`https://HOST/…`).
    pub cert_urls: Vec<Sourced>,
    /// One line each: a placeholder that is not a host, an HTTPRoute
    /// whose Gateway is not in the repository.
    pub notes: Vec<String>,
}

/// What a repository says about its clusters.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RouteScan {
    /// By name.
    pub clusters: Vec<ClusterRoutes>,
    /// One line each: a kustomization entry not read, a cycle, a file that
    /// does not parse, a patch that does not apply.
    pub warnings: Vec<String>,
}

/// One object kept while building: its kind and value.
#[derive(Debug, Clone)]
struct Obj {
    kind: ObjKind,
    val: Val,
}

impl Obj {
    fn name(&self) -> Option<&str> {
        self.val.str_at(&["metadata", "name"])
    }
}

/// A kustomization's fields and its parsed root.
type Parsed = std::rc::Rc<(crate::Kustomization, Option<Node>)>;

struct Builder<'a> {
    tree: &'a dyn Tree,
    warnings: Vec<String>,
    /// Files some kustomization lists.
    listed: BTreeSet<PathBuf>,
    /// Each kustomization, read and parsed once.
    parsed: BTreeMap<PathBuf, Parsed>,
}

/// Builds every overlay among the kustomizations `roots` (and the ones
/// they reach) and the manifest files `files` that no kustomization lists
/// (grouped by directory), and reads what each says about its cluster.
///
/// ```
/// # use std::collections::BTreeMap;
/// # use std::path::{Path, PathBuf};
/// # struct Files(BTreeMap<PathBuf, &'static str>);
/// # impl flux_receiver::Tree for Files {
/// #     fn is_dir(&self, p: &Path) -> bool { self.0.keys().any(|f| f.starts_with(p) && f != p) }
/// #     fn is_file(&self, p: &Path) -> bool { self.0.contains_key(p) }
/// #     fn read(&self, p: &Path) -> std::io::Result<Vec<u8>> {
/// #         self.0.get(p).map(|t| t.as_bytes().to_vec()).ok_or_else(|| std::io::ErrorKind::NotFound.into())
/// #     }
/// # }
/// let route = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: webhook-receiver, namespace: flux-system}\nspec:\n  hostnames: [set-in-overlay]\n  rules:\n  - backendRefs: [{name: webhook-receiver, port: 80}]\n";
/// let files = Files(BTreeMap::from([
///     (PathBuf::from("base/route.yaml"), route),
///     (PathBuf::from("base/kustomization.yaml"), "resources: [route.yaml]\n"),
///     (PathBuf::from("overlays/prod/kustomization.yaml"),
///      "resources: [../../base]\npatches:\n- target: {kind: HTTPRoute, name: webhook-receiver}\n  patch: |-\n    - op: replace\n      path: /spec/hostnames/0\n      value: flux.prod.example.org\n"),
/// ]));
/// let roots = [PathBuf::from("base/kustomization.yaml"), PathBuf::from("overlays/prod/kustomization.yaml")];
/// let scan = flux_receiver::find_clusters(&files, &roots, &[], &Default::default()).unwrap();
/// assert_eq!(scan.clusters[0].name, "prod");
/// assert_eq!(scan.clusters[0].webhook_hosts[0].value, "flux.prod.example.org");
/// assert_eq!(scan.clusters[0].webhook_hosts[0].line, 7); // the patch's `value:`
/// ```
pub fn find_clusters(
    tree: &dyn Tree,
    roots: &[PathBuf],
    files: &[PathBuf],
    options: &RouteOptions,
) -> Result<RouteScan, PlacementError> {
    let mut b = Builder {
        tree,
        warnings: Vec::new(),
        listed: BTreeSet::new(),
        parsed: BTreeMap::new(),
    };
    let roots: BTreeSet<PathBuf> = roots.iter().map(|r| k8s_manifest::normalize(r)).collect();
    // Which kustomizations another one lists: the rest are overlays.
    let mut referenced = BTreeSet::new();
    let mut graph: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut queue: Vec<PathBuf> = roots.iter().cloned().collect();
    while let Some(k) = queue.pop() {
        if graph.contains_key(&k) {
            continue;
        }
        let parsed = b.kustomization(&k)?;
        let (kz, _root) = &*parsed;
        let dir = k.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut subs = Vec::new();
        for entry in &kz.resources {
            match resolve_entry(tree, &dir, entry) {
                Entry::Kustomization(sub) => {
                    referenced.insert(sub.clone());
                    queue.push(sub.clone());
                    subs.push(sub);
                }
                Entry::File(f) => {
                    b.listed.insert(f);
                }
                Entry::Skipped(_) => {}
            }
        }
        if let Some(root) = _root {
            for e in patch_entries(root) {
                if let PatchBody::File(p) = e.body {
                    b.listed.insert(k8s_manifest::normalize(&dir.join(p)));
                }
            }
        }
        graph.insert(k, subs);
    }
    // Objects per overlay, grouped by cluster name.
    // (overlay directory, objects, whether no kustomization lists them)
    let mut groups: BTreeMap<String, Vec<(PathBuf, Vec<Obj>, bool)>> = BTreeMap::new();
    for top in roots.iter().filter(|r| !referenced.contains(*r)) {
        let objs = b.build(top, &mut Vec::new())?;
        if objs.is_empty() {
            continue;
        }
        let dir = top.parent().unwrap_or(Path::new("")).to_path_buf();
        groups
            .entry(dir_name(&dir))
            .or_default()
            .push((dir, objs, false));
    }
    let mut loose: BTreeMap<PathBuf, Vec<Obj>> = BTreeMap::new();
    for f in files {
        let f = k8s_manifest::normalize(f);
        if b.listed.contains(&f) {
            continue;
        }
        let objs = b.objects_in(&f);
        if !objs.is_empty() {
            let dir = f.parent().unwrap_or(Path::new("")).to_path_buf();
            loose.entry(dir).or_default().extend(objs);
        }
    }
    for (dir, objs) in loose {
        groups
            .entry(dir_name(&dir))
            .or_default()
            .push((dir, objs, true));
    }
    let gateways: Vec<Gateway<'_>> = groups
        .iter()
        .flat_map(|(name, overlays)| {
            overlays.iter().flat_map(move |(_, objs, loose)| {
                objs.iter().map(move |o| Gateway {
                    cluster: name,
                    loose: *loose,
                    obj: o,
                })
            })
        })
        .filter(|g| g.obj.kind == ObjKind::Gateway)
        .collect();
    let mut out = RouteScan::default();
    for (name, overlays) in &groups {
        let mut c = ClusterRoutes {
            name: name.clone(),
            ..ClusterRoutes::default()
        };
        for (dir, objs, _) in overlays {
            for o in objs {
                let Some(r) = route(o.kind, &o.val) else {
                    continue;
                };
                read_route(&r, dir, name, &gateways, options, &mut c);
            }
        }
        if c.webhook_hosts.is_empty() && c.cert_urls.is_empty() {
            out.warnings.append(&mut c.notes);
            continue;
        }
        c.overlays = overlays.iter().map(|(d, _, _)| d.clone()).collect();
        out.clusters.push(c);
    }
    out.warnings.extend(b.warnings);
    Ok(out)
}

/// A directory's last component (`.` for the top).
fn dir_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| ".".to_string())
}

/// A Gateway, the cluster it was built for, and whether it is in no overlay.
struct Gateway<'a> {
    cluster: &'a str,
    loose: bool,
    obj: &'a Obj,
}

/// What one route says: webhook hosts, certificate URLs, and notes.
fn read_route(
    r: &Route,
    overlay: &Path,
    cluster: &str,
    gateways: &[Gateway<'_>],
    options: &RouteOptions,
    out: &mut ClusterRoutes,
) {
    for b in &r.backends {
        let webhook = b.name == WEBHOOK_RECEIVER_SERVICE
            && b.namespace
                .as_deref()
                .is_none_or(|ns| ns == options.flux_namespace);
        let cert = b.name == options.controller_name;
        if !webhook && !cert {
            continue;
        }
        let (hosts, via) = match &b.hosts {
            Some(h) => (h.clone(), None),
            None if !r.hostnames.is_empty() => (r.hostnames.clone(), None),
            None => match gateway_hosts(r, cluster, gateways) {
                Ok((hosts, via)) => (hosts, Some(via)),
                Err(note) => {
                    out.notes.push(format!("{}: {note}", overlay.display()));
                    continue;
                }
            },
        };
        for (host, origin) in hosts {
            if !is_host(&host) {
                out.notes.push(format!(
                    "{}:{}: {} hostname {host:?} is not a host name (a placeholder, a wildcard or a variable); not used",
                    origin.file.display(),
                    origin.line,
                    r.label()
                ));
                continue;
            }
            let sourced = |value: String| Sourced {
                value,
                file: origin.file.as_ref().clone(),
                line: origin.line,
                route: r.label(),
                overlay: overlay.to_path_buf(),
                via: via.clone(),
            };
            if webhook && !out.webhook_hosts.iter().any(|s| s.value == host) {
                out.webhook_hosts.push(sourced(host.clone()));
            }
            if cert {
                match &b.cert_path {
                    Some(p) => {
                        let url = format!("https://{host}{p}");
                        if !out.cert_urls.iter().any(|s| s.value == url) {
                            out.cert_urls.push(sourced(url));
                        }
                    }
                    None => out.notes.push(format!(
                        "{}:{}: {} sends {host} to {} but no path of it reaches {CERT_PATH}; not used",
                        origin.file.display(),
                        origin.line,
                        r.label(),
                        b.name
                    )),
                }
            }
        }
    }
}

/// The listener hostnames of an HTTPRoute's Gateways (from this cluster,
/// else from files no kustomization lists), or why none.
fn gateway_hosts(
    r: &Route,
    cluster: &str,
    gateways: &[Gateway<'_>],
) -> Result<(Vec<(String, value::Origin)>, String), String> {
    if r.parents.is_empty() {
        return Err(format!(
            "{} has no hostnames and no Gateway parent",
            r.label()
        ));
    }
    let mut hosts = Vec::new();
    let mut via = Vec::new();
    for (ns, name, section) in &r.parents {
        let matches = |o: &&Obj| {
            o.name() == Some(name.as_str())
                && match (ns, o.val.str_at(&["metadata", "namespace"])) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        };
        let pick = |keep: &dyn Fn(&Gateway<'_>) -> bool| -> Vec<&Obj> {
            gateways
                .iter()
                .filter(|g| keep(g))
                .map(|g| g.obj)
                .filter(matches)
                .collect()
        };
        let mut found = pick(&|g| g.cluster == cluster);
        if found.is_empty() {
            found = pick(&|g| g.loose);
        }
        let shown = match ns {
            Some(ns) => format!("{ns}/{name}"),
            None => name.clone(),
        };
        let [gw] = found.as_slice() else {
            return Err(if found.is_empty() {
                format!(
                    "{} has no hostnames: it takes its Gateway's listener hostname, and Gateway {shown} is not in the repository; pass --host",
                    r.label()
                )
            } else {
                format!(
                    "{} has no hostnames and several Gateways are named {shown}; pass --host",
                    r.label()
                )
            });
        };
        for (listener, host) in listeners(&gw.val) {
            if section
                .as_ref()
                .is_some_and(|s| Some(s) != listener.as_ref())
            {
                continue;
            }
            if let Some(h) = host {
                hosts.push(h);
            }
        }
        via.push(format!("Gateway {shown} listener"));
    }
    if hosts.is_empty() {
        return Err(format!(
            "{} has no hostnames and its Gateway's listeners name none; pass --host",
            r.label()
        ));
    }
    Ok((hosts, via.join(", ")))
}

impl Builder<'_> {
    /// A kustomization's fields and its parsed root, read once.
    fn kustomization(&mut self, k: &Path) -> Result<Parsed, PlacementError> {
        if let Some(p) = self.parsed.get(k) {
            return Ok(p.clone());
        }
        let text = self.tree.read(k).map_err(|source| PlacementError::Read {
            path: k.to_path_buf(),
            source,
        })?;
        let kz = read_kustomization(&text).map_err(|source| PlacementError::Kustomization {
            path: k.to_path_buf(),
            source,
        })?;
        let root = yaml::decode_text(&text)
            .ok()
            .and_then(|t| yaml::parse_stream(&t).ok())
            .and_then(|docs| docs.into_iter().find_map(yaml::Document::into_root));
        let parsed = std::rc::Rc::new((kz, root));
        self.parsed.insert(k.to_path_buf(), parsed.clone());
        Ok(parsed)
    }

    /// The routes, Ingresses and Gateways `kustomize build` of `k` emits.
    fn build(&mut self, k: &Path, stack: &mut Vec<PathBuf>) -> Result<Vec<Obj>, PlacementError> {
        if stack.iter().any(|s| s == k) {
            self.warnings
                .push(format!("{}: kustomization cycle", k.display()));
            return Ok(Vec::new());
        }
        let parsed = self.kustomization(k)?;
        let (kz, root) = &*parsed;
        let dir = k.parent().unwrap_or(Path::new("")).to_path_buf();
        stack.push(k.to_path_buf());
        let mut objs = Vec::new();
        for entry in &kz.resources {
            match resolve_entry(self.tree, &dir, entry) {
                Entry::Kustomization(sub) => objs.extend(self.build(&sub, stack)?),
                Entry::File(f) => objs.extend(self.objects_in(&f)),
                Entry::Skipped(why) => self.warnings.push(format!("{}: {why}", k.display())),
            }
        }
        stack.pop();
        if objs.is_empty() {
            return Ok(objs);
        }
        let Some(root) = root else { return Ok(objs) };
        // kustomize's order: strategic merge and `patches:`, the namespace, then JSON 6902.
        let entries = patch_entries(root);
        for e in entries.iter().filter(|e| e.field != "patchesJson6902") {
            self.apply(k, &dir, e, &mut objs);
        }
        if let Some(ns) = &kz.namespace {
            for o in &mut objs {
                if let Some(meta) = match &mut o.val {
                    Val::Map(entries) => entries.iter_mut().find(|(k, _)| k == "metadata"),
                    _ => None,
                } {
                    meta.1.set(
                        "namespace",
                        Val::Scalar(
                            ns.clone(),
                            value::Origin {
                                file: std::rc::Rc::new(k.to_path_buf()),
                                line: 0,
                            },
                        ),
                    );
                }
            }
        }
        for e in entries.iter().filter(|e| e.field == "patchesJson6902") {
            self.apply(k, &dir, e, &mut objs);
        }
        Ok(objs)
    }

    /// The HTTPRoutes, Ingresses and Gateways of one manifest file.
    fn objects_in(&mut self, f: &Path) -> Vec<Obj> {
        let Ok(bytes) = self.tree.read(f) else {
            self.warnings.push(format!("cannot read {}", f.display()));
            return Vec::new();
        };
        if !["HTTPRoute", "Ingress", "Gateway"]
            .iter()
            .any(|k| bytes.windows(k.len()).any(|w| w == k.as_bytes()))
        {
            return Vec::new();
        }
        let Ok(text) = yaml::decode_text(&bytes) else {
            return Vec::new();
        };
        let docs = match yaml::parse_manifests_as(&text, k8s_manifest::Format::detect(&bytes)) {
            Ok(d) => d,
            Err(e) => {
                self.warnings.push(format!(
                    "{}: line {}: not valid YAML",
                    f.display(),
                    e.pos().line
                ));
                return Vec::new();
            }
        };
        let place = Place::file(f);
        let mut out = Vec::new();
        for doc in &docs {
            let Some(root) = doc.root() else { continue };
            let items: Vec<&Node> =
                match (root.get("kind").and_then(Node::as_str), root.get("items")) {
                    (Some(k), Some(items)) if k.ends_with("List") => match items.kind() {
                        Kind::Seq(items) => items.iter().collect(),
                        _ => Vec::new(),
                    },
                    _ => vec![root],
                };
            for n in items {
                let api = n.get("apiVersion").and_then(Node::as_str).unwrap_or("");
                let kind = n.get("kind").and_then(Node::as_str).unwrap_or("");
                if let Some(kind) = ObjKind::of(api, kind) {
                    out.push(Obj {
                        kind,
                        val: Val::from_node(n, &place),
                    });
                }
            }
        }
        out
    }

    /// Applies one patch entry of the kustomization `k` to the objects it targets.
    fn apply(&mut self, k: &Path, dir: &Path, e: &k8s_manifest::PatchEntry<'_>, objs: &mut [Obj]) {
        let (text, place) = match e.body {
            PatchBody::Inline(t) => (
                t.to_string(),
                Place {
                    file: std::rc::Rc::new(k.to_path_buf()),
                    first_line: e.pos.line,
                },
            ),
            PatchBody::File(p) => {
                let path = k8s_manifest::normalize(&dir.join(p));
                self.listed.insert(path.clone());
                match self.tree.read(&path) {
                    Ok(b) => (String::from_utf8_lossy(&b).into_owned(), Place::file(&path)),
                    Err(err) => {
                        self.warnings.push(format!(
                            "{}: patch {p}: cannot read {}: {err}",
                            k.display(),
                            path.display()
                        ));
                        return;
                    }
                }
            }
            _ => return,
        };
        let Ok(docs) = yaml::parse_stream(&text) else {
            self.warnings.push(format!(
                "{}: line {}: a patch does not parse; not applied",
                k.display(),
                e.pos.line
            ));
            return;
        };
        for doc in &docs {
            let Some(root) = doc.root() else { continue };
            let patch = Val::from_node(root, &place);
            match &patch {
                Val::Seq(ops) => {
                    for o in objs.iter_mut().filter(|o| targets(e.target, None, o)) {
                        for op in ops {
                            let value = op.get("value");
                            if let (Some(kind), Some(path)) =
                                (op.str_at(&["op"]), op.str_at(&["path"]))
                            {
                                o.val.apply_op(kind, path, value);
                            }
                        }
                    }
                }
                Val::Map(_) => {
                    if patch.str_at(&["$patch"]) == Some("delete") {
                        continue;
                    }
                    for o in objs
                        .iter_mut()
                        .filter(|o| targets(e.target, Some(&patch), o))
                    {
                        if patch.path(&["metadata", "$patch"]).is_none() {
                            o.val.merge(&patch);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Whether a patch applies to `o`: its `target:` selector (kind, name,
/// namespace, group, version, simple label selectors), else the patch's
/// own kind and name.
fn targets(target: Option<&Node>, patch: Option<&Val>, o: &Obj) -> bool {
    let api = o.val.str_at(&["apiVersion"]).unwrap_or("");
    let (group, version) = api.rsplit_once('/').unwrap_or(("", api));
    let kind = o.val.str_at(&["kind"]).unwrap_or("");
    let name = o.name().unwrap_or("");
    let ns = o.val.str_at(&["metadata", "namespace"]);
    if let Some(t) = target {
        let s = |k: &str| t.get(k).and_then(Node::as_str);
        let eq = |want: Option<&str>, have: &str| want.is_none_or(|w| w == have || w == ".*");
        let labels_ok = s("labelSelector").is_none_or(|sel| {
            sel.split(',').all(|pair| match pair.split_once('=') {
                Some((k, v)) => o.val.str_at(&["metadata", "labels", k.trim()]) == Some(v.trim()),
                None => false,
            })
        });
        return eq(s("group"), group)
            && eq(s("version"), version)
            && eq(s("kind"), kind)
            && eq(s("name"), name)
            && s("namespace").is_none_or(|n| Some(n) == ns)
            && labels_ok
            && s("annotationSelector").is_none();
    }
    let Some(p) = patch else { return false };
    p.str_at(&["kind"]) == Some(kind)
        && p.str_at(&["metadata", "name"]) == Some(name)
        && p.str_at(&["metadata", "namespace"])
            .is_none_or(|n| Some(n) == ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::placement::test_tree::Files;

    fn scan(files: &[(&str, &'static str)]) -> RouteScan {
        let files = Files(files.iter().map(|(p, t)| (PathBuf::from(p), *t)).collect());
        let roots: Vec<PathBuf> = files
            .0
            .keys()
            .filter(|p| p.ends_with("kustomization.yaml"))
            .cloned()
            .collect();
        let others: Vec<PathBuf> = files
            .0
            .keys()
            .filter(|p| !p.ends_with("kustomization.yaml"))
            .cloned()
            .collect();
        find_clusters(&files, &roots, &others, &RouteOptions::default()).unwrap()
    }

    const CERT_ROUTE: &str = "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: HTTPRoute\nmetadata:\n  name: sealed-secrets\nspec:\n  parentRefs: [{name: gw, namespace: gateway}]\n  rules:\n  - matches: [{path: {type: Exact, value: /}}]\n    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /v1/cert.pem}}}]\n    backendRefs: [{name: sealed-secrets-controller, port: 8080}]\n";

    /// Strategic-merge patch files per overlay; a route without hostnames
    /// takes its Gateway's listener (in the repository for one cluster, not
    /// for the other); a placeholder is never a host.
    #[test]
    fn overlays_patch_files_and_gateway_listeners() {
        let s = scan(&[
            ("ss/base/route.yaml", CERT_ROUTE),
            ("ss/base/kustomization.yaml", "namespace: sealed-secrets\nresources: [route.yaml]\n"),
            ("ss/overlays/prod/kustomization.yaml", "resources: [../../base, gateway.yaml]\n"),
            ("ss/overlays/prod/gateway.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: gateway}\nspec:\n  listeners:\n  - name: https\n    hostname: sealed-secrets.prod.example.org\n"),
            ("ss/overlays/dev/kustomization.yaml", "resources: [../../base]\npatchesStrategicMerge: [p.yaml]\n"),
            ("ss/overlays/dev/p.yaml", "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: HTTPRoute\nmetadata: {name: other}\nspec: {hostnames: [x.example.org]}\n"),
        ]);
        assert_eq!(s.clusters.len(), 1, "{s:?}");
        let prod = &s.clusters[0];
        assert_eq!(prod.name, "prod");
        assert_eq!(
            prod.cert_urls[0].value,
            "https://sealed-secrets.prod.example.org/"
        );
        assert_eq!(
            prod.cert_urls[0].file,
            Path::new("ss/overlays/prod/gateway.yaml")
        );
        assert_eq!(prod.cert_urls[0].line, 7);
        assert_eq!(
            prod.cert_urls[0].route,
            "HTTPRoute sealed-secrets/sealed-secrets"
        );
        assert!(prod.cert_urls[0]
            .via
            .as_deref()
            .unwrap()
            .contains("Gateway gateway/gw"));
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("Gateway gateway/gw is not in the repository")),
            "{:?}",
            s.warnings
        );
    }

    /// An Ingress per cluster, its hosts per rule; the placeholder of the
    /// base is noted, not used; several hostnames give all.
    #[test]
    fn ingresses_and_placeholders() {
        let s = scan(&[
            ("base/ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: webhook-receiver, namespace: flux-system}\nspec:\n  rules:\n  - host: set-in-overlay\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: webhook-receiver, port: {number: 80}}}}\n"),
            ("base/kustomization.yaml", "resources: [ingress.yaml]\n"),
            ("overlays/a/kustomization.yaml", "resources: [../../base]\npatches:\n- path: host.yaml\n  target: {kind: Ingress}\n"),
            ("overlays/a/host.yaml", "- op: replace\n  path: /spec/rules/0/host\n  value: flux.a.example.org\n- op: add\n  path: /spec/rules/-\n  value: {host: flux2.a.example.org, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: webhook-receiver}}}]}}\n"),
            ("overlays/b/kustomization.yaml", "resources: [../../base]\n"),
        ]);
        let got: Vec<(&str, Vec<(&str, String)>)> = s
            .clusters
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.webhook_hosts
                        .iter()
                        .map(|h| (h.value.as_str(), format!("{}:{}", h.file.display(), h.line)))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [(
                "a",
                vec![
                    ("flux.a.example.org", "overlays/a/host.yaml:3".to_string()),
                    ("flux2.a.example.org", "overlays/a/host.yaml:6".to_string())
                ]
            )]
        );
        assert!(
            s.warnings.iter().any(|w| w.contains("base/ingress.yaml:6")
                && w.contains("\"set-in-overlay\" is not a host name")),
            "{:?}",
            s.warnings
        );
    }
}
