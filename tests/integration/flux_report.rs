//! The main job's `--report json`, gcr's extra Secret keys, generic-oidc
//! (nothing sealed), Receiver manifests of every type, and `rotate` end to
//! end. Sealed values are opened by the independent implementation
//! (tests/interop/hybrid.py), paths checked against Python's hashlib.

use std::process::Command;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;

use crate::common::hybrid::hybrid_py;
use crate::common::{demo_cert, demo_key, sealtoken, Run};
use crate::tools;

/// `/hook/` + hex SHA-256 of `token || name || namespace`, by Python's hashlib.
fn py_path(token: &str, name: &str, ns: &str) -> String {
    let out = Command::new(tools::python())
        .args([
            "-c",
            "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())",
        ])
        .arg(format!("{token}{name}{ns}"))
        .output()
        .unwrap();
    assert!(out.status.success());
    format!("/hook/{}", String::from_utf8(out.stdout).unwrap().trim())
}

/// The values of a sealed file (YAML or JSON), opened by hybrid.py with the demo key.
fn open_with_python(path: &std::path::Path) -> Value {
    let text = std::fs::read(path).unwrap();
    let sealed = kubeseal_core::read_sealed_secrets(&text).unwrap();
    let json: Value =
        serde_json::from_str(&sealed[0].to_string(kubeseal_core::Format::Json)).unwrap();
    hybrid_py(&["open-sealed"], &demo_key(), &json)
}

fn decoded(v: &Value, key: &str) -> String {
    String::from_utf8(STANDARD.decode(v[key].as_str().unwrap()).unwrap()).unwrap()
}

#[test]
fn main_job_json_report_names_receivers_files_scope_and_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("token.sealed.yaml");
    let recv = dir.path().join("receivers");
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args(["--provider", "github", "--provider", "harbor"])
        .args(["--git-repository", "apps", "--image-repository", "images"])
        .args(["--host", "flux.example.org", "--scope", "namespace-wide"])
        .arg("--receiver-manifests")
        .arg(&recv)
        .arg("-w")
        .arg(&out_file)
        .args(["--report", "json", "--report-include-token"])
        .succeeds();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["command"], "token");
    let token = r["token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 2 * flux_receiver::DEFAULT_TOKEN_BYTES);
    // The token in the report is the one sealed.
    assert_eq!(decoded(&open_with_python(&out_file), "token"), token);
    assert_eq!(r["secret"]["scope"], "namespace-wide");
    assert_eq!(r["secret"]["name"], "webhook-token");
    assert_eq!(r["secret"]["watch_label"], true);
    // The fingerprint, by an independent tool: openssl-free, Python's hashlib over the DER.
    let fp = Command::new(tools::python())
        .args([
            "-c",
            "import hashlib,ssl,sys; print(hashlib.sha256(ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read())).hexdigest())",
        ])
        .arg(demo_cert())
        .output()
        .unwrap();
    assert_eq!(
        r["certificate"]["sha256"].as_str().unwrap(),
        String::from_utf8(fp.stdout).unwrap().trim()
    );
    let recs = r["receivers"].as_array().unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["name"], "apps-github");
    assert_eq!(recs[0]["events"], serde_json::json!(["ping", "push"]));
    assert_eq!(recs[1]["name"], "images-harbor");
    assert_eq!(recs[1]["type"], "harbor");
    for rec in recs {
        let path = py_path(&token, rec["name"].as_str().unwrap(), "flux-system");
        assert_eq!(rec["path"], path.as_str());
        assert_eq!(
            rec["url"],
            format!("https://flux.example.org{path}").as_str()
        );
        let file = rec["file"].as_str().unwrap();
        assert!(std::path::Path::new(file).exists(), "{file}");
    }
    let kinds: Vec<&str> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["sealed-secret", "receiver", "receiver", "patch"]);
    // The harbor Receiver reconciles the ImageRepository.
    let harbor = std::fs::read_to_string(recv.join("receiver-images-harbor.yaml")).unwrap();
    assert!(
        harbor.contains("kind: ImageRepository") && harbor.contains("name: images"),
        "{harbor}"
    );
    assert!(!harbor.contains("events"), "{harbor}");
}

#[test]
fn main_job_json_report_leaves_the_token_out_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("t.yaml");
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args(["--receiver", "apps-gitlab", "--report", "json", "-w"])
        .arg(&out_file)
        .succeeds();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r.get("token").is_none(), "{r}");
    let token = decoded(&open_with_python(&out_file), "token");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));
    // Shown once, on stderr, since it is nowhere else.
    assert!(String::from_utf8_lossy(&out.stderr).contains(&token));
    assert_eq!(
        r["receivers"][0]["path"],
        py_path(&token, "apps-gitlab", "flux-system").as_str()
    );
    assert!(r["receivers"][0]["url"].is_null());
    // JSON on stdout needs the SealedSecret in a file.
    sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args(["--report", "json"])
        .assert()
        .code(2);
}

#[test]
fn gcr_seals_email_and_audience_with_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("t.yaml");
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args([
            "--receiver",
            "apps-gcr",
            "--provider",
            "gcr",
            "--host",
            "flux.example.org",
        ])
        .args(["--gcr-email", "push@proj.iam.gserviceaccount.com"])
        .args(["--report", "json", "--report-include-token", "-w"])
        .arg(&out_file)
        .succeeds();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let opened = open_with_python(&out_file);
    let token = decoded(&opened, "token");
    assert_eq!(
        decoded(&opened, "email"),
        "push@proj.iam.gserviceaccount.com"
    );
    // Default audience: the push endpoint, i.e. the webhook URL.
    let url = format!(
        "https://flux.example.org{}",
        py_path(&token, "apps-gcr", "flux-system")
    );
    assert_eq!(decoded(&opened, "audience"), url);
    assert_eq!(
        r["secret"]["extra_keys"],
        serde_json::json!(["email", "audience"])
    );
    // An explicit audience wins; a gcr Receiver without an email is refused.
    let out2 = dir.path().join("t2.yaml");
    sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args(["--receiver", "apps-gcr", "--provider", "gcr"])
        .args(["--gcr-email", "e@x", "--gcr-audience", "my-aud", "-w"])
        .arg(&out2)
        .succeeds();
    assert_eq!(decoded(&open_with_python(&out2), "audience"), "my-aud");
    // Flux's own flag names (flux create secret receiver) work too.
    let out3 = dir.path().join("t3.yaml");
    sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args(["--receiver", "apps-gcr", "--provider", "gcr"])
        .args(["--email-claim", "f@x", "--audience-claim", "flux-aud", "-w"])
        .arg(&out3)
        .succeeds();
    let opened3 = open_with_python(&out3);
    assert_eq!(
        (decoded(&opened3, "email"), decoded(&opened3, "audience")),
        ("f@x".to_string(), "flux-aud".to_string())
    );
    for args in [
        vec!["--receiver", "apps-gcr", "--provider", "gcr", "--host", "h"],
        vec![
            "--receiver",
            "apps-gcr",
            "--provider",
            "gcr",
            "--gcr-email",
            "e@x",
        ],
        vec!["--receiver", "apps-github", "--gcr-email", "e@x"],
    ] {
        let o = sealtoken()
            .current_dir(dir.path())
            .arg("--cert")
            .arg(demo_cert())
            .args(&args)
            .args(["-w", "refused.yaml"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("gcr"),
            "{args:?}"
        );
        assert!(!dir.path().join("refused.yaml").exists());
    }
}

#[test]
fn generic_oidc_alone_seals_nothing_and_prints_the_empty_token_path() {
    let dir = tempfile::tempdir().unwrap();
    let recv = dir.path().join("r");
    // No certificate at all: nothing is sealed, so none is needed.
    let out = sealtoken()
        .current_dir(dir.path())
        .env("SEALED_SECRETS_CERT", dir.path().join("absent.pem"))
        .args(["--receiver", "deploy", "--provider", "generic-oidc"])
        .args(["--git-repository", "apps", "--host", "flux.example.org"])
        .args([
            "--oidc-issuer",
            "https://token.actions.githubusercontent.com",
        ])
        .args(["--oidc-validation", "claims.repository_owner == 'acme'"])
        .arg("--receiver-manifests")
        .arg(&recv)
        .succeeds();
    let text = String::from_utf8(out.stdout).unwrap();
    let want = py_path("", "deploy", "flux-system");
    assert!(
        text.contains(&format!("https://flux.example.org{want}")),
        "{text}"
    );
    assert!(text.contains("Nothing sealed"), "{text}");
    assert!(!text.contains("SealedSecret"), "{text}");
    let m = std::fs::read_to_string(recv.join("receiver-deploy.yaml")).unwrap();
    assert!(
        m.contains("type: generic-oidc")
            && !m.contains("secretRef")
            && m.contains(
                "  oidcProviders:\n    - issuerURL: https://token.actions.githubusercontent.com\n"
            ),
        "{m}"
    );
    // Only the manifest and the patch were written.
    assert_eq!(std::fs::read_dir(&recv).unwrap().count(), 2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // Asking for a sealed file is refused, clearly.
    let o = sealtoken()
        .current_dir(dir.path())
        .args([
            "--receiver",
            "deploy",
            "--provider",
            "generic-oidc",
            "-w",
            "x.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no token Secret"));
}

#[test]
fn receiver_manifests_for_every_type_carry_the_documented_events() {
    let dir = tempfile::tempdir().unwrap();
    let recv = dir.path().join("r");
    let types = [
        "generic",
        "generic-hmac",
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
        "generic-oidc",
    ];
    let mut c = sealtoken();
    c.arg("--cert").arg(demo_cert());
    for t in types {
        c.args(["--provider", t]);
    }
    c.args(["--git-repository", "apps", "--image-repository", "imgs"])
        .args(["--gcr-email", "e@x", "--gcr-audience", "aud"])
        .args([
            "--oidc-issuer",
            "https://token.actions.githubusercontent.com",
        ])
        .args(["--oidc-validation", "claims.repository_owner == 'acme'"])
        .arg("--receiver-manifests")
        .arg(&recv)
        .arg("-w")
        .arg(dir.path().join("t.yaml"))
        .succeeds();
    // Read back by `sealtoken receivers` (the repository reader), as JSON.
    let token_file = dir.path().join("token.txt");
    std::fs::write(&token_file, "0123456789abcdef0123456789abcdef").unwrap();
    let out = sealtoken()
        .arg("receivers")
        .arg(&recv)
        .args(["--report", "json", "--token-file"])
        .arg(&token_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let recs = r["receivers"].as_array().unwrap();
    assert_eq!(recs.len(), types.len());
    // The Flux Receivers docs' examples.
    let events =
        |t: &str| -> Value { recs.iter().find(|x| x["type"] == t).unwrap()["events"].clone() };
    assert_eq!(events("github"), serde_json::json!(["ping", "push"]));
    assert_eq!(
        events("gitlab"),
        serde_json::json!(["Push Hook", "Tag Push Hook"])
    );
    assert_eq!(
        events("bitbucket"),
        serde_json::json!(["repo:refs_changed"])
    );
    assert_eq!(
        events("cdevents"),
        serde_json::json!(["dev.cdevents.change.merged"])
    );
    assert_eq!(events("harbor"), serde_json::json!([]));
    for x in recs {
        let name = x["name"].as_str().unwrap();
        let t = x["type"].as_str().unwrap();
        let registry = ["harbor", "dockerhub", "quay", "gcr", "nexus", "acr"].contains(&t);
        assert_eq!(
            name,
            format!("{}-{t}", if registry { "imgs" } else { "apps" })
        );
        assert_eq!(x["secret_ref"].is_null(), t == "generic-oidc", "{t}");
    }
    // A registry type without --image-repository is refused before anything is written.
    let o = sealtoken()
        .current_dir(dir.path())
        .arg("--cert")
        .arg(demo_cert())
        .args(["--provider", "quay", "--git-repository", "apps"])
        .args(["--receiver-manifests", "r2", "-w", "t2.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--image-repository"));
    assert!(!dir.path().join("r2").exists() && !dir.path().join("t2.yaml").exists());
}

/// `rotate` end to end: a token SealedSecret with another key, Receivers in
/// a tree; the new token is merged, the other key's ciphertext and the
/// file's format kept, the new URLs printed in the order that avoids downtime.
#[test]
fn rotate_merges_a_new_token_keeps_the_rest_and_prints_new_urls_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let sealed_file = dir.path().join("webhook-token.sealed.json");
    let secret = dir.path().join("secret.yaml");
    std::fs::write(
        &secret,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: webhook-token\n  namespace: flux-system\nstringData:\n  token: old-token-0123456789abcdef\n  other: keep-me\n",
    )
    .unwrap();
    sealtoken()
        .arg("seal")
        .arg("--cert")
        .arg(demo_cert())
        .arg("-f")
        .arg(&secret)
        .arg("-w")
        .arg(&sealed_file)
        .succeeds();
    let before: Value = serde_json::from_slice(&std::fs::read(&sealed_file).unwrap()).unwrap();
    let tree = dir.path().join("clusters");
    std::fs::create_dir_all(tree.join("apps")).unwrap();
    std::fs::write(
        tree.join("apps/receivers.yaml"),
        "apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: apps-github\n  namespace: flux-system\nspec:\n  type: github\n  events: [\"push\"]\n  secretRef:\n    name: webhook-token\n  resources:\n    - kind: GitRepository\n      name: apps\n---\napiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: other\n  namespace: flux-system\nspec:\n  type: gitlab\n  secretRef:\n    name: another-token\n  resources:\n    - kind: GitRepository\n      name: apps\n",
    )
    .unwrap();
    let token_file = dir.path().join("new-token.txt");
    // Text: the steps in order.
    let out = sealtoken()
        .arg("rotate")
        .arg("-f")
        .arg(&sealed_file)
        .arg("--cert")
        .arg(demo_cert())
        .arg("--receivers-from")
        .arg(&tree)
        .args(["--host", "flux.example.org", "--token-file"])
        .arg(&token_file)
        .succeeds();
    let text = String::from_utf8(out.stdout).unwrap();
    let token = std::fs::read_to_string(&token_file).unwrap();
    assert_ne!(token, "old-token-0123456789abcdef");
    let url = format!(
        "https://flux.example.org{}",
        py_path(&token, "apps-github", "flux-system")
    );
    assert!(text.contains(&url), "{text}");
    assert!(
        !text.contains("flux-system/other"),
        "only the token's Receivers: {text}"
    );
    let commit = text.find("1. Commit and push").unwrap();
    let reconcile = text.find("2. The notification-controller").unwrap();
    let update = text.find("3. Right after").unwrap();
    let at = text.find(&url).unwrap();
    assert!(
        commit < reconcile && reconcile < update && update < at,
        "{text}"
    );
    // The file: still JSON, the other key's ciphertext byte for byte, the new token inside.
    let after_text = std::fs::read(&sealed_file).unwrap();
    let after: Value = serde_json::from_slice(&after_text).unwrap();
    assert_eq!(
        after["spec"]["encryptedData"]["other"],
        before["spec"]["encryptedData"]["other"]
    );
    assert_ne!(
        after["spec"]["encryptedData"]["token"],
        before["spec"]["encryptedData"]["token"]
    );
    let opened = hybrid_py(&["open-sealed"], &demo_key(), &after);
    assert_eq!(decoded(&opened, "token"), token);
    assert_eq!(decoded(&opened, "other"), "keep-me");
    assert_eq!(
        after["spec"]["template"]["metadata"]["labels"]["reconcile.fluxcd.io/watch"],
        "Enabled"
    );

    // JSON report: the Receiver's events as written, its new URL, the file written.
    let out = sealtoken()
        .arg("rotate")
        .arg("-f")
        .arg(&sealed_file)
        .arg("--cert")
        .arg(demo_cert())
        .arg("--receivers-from")
        .arg(&tree)
        .args([
            "--host",
            "flux.example.org",
            "--report",
            "json",
            "--report-include-token",
        ])
        .succeeds();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let token2 = r["token"].as_str().unwrap();
    assert_ne!(token2, token);
    let rec = &r["receivers"][0];
    assert_eq!(r["receivers"].as_array().unwrap().len(), 1);
    assert_eq!(rec["events"], serde_json::json!(["push"]));
    assert_eq!(
        rec["url"],
        format!(
            "https://flux.example.org{}",
            py_path(token2, "apps-github", "flux-system")
        )
        .as_str()
    );
    assert_eq!(r["files"][0]["kind"], "sealed-secret");
    assert_eq!(r["secret"]["extra_keys"], serde_json::json!(["other"]));
    let opened = hybrid_py(
        &["open-sealed"],
        &demo_key(),
        &serde_json::from_slice(&std::fs::read(&sealed_file).unwrap()).unwrap(),
    );
    assert_eq!(decoded(&opened, "token"), token2);
    assert_eq!(decoded(&opened, "other"), "keep-me");
}
