//! Template placeholders: values that are only `{{ … }}` (Helm, Go templates)
//! or `${NAME}` (envsubst, Flux post-build substitution) are not secrets yet;
//! nor are references that a secret injector resolves in the cluster
//! ([`is_secret_reference`]).

/// Whether `s` is made only of template placeholders (and whitespace):
/// `{{ … }}` without a literal `default`, and `${NAME}` (optionally `${NAME:-}`).
pub fn is_placeholder(s: &str) -> bool {
    if is_secret_reference(s.trim()) {
        return true;
    }
    let mut rest = s.trim();
    let mut found = false;
    while !rest.is_empty() {
        if let Some(body) = rest.strip_prefix("{{") {
            let Some(end) = body.find("}}") else {
                return false;
            };
            let action = body.get(..end).unwrap_or_default();
            if has_literal_default(action) {
                return false;
            }
            rest = body.get(end + 2..).unwrap_or_default().trim_start();
        } else if let Some(body) = rest.strip_prefix("${") {
            let Some(end) = body.find('}') else {
                return false;
            };
            if !is_env_reference(body.get(..end).unwrap_or_default()) {
                return false;
            }
            rest = body.get(end + 1..).unwrap_or_default().trim_start();
        } else {
            return false;
        }
        found = true;
    }
    found
}

/// Whether `s` is a whole reference that a secret injector resolves, not a
/// secret: 1Password `op://vault/item/field`, argocd-vault-plugin
/// `<path:secret/data/app#key>`, replacer-style `<secret:name|base64>`, vals
/// `ref+vault://…` (any `ref+BACKEND://`) and bank-vaults
/// `vault:secret/…#key`. (A SOPS `ENC[…]` value counts as encrypted only in a
/// document with SOPS metadata: that rule is the scanner's.)
pub fn is_secret_reference(s: &str) -> bool {
    let no_space = !s.contains(char::is_whitespace);
    let op = s.strip_prefix("op://").is_some_and(|rest| {
        let parts: Vec<&str> = rest.split('/').collect();
        parts.len() >= 3 && parts.iter().all(|p| !p.is_empty())
    });
    let angle = |prefix: &str| {
        s.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix('>'))
            .is_some_and(|body| !body.is_empty() && !body.contains(['<', '>']))
    };
    let avp = angle("<path:") && s.contains('#');
    let replacer = angle("<secret:");
    let vals = s.strip_prefix("ref+").is_some_and(|rest| {
        rest.split_once("://").is_some_and(|(backend, path)| {
            !backend.is_empty()
                && backend
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                && !path.is_empty()
        })
    });
    let bank_vaults = s.strip_prefix("vault:").is_some_and(|rest| {
        rest.contains('/')
            && rest
                .split_once('#')
                .is_some_and(|(p, k)| !p.is_empty() && !k.is_empty())
    });
    no_space && (op || avp || replacer || vals || bank_vaults)
}

/// `NAME`, `NAME:-`, `NAME:=`, `NAME-`, `NAME=` (an empty default only).
fn is_env_reference(body: &str) -> bool {
    let body = body.trim();
    let name_end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (name, default) = body.split_at(name_end);
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && matches!(default, "" | ":-" | ":=" | "-" | "=")
}

/// A Go template action with `default "non-empty"`: a literal value.
fn has_literal_default(action: &str) -> bool {
    let mut rest = action;
    while let Some(i) = rest.find("default") {
        let after = rest.get(i + "default".len()..).unwrap_or_default();
        let t = after.trim_start();
        if let Some(q) = t.chars().next().filter(|c| matches!(c, '"' | '`')) {
            let inner = t.get(1..).unwrap_or_default();
            if inner.find(q).is_some_and(|end| end > 0) {
                return true;
            }
        }
        rest = after;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for yes in [
            "{{ .Values.a }}",
            " {{a}}{{b}} ",
            "${A}",
            "${A_1:-}",
            "{{ .a }} ${B}",
        ] {
            assert!(is_placeholder(yes), "{yes}");
        }
        for no in [
            "",
            "a",
            "{{ a",
            "${A",
            "${1A}",
            "${A:-x}",
            "x{{a}}",
            "{{ default \"x\" .a }}",
            "$A",
        ] {
            assert!(!is_placeholder(no), "{no}");
        }
    }

    /// Secret-injector references are not secrets; near misses are.
    #[test]
    fn secret_references() {
        for yes in [
            "op://homelab/postgres/password",
            "<path:secret/data/app#password>",
            "<path:kv/data/app#token#2>",
            "<secret:db-creds|base64>",
            "ref+vault://secret/app#/password",
            "ref+sops://secrets.enc.yaml#/db/password",
            "ref+awssecrets://myteam/mykey",
            "vault:secret/data/app#password",
        ] {
            assert!(is_secret_reference(yes), "{yes}");
            assert!(is_placeholder(yes), "{yes}");
        }
        for no in [
            "op://vault",
            "op://vault//field",
            "<path:secret/data/app>",
            "<secret:>",
            "ref+://x",
            "ref+Vault://x",
            "vault:password",
            "ENC[AES256_GCM,data:Tr7o,iv:1=,tag:2=,type:str]",
            "op://a/b/c extra",
            "hunter2",
        ] {
            assert!(!is_secret_reference(no), "{no}");
        }
    }
}
