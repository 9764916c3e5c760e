//! `sealtoken diff`: what changed in SealedSecrets, key by key, with no
//! value shown; `--key` tells a re-seal from a new value; `--textconv` as
//! Git's diff driver, through a real `git diff`.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::{demo_cert, demo_key, sealtoken, Run};

const VALUES: [&str; 4] = ["hunter2", "admin", "root", "tok-3"];

fn seal(dir: &Path, name: &str, secret: &str) {
    fs::write(dir.join("in.yaml"), secret).unwrap();
    sealtoken()
        .current_dir(dir)
        .args([
            "seal",
            "--allow-expired-cert",
            "-f",
            "in.yaml",
            "-w",
            name,
            "--cert",
        ])
        .arg(demo_cert())
        .succeeds();
    fs::remove_file(dir.join("in.yaml")).unwrap();
}

const OLD: &str = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: apps}\nstringData: {password: hunter2, user: admin}\n";
const NEW: &str = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: apps, labels: {tier: db}}\nstringData: {password: hunter2, user: root, token: tok-3}\n";

fn no_value(text: &str) {
    for v in VALUES {
        assert!(!text.contains(v), "a value leaked: {text}");
    }
}

#[test]
fn diff_names_what_changed_and_never_a_value() {
    let d = tempfile::tempdir().unwrap();
    seal(d.path(), "old.yaml", OLD);
    seal(d.path(), "new.yaml", NEW);
    let run = |args: &[&str]| {
        let out = sealtoken()
            .current_dir(d.path())
            .arg("diff")
            .args(args)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        no_value(&text);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, stdout) = run(&["old.yaml", "new.yaml"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        stdout,
        "SealedSecret apps/db changed\n  \
         ~ encryptedData.password: ciphertext changed\n  \
         + encryptedData.token: added\n  \
         ~ encryptedData.user: ciphertext changed\n  \
         + spec.template.metadata.labels.tier: (none) -> \"db\"\n"
    );
    // With the key: the password was only re-encrypted, the user changed.
    let key = demo_key();
    let key = key.to_str().unwrap();
    let (code, stdout) = run(&["old.yaml", "new.yaml", "--key", key]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("~ encryptedData.password: ciphertext changed: re-encrypted only, same value (both open with key "), "{stdout}");
    assert!(
        stdout.contains(
            "~ encryptedData.user: ciphertext changed: value changed (both open with key "
        ),
        "{stdout}"
    );
    let (code, stdout) = run(&["old.yaml", "new.yaml", "--key", key, "--format", "json"]);
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let values: Vec<(&str, &str, Option<&str>)> = v[0]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["key"].as_str().unwrap(),
                k["change"].as_str().unwrap(),
                k["value"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        values,
        [
            ("password", "ciphertext", Some("same")),
            ("token", "added", None),
            ("user", "ciphertext", Some("changed"))
        ]
    );
    // Equal: exit 0, nothing printed; bad input: exit 2.
    assert_eq!(run(&["old.yaml", "old.yaml"]), (Some(0), String::new()));
    fs::write(d.path().join("bad.yaml"), "kind: [\n").unwrap();
    assert_eq!(run(&["old.yaml", "bad.yaml"]).0, Some(2));
    assert_eq!(run(&["old.yaml"]).0, Some(2));
}

/// As Git's textconv driver: a re-seal shows as new ciphertext
/// fingerprints under the same names, not a wall of base64.
#[test]
fn git_diff_through_the_textconv_driver() {
    let d = tempfile::tempdir().unwrap();
    let repo = d.path();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(repo)
            .args([
                "-c",
                "user.email=t@example.com",
                "-c",
                "user.name=t",
                "-c",
                "core.pager=cat",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q"]);
    let bin = env!("CARGO_BIN_EXE_sealtoken");
    git(&[
        "config",
        "diff.sealedsecret.textconv",
        &format!("'{bin}' diff --textconv"),
    ]);
    fs::write(
        repo.join(".gitattributes"),
        "*.sealed.yaml diff=sealedsecret\n",
    )
    .unwrap();
    seal(repo, "db.sealed.yaml", OLD);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "db"]);
    // Re-sealed with the same values, and one label added.
    seal_over(
        repo,
        "db.sealed.yaml",
        &OLD.replace("namespace: apps}", "namespace: apps, labels: {tier: db}}"),
    );
    let diff = git(&["diff"]);
    no_value(&diff);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(changed.len(), 5, "{diff}");
    assert!(
        changed.contains(&"+  spec.template.metadata.labels.tier: db"),
        "{diff}"
    );
    assert!(
        changed
            .iter()
            .filter(|l| l.contains("encryptedData."))
            .count()
            == 4,
        "{diff}"
    );
    // Without the driver, the raw base64 wall.
    let raw = git(&["diff", "--no-textconv"]);
    assert!(
        raw.lines().any(|l| l.starts_with("+    password: Ag")),
        "{raw}"
    );
}

fn seal_over(dir: &Path, name: &str, secret: &str) {
    fs::remove_file(dir.join(name)).unwrap();
    seal(dir, name, secret);
}
