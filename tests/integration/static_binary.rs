//! A static build (x86_64-unknown-linux-musl) does the real jobs, and is static.
//!
//! Ignored by default: it needs a musl build. `.ci/ship` builds one and
//! runs these tests with `SEALTOKEN_STATIC_BIN` set to it
//! (`cargo test --test integration static_binary -- --ignored`). What it seals is
//! unsealed by the regular test build, a separate binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;

use crate::common::{clean_env, demo_cert, demo_key, fixture, sealtoken};

fn static_bin() -> PathBuf {
    let p = std::env::var_os("SEALTOKEN_STATIC_BIN")
        .expect("SEALTOKEN_STATIC_BIN: path to a static sealtoken build (see .ci/ship)");
    let p = PathBuf::from(p);
    assert!(p.is_file(), "{} does not exist", p.display());
    p
}

/// The static binary in the clean environment of `common::sealtoken`.
fn run_static(args: &[&str], dir: &Path) -> Output {
    let mut c = Command::new(static_bin());
    c.args(args).current_dir(dir);
    clean_env(&mut c);
    c.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Unseals `sealed` (a file) with the regular test build, and returns `data.<key>` decoded.
fn unseal_with_the_test_build(sealed: &Path, key: &str) -> Vec<u8> {
    let o = sealtoken()
        .arg("unseal")
        .arg("--key")
        .arg(demo_key())
        .arg("-f")
        .arg(sealed)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let secret: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let b64 = secret["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no data.{key} in {secret}"));
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

#[test]
#[ignore = "needs a musl build: .ci/ship"]
fn static_binary_is_static() {
    let bin = static_bin();
    let o = Command::new("file").arg("-L").arg(&bin).output().unwrap();
    let file = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        file.contains("statically linked") || file.contains("static-pie linked"),
        "file: {file}"
    );
    assert!(!file.contains("interpreter"), "file: {file}");
    // glibc's ldd says "not a dynamic executable" (exit 1) or "statically linked".
    let o = Command::new("ldd").arg(&bin).output().unwrap();
    let ldd = text(&o);
    assert!(
        ldd.contains("not a dynamic executable") || ldd.contains("statically linked"),
        "ldd: {ldd}"
    );
    assert!(!ldd.contains("=>"), "ldd lists shared libraries: {ldd}");
}

#[test]
#[ignore = "needs a musl build: .ci/ship"]
fn static_binary_runs_the_main_job() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = demo_cert();
    let o = run_static(
        &[
            "--cert",
            cert.to_str().unwrap(),
            "--namespace",
            "flux-system",
            "-w",
            "flux-webhook-token.sealed.yaml",
            "--receiver",
            "tenant-demo-github",
            "--host",
            "flux.example.org",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    // The report (stdout or stderr, as the build decides where it goes).
    let report = text(&o);
    let token = report
        .lines()
        .skip_while(|l| !l.starts_with("Webhook token"))
        .nth(1)
        .unwrap_or_else(|| panic!("no token in {report}"))
        .trim()
        .to_owned();
    assert_eq!(token.len(), 32, "{report}");
    assert!(
        report.contains("https://flux.example.org/hook/"),
        "{report}"
    );
    let got =
        unseal_with_the_test_build(&tmp.path().join("flux-webhook-token.sealed.yaml"), "token");
    assert_eq!(got, token.as_bytes());
}

#[test]
#[ignore = "needs a musl build: .ci/ship"]
fn static_binary_seals_like_kubeseal() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = demo_cert();
    let secret = fixture("upstream/secret.yaml");
    let o = run_static(
        &[
            "seal",
            "--cert",
            cert.to_str().unwrap(),
            "-f",
            secret.to_str().unwrap(),
            "-w",
            "secret.sealed.yaml",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let sealed = tmp.path().join("secret.sealed.yaml");
    let yaml = std::fs::read_to_string(&sealed).unwrap();
    assert!(
        yaml.starts_with("---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"),
        "{yaml}"
    );
    assert!(!yaml.contains("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c"));
    assert_eq!(
        unseal_with_the_test_build(&sealed, "token"),
        b"8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c"
    );
}

#[test]
#[ignore = "needs a musl build: .ci/ship"]
fn static_binary_checks_a_tree() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("k8s")).unwrap();
    std::fs::copy(
        fixture("upstream/secret.yaml"),
        tmp.path().join("k8s/secret.yaml"),
    )
    .unwrap();
    std::fs::copy(
        fixture("upstream/flux-webhook-token.sealed.yaml"),
        tmp.path().join("k8s/sealed.yaml"),
    )
    .unwrap();
    // The tree walk (parallel, .gitignore-aware) finds the plain Secret only.
    let o = run_static(&["check"], tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(
            "k8s/secret.yaml:2:7: plain Secret \"flux-system/webhook-token\" (keys: token)"
        ),
        "{out}"
    );
    assert!(!out.contains("sealed.yaml"), "{out}");
    assert!(!text(&o).contains("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c"));

    std::fs::remove_file(tmp.path().join("k8s/secret.yaml")).unwrap();
    let o = run_static(&["check"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}
