//! Reading what the binary wrote: the one SealedSecret of an output, its
//! values opened with the demo key, the token of a report, and `sha256sum`
//! as an independent check of the webhook path formula.

use std::process::Command as StdCommand;

use kubeseal_core::{read_sealed_secrets, unseal, PrivateKey, SealedSecret};

use super::read_fixture;

/// The demo controller's private keys.
pub fn keys() -> Vec<PrivateKey> {
    PrivateKey::from_pem(&read_fixture("upstream/controller.key")).unwrap()
}

pub fn only_sealed(bytes: &[u8]) -> SealedSecret {
    let mut v = read_sealed_secrets(bytes).unwrap();
    assert_eq!(v.len(), 1);
    v.remove(0)
}

pub fn unsealed_value(sealed: &SealedSecret, key: &str) -> Vec<u8> {
    unseal(&keys(), sealed).unwrap().data[key].expose().to_vec()
}

/// The token printed under "Webhook token" in a report.
pub fn reported_token(report: &str) -> String {
    report
        .lines()
        .skip_while(|l| !l.starts_with("Webhook token"))
        .nth(1)
        .unwrap_or_else(|| panic!("no token in {report}"))
        .trim()
        .to_string()
}

/// `sha256sum` of a string, as an independent check of the webhook path formula.
pub fn sha256sum(s: &str) -> String {
    let out = StdCommand::new("sh")
        .args(["-c", "printf %s \"$1\" | sha256sum", "sh", s])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}
