//! The main job end to end: a token, its sealed Secret, the webhook paths
//! and URLs, Receiver manifests, and what it refuses.

use kubeseal_core::Scope;
use predicates::prelude::*;

use crate::common::sealed::{only_sealed, reported_token, sha256sum, unsealed_value};
use crate::common::{demo_cert, fixture, sealtoken, Run};

#[test]
fn main_job_to_stdout_writes_only_the_manifest_and_reports_the_token_on_stderr() {
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args(["--namespace", "flux-system"])
        .succeeds();
    let sealed = only_sealed(&out.stdout);
    assert_eq!(sealed.metadata.name.as_deref(), Some("webhook-token"));
    assert_eq!(sealed.metadata.namespace.as_deref(), Some("flux-system"));
    assert_eq!(sealed.template.secret_type.as_deref(), Some("Opaque"));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("---\napiVersion: bitnami.com/v1alpha1\n")
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    let token = reported_token(&stderr);
    assert_eq!(token.len(), 32);
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert_eq!(unsealed_value(&sealed, "token"), token.as_bytes());
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));
    assert_eq!(
        stderr.matches(&token).count(),
        1,
        "token shown exactly once"
    );
}

#[test]
fn main_job_options_bytes_name_key_scope_json() {
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args([
            "-n",
            "apps",
            "--bytes",
            "32",
            "--name",
            "hook",
            "--key",
            "secret",
            "--scope",
            "namespace-wide",
            "-o",
            "json",
        ])
        .succeeds();
    assert!(out.stdout.starts_with(b"{\n  \"kind\": \"SealedSecret\""));
    let sealed = only_sealed(&out.stdout);
    assert_eq!(
        (
            sealed.metadata.name.as_deref(),
            sealed.metadata.namespace.as_deref()
        ),
        (Some("hook"), Some("apps"))
    );
    assert_eq!(
        Scope::from_annotations(&sealed.metadata.annotations),
        Scope::NamespaceWide
    );
    let token = reported_token(&String::from_utf8(out.stderr).unwrap());
    assert_eq!(token.len(), 64);
    assert_eq!(unsealed_value(&sealed, "secret"), token.as_bytes());
}

#[test]
fn main_job_receivers_and_urls_follow_the_controller_formula() {
    let dir = tempfile::tempdir().unwrap();
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args([
            "--receiver",
            "tenant-demo-github",
            "--receiver",
            "tenant-demo-gitlab",
            "--host",
            "flux.example.org",
            "-w",
        ])
        .arg(dir.path().join("t.yaml"))
        .succeeds();
    let report = String::from_utf8(out.stdout).unwrap();
    let token = reported_token(&report);
    for (name, provider_line) in [
        (
            "tenant-demo-github",
            "GitHub: Payload URL https://flux.example.org/hook/",
        ),
        (
            "tenant-demo-gitlab",
            "GitLab: URL https://flux.example.org/hook/",
        ),
    ] {
        let hash = sha256sum(&format!("{token}{name}flux-system"));
        assert!(
            report.contains(&format!("webhook path: /hook/{hash}")),
            "{report}"
        );
        assert!(
            report.contains(&format!("{provider_line}{hash}")),
            "{report}"
        );
    }
    assert!(report.contains("content type application/json"));
    assert!(report.contains("Push events + Tag push events"));
}

#[test]
fn main_job_single_receiver_records_the_url_annotation() {
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args(["--receiver", "r-github", "--host", "flux.example.org"])
        .output()
        .unwrap();
    let sealed = only_sealed(&out.stdout);
    let url = &sealed.template.metadata.annotations["notification.toolkit.fluxcd.io/webhook"];
    let token = reported_token(&String::from_utf8(out.stderr).unwrap());
    assert_eq!(
        url,
        &format!(
            "https://flux.example.org/hook/{}",
            sha256sum(&format!("{token}r-githubflux-system"))
        )
    );
}

#[test]
fn main_job_refuses_to_overwrite_and_force_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("webhook-token.sealed.yaml");
    std::fs::write(&target, "precious\n").unwrap();
    sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .arg("-w")
        .arg(&target)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists; pass --force"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
    sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .arg("-w")
        .arg(&target)
        .arg("--force")
        .assert()
        .success();
    only_sealed(&std::fs::read(&target).unwrap());
    // No temporary files left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn main_job_token_file_is_private_and_token_is_not_printed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("token.txt");
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .arg("--token-file")
        .arg(&tf)
        .succeeds();
    let token = std::fs::read_to_string(&tf).unwrap();
    assert_eq!(
        std::fs::metadata(&tf).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&token));
    assert_eq!(
        unsealed_value(&only_sealed(&out.stdout), "token"),
        token.as_bytes()
    );
    // An existing token file is never replaced, and nothing is written then.
    sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .arg("--token-file")
        .arg(&tf)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("refusing to replace a token file"));
    assert_eq!(std::fs::read_to_string(&tf).unwrap(), token);
}

#[test]
fn main_job_reuses_a_token_from_stdin_or_file_trimming_one_newline() {
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args(["--token-stdin", "--receiver", "x-github"])
        .write_stdin("reused-token-123\n")
        .succeeds();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("removed the line break"));
    assert!(
        !stderr.contains("reused-token-123"),
        "a reused token is not shown again"
    );
    assert!(stderr.contains(&sha256sum("reused-token-123x-githubflux-system")));
    assert_eq!(
        unsealed_value(&only_sealed(&out.stdout), "token"),
        b"reused-token-123"
    );

    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("in.txt");
    std::fs::write(&tf, "abc def").unwrap();
    sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .arg("--token-file-in")
        .arg(&tf)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("whitespace"))
        .stderr(predicate::str::contains("abc def").not());
}

#[test]
fn main_job_writes_receiver_manifests_and_interval_patch() {
    let dir = tempfile::tempdir().unwrap();
    let recv = dir.path().join("receivers");
    let out = sealtoken()
        .arg("--cert")
        .arg(demo_cert())
        .args([
            "--provider",
            "github",
            "--provider",
            "gitlab",
            "--git-repository",
            "tenant-demo",
            "--receiver-manifests",
        ])
        .arg(&recv)
        .arg("-w")
        .arg(dir.path().join("token.yaml"))
        .succeeds();
    let gh = std::fs::read_to_string(recv.join("receiver-tenant-demo-github.yaml")).unwrap();
    for want in [
        "kind: Receiver",
        "name: tenant-demo-github",
        "type: github",
        "- \"ping\"",
        "- \"push\"",
        "name: webhook-token",
        "kind: GitRepository",
        "name: tenant-demo",
    ] {
        assert!(gh.contains(want), "{want}: {gh}");
    }
    let gl = std::fs::read_to_string(recv.join("receiver-tenant-demo-gitlab.yaml")).unwrap();
    assert!(gl.contains("- \"Push Hook\"") && gl.contains("- \"Tag Push Hook\""));
    let patch = std::fs::read_to_string(recv.join("gitrepository-tenant-demo-interval-patch.yaml"))
        .unwrap();
    assert!(patch.contains("kind: GitRepository") && patch.contains("interval: 1h"));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("ImageUpdateAutomation"));
    assert!(report.lines().count() < 25, "advice stays short: {report}");
}

#[test]
fn main_job_bad_arguments_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--namespace", "Flux_System"],
        vec!["--bytes", "0"],
        vec!["--receiver", "Bad Name"],
        vec!["--interval", "1 day", "--git-repository", "x"],
        vec!["--provider", "github"],
    ] {
        sealtoken()
            .current_dir(dir.path())
            .arg("--cert")
            .arg(demo_cert())
            .args(&args)
            .arg("-w")
            .arg("out.yaml")
            .assert()
            .code(2)
            .stdout("");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{args:?}"
        );
    }
}

// seal:

#[test]
fn procedure_command_line_works_with_seal_and_cert() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("upstream/secret.yaml"),
        dir.path().join("secret.yaml"),
    )
    .unwrap();
    sealtoken()
        .current_dir(dir.path())
        .args([
            "seal",
            "-f",
            "secret.yaml",
            "-w",
            "flux-webhook-token.sealed.yaml",
            "--controller-namespace",
            "sealed-secrets",
            "-n",
            "flux-system",
            "--cert",
        ])
        .arg(demo_cert())
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read(dir.path().join("flux-webhook-token.sealed.yaml")).unwrap();
    assert!(text.starts_with(b"---\n"), ".yaml target gives YAML");
    assert_eq!(
        unsealed_value(&only_sealed(&text), "token"),
        b"8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c"
    );
}
