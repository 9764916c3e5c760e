//! The independent implementation of the scheme (pyca/cryptography,
//! tests/interop/hybrid.py), run once per call with a JSON document on stdin.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::tools;

fn run(args: &[&str], path: &Path, input: &Value) -> Output {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/hybrid.py");
    let mut child = Command::new(tools::python())
        .arg(script)
        .args(args)
        .arg(path)
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

/// Runs `hybrid.py ARGS PATH` with `input` on stdin: its JSON output, or
/// `None` when it fails (a key that does not open the values, say).
pub fn try_hybrid_py(args: &[&str], path: &Path, input: &Value) -> Option<Value> {
    let out = run(args, path, input);
    out.status
        .success()
        .then(|| serde_json::from_slice(&out.stdout).unwrap())
}

/// `hybrid.py ARGS PATH`, which must succeed (its stderr in the panic message).
pub fn hybrid_py(args: &[&str], path: &Path, input: &Value) -> Value {
    let out = run(args, path, input);
    assert!(
        out.status.success(),
        "hybrid.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
