//! Raw flag values checked once, with the library's one rule for each kind
//! of string (`k8s_manifest::names`): every command that takes a namespace,
//! an object name or a Secret key checks it here, so one value gets one
//! answer, and the message names the flag.

use anyhow::{anyhow, Result};
use k8s_manifest::{names, ObjectRef};

/// Refuses a namespace the API server would refuse (a DNS-1123 label).
pub fn namespace(flag: &str, value: &str) -> Result<()> {
    names::namespace(value).map_err(|e| anyhow!("{flag} {e}"))
}

/// Refuses an object name the API server would refuse (a DNS-1123 subdomain).
pub fn object_name(flag: &str, value: &str) -> Result<()> {
    names::object_name(value).map_err(|e| anyhow!("{flag} {e}"))
}

/// Refuses a Secret data key the API server would refuse.
pub fn secret_key(flag: &str, value: &str) -> Result<()> {
    names::secret_key(value).map_err(|e| anyhow!("{flag} {e}"))
}

/// Refuses a token size outside the library's one range
/// ([`flux_receiver::MIN_TOKEN_BYTES`] to [`flux_receiver::MAX_TOKEN_BYTES`]).
pub fn token_bytes(flag: &str, bytes: usize) -> Result<()> {
    use flux_receiver::{MAX_TOKEN_BYTES, MIN_TOKEN_BYTES};
    if !(MIN_TOKEN_BYTES..=MAX_TOKEN_BYTES).contains(&bytes) {
        return Err(anyhow!(
            "{flag} must be between {MIN_TOKEN_BYTES} and {MAX_TOKEN_BYTES}: \
             the token is the only secret guarding a public webhook URL, and fewer than \
             {MIN_TOKEN_BYTES} random bytes ({} bits) could be guessed",
            MIN_TOKEN_BYTES * 8
        ));
    }
    Ok(())
}

/// `NAME` or `NAMESPACE/NAME`, each part checked by its own rule.
pub fn object_ref(flag: &str, value: &str, default_namespace: &str) -> Result<ObjectRef> {
    let (ns, name) = value.split_once('/').unwrap_or((default_namespace, value));
    names::namespace(ns)
        .and_then(|()| names::object_name(name))
        .map_err(|e| anyhow!("{flag} {:?}: {e}", k8s_manifest::escape::text(value)))?;
    Ok(ObjectRef::new(ns, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_flag_and_the_rule() {
        let e = namespace("-n/--namespace", "Bad_NS")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("-n/--namespace \"Bad_NS\" is not a valid namespace ("),
            "{e}"
        );
        let e = object_ref("--git-repository", "Bad/app", "flux-system")
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"Bad\" is not a valid namespace"), "{e}");
        assert_eq!(
            object_ref("--git-repository", "apps", "flux-system").unwrap(),
            ObjectRef::new("flux-system", "apps")
        );
        assert!(secret_key("--key", "a/b").is_err());
        assert!(object_name("--name", "web.hook").is_ok());
    }
}
