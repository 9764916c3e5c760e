//! The hook under the real pre-commit: the manifest validates, and a commit
//! of a plain Secret is refused while a SealedSecret goes through.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{clean_env, read_fixture};
use crate::tools;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A command with the environment of [`sealtoken`](crate::common::sealtoken)
/// (the hook runs the binary), a private HOME and pre-commit cache, and no
/// outside git config.
fn cmd(program: impl AsRef<std::ffi::OsStr>, dir: &Path, home: &Path) -> Command {
    let mut c = Command::new(program);
    clean_env(&mut c)
        .current_dir(dir)
        .env("HOME", home)
        .env("PRE_COMMIT_HOME", home.join("pre-commit-cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE");
    c
}

fn run(c: &mut Command) -> Output {
    c.output()
        .unwrap_or_else(|e| panic!("cannot run {c:?}: {e}"))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn hook_manifest_is_valid() {
    // A private HOME: pre-commit keeps its cache there (PRE_COMMIT_HOME), and
    // test runs started at once in one checkout must not share it.
    let home = tempfile::tempdir().unwrap();
    let o = run(cmd(tools::pre_commit(), &workspace(), home.path())
        .arg("validate-manifest")
        .arg(".pre-commit-hooks.yaml"));
    assert!(o.status.success(), "{}", text(&o));
}

/// A git repository with `config` as its `.pre-commit-config.yaml` and the
/// hooks installed (timed: the first install builds a `language: rust` hook);
/// then a commit of a plain Secret is refused and one of a SealedSecret passes.
fn refuses_a_plain_secret_and_passes_a_sealed_one(
    config: &str,
    env: &[(&str, std::ffi::OsString)],
) -> std::time::Duration {
    let pre_commit = tools::pre_commit();
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let repo = tmp.path().join("repo");
    fs::create_dir_all(&home).unwrap();
    fs::create_dir_all(repo.join("k8s")).unwrap();
    let git = |args: &[&str]| {
        run(cmd("git", &repo, &home)
            .envs(env.iter().cloned())
            .args(args))
    };
    for args in [
        &["init", "-q"][..],
        &["config", "user.name", "Test"],
        &["config", "user.email", "test@example.com"],
        &["config", "commit.gpgsign", "false"],
    ] {
        let o = git(args);
        assert!(o.status.success(), "git {args:?}: {}", text(&o));
    }
    fs::write(repo.join(".pre-commit-config.yaml"), config).unwrap();
    let started = std::time::Instant::now();
    let o = run(cmd(&pre_commit, &repo, &home)
        .envs(env.iter().cloned())
        .args(["install", "--install-hooks"]));
    let install_time = started.elapsed();
    assert!(o.status.success(), "pre-commit install: {}", text(&o));

    fs::write(
        repo.join("k8s/secret.yaml"),
        read_fixture("upstream/secret.yaml"),
    )
    .unwrap();
    assert!(git(&["add", "."]).status.success());
    let o = git(&["commit", "-q", "-m", "plain"]);
    let out = text(&o);
    assert!(!o.status.success(), "the commit went through: {out}");
    assert!(
        out.contains(
            "k8s/secret.yaml:2:7: plain Secret \"flux-system/webhook-token\" (keys: token)"
        ),
        "{out}"
    );
    assert!(!out.contains("8f3c2a1b9d4e5f6a7b8c9d0e1f2a3b4c"), "{out}");

    fs::write(
        repo.join("k8s/secret.yaml"),
        read_fixture("upstream/flux-webhook-token.sealed.yaml"),
    )
    .unwrap();
    assert!(git(&["add", "."]).status.success());
    let o = git(&["commit", "-q", "-m", "sealed"]);
    assert!(
        o.status.success(),
        "the sealed commit was refused: {}",
        text(&o)
    );

    // A commit of an env file alone is judged through the kustomization
    // whose generator reads it.
    fs::write(
        repo.join("k8s/kustomization.yaml"),
        "secretGenerator:\n- name: app\n  envs: [app.env]\n",
    )
    .unwrap();
    fs::write(repo.join("k8s/app.env"), "TOKEN=\n").unwrap();
    assert!(git(&["add", "."]).status.success());
    let o = git(&["commit", "-q", "-m", "generator"]);
    assert!(
        o.status.success(),
        "an empty env file was refused: {}",
        text(&o)
    );
    fs::write(repo.join("k8s/app.env"), "TOKEN=hunter2\n").unwrap();
    assert!(git(&["add", "k8s/app.env"]).status.success());
    let o = git(&["commit", "-q", "-m", "env only"]);
    let out = text(&o);
    assert!(!o.status.success(), "the env file went through: {out}");
    assert!(out.contains("k8s/kustomization.yaml:3:3: secretGenerator \"app\" has a plain env file app.env (keys: TOKEN)"), "{out}");
    assert!(!out.contains("hunter2"), "{out}");
    install_time
}

#[test]
fn commit_of_a_plain_secret_is_refused() {
    let bin = assert_cmd::cargo::cargo_bin("sealtoken");
    // pre-commit splits `entry` with shlex: the path is quoted in case of spaces.
    let config = format!(
        "repos:\n- repo: local\n  hooks:\n  - id: no-plain-secrets\n    name: no plain Kubernetes Secrets\n    entry: '\"{}\" check'\n    language: system\n    pass_filenames: false\n    always_run: true\n",
        bin.display()
    );
    refuses_a_plain_secret_and_passes_a_sealed_one(&config, &[]);
}

/// The hook as users install it: `repo:` this repository (a local clone),
/// `rev:` its commit, and pre-commit builds the `language: rust` hook itself
/// with `cargo install`. A full release build: `.ci/ship` runs it after its
/// musl build, with `SEALTOKEN_SHIP_TARGET_DIR` (that build's target
/// directory, reused through CARGO_TARGET_DIR and CARGO_BUILD_TARGET).
#[test]
#[ignore = "pre-commit builds the hook (a release build, minutes): .ci/ship runs it"]
fn hook_built_by_pre_commit_from_a_clone_refuses_and_passes() {
    let root = workspace();
    let rev = run(Command::new("git")
        .current_dir(&root)
        .args(["rev-parse", "HEAD"]));
    assert!(rev.status.success(), "{}", text(&rev));
    let rev = String::from_utf8(rev.stdout).unwrap().trim().to_owned();
    let config = format!(
        "repos:\n- repo: {}\n  rev: {rev}\n  hooks:\n  - id: no-plain-secrets\n",
        root.display()
    );
    // The private HOME of `cmd` hides rustup's and cargo's homes: name them.
    let real_home = std::env::var_os("HOME").expect("HOME");
    let home_dir = |var: &str, dir: &str| {
        std::env::var_os(var).unwrap_or_else(|| Path::new(&real_home).join(dir).into_os_string())
    };
    let mut env = vec![
        ("CARGO_HOME", home_dir("CARGO_HOME", ".cargo")),
        ("RUSTUP_HOME", home_dir("RUSTUP_HOME", ".rustup")),
    ];
    if let Some(dir) = std::env::var_os("SEALTOKEN_SHIP_TARGET_DIR") {
        env.push(("CARGO_TARGET_DIR", dir));
        env.push(("CARGO_BUILD_TARGET", "x86_64-unknown-linux-musl".into()));
    }
    let took = refuses_a_plain_secret_and_passes_a_sealed_one(&config, &env);
    eprintln!(
        "pre-commit install --install-hooks (builds the language: rust hook): {:.1} s wall",
        took.as_secs_f64()
    );
}
