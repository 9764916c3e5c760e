//! A checker of Receivers against the notification-controller v1.9.3
//! Receiver CRD, written for the tests: its `openAPIV3Schema` constraints
//! (as written out in `fixtures/receiver-crd/receiver-v1.json`, checked by a
//! small validator of that JSON Schema subset, unknown fields refused as the
//! API server's strict field validation refuses them) and its four
//! `x-kubernetes-validations` rules, encoded here. Objects are read through
//! the project's YAML reader (go-yaml v2's reading), so a value YAML would
//! read as a number or a boolean fails the schema's `type: string`.

use std::path::Path;

use k8s_manifest::yaml::{self, Kind, Node, Scalar};
use serde_json::{json, Map, Value};

use super::fixture;

/// The schema subset, from the fixture.
pub fn schema() -> Value {
    let text = std::fs::read_to_string(fixture("receiver-crd/receiver-v1.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A YAML node as JSON, scalars typed as go-yaml v2 resolved them.
pub fn to_json(n: &Node) -> Value {
    match n.kind() {
        Kind::Scalar(s) => match s {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Number(n) => json!({ "$number": n }),
            Scalar::Str(s) => Value::String(s.clone()),
            _ => panic!("unexpected scalar"),
        },
        Kind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Kind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.key_string().unwrap(), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// The patterns the schema uses, as predicates (no regex engine in the tests).
pub fn matches_pattern(pattern: &str, s: &str) -> bool {
    match pattern {
        "^https?://" => s.starts_with("https://") || s.starts_with("http://"),
        "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$" => {
            // One or more NUMBER[.DIGITS]UNIT groups, nothing else.
            let mut rest = s;
            if rest.is_empty() {
                return false;
            }
            while !rest.is_empty() {
                let digits =
                    rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                if digits == 0 {
                    return false;
                }
                rest = &rest[digits..];
                if let Some(r) = rest.strip_prefix('.') {
                    let d = r.len() - r.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                    if d == 0 {
                        return false;
                    }
                    rest = &r[d..];
                }
                match ["ms", "s", "m", "h"].iter().find(|u| rest.starts_with(*u)) {
                    Some(u) => rest = &rest[u.len()..],
                    None => return false,
                }
            }
            true
        }
        other => panic!("the checker has no predicate for pattern {other}"),
    }
}

/// Every violation of `schema` by `v` at `path`.
pub fn check_schema(schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    let ty = schema["type"].as_str().unwrap_or("");
    let ok_type = match ty {
        "object" => v.is_object() && v.get("$number").is_none(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        _ => true,
    };
    if !ok_type {
        out.push(format!("{path}: expected {ty}, got {v}"));
        return;
    }
    if let Some(e) = schema.get("enum") {
        if !e.as_array().unwrap().contains(v) {
            out.push(format!("{path}: {v} is not in the enum"));
        }
    }
    if let Some(s) = v.as_str() {
        let n = s.chars().count() as u64;
        if schema
            .get("minLength")
            .is_some_and(|m| n < m.as_u64().unwrap())
        {
            out.push(format!("{path}: shorter than minLength"));
        }
        if schema
            .get("maxLength")
            .is_some_and(|m| n > m.as_u64().unwrap())
        {
            out.push(format!("{path}: longer than maxLength"));
        }
        if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
            if !matches_pattern(p, s) {
                out.push(format!("{path}: {s:?} does not match {p}"));
            }
        }
    }
    if let Some(items) = v.as_array() {
        if schema
            .get("minItems")
            .is_some_and(|m| (items.len() as u64) < m.as_u64().unwrap())
        {
            out.push(format!("{path}: fewer than minItems"));
        }
        if let Some(keys) = schema.get("x-kubernetes-list-map-keys") {
            let mut seen = Vec::new();
            for item in items {
                let key: Vec<&Value> = keys
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| &item[k.as_str().unwrap()])
                    .collect();
                if seen.contains(&key) {
                    out.push(format!("{path}: duplicate list-map key {key:?}"));
                }
                seen.push(key);
            }
        }
        for (i, item) in items.iter().enumerate() {
            check_schema(&schema["items"], item, &format!("{path}[{i}]"), out);
        }
    }
    if let Some(obj) = v.as_object() {
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !obj.contains_key(r.as_str().unwrap()) {
                out.push(format!("{path}: missing required {r}"));
            }
        }
        let props = schema.get("properties").and_then(Value::as_object);
        for (k, val) in obj {
            let sub = props
                .and_then(|p| p.get(k))
                .or_else(|| schema.get("additionalProperties"));
            match sub {
                Some(sub) => check_schema(sub, val, &format!("{path}.{k}"), out),
                None if props.is_some() => out.push(format!("{path}: unknown field {k:?}")),
                None => {}
            }
        }
    }
}

/// The CRD's four `x-kubernetes-validations` rules on `spec`, as CEL reads
/// them (`has()` is presence; `size()` of a present list).
pub fn check_rules(spec: &Value, out: &mut Vec<String>) {
    let ty = spec["type"].as_str().unwrap_or("");
    let providers = spec.get("oidcProviders");
    let n = providers.and_then(Value::as_array).map_or(0, Vec::len);
    let rules: [(bool, &str); 4] = [
        (
            ty != "generic-oidc" || (providers.is_some() && n > 0),
            "generic-oidc receivers must define at least one oidcProvider",
        ),
        (
            ty == "generic-oidc" || providers.is_none() || n == 0,
            "oidcProviders can only be set when type is generic-oidc",
        ),
        (
            ty != "generic-oidc" || spec.get("secretRef").is_none(),
            "secretRef cannot be set when type is generic-oidc",
        ),
        (
            ty == "generic-oidc" || spec.get("secretRef").is_some(),
            "secretRef is required when type is not generic-oidc",
        ),
    ];
    for (ok, message) in rules {
        if !ok {
            out.push(format!("spec: {message}"));
        }
    }
}

/// Every violation of a Receiver object.
pub fn violations(object: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check_schema(&schema(), object, "", &mut out);
    if object["spec"].is_object() {
        check_rules(&object["spec"], &mut out);
    }
    out
}

/// A GitRepository interval patch: the identifying fields and a `spec.interval`
/// matching the GitRepository CRD's pattern (the same as the Receiver's).
pub fn patch_violations(o: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if o["apiVersion"] != "source.toolkit.fluxcd.io/v1" || o["kind"] != "GitRepository" {
        out.push(format!("patch: not a GitRepository: {o}"));
    }
    if !o["metadata"]["name"].is_string() || !o["metadata"]["namespace"].is_string() {
        out.push("patch: metadata.name and namespace must be strings".into());
    }
    let interval = o["spec"]["interval"].as_str().unwrap_or("");
    if !matches_pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$", interval) {
        out.push(format!("patch: interval {interval:?}"));
    }
    if o["spec"].as_object().map_or(0, Map::len) != 1 {
        out.push("patch: spec must hold only interval".into());
    }
    out
}

/// Every object in the files of `dir`, read by the project's YAML reader.
pub fn read_dir(dir: &Path) -> Vec<(String, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for d in yaml::parse_manifests(&text).unwrap() {
            out.push((
                f.file_name().unwrap().to_string_lossy().into_owned(),
                to_json(d.root().unwrap()),
            ));
        }
    }
    out
}
