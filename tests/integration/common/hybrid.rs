//! The independent implementation of the scheme (pyca/cryptography,
//! tests/interop/hybrid.py), run once per call with a JSON document on stdin.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::tools;

fn run(args: &[&str], path: &Path, input: &Value) -> Output {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/hybrid.py");
    let mut argv: Vec<&std::ffi::OsStr> = vec![script.as_os_str()];
    argv.extend(args.iter().map(std::ffi::OsStr::new));
    argv.push(path.as_os_str());
    tools::python_with_json(&argv, input)
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
