//! Shared helpers: paths to fixtures, the binary under test in a clean
//! environment, and one way to run it and check its exit status.
//!
//! Every test runs the binary through [`sealtoken`] (or [`sealtoken_std`]
//! where it needs a `std::process::Command`, e.g. to stream stdin), then
//! [`Run::succeeds`] or [`Run::fails`]. The fake API server and controller
//! are in [`api_server`]; a server whose answers are written byte by byte
//! (redirects, slow bodies, plain http) is [`web_server`].

#![allow(dead_code)] // Each test module uses some of the helpers.

pub mod api_server;
pub mod crd_schema;
pub mod doctor_docs;
pub mod fake_controller;
pub mod hybrid;
pub mod keys;
pub mod receiver_server;
pub mod sealed;
pub mod web_server;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use assert_cmd::Command;

/// A file under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Reads a file under `fixtures/`.
pub fn read_fixture(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The demo controller certificate and key (upstream-generated).
pub fn demo_cert() -> PathBuf {
    fixture("upstream/controller.crt")
}

pub fn demo_key() -> PathBuf {
    fixture("upstream/controller.key")
}

/// Environment variables the binary (or a library it uses) reads, removed
/// from every run so that the developer's or CI's environment cannot change
/// a result: the kubeconfig and in-cluster configuration (kube-rs), proxies in
/// both spellings (reqwest, kube-rs), the trust store (rustls), and the
/// global git configuration (`check`'s `.gitignore` walk). Variables starting
/// with [`CLEARED_PREFIXES`] are removed too, whatever their name.
pub const CLEARED: &[&str] = &[
    "KUBECONFIG",
    "KUBERNETES_SERVICE_HOST",
    "KUBERNETES_SERVICE_PORT",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "XDG_CONFIG_HOME",
];

/// Prefixes of the binary's own variables (`SEALED_SECRETS_CERT`, kubeseal's
/// names; `SEALTOKEN_HTTP_TIMEOUT`, ours).
pub const CLEARED_PREFIXES: &[&str] = &["SEALED_SECRETS_", "SEALTOKEN_"];

/// An empty directory used as `HOME`, so that no `~/.kube/config` or
/// `~/.gitconfig` of the machine is read. A fresh directory under
/// `CARGO_TARGET_TMPDIR` per test process, so that test runs started at once
/// in one checkout never share it.
pub fn empty_home() -> &'static Path {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("empty-home-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap()
    })
    .path()
}

/// Removes every variable the binary reads (see [`CLEARED`]) from `c`'s
/// environment, and points `HOME` at [`empty_home`]. For commands that run
/// the binary indirectly (a shell that sets limits, then `exec`s it).
pub fn clean_env(c: &mut std::process::Command) -> &mut std::process::Command {
    for v in CLEARED {
        c.env_remove(v);
    }
    for (k, _) in std::env::vars_os() {
        let name = k.to_string_lossy();
        if CLEARED_PREFIXES.iter().any(|p| name.starts_with(p)) {
            c.env_remove(&k);
        }
    }
    c.env("HOME", empty_home())
}

/// The `sealtoken` binary as a `std::process::Command`, in a clean
/// environment (for tests that stream stdin or send signals).
pub fn sealtoken_std() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_sealtoken"));
    clean_env(&mut c);
    c
}

/// The `sealtoken` binary in a clean environment (see [`CLEARED`]); tests
/// add the variables they mean to test.
pub fn sealtoken() -> Command {
    Command::from_std(sealtoken_std())
}

/// `sealtoken reseal --key KEY --cert CERT`, for the caller to add paths and flags.
pub fn reseal_cmd(key: &Path, cert: &Path) -> Command {
    let mut c = sealtoken();
    c.args(["reseal", "--key"]).arg(key).arg("--cert").arg(cert);
    c
}

/// Running a command and checking its exit status, with its stderr in the
/// panic message when the status is not the expected one.
pub trait Run {
    /// Runs the command, which must exit with status 0; returns its output.
    fn succeeds(&mut self) -> Output;
    /// Runs the command, which must exit with a non-zero status (not a
    /// signal, not a panic); returns its output for further checks.
    fn fails(&mut self) -> Output;
}

fn check_success(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn check_failure(out: Output) -> Output {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "succeeded: {stderr}");
    assert!(out.status.code().is_some(), "killed by a signal: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

impl Run for Command {
    fn succeeds(&mut self) -> Output {
        check_success(self.output().unwrap())
    }
    fn fails(&mut self) -> Output {
        check_failure(self.output().unwrap())
    }
}

impl Run for std::process::Command {
    fn succeeds(&mut self) -> Output {
        check_success(self.output().unwrap())
    }
    fn fails(&mut self) -> Output {
        check_failure(self.output().unwrap())
    }
}

/// The binary run under another name (`kubeseal`, `kubectl-sealtoken`): a
/// symbolic link `dir/name` to it, in a clean environment.
pub fn sealtoken_as(name: &str, dir: &Path) -> Command {
    let link = dir.join(name);
    if !link.exists() {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sealtoken"), &link).unwrap();
    }
    let mut c = std::process::Command::new(&link);
    clean_env(&mut c);
    Command::from_std(c)
}
