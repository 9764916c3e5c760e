//! `sealtoken check` throughput on a generated tree of 10,000 manifests
//! (about 1% plain Secrets): the library's scan over files in memory, and the
//! whole binary walking the tree. Set `SEALTOKEN_BENCH_TREE=DIR` to keep the
//! generated tree there (e.g. to time other hooks on it).

#![allow(clippy::disallowed_macros)] // a benchmark reports on stderr

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const FILES: usize = 10_000;

/// Writes the tree; returns every file's path and contents.
fn generate(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::with_capacity(FILES);
    for i in 0..FILES {
        let app = format!("app{:04}", i / 10);
        let dir = root.join(format!("apps/{}/{}", i % 37, app));
        let (name, text) = match i % 100 {
            // 1%: a plain Secret among other documents.
            0 => (
                "secret.yaml",
                format!(
                    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {app}-db\n  namespace: {app}\ntype: Opaque\nstringData:\n  username: {app}\n  password: pw-{i:08x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {app}-settings\ndata:\n  LOG_LEVEL: info\n"
                ),
            ),
            1..=10 => (
                "sealed.yaml",
                format!(
                    "---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: {app}-db\n  namespace: {app}\nspec:\n  encryptedData:\n    password: Ag{}\n  template:\n    metadata:\n      name: {app}-db\n      namespace: {app}\n    type: Opaque\n",
                    "B".repeat(680)
                ),
            ),
            11..=20 => (
                "helm.yaml",
                format!(
                    "---\n# Source: {app}/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: {app}\n  labels:\n    app.kubernetes.io/name: {app}\n    app.kubernetes.io/managed-by: Helm\nspec:\n  type: ClusterIP\n  ports:\n  - port: 80\n    targetPort: http\n    name: http\n  selector:\n    app.kubernetes.io/name: {app}\n---\n# Source: {app}/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {app}-token\ntype: Opaque\n"
                ),
            ),
            21..=25 => (
                "kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n- service.yaml\nimages:\n- name: app\n  newTag: v1.2.3\n".to_string(),
            ),
            26..=35 => (
                "config.json",
                format!(
                    "{{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {{\"name\": \"{app}\", \"namespace\": \"{app}\"}},\n  \"data\": {{\"mode\": \"fast\", \"replicas\": \"3\", \"region\": \"eu-west-1\"}}\n}}\n"
                ),
            ),
            _ => (
                "deployment.yaml",
                format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\n  namespace: {app}\n  labels:\n    app.kubernetes.io/name: {app}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {app}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {app}\n    spec:\n      containers:\n      - name: {app}\n        image: registry.example.com/{app}:1.2.3\n        ports:\n        - containerPort: 8080\n          name: http\n        envFrom:\n        - secretRef:\n            name: {app}-db\n        resources:\n          requests: {{cpu: 100m, memory: 128Mi}}\n          limits: {{memory: 256Mi}}\n"
                ),
            ),
        };
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{i:05}-{name}"));
        let path = if name == "kustomization.yaml" {
            let d = dir.join(format!("k{i:05}"));
            fs::create_dir_all(&d).unwrap();
            d.join(name)
        } else {
            path
        };
        fs::write(&path, &text).unwrap();
        out.push((path, text.into_bytes()));
    }
    out
}

fn bench(c: &mut Criterion) {
    let keep = std::env::var_os("SEALTOKEN_BENCH_TREE").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let root = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    let files = generate(&root);
    let bytes: u64 = files.iter().map(|(_, b)| b.len() as u64).sum();
    eprintln!(
        "check bench: {} files, {:.2} MB in {}",
        files.len(),
        bytes as f64 / 1e6,
        root.display()
    );

    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.bench_function("library scan, 10k files in memory, 1 thread", |b| {
        b.iter(|| {
            let mut findings = 0;
            for (path, data) in &files {
                let report = if path.ends_with("kustomization.yaml") {
                    sealtoken_check::scan_kustomization(data, &mut |_| {
                        Err(std::io::ErrorKind::NotFound.into())
                    })
                } else {
                    sealtoken_check::scan(data)
                };
                findings += report.unwrap().findings().len();
            }
            assert_eq!(findings, FILES / 100);
            findings
        })
    });
    let bin = env!("CARGO_BIN_EXE_sealtoken");
    g.bench_function("sealtoken check, 10k-file tree", |b| {
        b.iter(|| {
            let out = Command::new(bin)
                .arg("check")
                .current_dir(&root)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1));
            assert_eq!(
                out.stdout.iter().filter(|b| **b == b'\n').count(),
                FILES / 100
            );
        })
    });
    g.finish();

    // Linear time on large single files: a Secret with many keys, a broken
    // file (refused unparsed), and a template that is not YAML even once
    // untemplated (read line by line), at 1 MB and 10 MB; the 10 MB case
    // should take about 10x the 1 MB one.
    let mut g = c.benchmark_group("check large file");
    g.sample_size(10);
    for (what, shape) in [
        ("many-key Secret", Shape::Valid),
        ("broken file", Shape::Broken),
        ("broken template", Shape::BrokenTemplate),
    ] {
        for mb in [1usize, 10] {
            let text = large_secret(mb * 1_000_000, shape);
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_function(format!("{what}, {mb} MB"), |b| {
                b.iter(|| {
                    let r = sealtoken_check::scan(text.as_bytes()).unwrap();
                    assert_eq!(r.findings().len(), 1);
                    r.is_line_based()
                })
            });
        }
    }
    g.finish();
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// Valid YAML.
    Valid,
    /// YAML with an error on its last line.
    Broken,
    /// A Helm template that is not YAML once untemplated.
    BrokenTemplate,
}

/// A Secret of about `bytes` bytes with one key a line, shaped as `shape`.
fn large_secret(bytes: usize, shape: Shape) -> String {
    let mut s = String::with_capacity(bytes + 64);
    if shape == Shape::BrokenTemplate {
        s.push_str("{{ if .Values.x }}\n");
    }
    s.push_str("kind: Secret\nstringData:\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!("  key{i:08}: value-{i:08}\n"));
        i += 1;
    }
    if shape != Shape::Valid {
        s.push_str("  bad: [oops\n");
    }
    s
}

criterion_group!(benches, bench);
criterion_main!(benches);
