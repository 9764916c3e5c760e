//! A manifest as kustomize patches it: a tree of plain values whose scalars
//! remember the file and line they were written at, so that a host set by an
//! overlay's patch is reported at the patch. Strategic-merge patches are
//! applied as JSON merge patches (what kustomize does for custom resources;
//! the fields read here, `hostnames`, Ingress `rules` and `tls`, have no
//! merge key, so lists are replaced either way), JSON 6902 patches
//! operation by operation.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use k8s_manifest::yaml::{Kind, Node, Scalar};

/// Where a scalar was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub file: Rc<PathBuf>,
    pub line: usize,
}

/// A value of a manifest, as kustomize holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Null,
    Scalar(String, Origin),
    Seq(Vec<Val>),
    Map(Vec<(String, Val)>),
}

/// How a node's lines map to lines of its file: inline patches are text
/// inside a kustomization, whose line 1 is `first_line` of that file.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub file: Rc<PathBuf>,
    pub first_line: usize,
}

impl Place {
    pub fn file(path: &Path) -> Place {
        Place {
            file: Rc::new(path.to_path_buf()),
            first_line: 1,
        }
    }
}

impl Val {
    /// The node as a value; mapping keys that are not strings are dropped.
    pub fn from_node(node: &Node, place: &Place) -> Val {
        match node.kind() {
            Kind::Scalar(Scalar::Null) => Val::Null,
            Kind::Scalar(s) => {
                let text = match s {
                    Scalar::Bool(b) => b.to_string(),
                    Scalar::Number(n) | Scalar::Str(n) => n.clone(),
                    _ => String::new(),
                };
                Val::Scalar(
                    text,
                    Origin {
                        file: place.file.clone(),
                        line: place.first_line + node.pos().line.saturating_sub(1),
                    },
                )
            }
            Kind::Seq(items) => Val::Seq(items.iter().map(|n| Val::from_node(n, place)).collect()),
            Kind::Map(entries) => {
                let mut out: Vec<(String, Val)> = Vec::new();
                for (k, v) in entries {
                    let Some(k) = k.as_str() else { continue };
                    let v = Val::from_node(v, place);
                    match out.iter_mut().find(|(key, _)| key == k) {
                        Some(slot) => slot.1 = v,
                        None => out.push((k.to_string(), v)),
                    }
                }
                Val::Map(out)
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn path(&self, keys: &[&str]) -> Option<&Val> {
        keys.iter().try_fold(self, |v, k| v.get(k))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys).and_then(Val::as_str)
    }

    pub fn items(&self) -> &[Val] {
        match self {
            Val::Seq(items) => items,
            _ => &[],
        }
    }

    /// Sets `key` in a mapping (a value that is not one becomes one).
    pub fn set(&mut self, key: &str, value: Val) {
        if !matches!(self, Val::Map(_)) {
            *self = Val::Map(Vec::new());
        }
        if let Val::Map(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => entries.push((key.to_string(), value)),
            }
        }
    }

    /// RFC 7386 JSON merge patch: mappings merged key by key, `null` removes
    /// a key, anything else replaces.
    pub fn merge(&mut self, patch: &Val) {
        let Val::Map(changes) = patch else {
            *self = patch.clone();
            return;
        };
        if !matches!(self, Val::Map(_)) {
            *self = Val::Map(Vec::new());
        }
        let Val::Map(entries) = self else { return };
        for (k, v) in changes {
            if k.starts_with('$') {
                continue;
            }
            match (entries.iter().position(|(key, _)| key == k), v) {
                (Some(i), Val::Null) => {
                    entries.remove(i);
                }
                (None, Val::Null) => {}
                (Some(i), v) => entries[i].1.merge(v),
                (None, v) => {
                    let mut fresh = Val::Null;
                    fresh.merge(v);
                    entries.push((k.clone(), fresh));
                }
            }
        }
    }

    /// One JSON 6902 operation (`add`, `replace`, `remove`; `copy`,
    /// `move` and `test` are not needed for hosts and are skipped). Returns
    /// whether it applied.
    pub fn apply_op(&mut self, op: &str, pointer: &str, value: Option<&Val>) -> bool {
        let Some(segments) = split_pointer(pointer) else {
            return false;
        };
        let Some((last, parents)) = segments.split_last() else {
            if let (Some(v), "add" | "replace") = (value, op) {
                *self = v.clone();
                return true;
            }
            return false;
        };
        let mut cur = self;
        for s in parents {
            cur = match cur {
                Val::Map(entries) => match entries.iter_mut().find(|(k, _)| k == s) {
                    Some((_, v)) => v,
                    None => return false,
                },
                Val::Seq(items) => match s.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(v) => v,
                    None => return false,
                },
                _ => return false,
            };
        }
        match (cur, op, value) {
            (Val::Map(entries), "add" | "replace", Some(v)) => {
                match entries.iter_mut().find(|(k, _)| k == last) {
                    Some(slot) => slot.1 = v.clone(),
                    None if op == "add" => entries.push((last.clone(), v.clone())),
                    None => return false,
                }
                true
            }
            (Val::Map(entries), "remove", _) => {
                let before = entries.len();
                entries.retain(|(k, _)| k != last);
                entries.len() != before
            }
            (Val::Seq(items), "add", Some(v)) if last == "-" => {
                items.push(v.clone());
                true
            }
            (Val::Seq(items), op, v) => {
                let Some(i) = last.parse::<usize>().ok() else {
                    return false;
                };
                match (op, v) {
                    ("add", Some(v)) if i <= items.len() => items.insert(i, v.clone()),
                    ("replace", Some(v)) if i < items.len() => items[i] = v.clone(),
                    ("remove", _) if i < items.len() => {
                        items.remove(i);
                    }
                    _ => return false,
                }
                true
            }
            _ => false,
        }
    }
}

/// A JSON pointer's reference tokens (`~1` is `/`, `~0` is `~`).
fn split_pointer(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(text: &str, file: &str) -> Val {
        let docs = k8s_manifest::yaml::parse_stream(text).unwrap();
        Val::from_node(docs[0].root().unwrap(), &Place::file(Path::new(file)))
    }

    fn hosts(v: &Val) -> Vec<(String, String, usize)> {
        v.path(&["spec", "hostnames"])
            .map(Val::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|h| match h {
                Val::Scalar(s, o) => Some((s.clone(), o.file.display().to_string(), o.line)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn merge_replaces_lists_and_keeps_the_patch_origin() {
        let mut base = val(
            "kind: HTTPRoute\nmetadata: {name: r, labels: {a: b}}\nspec:\n  hostnames: [set-in-overlay]\n  rules: []\n",
            "base.yaml",
        );
        let patch = val(
            "kind: HTTPRoute\nmetadata:\n  name: r\n  labels: {a: null}\nspec:\n  hostnames:\n  - flux.prod.example.org\n  - flux2.prod.example.org\n",
            "patch.yaml",
        );
        base.merge(&patch);
        assert_eq!(
            hosts(&base),
            [
                ("flux.prod.example.org".into(), "patch.yaml".into(), 7),
                ("flux2.prod.example.org".into(), "patch.yaml".into(), 8)
            ]
        );
        assert_eq!(base.path(&["metadata", "labels"]), Some(&Val::Map(vec![])));
        assert!(base.path(&["spec", "rules"]).is_some());
    }

    #[test]
    fn json6902_operations() {
        let mut v = val("spec:\n  hostnames: [a.example.org]\n", "b.yaml");
        let host = |s: &str| val(&format!("{s}\n"), "ops.yaml");
        assert!(v.apply_op("replace", "/spec/hostnames/0", Some(&host("b.example.org"))));
        assert!(v.apply_op("add", "/spec/hostnames/-", Some(&host("c.example.org"))));
        assert!(v.apply_op("add", "/spec/hostnames/0", Some(&host("z.example.org"))));
        assert!(v.apply_op("remove", "/spec/hostnames/0", None));
        assert!(!v.apply_op("replace", "/spec/missing/0", Some(&host("x"))));
        assert!(!v.apply_op("replace", "spec", Some(&host("x"))));
        let got: Vec<String> = hosts(&v).into_iter().map(|h| h.0).collect();
        assert_eq!(got, ["b.example.org", "c.example.org"]);
        assert!(v.apply_op("add", "/spec/a~1b", Some(&host("x"))));
        assert_eq!(v.str_at(&["spec", "a/b"]), Some("x"));
    }
}
