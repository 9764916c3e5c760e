//! The `check` scanner on arbitrary bytes: plain streams, kustomizations
//! (with arbitrary referenced files) and `--fix`. Errors, never panics;
//! `fix` never produces output it cannot read back.
#![no_main]

use std::sync::OnceLock;

use kubeseal_core::{Certificate, SealOptions};
use sealtoken_check::{self as check, CheckError};
use libfuzzer_sys::fuzz_target;

static CERT_PEM: &[u8] = include_bytes!("../../fixtures/upstream/controller.crt");

fn cert() -> &'static Certificate {
    static CERT: OnceLock<Certificate> = OnceLock::new();
    CERT.get_or_init(|| Certificate::from_pem(CERT_PEM).expect("demo cert"))
}

fuzz_target!(|data: &[u8]| {
    let _ = check::is_sops_encrypted(data);
    let report = check::scan(data);
    if let Ok(r) = &report {
        for f in r.findings() {
            let _ = f.to_string();
        }
    }
    // A kustomization whose every referenced file is the input itself.
    let mut read = |_: &str| Ok(data.to_vec());
    let _ = check::scan_kustomization(data, &mut read);
    // Fixing seals every finding (one RSA operation per value): keep inputs small.
    if data.len() <= 4096 && report.is_ok_and(|r| r.findings().len() <= 8) {
        let opts = SealOptions::new().allow_expired_certificate(true);
        match check::fix(data, cert(), &opts) {
            Err(CheckError::FixVerify { line, message }) => {
                panic!("fix wrote output it cannot read back: line {line}: {message}")
            }
            Ok(fixed) => {
                if let Some(out) = fixed.output() {
                    // Only what could not be fixed is left to find.
                    let again = check::scan(out).expect("fixed text scans");
                    assert!(
                        again.findings().len() <= fixed.unfixed().len(),
                        "fix left findings behind: {:?}",
                        again.findings()
                    );
                }
            }
            Err(_) => {}
        }
    }
});
