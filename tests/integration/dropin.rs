//! The binary run as `kubeseal`, as scripts run kubeseal: the namespace of
//! the kubeconfig context, `KUBECONFIG` lists, kubectl's cluster flags
//! (`--server`, `--token`, …) against the loopback API server, every flag's
//! `SEALED_SECRETS_*` variable (empty means unset), and pflag's booleans.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use kubeseal_core::{read_sealed_secrets, unseal_raw, ObjectRef, PrivateKey, Scope};

use crate::common::{demo_cert, read_fixture, sealtoken_as, Run};

/// A Secret with no namespace.
const NO_NS: &str =
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: s3cr3t\n";

fn kubeseal(dir: &Path) -> Command {
    let mut c = sealtoken_as("kubeseal", dir);
    c.current_dir(dir)
        .env("HOME", dir)
        .env("SEALTOKEN_HTTP_TIMEOUT", "5")
        .timeout(Duration::from_secs(30));
    c
}

fn demo_keys() -> Vec<PrivateKey> {
    PrivateKey::from_pem(&read_fixture("upstream/controller.key")).unwrap()
}

/// The namespace of the one SealedSecret in `out`, checked to open under the
/// strict label of that namespace and `db` (the label the controller uses).
fn sealed_namespace(out: &[u8]) -> String {
    let sealed = read_sealed_secrets(out).unwrap();
    assert_eq!(sealed.len(), 1);
    let ns = sealed[0].metadata.namespace.clone().unwrap_or_default();
    let ct = sealed[0].encrypted_data["password"].clone();
    let opened = unseal_raw(&demo_keys(), Scope::Strict, &ObjectRef::new(&ns, "db"), &ct)
        .expect("opens under the strict label of its namespace");
    assert_eq!(opened.expose(), b"s3cr3t");
    ns
}

/// `--raw` output that opens, under the strict label apps/db, to `s3cr3t`.
fn assert_raw_opens_as_apps_db(raw: &[u8]) {
    let opened = unseal_raw(
        &demo_keys(),
        Scope::Strict,
        &ObjectRef::new("apps", "db"),
        std::str::from_utf8(raw).unwrap(),
    )
    .unwrap();
    assert_eq!(opened.expose(), b"s3cr3t");
}

/// A kubeconfig file with contexts `a` (namespace `apps`, current) and `b`
/// (no namespace), reaching nothing (sealing with --cert never connects).
#[cfg(feature = "cluster")]
fn offline_kubeconfig(dir: &Path, name: &str, current: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: {current}\n\
             clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n\
             users:\n- name: u\n  user:\n    token: t\n\
             contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n    namespace: apps\n\
             - name: b\n  context:\n    cluster: c\n    user: u\n"
        ),
    )
    .unwrap();
    path
}

// Without the feature `cluster` no kubeconfig is read (documented).
#[cfg(feature = "cluster")]
#[test]
fn a_secret_without_a_namespace_takes_the_kubeconfig_contexts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.yaml"), NO_NS).unwrap();
    let kc = offline_kubeconfig(d, "kc.yaml", "a");
    let cert = demo_cert();
    let seal = |kubeconfig: &std::ffi::OsStr, extra: &[&str]| {
        kubeseal(d)
            .env("KUBECONFIG", kubeconfig)
            .arg("--cert")
            .arg(&cert)
            .args(["-f", "s.yaml"])
            .args(extra)
            .succeeds()
            .stdout
    };
    // The current context's namespace.
    assert_eq!(sealed_namespace(&seal(kc.as_os_str(), &[])), "apps");
    // --context picks another; one that names none means `default`.
    assert_eq!(
        sealed_namespace(&seal(kc.as_os_str(), &["--context", "b"])),
        "default"
    );
    // -n wins.
    assert_eq!(
        sealed_namespace(&seal(kc.as_os_str(), &["-n", "flag"])),
        "flag"
    );
    // KUBECONFIG as a list: a file that does not exist is skipped, as client-go does.
    let list = std::env::join_paths([d.join("missing.yaml"), kc.clone()]).unwrap();
    assert_eq!(sealed_namespace(&seal(&list, &[])), "apps");
    // The first file to set current-context wins.
    let kc_b = offline_kubeconfig(d, "kc-b.yaml", "b");
    let list = std::env::join_paths([kc_b, kc.clone()]).unwrap();
    assert_eq!(sealed_namespace(&seal(&list, &[])), "default");

    // --raw without -n: the context's namespace too.
    let raw = kubeseal(d)
        .env("KUBECONFIG", &kc)
        .arg("--cert")
        .arg(&cert)
        .args(["--raw", "--name", "db"])
        .write_stdin("s3cr3t")
        .succeeds()
        .stdout;
    assert_raw_opens_as_apps_db(&raw);

    // No kubeconfig at all: refused, naming the fixes (kubeseal would seal
    // for an empty namespace).
    let out = kubeseal(d)
        .env("KUBECONFIG", d.join("missing.yaml"))
        .arg("--cert")
        .arg(&cert)
        .args(["-f", "s.yaml"])
        .fails();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has no namespace") && err.contains("-n/--namespace"),
        "{err}"
    );
}

#[cfg(feature = "cluster")]
mod cluster {
    use super::*;
    use crate::common::api_server::{pki, ApiServer, NS, TOKEN};

    #[test]
    fn server_and_token_flags_need_no_kubeconfig() {
        let srv = ApiServer::start();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("s.yaml"), NO_NS).unwrap();
        let ca = d.join("ca.pem");
        std::fs::write(&ca, &pki().server_ca_pem).unwrap();
        // No KUBECONFIG, no ~/.kube/config: the flags alone, as a CI job passes them.
        let out = kubeseal(d)
            .args(["--server", &srv.url(""), "--token", TOKEN])
            .arg("--certificate-authority")
            .arg(&ca)
            .args(["--controller-namespace", NS, "-f", "s.yaml", "-v", "5"])
            .succeeds();
        // The context the flags make names no namespace: `default`, as client-go says.
        assert_eq!(sealed_namespace(&out.stdout), "default");
        let seen = srv.received();
        assert!(!seen.is_empty());
        assert!(
            seen.iter().all(|r| r.bearer.as_deref() == Some(TOKEN)),
            "every request carries --token"
        );
        // The same through kubeseal's variables, and --insecure-skip-tls-verify
        // in place of the CA (pflag's `=true` form).
        kubeseal(d)
            .env("SEALED_SECRETS_SERVER", srv.url(""))
            .env("SEALED_SECRETS_TOKEN", TOKEN)
            .env("SEALED_SECRETS_CONTROLLER_NAMESPACE", NS)
            .args(["--insecure-skip-tls-verify=true", "-f", "s.yaml", "-n", "x"])
            .succeeds();
        // A wrong token is refused by the server: the flag, not a file, was used.
        let out = kubeseal(d)
            .args(["--server", &srv.url(""), "--token", "wrong-token-000"])
            .arg("--certificate-authority")
            .arg(&ca)
            .args(["--controller-namespace", NS, "-f", "s.yaml", "-n", "x"])
            .fails();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("wrong-token-000"),
            "the token is never shown: {err}"
        );
        assert!(
            err.contains("401") || err.to_lowercase().contains("unauthorized"),
            "{err}"
        );
    }

    #[test]
    fn kubectl_flags_override_the_kubeconfig() {
        use crate::common::api_server::{kubeconfig, token_user, FORBIDDEN_TOKEN};
        let srv = ApiServer::start();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("s.yaml"), NO_NS).unwrap();
        // The kubeconfig's user may not read services; --token replaces it.
        let kc = kubeconfig(
            d,
            &srv.url(""),
            &pki().server_ca_pem,
            token_user(FORBIDDEN_TOKEN),
        );
        kubeseal(d)
            .env("KUBECONFIG", &kc)
            .args(["--controller-namespace", NS, "-f", "s.yaml", "-n", "x"])
            .fails();
        kubeseal(d)
            .env("KUBECONFIG", &kc)
            .args([
                "--token",
                TOKEN,
                "--controller-namespace",
                NS,
                "-f",
                "s.yaml",
            ])
            .args(["--context", "apps"])
            .succeeds();
        // --context apps names the namespace the Secret is sealed for.
        let out = kubeseal(d)
            .env("KUBECONFIG", &kc)
            .args([
                "--token",
                TOKEN,
                "--context",
                "apps",
                "--controller-namespace",
                NS,
            ])
            .args(["-f", "s.yaml"])
            .succeeds();
        assert_eq!(sealed_namespace(&out.stdout), "apps");
        // --server sends the context's requests elsewhere (here: nowhere), and
        // --request-timeout bounds each request.
        let started = std::time::Instant::now();
        let out = kubeseal(d)
            .env("KUBECONFIG", &kc)
            .env("SEALTOKEN_HTTP_TIMEOUT", "30")
            .args([
                "--token",
                TOKEN,
                "--controller-namespace",
                NS,
                "-n",
                "x",
                "-f",
                "s.yaml",
            ])
            .args(["--controller-name", "hang", "--request-timeout", "1s"])
            .fails();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("timed out after 1 s"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(20));
        let out = kubeseal(d)
            .env("KUBECONFIG", &kc)
            .args(["--request-timeout", "soon", "-f", "s.yaml"])
            .fails();
        // As kubeseal (client-go reads the value after the flags): `error: …`, exit 1.
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("error: --request-timeout \"soon\""),
            "{err}"
        );
    }
}

#[test]
fn every_flag_has_its_variable_and_an_empty_one_is_unset() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.yaml"), NO_NS).unwrap();
    std::fs::write(d.join("value.txt"), "s3cr3t").unwrap();
    let cert = demo_cert();
    // --raw, --name, --namespace, --from-file and --cert, all from variables.
    let raw = kubeseal(d)
        .env("SEALED_SECRETS_RAW", "true")
        .env("SEALED_SECRETS_NAME", "db")
        .env("SEALED_SECRETS_NAMESPACE", "apps")
        .env("SEALED_SECRETS_FROM_FILE", "value.txt")
        .env("SEALED_SECRETS_CERT", &cert)
        .succeeds()
        .stdout;
    assert_raw_opens_as_apps_db(&raw);
    // The command line wins over a variable (pflag's `--raw=false`).
    let out = kubeseal(d)
        .env("SEALED_SECRETS_RAW", "true")
        .arg("--raw=false")
        .arg("--cert")
        .arg(&cert)
        .args(["-f", "s.yaml", "-n", "apps"])
        .succeeds();
    assert_eq!(sealed_namespace(&out.stdout), "apps");
    // -w from SEALED_SECRETS_SEALED_SECRET_FILE, -f from SEALED_SECRETS_SECRET_FILE.
    kubeseal(d)
        .env("SEALED_SECRETS_SECRET_FILE", "s.yaml")
        .env("SEALED_SECRETS_SEALED_SECRET_FILE", "out.yaml")
        .arg("--cert")
        .arg(&cert)
        .args(["-n", "apps"])
        .succeeds();
    let written = std::fs::read(d.join("out.yaml")).unwrap();
    assert!(written.starts_with(b"---\napiVersion:") || written.starts_with(b"apiVersion:"));
    assert_eq!(sealed_namespace(&written), "apps");
    // Empty variables are unset: no scope, no certificate file named "".
    let out = kubeseal(d)
        .env("SEALED_SECRETS_SCOPE", "")
        .env("SEALED_SECRETS_FORMAT", "")
        .env("SEALED_SECRETS_CERT", "")
        .env("SEALED_SECRETS_RAW", "")
        .arg("--cert")
        .arg(&cert)
        .args(["-f", "s.yaml", "-n", "apps"])
        .succeeds();
    assert_eq!(sealed_namespace(&out.stdout), "apps");
    // A boolean variable in Go's words.
    let empty = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: e\n  namespace: apps\n";
    std::fs::write(d.join("empty.yaml"), empty).unwrap();
    for (value, ok) in [("1", true), ("T", true), ("0", false), ("False", false)] {
        let mut c = kubeseal(d);
        c.env("SEALED_SECRETS_ALLOW_EMPTY_DATA", value)
            .arg("--cert")
            .arg(&cert)
            .args(["-f", "empty.yaml"]);
        if ok {
            c.succeeds();
        } else {
            c.fails();
        }
    }
}

#[test]
fn booleans_and_lists_read_as_pflag_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cert = demo_cert();
    let empty = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: e\n  namespace: apps\n";
    std::fs::write(d.join("empty.yaml"), empty).unwrap();
    let run = |flag: &str| {
        kubeseal(d)
            .arg("--cert")
            .arg(&cert)
            .args(["-f", "empty.yaml", flag])
            .output()
            .unwrap()
    };
    assert!(run("--allow-empty-data").status.success());
    assert!(run("--allow-empty-data=true").status.success());
    assert_eq!(run("--allow-empty-data=false").status.code(), Some(1));
    let bad = run("--allow-empty-data=maybe");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid boolean"));
    // --from-file is a list, as pflag's string slice: two files are one too many.
    let out = kubeseal(d)
        .arg("--cert")
        .arg(&cert)
        .args(["--raw", "-n", "apps", "--name", "e", "--from-file", "a,b"])
        .fails();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("must provide only one --from-file when encrypting a single item with --raw"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn version_errors_and_the_yaml_rule_as_kubeseal_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = kubeseal(d).arg("--version").succeeds();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    // The line scripts parse: `kubeseal version: vX.Y.Z`.
    let v = first.strip_prefix("kubeseal version: v").expect(first);
    assert_eq!(v.split('.').count(), 3, "{first}");
    assert!(v.split('.').all(|p| p.parse::<u32>().is_ok()), "{first}");
    let second = lines.next().unwrap();
    assert!(
        second.starts_with(&format!("sealtoken {}", env!("CARGO_PKG_VERSION"))),
        "{second}"
    );
    assert!(second.contains("crypto backend"), "{second}");

    // Runtime errors: `error: …` and exit 1; flag errors stay clap's exit 2.
    std::fs::write(d.join("s.yaml"), NO_NS).unwrap();
    let out = kubeseal(d)
        .arg("--cert")
        .arg(d.join("missing.pem"))
        .args(["-f", "s.yaml", "-n", "x"])
        .fails();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    assert_eq!(
        kubeseal(d).arg("--no-such-flag").fails().status.code(),
        Some(2)
    );
    // The same error under sealtoken's own name keeps its table (2: bad input).
    let out = crate::common::sealtoken()
        .args(["seal", "--cert"])
        .arg(d.join("missing.pem"))
        .args(["-f"])
        .arg(d.join("s.yaml"))
        .args(["-n", "x"])
        .fails();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("sealtoken: error: "));

    // --validate with no cluster: it asks the controller, so --cert cannot help.
    #[cfg(feature = "cluster")]
    {
        let sealed = kubeseal(d)
            .arg("--cert")
            .arg(demo_cert())
            .args(["-f", "s.yaml", "-n", "x"])
            .succeeds()
            .stdout;
        std::fs::write(d.join("s.sealed.json"), sealed).unwrap();
        let out = kubeseal(d)
            .args(["--validate", "-f", "s.sealed.json"])
            .fails();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(
                "validate the SealedSecrets with the controller: it is asked through the cluster"
            ) && err.contains("--cert is not used here"),
            "{err}"
        );
    }

    // -w FILE.yaml is YAML whatever -o says; -w FILE.json follows -o.
    let cert = demo_cert();
    kubeseal(d)
        .arg("--cert")
        .arg(&cert)
        .args(["-f", "s.yaml", "-n", "x", "-o", "json", "-w", "out.yaml"])
        .succeeds();
    let written = std::fs::read_to_string(d.join("out.yaml")).unwrap();
    assert!(!written.trim_start().starts_with('{'), "{written}");
    assert!(written.contains("kind: SealedSecret"), "{written}");
    kubeseal(d)
        .arg("--cert")
        .arg(&cert)
        .args(["-f", "s.yaml", "-n", "x", "-o", "yaml", "-w", "out.json"])
        .succeeds();
    let written = std::fs::read_to_string(d.join("out.json")).unwrap();
    assert!(
        written.contains("kind: SealedSecret"),
        "-o yaml wins for .json: {written}"
    );
}

#[test]
fn a_terminal_on_stdin_gets_kubeseals_hint() {
    // A pseudo-terminal as stdin (python's pty module); EOF at once.
    let python = crate::tools::python();
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("kubeseal");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sealtoken"), &link).unwrap();
    let script = r#"
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
os.write(fd, b"\x04")
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
"#;
    let run = |extra: &[&str]| {
        let mut c = std::process::Command::new(&python);
        crate::common::clean_env(&mut c);
        let out = c
            .arg("-c")
            .arg(script)
            .arg(&link)
            .arg("--cert")
            .arg(demo_cert())
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = run(&["-n", "x"]);
    assert!(
        text.contains("(tty detected: expecting json/yaml k8s resource in stdin)"),
        "{text}"
    );
    let text = run(&["--raw", "-n", "x", "--name", "y"]);
    assert!(
        text.contains("(tty detected: expecting a secret to encrypt in stdin)"),
        "{text}"
    );
    // With -f, no hint.
    let text = run(&["-n", "x", "-f", "/dev/null"]);
    assert!(!text.contains("tty detected"), "{text}");
}

/// One exit-code rule for every command (docs/exit-codes.md): 1 when the
/// operation ran and failed (a write, a request), 2 for usage or unreadable input.
#[test]
fn one_exit_code_rule_for_writes_requests_and_usage() {
    use crate::common::sealtoken;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.yaml"), NO_NS).unwrap();
    // A file where a folder is needed: every write under it fails.
    std::fs::write(d.join("file"), "").unwrap();
    let blocked = d.join("file").join("sub");
    let cert = demo_cert();
    let code = |c: &mut Command| c.fails().status.code();

    // Writes that fail: 1, in every command that writes.
    assert_eq!(
        code(
            sealtoken()
                .args(["seal", "-n", "x", "--cert"])
                .arg(&cert)
                .arg("-f")
                .arg(d.join("s.yaml"))
                .arg("-w")
                .arg(blocked.join("x.yaml"))
        ),
        Some(1)
    );
    assert_eq!(
        code(sealtoken().args(["man", "--dir"]).arg(&blocked)),
        Some(1)
    );
    let sealed = d.join("db.sealed.yaml");
    sealtoken()
        .args(["seal", "-n", "x", "--cert"])
        .arg(&cert)
        .arg("-f")
        .arg(d.join("s.yaml"))
        .arg("-w")
        .arg(&sealed)
        .succeeds();
    assert_eq!(
        code(
            crate::common::reseal_cmd(&crate::common::demo_key(), &cert)
                .arg(&sealed)
                .arg("-w")
                .arg(blocked.join("out.yaml"))
        ),
        Some(1)
    );
    // A request that fails (nothing listens): 1 (URLs need the feature `http`).
    #[cfg(feature = "http")]
    {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = sealtoken()
            .args([
                "cert-info",
                "--cert",
                &format!("https://127.0.0.1:{port}/v1/cert.pem"),
            ])
            .fails();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Usage and unreadable input: 2.
    assert_eq!(code(sealtoken().args(["seal", "--no-such-flag"])), Some(2));
    assert_eq!(
        code(
            sealtoken()
                .args(["seal", "-n", "x", "--cert"])
                .arg(&cert)
                .arg("-f")
                .arg(d.join("missing.yaml"))
        ),
        Some(2)
    );
    assert_eq!(
        code(
            sealtoken()
                .args(["cert-info", "--cert"])
                .arg(d.join("s.yaml"))
        ),
        Some(2)
    );
    // Refusing to replace a file without --force is a usage error: 2.
    sealtoken().args(["man", "--dir"]).arg(d).succeeds();
    assert_eq!(code(sealtoken().args(["man", "--dir"]).arg(d)), Some(2));
    // A folder as -w: --force cannot help, so it is not suggested.
    let out = crate::common::reseal_cmd(&crate::common::demo_key(), &cert)
        .arg(&sealed)
        .arg("-w")
        .arg(d)
        .fails();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is a directory") && !err.contains("--force"),
        "{err}"
    );
}
