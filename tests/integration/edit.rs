//! `sealtoken edit`: in a scripted `$EDITOR` with the private key, and with
//! `--set`/`--set-file`/`--delete` and only the certificate. Unchanged values
//! keep their ciphertext; the plaintext file never outlives the run.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use kubeseal_core::{Format, Scope};

use crate::common::{demo_cert, demo_key, sealtoken, sealtoken_std, Run};
use crate::reseal::{changed_lines, open_elsewhere, sealed_in, sealed_text};

const FIVE: &[(&str, &str)] = &[
    ("a", "alpha"),
    ("b", "bravo"),
    ("c", "charlie"),
    ("d", "delta"),
    ("e", "echo"),
];

/// An executable shell script `dir/name` with `body`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn setup(dir: &Path, format: Format) -> (PathBuf, String) {
    let path = dir.join("app.sealed.yaml");
    let text = format!(
        "# app secrets\n{}",
        sealed_text(
            &demo_cert(),
            Scope::NamespaceWide,
            "apps",
            "web",
            FIVE,
            format
        )
    );
    std::fs::write(&path, &text).unwrap();
    (path, text)
}

/// Records where the editor's file lives and its modes, in `dir/record`.
fn recorder(dir: &Path, then: &str) -> PathBuf {
    let record = dir.join("record");
    script(
        dir,
        "editor",
        &format!(
            "echo \"$1\" > '{r}'\nstat -c '%a' \"$1\" >> '{r}'\nstat -c '%a' \"$(dirname \"$1\")\" >> '{r}'\n{then}",
            r = record.display()
        ),
    )
}

fn record(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("record"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn edit_in_editor_changes_one_line_of_five() {
    for format in [Format::Yaml, Format::Json] {
        let dir = tempfile::tempdir().unwrap();
        let (path, before) = setup(dir.path(), format);
        let editor = recorder(dir.path(), "sed -i 's/^  c: charlie$/  c: changed/' \"$1\"");
        sealtoken()
            .env("EDITOR", &editor)
            .args(["edit", "--key"])
            .arg(demo_key())
            .arg("--cert")
            .arg(demo_cert())
            .arg(&path)
            .succeeds();
        let after = std::fs::read_to_string(&path).unwrap();
        let changed = changed_lines(&before, &after);
        assert_eq!(changed.len(), 1, "{after}");
        assert!(changed[0].0.contains("\"c\"") || changed[0].0.trim_start().starts_with("c: "));
        let opened = open_elsewhere(&demo_key(), &sealed_in(&after)[0]);
        let want: Vec<(String, String)> = FIVE
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    if *k == "c" { "changed" } else { v }.to_string(),
                )
            })
            .collect();
        assert_eq!(opened, want);
        // The plaintext lived in a private folder, on /dev/shm when there is
        // one, and is gone.
        let rec = record(dir.path());
        assert_eq!(
            (rec[1].as_str(), rec[2].as_str()),
            ("600", "700"),
            "{rec:?}"
        );
        if Path::new("/dev/shm").is_dir() {
            assert!(rec[0].starts_with("/dev/shm/"), "{rec:?}");
        }
        assert!(!Path::new(&rec[0]).exists());
        assert!(!Path::new(&rec[0]).parent().unwrap().exists());
    }
}

#[test]
fn edit_adds_and_removes_in_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let (path, before) = setup(dir.path(), Format::Yaml);
    let editor = script(
        dir.path(),
        "editor",
        "sed -i -e '/^  a: alpha$/d' -e 's/^  e: echo$/  e: echo\\n  f: foxtrot/' \"$1\"",
    );
    sealtoken()
        .env("EDITOR", &editor)
        .args(["edit", "--key"])
        .arg(demo_key())
        .arg("--cert")
        .arg(demo_cert())
        .arg(&path)
        .succeeds();
    let after = std::fs::read_to_string(&path).unwrap();
    let s = &sealed_in(&after)[0];
    let keys: Vec<_> = s.encrypted_data.keys().map(String::as_str).collect();
    assert_eq!(keys, ["b", "c", "d", "e", "f"]);
    // b..e keep their ciphertext byte for byte.
    let old = &sealed_in(&before)[0];
    for k in ["b", "c", "d", "e"] {
        assert_eq!(s.encrypted_data[k], old.encrypted_data[k]);
    }
    let opened = open_elsewhere(&demo_key(), s);
    assert_eq!(
        opened.last().unwrap(),
        &("f".to_string(), "foxtrot".to_string())
    );
}

#[test]
fn edit_leaves_the_file_and_no_plaintext_when_the_editor_fails_or_the_edit_does_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    let (path, before) = setup(dir.path(), Format::Yaml);
    // An editor that changes the file, then fails.
    let editor = recorder(dir.path(), "echo 'stringData: {a: x}' >> \"$1\"; exit 3");
    let out = sealtoken()
        .env("EDITOR", &editor)
        .args(["edit", "--key"])
        .arg(demo_key())
        .arg(&path)
        .fails();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the editor exited"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert!(!Path::new(&record(dir.path())[0]).exists());

    // An edit that does not parse: stdin is not a terminal, so no prompt, exit 2.
    let editor = recorder(
        dir.path(),
        "printf 'stringData:\\n  a: [unclosed\\n' >> \"$1\"",
    );
    let out = sealtoken()
        .env("VISUAL", &editor)
        .args(["edit", "--key"])
        .arg(demo_key())
        .arg(&path)
        .fails();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line "), "{stderr}");
    assert!(!stderr.contains("alpha"), "no value in messages: {stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert!(!Path::new(&record(dir.path())[0]).exists());
}

#[test]
fn edit_interrupted_by_ctrl_c_removes_the_plaintext() {
    use std::os::unix::process::CommandExt as _;
    let dir = tempfile::tempdir().unwrap();
    let (path, before) = setup(dir.path(), Format::Yaml);
    // Ctrl-C in a terminal signals the whole foreground process group:
    // the editor sends SIGINT to its group (sealtoken, the shell, itself).
    let editor = recorder(dir.path(), "kill -INT 0; sleep 5");
    let child = sealtoken_std()
        .env("EDITOR", &editor)
        .args(["edit", "--key"])
        .arg(demo_key())
        .arg(&path)
        .process_group(0)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tmp = record_complete(&dir.path().join("record")).expect("the editor ran");
    assert!(!Path::new(&tmp).exists());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

fn record_complete(rec: &Path) -> Option<String> {
    let text = std::fs::read_to_string(rec).ok()?;
    let lines: Vec<_> = text.lines().collect();
    (lines.len() == 3).then(|| lines[0].to_string())
}

#[test]
fn edit_without_a_key_sets_and_deletes_single_values() {
    let dir = tempfile::tempdir().unwrap();
    let (path, before) = setup(dir.path(), Format::Yaml);
    let value_file = dir.path().join("cert.pem");
    std::fs::write(&value_file, "-----BEGIN X-----\nabc\n").unwrap();
    let out = sealtoken()
        .args(["edit", "--cert"])
        .arg(demo_cert())
        .arg(&path)
        .args(["--set", "b=new-bravo", "--delete", "d", "--set-file"])
        .arg(format!("tls.crt={}", value_file.display()))
        .succeeds();
    // A value on the command line is visible to ps: said, and the way out.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: --set puts the value on the command line")
            && err.contains("--set-file KEY=PATH"),
        "{err}"
    );
    assert!(!err.contains("new-bravo"), "{err}");
    let after = std::fs::read_to_string(&path).unwrap();
    let (old, new) = (&sealed_in(&before)[0], &sealed_in(&after)[0]);
    for k in ["a", "c", "e"] {
        assert_eq!(new.encrypted_data[k], old.encrypted_data[k]);
    }
    assert!(!new.encrypted_data.contains_key("d"));
    let opened: std::collections::BTreeMap<_, _> =
        open_elsewhere(&demo_key(), new).into_iter().collect();
    assert_eq!(opened["b"], "new-bravo");
    assert_eq!(opened["tls.crt"], "-----BEGIN X-----\nabc\n");
    // Lines: b changed, d removed, tls.crt added after e.
    let removed: Vec<_> = before.lines().filter(|l| !after.contains(*l)).collect();
    assert_eq!(removed.len(), 2, "{after}");
    let added: Vec<_> = after.lines().filter(|l| !before.contains(*l)).collect();
    assert_eq!(added.len(), 2, "{after}");
    assert!(added[1].starts_with("    tls.crt: "), "{added:?}");

    // Invalid keys and missing keys are refused, nothing written.
    for args in [["--set", "bad key=x"], ["--delete", "zzz"]] {
        let out = sealtoken()
            .args(["edit", "--cert"])
            .arg(demo_cert())
            .arg(&path)
            .args(args)
            .fails();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
    }
}

/// `edit --key` without `--cert`: offline, the changed value is sealed for
/// the public half of the key that opened the file (said on stderr), and no
/// cluster is asked (there is none here).
#[test]
fn edit_with_the_key_alone_works_offline() {
    let dir = tempfile::tempdir().unwrap();
    let (path, before) = setup(dir.path(), Format::Yaml);
    let editor = script(
        dir.path(),
        "editor",
        "sed -i 's/^  c: charlie$/  c: offline/' \"$1\"",
    );
    let out = sealtoken()
        .env("EDITOR", &editor)
        .env("KUBECONFIG", dir.path().join("missing"))
        .args(["edit", "--key"])
        .arg(demo_key())
        .arg(&path)
        .succeeds();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sealing the changed values for the key that opened it, SHA256:"),
        "{err}"
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(changed_lines(&before, &after).len(), 1, "{after}");
    // The independent implementation opens the new value with the same key.
    let opened = open_elsewhere(&demo_key(), &sealed_in(&after)[0]);
    assert!(
        opened.contains(&("c".to_string(), "offline".to_string())),
        "{opened:?}"
    );
    // --cert-sha256 without --cert is refused, not silently ignored.
    let editor = script(
        dir.path(),
        "editor2",
        "sed -i 's/^  d: delta$/  d: x/' \"$1\"",
    );
    let out = sealtoken()
        .env("EDITOR", &editor)
        .args(["edit", "--cert-sha256", &"ab".repeat(32), "--key"])
        .arg(demo_key())
        .arg(&path)
        .fails();
    assert!(String::from_utf8_lossy(&out.stderr).contains("pass --cert too"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
}
