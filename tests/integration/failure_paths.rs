//! Nothing lost, nothing leaked when a stream or a file fails: a token is
//! never sealed into a file nobody saw it for, a full or closed stderr
//! never panics, and a symlink is written through inside the tree and
//! refused outside it.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::{demo_cert, read_fixture, sealtoken_std};

fn dev_full() -> Option<fs::File> {
    fs::OpenOptions::new().write(true).open("/dev/full").ok()
}

fn run(mut c: Command) -> Output {
    c.output().unwrap()
}

/// `sealtoken ARGS` in `dir`, through `sh` so that a stream can be closed
/// (`>&-`) or pointed at /dev/full.
fn shell(dir: &Path, args: &str, redirect: &str) -> Output {
    let bin = env!("CARGO_BIN_EXE_sealtoken");
    let c = sealtoken_std();
    let program = c.get_program().to_owned();
    assert_eq!(program, bin);
    let mut sh = Command::new("sh");
    sh.current_dir(dir)
        .env_clear()
        .envs(
            c.get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .arg("-c")
        .arg(format!("exec '{bin}' {args} {redirect}"));
    run(sh)
}

/// The main job with `-w FILE`: when the token cannot be shown (stdout
/// full, or closed at start), no sealed file is left behind, and a rerun
/// is not refused.
#[cfg(unix)]
#[test]
fn the_main_job_leaves_no_file_when_the_token_cannot_be_shown() {
    if dev_full().is_none() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let cert = demo_cert();
    let args = format!(
        "--cert '{}' --allow-expired-cert -n flux-system -w token.sealed.yaml \
         --provider github --git-repository apps --receiver-manifests recv",
        cert.display()
    );
    for redirect in [">/dev/full", ">&-"] {
        let out = shell(d.path(), &args, redirect);
        assert_eq!(out.status.code(), Some(1), "{redirect}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("the token could not be shown; no sealed file was written"),
            "{redirect}: {err}"
        );
        assert!(!d.path().join("token.sealed.yaml").exists(), "{redirect}");
        let left = files_under(d.path());
        assert!(left.is_empty(), "{redirect}: files left: {left:?}");
    }
    let out = shell(d.path(), &args, ">/dev/null");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(d.path().join("token.sealed.yaml").exists());
    assert_eq!(
        files_under(d.path()).len(),
        3,
        "the sealed file, a Receiver, a patch"
    );
}

/// Every file below `dir` (directories not counted).
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `rotate -f FILE` when the new token cannot be shown: FILE keeps the old
/// sealed token, byte for byte.
#[cfg(unix)]
#[test]
fn rotate_keeps_the_old_file_when_the_new_token_cannot_be_shown() {
    if dev_full().is_none() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let sealed = read_fixture("upstream/flux-webhook-token.sealed.yaml");
    fs::write(d.path().join("token.sealed.yaml"), &sealed).unwrap();
    let cert = demo_cert();
    let args = format!(
        "rotate --cert '{}' --allow-expired-cert -f token.sealed.yaml",
        cert.display()
    );
    for redirect in [">/dev/full", ">&-"] {
        let out = shell(d.path(), &args, redirect);
        assert_eq!(out.status.code(), Some(1), "{redirect}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("the new token could not be shown; token.sealed.yaml is unchanged"),
            "{redirect}: {err}"
        );
        assert_eq!(
            fs::read(d.path().join("token.sealed.yaml")).unwrap(),
            sealed,
            "{redirect}"
        );
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1, "{redirect}");
    }
    let out = shell(d.path(), &args, ">/dev/null");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_ne!(
        fs::read(d.path().join("token.sealed.yaml")).unwrap(),
        sealed
    );
}

/// A full or closed stderr is not a panic (exit 101): each command keeps
/// its exit code and its output.
#[cfg(unix)]
#[test]
fn a_failed_stderr_never_panics() {
    if dev_full().is_none() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("secret.yaml"),
        read_fixture("upstream/secret.yaml"),
    )
    .unwrap();
    let cert = demo_cert();
    let cert = cert.display();
    // (arguments, expected exit code, expected start of stdout)
    let cases = [
        // A warning on stderr (an expired certificate allowed) is dropped; the
        // SealedSecret is written.
        (
            format!("seal --cert '{cert}' --allow-expired-cert -f secret.yaml -o yaml"),
            0,
            "---\napiVersion: bitnami.com/v1alpha1",
        ),
        (
            "check secret.yaml".to_string(),
            1,
            "secret.yaml:2:7: plain Secret",
        ),
        ("check --format json nothing-here.yaml".to_string(), 2, "[]"),
        // unseal's PLAINTEXT warning cannot be shown: the Secret still is.
        (
            format!(
                "unseal --key '{}' -f '{}'",
                crate::common::demo_key().display(),
                crate::common::fixture("upstream/flux-webhook-token.sealed.yaml").display()
            ),
            0,
            "---\napiVersion: v1\ndata:\n  token: ",
        ),
        // reseal's summary goes to stderr; the resealed manifest to stdout.
        (
            format!(
                "reseal --key '{}' --cert '{}' '{}'",
                crate::common::demo_key().display(),
                crate::common::fixture("keys/rsa2048.crt").display(),
                crate::common::fixture("upstream/flux-webhook-token.sealed.yaml").display()
            ),
            0,
            "",
        ),
        // The main job shows the token on stderr: when it cannot, exit 1.
        (
            format!("--cert '{cert}' --allow-expired-cert -n flux-system"),
            1,
            "---",
        ),
    ];
    for (args, code, stdout) in cases {
        for redirect in ["2>/dev/full", "2>&-"] {
            let out = shell(d.path(), &args, redirect);
            assert_eq!(out.status.code(), Some(code), "{args} {redirect}: {out:?}");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.starts_with(stdout), "{args} {redirect}: {text}");
        }
    }
}

/// Replacing a file through a symlink: inside the tree the link stays and
/// its target is updated; a link leaving the tree is refused, named, and
/// nothing is written.
#[cfg(unix)]
#[test]
fn symlinks_are_written_through_inside_the_tree_only() {
    let outside = tempfile::tempdir().unwrap();
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let plain = read_fixture("upstream/secret.yaml");
    fs::create_dir_all(root.join("real")).unwrap();
    fs::write(root.join("real/secret.yaml"), &plain).unwrap();
    std::os::unix::fs::symlink("real/secret.yaml", root.join("secret.yaml")).unwrap();
    fs::write(outside.path().join("far.yaml"), &plain).unwrap();
    std::os::unix::fs::symlink(outside.path().join("far.yaml"), root.join("far.yaml")).unwrap();

    let cert = demo_cert();
    let fix = |file: &str| {
        let mut c = sealtoken_std();
        c.current_dir(root)
            .args(["check", "--fix", "--allow-expired-cert", "--cert"])
            .arg(&cert)
            .arg(file)
            .stdin(Stdio::null());
        run(c)
    };
    let out = fix("secret.yaml");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(fs::symlink_metadata(root.join("secret.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
    let fixed = fs::read_to_string(root.join("real/secret.yaml")).unwrap();
    assert!(fixed.contains("kind: SealedSecret"), "{fixed}");

    let out = fix("far.yaml");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("far.yaml is a symlink to ") && err.contains("outside the working tree"),
        "{err}"
    );
    assert_eq!(fs::read(outside.path().join("far.yaml")).unwrap(), plain);
    assert!(fs::symlink_metadata(root.join("far.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
}

/// Every string from input reaches the terminal escaped, in every command's
/// text output and messages: file names, object names, paths.
#[cfg(unix)]
#[test]
fn terminal_escapes_from_input_are_shown_escaped() {
    let d = tempfile::tempdir().unwrap();
    let evil = "evil\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}";
    let receiver = format!(
        "apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: \"{}\"\n  namespace: flux-system\nspec:\n  type: github\n  secretRef: {{name: webhook-token}}\n  resources:\n  - {{kind: GitRepository, name: apps}}\n",
        evil.escape_default()
    );
    fs::write(d.path().join("receiver.yaml"), receiver).unwrap();
    let sealed = String::from_utf8(read_fixture("upstream/flux-webhook-token.sealed.yaml"))
        .unwrap()
        .replace(
            "name: webhook-token",
            &format!("name: \"{}\"", evil.escape_default()),
        );
    fs::write(d.path().join("sealed.yaml"), sealed).unwrap();
    let cert = demo_cert();
    let runs: Vec<Vec<String>> = vec![
        vec!["receivers".into(), ".".into()],
        vec![
            "doctor".into(),
            "--cert".into(),
            cert.display().to_string(),
            "--allow-expired-cert".into(),
            ".".into(),
        ],
        vec!["check".into(), format!("{evil}.yaml")],
        vec![
            "seal".into(),
            "--cert".into(),
            cert.display().to_string(),
            "-f".into(),
            format!("{evil}.yaml"),
        ],
        vec!["info".into(), "--cert".into(), format!("{evil}.pem")],
    ];
    for args in runs {
        let mut c = sealtoken_std();
        c.current_dir(d.path()).args(&args).stdin(Stdio::null());
        let out = run(c);
        for (what, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
                "{args:?} {what}: {text:?}"
            );
        }
        assert_ne!(out.status.code(), Some(101), "{args:?}");
    }
}
