//! SOPS, recognised by its structure: the `sops` metadata SOPS writes
//! (with its `mac` and `lastmodified`), and values it encrypted
//! (`ENC[AES256_GCM,…]`). A comment naming SOPS, or an `ENC[` in some
//! text, is not enough.

use k8s_manifest::yaml::{self, Kind, Node, Scalar};

/// Whether a document root carries SOPS metadata: a `sops` mapping with
/// `mac` and `lastmodified`.
pub(crate) fn has_sops_metadata(root: &Node) -> bool {
    root.get("sops").is_some_and(|s| {
        matches!(s.kind(), Kind::Map(_))
            && s.get("mac").is_some()
            && s.get("lastmodified").is_some()
    })
}

/// Whether a value is one SOPS encrypted.
pub(crate) fn is_encrypted_value(s: &str) -> bool {
    s.starts_with("ENC[AES256_GCM,") && s.ends_with(']')
}

/// Whether file contents are SOPS-encrypted: YAML or JSON (the binary
/// format included) with SOPS metadata and every value outside it
/// encrypted; or a dotenv or INI file with `sops_mac=` and
/// `sops_lastmodified=` lines and every other value encrypted.
pub fn is_sops_encrypted(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    if let Ok(docs) = yaml::parse_stream(text) {
        let roots: Vec<&Node> = docs.iter().filter_map(|d| d.root()).collect();
        if !roots.is_empty() && roots.iter().all(|r| matches!(r.kind(), Kind::Map(_))) {
            return roots.iter().all(|root| {
                has_sops_metadata(root)
                    && match root.kind() {
                        Kind::Map(entries) => entries
                            .iter()
                            .filter(|(k, _)| k.as_str() != Some("sops"))
                            .all(|(_, v)| all_encrypted(v)),
                        _ => false,
                    }
            });
        }
    }
    env_is_encrypted(text)
}

fn all_encrypted(node: &Node) -> bool {
    match node.kind() {
        Kind::Scalar(Scalar::Str(s)) => is_encrypted_value(s),
        Kind::Scalar(Scalar::Null) => true,
        Kind::Scalar(_) => false,
        Kind::Seq(items) => items.iter().all(all_encrypted),
        Kind::Map(entries) => entries.iter().all(|(_, v)| all_encrypted(v)),
    }
}

/// A dotenv or INI file as SOPS writes it.
fn env_is_encrypted(text: &str) -> bool {
    let (mut mac, mut modified, mut values) = (false, false, true);
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';', '[']) {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        let (key, value) = (key.trim(), value.trim());
        match key {
            "sops_mac" => mac = true,
            "sops_lastmodified" => modified = true,
            k if k.starts_with("sops_") => {}
            _ => values &= is_encrypted_value(value),
        }
    }
    mac && modified && values
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENC: &str = "ENC[AES256_GCM,data:Tr7o,iv:1=,tag:2=,type:str]";

    #[test]
    fn by_structure_not_by_words() {
        let yaml = format!("password: {ENC}\nnested:\n  k: {ENC}\nsops:\n  mac: {ENC}\n  lastmodified: \"2024-01-01T00:00:00Z\"\n  version: 3.8.1\n");
        assert!(is_sops_encrypted(yaml.as_bytes()));
        let json = format!(
            "{{\"data\": \"{ENC}\", \"sops\": {{\"mac\": \"{ENC}\", \"lastmodified\": \"x\"}}}}"
        );
        assert!(is_sops_encrypted(json.as_bytes()));
        let env = format!(
            "A={ENC}\nsops_version=3.8.1\nsops_mac={ENC}\nsops_lastmodified=2024-01-01T00:00:00Z\n"
        );
        assert!(is_sops_encrypted(env.as_bytes()));
        let ini =
            format!("[db]\npassword = {ENC}\n[sops]\nsops_mac = {ENC}\nsops_lastmodified = x\n");
        assert!(is_sops_encrypted(ini.as_bytes()));

        // Near misses: the words without the structure, a value left plain,
        // metadata without mac.
        for no in [
            format!("# encrypted with sops\nA=hunter2\nB={ENC}\n"),
            format!("A=hunter2\nB={ENC}\nsops_mac={ENC}\nsops_lastmodified=x\n"),
            format!("password: {ENC}\nplain: hunter2\nsops:\n  mac: {ENC}\n  lastmodified: x\n"),
            format!("password: {ENC}\nsops:\n  version: 3.8.1\n"),
            "-----BEGIN PRIVATE KEY-----\nsops ENC[\n".to_string(),
        ] {
            assert!(!is_sops_encrypted(no.as_bytes()), "{no}");
        }
    }
}
