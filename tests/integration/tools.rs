//! External tools the tests compare against, installed on first use by the
//! tests themselves into `target/test-tools/venv` (from PyPI), so that a
//! plain `cargo test` works on a fresh machine.
//!
//! - `cryptography` (pyca): an independent implementation of RSA-OAEP and AES-GCM.
//! - `pre-commit`: the real hook runner, for the hook integration test.
//! - `PyYAML`: an independent YAML 1.1 reader, for the YAML interop property test.
//! - `jsonschema`: validates `check --format sarif` against the SARIF 2.1.0 schema,
//!   which [`sarif_schema`] takes from the SARIF multitool's npm package.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Python packages the tests need, pinned to a major version.
const PACKAGES: &[&str] = &[
    "cryptography>=42,<49",
    "pre-commit>=3,<5",
    "PyYAML>=6,<7",
    "jsonschema>=4.18,<5",
];

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tools_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        workspace().join(target)
    };
    target.join("test-tools")
}

fn venv_dir() -> PathBuf {
    tools_dir().join("venv")
}

fn venv_ready(venv: &Path) -> bool {
    venv.join("bin/pre-commit").exists()
        && Command::new(venv.join("bin/python"))
            .args(["-c", "import cryptography, yaml, jsonschema"])
            .status()
            .is_ok_and(|s| s.success())
}

/// The venv's `bin` directory, creating the venv on first use.
pub fn venv_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let venv = venv_dir();
        std::fs::create_dir_all(venv.parent().unwrap()).unwrap();
        // Several test processes may start at once: one installs, the others wait.
        let lock = std::fs::File::create(venv.parent().unwrap().join(".lock")).unwrap();
        lock.lock().unwrap();
        if !venv_ready(&venv) {
            let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
            let ok = Command::new(&python)
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "cannot create a Python venv with {python} -m venv (install python3-venv)"
            );
            let ok = Command::new(venv.join("bin/python"))
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .args(PACKAGES)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "pip could not install {PACKAGES:?} into {}",
                venv.display()
            );
        }
        venv.join("bin")
    })
}

/// Python with pyca/cryptography.
pub fn python() -> PathBuf {
    venv_bin().join("python")
}

/// Runs the venv's Python with `args` (a script, or `-c CODE`) and `input`
/// as JSON on stdin; the process's output. The one way tests talk to the
/// Python tools.
pub fn python_with_json(
    args: &[&std::ffi::OsStr],
    input: &serde_json::Value,
) -> std::process::Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new(python())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Runs Python `code` with `input` as JSON on stdin; its JSON output.
pub fn python_json(code: &str, input: &serde_json::Value) -> serde_json::Value {
    let out = python_with_json(&["-c".as_ref(), code.as_ref()], input);
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// kubectl, or `None` (outside CI) when it is missing: under CI the tests
/// that judge with it must run.
pub fn kubectl() -> Option<&'static str> {
    let ok = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some("kubectl");
    }
    assert!(
        std::env::var_os("SEALTOKEN_CI").is_none(),
        "kubectl is needed under CI (the kustomize and reader oracles)"
    );
    eprintln!("skipped: kubectl is not installed");
    None
}

/// The `pre-commit` executable.
pub fn pre_commit() -> PathBuf {
    venv_bin().join("pre-commit")
}

/// The SARIF multitool's npm package, whose `sarif-2.1.0.json` is the schema
/// the multitool validates against (pinned; only the schema is kept).
const SARIF_SCHEMA_PACKAGE: &str = "@microsoft/sarif-multitool-linux@5.7.0";

/// The SARIF 2.1.0 JSON schema, fetched with `npm pack` on first use.
pub fn sarif_schema() -> &'static Path {
    static SCHEMA: OnceLock<PathBuf> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let dir = tools_dir().join("sarif");
        let schema = dir.join("sarif-2.1.0.json");
        std::fs::create_dir_all(&dir).unwrap();
        let lock = std::fs::File::create(dir.join(".lock")).unwrap();
        lock.lock().unwrap();
        if !schema.exists() {
            let out = Command::new("npm")
                .args(["pack", "--silent", SARIF_SCHEMA_PACKAGE])
                .current_dir(&dir)
                .output()
                .unwrap_or_else(|e| panic!("cannot run npm (install Node.js and npm): {e}"));
            assert!(
                out.status.success(),
                "npm pack {SARIF_SCHEMA_PACKAGE}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let tgz = dir.join(String::from_utf8_lossy(&out.stdout).trim());
            let ok = Command::new("tar")
                .arg("-xzf")
                .arg(&tgz)
                .arg("-C")
                .arg(&dir)
                .args(["--strip-components=1", "package/sarif-2.1.0.json"])
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "no package/sarif-2.1.0.json in {}", tgz.display());
            std::fs::remove_file(&tgz).unwrap();
        }
        schema
    })
}
