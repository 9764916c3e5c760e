//! Every Receiver and patch `--receiver-manifests` writes, for all 13 types
//! and the Receiver spec flags in combination, against the Receiver CRD of
//! notification-controller v1.9.3: its `openAPIV3Schema` constraints (as
//! written out in `fixtures/receiver-crd/receiver-v1.json`, checked here by
//! a small validator of that JSON Schema subset, unknown fields refused as
//! the API server's strict field validation refuses them) and its four
//! `x-kubernetes-validations` rules (`common::crd_schema`). The files are
//! read back through the project's YAML reader (go-yaml v2's reading), so a
//! value YAML would read as a number or a boolean fails the schema's
//! `type: string`. The negative cases prove the checker fails on each kind
//! of violation.

use std::path::Path;

use serde_json::{json, Value};

use crate::common::crd_schema::{patch_violations, read_dir, violations};
use crate::common::{demo_cert, sealtoken};

/// Every type, one Receiver each (`r-<type>`), in one run.
pub(crate) const TYPES: [&str; 13] = [
    "generic",
    "generic-hmac",
    "generic-oidc",
    "github",
    "gitlab",
    "bitbucket",
    "harbor",
    "dockerhub",
    "quay",
    "gcr",
    "nexus",
    "acr",
    "cdevents",
];

/// The OIDC provider flags used with every combination (two issuers, the
/// second with its own audience, a variable and a message).
const OIDC: [&str; 14] = [
    "--oidc-issuer",
    "https://token.actions.githubusercontent.com",
    "--oidc-validation",
    "claims.repository_owner == 'acme'",
    "--oidc-issuer",
    "https://gitlab.example.org",
    "--oidc-audience",
    "flux",
    "--oidc-variable",
    "is_main=claims.ref == 'refs/heads/main'",
    "--oidc-validation",
    "vars.is_main == true",
    "--oidc-message",
    "only main",
];

/// Runs the main job writing manifests for `types` with `extra` flags; the
/// objects written.
fn written(types: &[&str], extra: &[&str]) -> Vec<(String, Value)> {
    let dir = tempfile::tempdir().unwrap();
    written_in(dir.path(), types, extra)
}

/// [`written`], the files left in `dir/receivers`.
pub(crate) fn written_in(dir: &Path, types: &[&str], extra: &[&str]) -> Vec<(String, Value)> {
    let manifests = dir.join("receivers");
    let mut c = sealtoken();
    if types != ["generic-oidc"] {
        // generic-oidc alone has no token Secret: nothing is sealed.
        c.arg("--cert")
            .arg(demo_cert())
            .arg("-w")
            .arg(dir.join("token.yaml"))
            .arg("--token-file")
            .arg(dir.join("token.txt"));
    }
    c.arg("--receiver-manifests")
        .arg(&manifests)
        .args(["--git-repository", "apps", "--image-repository", "images"])
        .args(["--host", "flux.example.org"]);
    for t in types {
        c.args(["--receiver", &format!("r-{t}"), "--provider", t]);
    }
    if types.contains(&"gcr") {
        c.args(["--gcr-email", "flux@example.iam.gserviceaccount.com"]);
    }
    if types.contains(&"generic-oidc") {
        c.args(OIDC);
    }
    c.args(extra);
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{extra:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    read_dir(&manifests)
}

/// Flag combinations of the Receiver spec flags, beside the default
/// (each type's repository).
fn combinations() -> Vec<Vec<&'static str>> {
    let mut all_kinds = Vec::new();
    for k in [
        "Bucket",
        "GitRepository",
        "Kustomization",
        "HelmRelease",
        "HelmChart",
        "HelmRepository",
        "ImageRepository",
        "ImagePolicy",
        "ImageUpdateAutomation",
        "OCIRepository",
        "ArtifactGenerator",
        "ExternalArtifact",
    ] {
        all_kinds.push("--resource");
        all_kinds.push(Box::leak(format!("{k}/app").into_boxed_str()) as &str);
    }
    vec![
        vec![],
        vec!["--resource-filter", "res.metadata.name == 'apps'"],
        vec![
            "--resource",
            "Kustomization/apps",
            "--filter",
            "req.ref == 'refs/heads/main'",
        ],
        vec![
            "--resource",
            "HelmRelease/*",
            "--resource-label",
            "app=web",
            "--resource-label",
            "app.kubernetes.io/part-of=shop",
        ],
        vec![
            "--resource",
            "ArtifactGenerator/tenant/gen",
            "--resource",
            "ExternalArtifact/art",
            "--filter",
            "has(res.metadata.labels)",
            "--resource-filter",
            "true",
        ],
        vec![
            "--resource",
            "GitRepository/*",
            "--resource-label",
            "true=123",
            "--resource",
            "OCIRepository/null",
        ],
        all_kinds,
        vec!["--interval", "1h30m"],
    ]
}

#[test]
fn every_receiver_written_passes_the_crd_schema_and_its_cel_rules() {
    for extra in combinations() {
        let objects = written(&TYPES, &extra);
        let receivers: Vec<_> = objects
            .iter()
            .filter(|(_, o)| o["kind"] == "Receiver")
            .collect();
        assert_eq!(receivers.len(), TYPES.len(), "{extra:?}");
        for (file, o) in &objects {
            let v = if o["kind"] == "Receiver" {
                violations(o)
            } else {
                patch_violations(o)
            };
            assert!(v.is_empty(), "{extra:?}: {file}: {v:?}\n{o:#}");
        }
        for t in TYPES {
            let (_, o) = receivers
                .iter()
                .find(|(_, o)| o["metadata"]["name"] == format!("r-{t}"))
                .unwrap();
            assert_eq!(o["spec"]["type"], t);
        }
        let oidc = &receivers
            .iter()
            .find(|(_, o)| o["spec"]["type"] == "generic-oidc")
            .unwrap()
            .1;
        assert_eq!(oidc["spec"]["oidcProviders"][1]["audience"], "flux");
        assert_eq!(
            oidc["spec"]["oidcProviders"][0]["audience"],
            "notification-controller"
        );
        assert_eq!(
            oidc["spec"]["oidcProviders"][0]["validations"][0]["message"],
            "token claims do not satisfy: claims.repository_owner == 'acme'"
        );
        assert_eq!(
            oidc["spec"]["oidcProviders"][1]["validations"][0]["message"],
            "only main"
        );
        assert_eq!(
            oidc["spec"]["oidcProviders"][1]["variables"][0]["name"],
            "is_main"
        );
    }
}

/// Every subset of the spec flag families (2^7 runs, all 13 types in each):
/// a top-level filter, a named resource with a namespace, a label-selected
/// resource, a per-resource filter, the two newest kinds, one OIDC issuer
/// instead of two, a polling interval.
#[test]
fn every_combination_of_the_flag_families_passes() {
    let families: [&[&str]; 7] = [
        &["--resource-filter", "req.ref == 'refs/heads/main'"],
        &["--resource", "HelmRelease/apps/web"],
        &[
            "--resource",
            "ImagePolicy/*",
            "--resource-label",
            "tier=front",
        ],
        &[
            "--resource",
            "Bucket/b",
            "--filter",
            "res.metadata.name == 'b'",
        ],
        &[
            "--resource",
            "ArtifactGenerator/gen",
            "--resource",
            "ExternalArtifact/art",
        ],
        &[
            "--oidc-issuer",
            "https://issuer.example",
            "--oidc-validation",
            "has(claims.sub)",
        ],
        &["--interval", "90s"],
    ];
    for mask in 0u32..(1 << families.len()) {
        let extra: Vec<&str> = families
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .flat_map(|(_, f)| f.iter().copied())
            .collect();
        let objects = written(&TYPES, &extra);
        assert_eq!(
            objects
                .iter()
                .filter(|(_, o)| o["kind"] == "Receiver")
                .count(),
            TYPES.len()
        );
        for (file, o) in &objects {
            let v = if o["kind"] == "Receiver" {
                violations(o)
            } else {
                patch_violations(o)
            };
            assert!(v.is_empty(), "{extra:?}: {file}: {v:?}");
        }
    }
}

/// One type per run, so that a Receiver alone (one type in the run, the URL
/// annotation, one gcr audience from the host) is covered for each.
#[test]
fn each_type_alone_passes() {
    for t in TYPES {
        for extra in [
            &[][..],
            &[
                "--resource",
                "GitRepository/*",
                "--resource-label",
                "app=web",
            ][..],
        ] {
            for (file, o) in written(&[t], extra) {
                let v = if o["kind"] == "Receiver" {
                    violations(&o)
                } else {
                    patch_violations(&o)
                };
                assert!(v.is_empty(), "{t} {extra:?}: {file}: {v:?}");
            }
        }
    }
}

/// Quoted where YAML would read another type: the label value `123`, the key
/// `true`, the name `null` stay strings through the YAML reader.
#[test]
fn values_yaml_would_misread_stay_strings() {
    let objects = written(
        &["github"],
        &[
            "--resource",
            "GitRepository/*",
            "--resource-label",
            "true=123",
            "--resource",
            "OCIRepository/null",
        ],
    );
    let (_, r) = objects
        .iter()
        .find(|(_, o)| o["kind"] == "Receiver")
        .unwrap();
    assert_eq!(r["spec"]["resources"][0]["matchLabels"]["true"], "123");
    assert_eq!(r["spec"]["resources"][1]["name"], "null");
}

/// The checker itself: a valid Receiver passes, and each kind of violation
/// of the schema or of a CEL rule is found.
#[test]
fn the_checker_finds_each_kind_of_violation() {
    let objects = written(&["github", "generic-oidc"], &[]);
    let pick = |t: &str| {
        objects
            .iter()
            .find(|(_, o)| o["spec"]["type"] == t)
            .unwrap()
            .1
            .clone()
    };
    let (github, oidc) = (pick("github"), pick("generic-oidc"));
    assert!(violations(&github).is_empty());
    assert!(violations(&oidc).is_empty());

    let mutated: Vec<(&str, Value, &str)> = vec![
        (
            "no secretRef",
            {
                let mut o = github.clone();
                o["spec"].as_object_mut().unwrap().remove("secretRef");
                o
            },
            "secretRef is required",
        ),
        (
            "secretRef on oidc",
            {
                let mut o = oidc.clone();
                o["spec"]["secretRef"] = json!({"name": "t"});
                o
            },
            "secretRef cannot be set",
        ),
        (
            "no providers",
            {
                let mut o = oidc.clone();
                o["spec"].as_object_mut().unwrap().remove("oidcProviders");
                o
            },
            "must define at least one oidcProvider",
        ),
        (
            "empty providers",
            {
                let mut o = oidc.clone();
                o["spec"]["oidcProviders"] = json!([]);
                o
            },
            "must define at least one oidcProvider",
        ),
        (
            "providers on github",
            {
                let mut o = github.clone();
                o["spec"]["oidcProviders"] = oidc["spec"]["oidcProviders"].clone();
                o
            },
            "only be set when type is generic-oidc",
        ),
        (
            "kind enum",
            {
                let mut o = github.clone();
                o["spec"]["resources"][0]["kind"] = json!("Secret");
                o
            },
            "not in the enum",
        ),
        (
            "type enum",
            {
                let mut o = github.clone();
                o["spec"]["type"] = json!("gitea");
                o
            },
            "not in the enum",
        ),
        (
            "empty name",
            {
                let mut o = github.clone();
                o["spec"]["resources"][0]["name"] = json!("");
                o
            },
            "minLength",
        ),
        (
            "long name",
            {
                let mut o = github.clone();
                o["spec"]["resources"][0]["name"] = json!("a".repeat(254));
                o
            },
            "maxLength",
        ),
        (
            "issuer pattern",
            {
                let mut o = oidc.clone();
                o["spec"]["oidcProviders"][0]["issuerURL"] = json!("ftp://x");
                o
            },
            "does not match ^https?://",
        ),
        (
            "no validations",
            {
                let mut o = oidc.clone();
                o["spec"]["oidcProviders"][0]["validations"] = json!([]);
                o
            },
            "minItems",
        ),
        (
            "no message",
            {
                let mut o = oidc.clone();
                o["spec"]["oidcProviders"][0]["validations"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("message");
                o
            },
            "missing required \"message\"",
        ),
        (
            "duplicate issuer",
            {
                let mut o = oidc.clone();
                let p = o["spec"]["oidcProviders"][0].clone();
                o["spec"]["oidcProviders"][1] = p;
                o
            },
            "duplicate list-map key",
        ),
        (
            "unknown field",
            {
                let mut o = github.clone();
                o["spec"]["resource"] = json!("x");
                o
            },
            "unknown field",
        ),
        (
            "interval",
            {
                let mut o = github.clone();
                o["spec"]["interval"] = json!("1d");
                o
            },
            "does not match",
        ),
        (
            "number label",
            {
                let mut o = github.clone();
                o["spec"]["resources"][0]["matchLabels"] = json!({"app": {"$number": "123"}});
                o
            },
            "expected string",
        ),
        (
            "bool suspend",
            {
                let mut o = github.clone();
                o["spec"]["suspend"] = json!("true");
                o
            },
            "expected boolean",
        ),
        (
            "no resources",
            {
                let mut o = github.clone();
                o["spec"].as_object_mut().unwrap().remove("resources");
                o
            },
            "missing required \"resources\"",
        ),
    ];
    for (what, o, want) in mutated {
        let v = violations(&o);
        assert!(v.iter().any(|m| m.contains(want)), "{what}: {v:?}");
    }
    assert!(!patch_violations(
        &json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
        "metadata": {"name": "a", "namespace": "b"}, "spec": {"interval": "1x"}})
    )
    .is_empty());
}

/// What the CRD or the controller would refuse is refused before anything
/// is written, naming the flag.
#[test]
fn flags_the_crd_would_refuse_are_refused_naming_the_flag() {
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--provider", "generic-oidc"],
            "--oidc-issuer URL with --oidc-validation EXPR",
        ),
        (
            vec![
                "--provider",
                "generic-oidc",
                "--oidc-issuer",
                "https://a.example",
            ],
            "give at least one --oidc-validation",
        ),
        (
            vec!["--provider", "generic-oidc", "--oidc-validation", "true"],
            "give --oidc-issuer URL",
        ),
        (
            vec![
                "--provider",
                "generic-oidc",
                "--oidc-issuer",
                "ftp://a",
                "--oidc-validation",
                "true",
            ],
            "--oidc-issuer: spec.oidcProviders[0].issuerURL",
        ),
        (
            vec![
                "--provider",
                "generic-oidc",
                "--oidc-issuer",
                "https://a",
                "--oidc-validation",
                "claims.sub ==",
            ],
            "--oidc-validation \"claims.sub ==\": not valid CEL: 1:",
        ),
        (
            vec![
                "--provider",
                "generic-oidc",
                "--oidc-issuer",
                "https://a",
                "--oidc-validation",
                "claims.admin",
            ],
            "must be a boolean",
        ),
        (
            vec![
                "--provider",
                "generic-oidc",
                "--oidc-issuer",
                "https://a",
                "--oidc-issuer",
                "https://a",
                "--oidc-validation",
                "true",
            ],
            "give at least one --oidc-validation",
        ),
        (
            vec![
                "--provider",
                "generic-oidc",
                "--oidc-issuer",
                "https://a",
                "--oidc-validation",
                "true",
                "--oidc-issuer",
                "https://a",
                "--oidc-validation",
                "true",
            ],
            "given twice",
        ),
        (
            vec![
                "--provider",
                "generic-oidc",
                "--oidc-issuer",
                "https://a",
                "--oidc-message",
                "m",
            ],
            "applies to the --oidc-validation before it",
        ),
        (
            vec![
                "--provider",
                "generic-oidc",
                "--oidc-issuer",
                "https://a",
                "--oidc-validation",
                "true",
                "--oidc-variable",
                "1x=claims.a",
            ],
            "--oidc-variable: spec.oidcProviders[0].variables[0].name",
        ),
        (
            vec![
                "--provider",
                "github",
                "--oidc-issuer",
                "https://a",
                "--oidc-validation",
                "true",
            ],
            "--oidc-issuer is for generic-oidc Receivers",
        ),
        (
            vec![
                "--provider",
                "github",
                "--resource-filter",
                "claims.sub == 'x'",
            ],
            "--resource-filter: spec.resourceFilter: undeclared reference to \"claims\"",
        ),
        (
            vec!["--provider", "github", "--resource", "Secret/x"],
            "unknown resource kind \"Secret\"",
        ),
        (
            vec!["--provider", "github", "--resource", "GitRepository/*"],
            "the name * needs matchLabels",
        ),
        (
            vec![
                "--provider",
                "github",
                "--resource",
                "GitRepository/a",
                "--resource-label",
                "a=b",
            ],
            "matchLabels requires the name to be *",
        ),
        (
            vec!["--provider", "github", "--resource-label", "a=b"],
            "applies to the --resource KIND/* before it",
        ),
        (
            vec!["--provider", "github", "--filter", "true"],
            "applies to the --resource before it",
        ),
        (
            vec![
                "--provider",
                "github",
                "--resource",
                "GitRepository/a",
                "--filter",
                "res.x",
            ],
            "must be a boolean",
        ),
    ];
    for (flags, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let out = sealtoken()
            .arg("--cert")
            .arg(demo_cert())
            .arg("-w")
            .arg(dir.path().join("t.yaml"))
            .args([
                "--receiver",
                "r",
                "--git-repository",
                "apps",
                "--receiver-manifests",
            ])
            .arg(dir.path().join("m"))
            .args(&flags)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(want), "{flags:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{flags:?}: {err}");
        assert!(
            !dir.path().join("t.yaml").exists() && !dir.path().join("m").exists(),
            "{flags:?}"
        );
    }
    // Without --receiver-manifests the spec flags have nowhere to go.
    let out = sealtoken()
        .args([
            "--receiver",
            "r",
            "--provider",
            "generic-oidc",
            "--resource-filter",
            "true",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("add --receiver-manifests DIR"));
}
