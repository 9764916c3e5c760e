//! Shared helpers: paths to fixtures, the binary under test.

use std::path::PathBuf;

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

/// The `sealtoken` binary, with a clean environment for the variables it reads.
pub fn sealtoken() -> Command {
    let mut c = Command::cargo_bin("sealtoken").unwrap();
    for v in [
        "SEALED_SECRETS_CERT",
        "SEALED_SECRETS_NAMESPACE",
        "SEALED_SECRETS_SCOPE",
        "SEALED_SECRETS_FORMAT",
        "SEALED_SECRETS_CONTROLLER_NAME",
        "SEALED_SECRETS_CONTROLLER_NAMESPACE",
    ] {
        c.env_remove(v);
    }
    c
}
