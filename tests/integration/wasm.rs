//! The npm package (crates/kubeseal-wasm/npm): built for wasm32 with
//! crates/kubeseal-wasm/build.sh, then its `node --test` suite run against
//! this CLI and the Python interop script.
//!
//! Needs node, the wasm32-unknown-unknown target and wasm-bindgen-cli (which
//! build.sh installs under target/tools). Without them the test says so and
//! passes, unless SEALTOKEN_CI=1, where build.sh installs what is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ci() -> bool {
    std::env::var_os("SEALTOKEN_CI").is_some_and(|v| v == "1")
}

fn works(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Why the package cannot be built here, if it cannot.
fn missing() -> Option<String> {
    if !works("node", &["--version"]) {
        return Some("node is not installed".into());
    }
    let targets = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    if !targets.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
    {
        return Some("the wasm32-unknown-unknown target is not installed".into());
    }
    if !root().join("target/tools/bin/wasm-bindgen").exists() {
        return Some("wasm-bindgen-cli is not installed under target/tools".into());
    }
    None
}

/// Builds the package once per test run (build.sh has its own target dir).
fn build(with_npm: bool) -> bool {
    if let Some(why) = missing() {
        assert!(!ci(), "SEALTOKEN_CI=1 but {why}");
        eprintln!("skipped: {why} (crates/kubeseal-wasm/build.sh --npm installs it)");
        return false;
    }
    let mut cmd = Command::new(root().join("crates/kubeseal-wasm/build.sh"));
    if with_npm {
        cmd.arg("--npm");
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "crates/kubeseal-wasm/build.sh failed");
    true
}

fn node_test(files: &[&Path]) {
    let out = Command::new("node")
        .arg("--test")
        .args(files)
        .env("SEALTOKEN_BIN", env!("CARGO_BIN_EXE_sealtoken"))
        .env("SEALTOKEN_PYTHON", tools::python())
        .current_dir(root().join("crates/kubeseal-wasm/npm"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "node --test {files:?}:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("# fail 0"), "{stdout}");
}

/// The package's tests, and its tests and the offline page's in headless
/// Chromium (which skip without /usr/bin/chromium, unless SEALTOKEN_CI=1): one
/// build for all.
#[test]
fn npm_package_and_offline_page() {
    if !build(true) {
        return;
    }
    let tests = root().join("crates/kubeseal-wasm/npm/test");
    node_test(&[
        &tests.join("package.test.mjs"),
        &tests.join("browser.test.mjs"),
        &tests.join("page.test.mjs"),
    ]);
}
