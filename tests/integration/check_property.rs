//! The guard's property: any Secret with a plain value, written by any of
//! the project's writers (go-yaml's layout, the documentation's layout,
//! Go-style JSON) or by an independent one (PyYAML in block and flow
//! style, Python's one-line JSON), wrapped in any `…List` kind up to three
//! levels deep, is refused: by the library for each text, and by the
//! binary walking all of them at once. No value is ever printed.

use base64::Engine as _;
use k8s_manifest::emit::{self, Out};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use sealtoken_check::{is_placeholder, FindingKind};
use serde_json::Value;

use crate::common::sealtoken;
use crate::tools;

/// Every value holds this, so that a leak is easy to see.
const MARKER: &str = "pr0p-s3cr3t";

#[derive(Debug, Clone)]
struct Case {
    name: String,
    namespace: Option<String>,
    /// (key, value, whether under `data` (base64) rather than `stringData`).
    entries: Vec<(String, String, bool)>,
    /// List kinds wrapping the Secret, outermost first.
    lists: Vec<&'static str>,
}

fn value() -> impl Strategy<Value = String> {
    // Quotes, indicators, YAML 1.1 words, line breaks, non-ASCII.
    let piece = prop_oneof![
        "[a-zA-Z0-9 :#'\"{}\\[\\],&*!|>%@`-]{0,12}",
        Just("yes".to_string()),
        Just("0x1f".to_string()),
        Just("\n".to_string()),
        Just("é€😀".to_string()),
        Just("  ".to_string()),
    ];
    prop::collection::vec(piece, 0..4)
        .prop_map(|parts| format!("{MARKER}{}", parts.concat()))
        .prop_filter("a value, not a placeholder", |v| !is_placeholder(v))
}

fn case() -> impl Strategy<Value = Case> {
    let key = "k[a-z0-9_.-]{0,8}";
    let entry = (key, value(), any::<bool>());
    let list = prop_oneof![
        Just("List"),
        Just("SecretList"),
        Just("ConfigMapList"),
        Just("PodList")
    ];
    (
        "[a-z][a-z0-9-]{0,12}",
        prop::option::of("[a-z][a-z0-9-]{0,8}"),
        prop::collection::vec(entry, 1..4),
        prop::collection::vec(list, 0..=3),
    )
        .prop_map(|(name, namespace, mut entries, lists)| {
            // One value per key, as a mapping holds it.
            let mut seen = std::collections::HashSet::new();
            entries.retain(|(k, _, _)| seen.insert(k.clone()));
            Case {
                name,
                namespace,
                entries,
                lists,
            }
        })
}

impl Case {
    fn object(&self) -> Out {
        let mut meta = Out::map();
        meta.put("name", Out::Str(self.name.clone()));
        if let Some(ns) = &self.namespace {
            meta.put("namespace", Out::Str(ns.clone()));
        }
        let (mut data, mut string_data) = (Vec::new(), Vec::new());
        for (k, v, base64) in &self.entries {
            if *base64 {
                let b64 = base64::engine::general_purpose::STANDARD.encode(v);
                data.push((k.clone(), Out::Str(b64)));
            } else {
                string_data.push((k.clone(), Out::Str(v.clone())));
            }
        }
        let mut secret = Out::map();
        secret.put("apiVersion", Out::Str("v1".into()));
        secret.put("kind", Out::Str("Secret".into()));
        secret.put("metadata", meta);
        if !data.is_empty() {
            secret.put("data", Out::Map(data));
        }
        if !string_data.is_empty() {
            secret.put("stringData", Out::Map(string_data));
        }
        self.lists.iter().rev().fold(secret, |inner, kind| {
            let mut list = Out::map();
            list.put("apiVersion", Out::Str("v1".into()));
            list.put("kind", Out::Str((*kind).into()));
            list.put("items", Out::Seq(vec![inner]));
            list
        })
    }

    fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.entries.iter().map(|(k, _, _)| k.clone()).collect();
        keys.sort();
        keys
    }
}

/// PyYAML block and flow style, and Python's one-line JSON, of each object
/// (given as JSON).
const PY: &str = r#"
import json, sys, yaml
out = []
for obj in json.load(sys.stdin):
    out.append([
        yaml.safe_dump(obj, default_flow_style=False, allow_unicode=True),
        yaml.safe_dump(obj, default_flow_style=True, allow_unicode=True),
        json.dumps(obj, ensure_ascii=False),
    ])
json.dump(out, sys.stdout)
"#;

fn python_write(objects: &[Value]) -> Vec<Vec<String>> {
    serde_json::from_value(tools::python_json(PY, &Value::Array(objects.to_vec()))).unwrap()
}

#[test]
fn any_plain_secret_in_any_style_and_list_is_refused() {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let strategy = case();
    let cases: Vec<Case> = (0..64)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    let objects: Vec<Value> = cases
        .iter()
        .map(|c| serde_json::from_str(&emit::to_json(&c.object())).unwrap())
        .collect();
    let python = python_write(&objects);

    let dir = tempfile::tempdir().unwrap();
    let mut files = 0;
    for (i, (case, py)) in cases.iter().zip(&python).enumerate() {
        let object = case.object();
        let texts = [
            ("go-yaml", "yaml", emit::to_yaml(&object)),
            ("as-written", "yaml", emit::to_yaml_as_written(&object)),
            ("go-json", "json", emit::to_json(&object)),
            ("pyyaml-block", "yaml", py[0].clone()),
            ("pyyaml-flow", "yaml", py[1].clone()),
            ("python-json", "json", py[2].clone()),
        ];
        for (style, ext, text) in texts {
            let report = sealtoken_check::scan(text.as_bytes()).unwrap();
            let found: Vec<_> = report
                .findings()
                .iter()
                .map(|f| {
                    let mut keys = f.keys().to_vec();
                    keys.sort();
                    (f.kind(), keys)
                })
                .collect();
            assert_eq!(
                found,
                [(FindingKind::PlainSecret, case.keys())],
                "case {i} ({style}, lists {:?}):\n{text}\n{report:?}",
                case.lists
            );
            assert!(
                !format!("{report:?}").contains(MARKER),
                "{style}: {report:?}"
            );
            std::fs::write(dir.path().join(format!("case{i:02}-{style}.{ext}")), &text).unwrap();
            files += 1;
        }
    }

    // The binary, walking all of them: one finding per file, nothing leaked.
    let out = sealtoken()
        .args(["check", "--jobs", "2"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stdout.lines().count(), files, "{stdout}");
    assert!(
        !stdout.contains(MARKER) && !stderr.contains(MARKER),
        "{stdout}{stderr}"
    );
}
