//! The text of `sealtoken --version`: the version, the crypto backend and the
//! Cargo features this binary was built with (`-V` prints the version only).

use std::sync::LazyLock;

/// Every feature of this package and whether this build has it, in Cargo.toml's order.
const FEATURES: &[(&str, bool)] = &[
    ("aws-lc", cfg!(feature = "aws-lc")),
    ("rust-crypto", cfg!(feature = "rust-crypto")),
    ("parallel", cfg!(feature = "parallel")),
    ("http", cfg!(feature = "http")),
    ("cluster", cfg!(feature = "cluster")),
    ("fast-start", cfg!(feature = "fast-start")),
];

/// The kubeseal release whose command line, output and controller behaviour
/// the binary run as `kubeseal` follows (`kubeseal --version` prints it first).
pub const KUBESEAL: &str = "v0.38.4";

/// What `kubeseal --version` prints: kubeseal's line (scripts parse it), then
/// what this binary is.
pub fn kubeseal() -> String {
    format!(
        "kubeseal version: {KUBESEAL}\nsealtoken {} (crypto backend: {})\n",
        env!("CARGO_PKG_VERSION"),
        kubeseal_core::BACKEND
    )
}

/// What `--version` prints after "sealtoken ".
pub static LONG: LazyLock<String> = LazyLock::new(|| long(kubeseal_core::BACKEND, FEATURES));

fn long(backend: &str, features: &[(&str, bool)]) -> String {
    let on: Vec<&str> = features
        .iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect();
    format!(
        "{}\ncrypto backend: {backend}\nfeatures: {}",
        env!("CARGO_PKG_VERSION"),
        if on.is_empty() {
            "(none)".to_owned()
        } else {
            on.join(", ")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_backend_and_only_the_enabled_features() {
        let text = long(
            "aws-lc-rs",
            &[("aws-lc", true), ("http", false), ("cluster", true)],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], env!("CARGO_PKG_VERSION"));
        assert_eq!(lines[1], "crypto backend: aws-lc-rs");
        assert_eq!(lines[2], "features: aws-lc, cluster");
        assert_eq!(
            long("rustcrypto", &[("http", false)]).lines().nth(2),
            Some("features: (none)")
        );
    }
}
