//! Kubernetes reads every output as meant. kubectl's own reader
//! (`kubectl create --dry-run=client -o json`, sigs.k8s.io/yaml, go-yaml v2)
//! is the judge, against a loopback discovery stub: for Secrets whose values
//! come from the YAML fidelity cases, written as YAML (PyYAML) or JSON,
//! kubectl reads the input; sealtoken seals it in every output format;
//! kubectl reads the output; the independent implementation
//! (tests/interop/hybrid.py, pyca/cryptography) opens every value under the
//! scope and names kubectl read; and each value equals what kubectl read
//! from the input. Under CI kubectl must be there; elsewhere the test skips.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

use crate::common::crd_schema::{patch_violations, violations};
use crate::common::hybrid::hybrid_py;
use crate::common::web_server::{reply, WebServer};
use crate::common::{demo_cert, demo_key, sealtoken_std};
use crate::receiver_crd::{written_in, TYPES};
use crate::tools;
use crate::yaml_interop::text;

/// The discovery documents kubectl asks for before it maps a kind.
fn discovery(path: &str) -> Option<Value> {
    Some(match path {
        "/api" => json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        "/api/v1" => json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
            {"name": "secrets", "singularName": "secret", "namespaced": true, "kind": "Secret", "verbs": ["create", "get"]}]}),
        "/apis" => json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": "bitnami.com", "versions": [{"groupVersion": "bitnami.com/v1alpha1", "version": "v1alpha1"}],
             "preferredVersion": {"groupVersion": "bitnami.com/v1alpha1", "version": "v1alpha1"}}]}),
        "/apis/bitnami.com/v1alpha1" => json!({"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": "bitnami.com/v1alpha1", "resources": [
            {"name": "sealedsecrets", "singularName": "sealedsecret", "namespaced": true, "kind": "SealedSecret", "verbs": ["create", "get"]}]}),
        _ => return None,
    })
}

/// The shared loopback web server answering the discovery paths (404
/// otherwise); it lives as long as the test process.
fn discovery_stub() -> WebServer {
    WebServer::http(|path, out| {
        let path = path.split('?').next().unwrap_or(path);
        match discovery(path) {
            Some(doc) => reply(
                out,
                200,
                &[("Content-Type", "application/json")],
                doc.to_string().as_bytes(),
            ),
            None => reply(out, 404, &[], b""),
        }
    })
}

/// What kubectl makes of every file in `dir`: the objects, by name.
fn kubectl_reads(kubectl: &str, server: &str, dir: &Path) -> BTreeMap<String, Value> {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(kubectl)
        .env("HOME", home.path())
        .env("KUBECONFIG", "/dev/null")
        .args([
            "create",
            "--dry-run=client",
            "--validate=false",
            "-o",
            "json",
            "-s",
            server,
            "-f",
        ])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kubectl create -f {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    // One JSON object per object read (or a List of them).
    let mut items = Vec::new();
    for v in serde_json::Deserializer::from_slice(&out.stdout).into_iter::<Value>() {
        let v = v.unwrap();
        match v["kind"].as_str() {
            Some("List") => items.extend(v["items"].as_array().unwrap().iter().cloned()),
            _ => items.push(v),
        }
    }
    items
        .into_iter()
        .map(|o| (o["metadata"]["name"].as_str().unwrap().to_string(), o))
        .collect()
}

/// The values a Secret holds once the API server merged `stringData` over
/// `data`, as bytes.
fn secret_values(secret: &Value) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Some(data) = secret["data"].as_object() {
        for (k, v) in data {
            out.insert(k.clone(), STANDARD.decode(v.as_str().unwrap()).unwrap());
        }
    }
    if let Some(data) = secret["stringData"].as_object() {
        for (k, v) in data {
            let s = v
                .as_str()
                .unwrap_or_else(|| panic!("{k}: kubectl read {v}, not a string"));
            out.insert(k.clone(), s.as_bytes().to_vec());
        }
    }
    out
}

const SCOPES: [Option<&str>; 3] = [
    None,
    Some("sealedsecrets.bitnami.com/namespace-wide"),
    Some("sealedsecrets.bitnami.com/cluster-wide"),
];

#[test]
fn kubectl_reads_every_sealed_output_as_the_input_meant() {
    let Some(kubectl) = tools::kubectl() else {
        return;
    };
    let stub = discovery_stub();
    let server = stub.url("");
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let values = proptest::collection::vec(text(), 3);
    let cases: Vec<Vec<String>> = (0..24)
        .map(|_| values.new_tree(&mut runner).unwrap().current())
        .collect();

    // The inputs: each Secret as a JSON object, written by PyYAML (block
    // style) or as JSON.
    let objects: Vec<Value> = cases
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut meta = json!({"name": format!("s{i}"), "namespace": format!("ns-{}", i % 3)});
            if let Some(a) = SCOPES[i % 3] {
                meta["annotations"] = json!({ a: "true" });
            }
            json!({
                "apiVersion": "v1", "kind": "Secret", "metadata": meta,
                "stringData": {"plain": v[0], "odd.key_1-x": v[1]},
                "data": {"bytes": STANDARD.encode(v[2].as_bytes()), "plain": STANDARD.encode(b"shadowed")},
            })
        })
        .collect();
    let yaml_texts = pyyaml_dump(&objects);
    let inputs = tempfile::tempdir().unwrap();
    for (i, (obj, yaml)) in objects.iter().zip(&yaml_texts).enumerate() {
        let (name, text) = if i % 2 == 0 {
            (format!("s{i:02}.yaml"), yaml.clone())
        } else {
            (
                format!("s{i:02}.json"),
                serde_json::to_string_pretty(obj).unwrap(),
            )
        };
        std::fs::write(inputs.path().join(name), text).unwrap();
    }
    let read_in = kubectl_reads(kubectl, &server, inputs.path());
    assert_eq!(read_in.len(), cases.len());

    for format in ["yaml", "json"] {
        let outputs = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(inputs.path()).unwrap() {
            let path = entry.unwrap().path();
            let out = sealtoken_std()
                .args(["seal", "--allow-expired-cert", "-o", format, "--cert"])
                .arg(demo_cert())
                .arg("-f")
                .arg(&path)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "seal {}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            std::fs::write(outputs.path().join(format!("{stem}.{format}")), out.stdout).unwrap();
        }
        let read_out = kubectl_reads(kubectl, &server, outputs.path());
        assert_eq!(read_out.len(), cases.len(), "{format}");
        for (name, sealed) in &read_out {
            assert_eq!(sealed["kind"], "SealedSecret", "{format} {name}");
            let input = &read_in[name];
            // The scope and names kubectl read are the input's.
            assert_eq!(
                sealed["metadata"]["namespace"], input["metadata"]["namespace"],
                "{format} {name}"
            );
            let opened = hybrid_py(&["open-sealed"], &demo_key(), sealed);
            let opened: BTreeMap<String, Vec<u8>> = opened
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), STANDARD.decode(v.as_str().unwrap()).unwrap()))
                .collect();
            assert_eq!(opened, secret_values(input), "{format} {name}");
        }
    }
}

/// PyYAML's block-style dump of each object.
fn pyyaml_dump(objects: &[Value]) -> Vec<String> {
    const PY: &str = "import json, sys, yaml\njson.dump([yaml.safe_dump(o, default_flow_style=False, allow_unicode=True) for o in json.load(sys.stdin)], sys.stdout)\n";
    serde_json::from_value(tools::python_json(PY, &Value::Array(objects.to_vec()))).unwrap()
}

/// kubectl's reader (sigs.k8s.io/yaml) reads every Receiver and patch as
/// the project's reader does, and what it reads passes the checker too.
/// Skipped without kubectl, except under CI. (The Receivers come from
/// `receiver_crd`, which checks them against the CRD.)
#[test]
fn kubectl_reads_every_receiver_as_written() {
    let Some(kubectl) = tools::kubectl() else {
        return;
    };
    let group = |g: &str, kind: &str, plural: &str| {
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": format!("{g}/v1"),
               "resources": [{"name": plural, "singularName": kind.to_lowercase(),
                              "namespaced": true, "kind": kind, "verbs": ["create", "get"]}]})
    };
    let (receivers, repos) = (
        group("notification.toolkit.fluxcd.io", "Receiver", "receivers"),
        group(
            "source.toolkit.fluxcd.io",
            "GitRepository",
            "gitrepositories",
        ),
    );
    let server = WebServer::http(move |path, out| {
        let doc = match path.split('?').next().unwrap_or(path) {
            "/api" => json!({"kind": "APIVersions", "versions": ["v1"]}),
            "/api/v1" => json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": []}),
            "/apis" => {
                let groups: Vec<Value> = ["notification.toolkit.fluxcd.io", "source.toolkit.fluxcd.io"]
                    .map(|g| json!({
                        "name": g, "versions": [{"groupVersion": format!("{g}/v1"), "version": "v1"}],
                        "preferredVersion": {"groupVersion": format!("{g}/v1"), "version": "v1"}}))
                    .into();
                json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
            }
            "/apis/notification.toolkit.fluxcd.io/v1" => receivers.clone(),
            "/apis/source.toolkit.fluxcd.io/v1" => repos.clone(),
            _ => return reply(out, 404, &[], b""),
        };
        reply(
            out,
            200,
            &[("Content-Type", "application/json")],
            doc.to_string().as_bytes(),
        );
    });
    let dir = tempfile::tempdir().unwrap();
    let extra = [
        "--resource",
        "GitRepository/*",
        "--resource-label",
        "true=123",
        "--resource",
        "OCIRepository/null",
        "--filter",
        "res.metadata.name == 'null'",
        "--resource-filter",
        "req.ref == 'refs/heads/main'",
    ];
    let ours = written_in(dir.path(), &TYPES, &extra);
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(kubectl)
        .env("HOME", home.path())
        .env("KUBECONFIG", "/dev/null")
        .args([
            "create",
            "--dry-run=client",
            "--validate=false",
            "-o",
            "json",
            "-s",
        ])
        .arg(server.url(""))
        .arg("-f")
        .arg(dir.path().join("receivers"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut theirs = Vec::new();
    for v in serde_json::Deserializer::from_slice(&out.stdout).into_iter::<Value>() {
        let v = v.unwrap();
        match v["kind"].as_str() {
            Some("List") => theirs.extend(v["items"].as_array().unwrap().iter().cloned()),
            _ => theirs.push(v),
        }
    }
    assert_eq!(theirs.len(), ours.len());
    for (file, o) in &ours {
        let name = &o["metadata"]["name"];
        let k = theirs
            .iter()
            .find(|t| t["kind"] == o["kind"] && &t["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("{file}: kubectl did not read it"));
        assert_eq!(k, o, "{file}: kubectl read it otherwise");
        assert!(k["spec"].is_object(), "{file}");
        let v = if k["kind"] == "Receiver" {
            violations(k)
        } else {
            patch_violations(k)
        };
        assert!(v.is_empty(), "{file}: {v:?}");
    }
}
