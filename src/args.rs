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

/// A duration such as `30s`, `2m30s`, `1.5h` or `300ms` (the units Flux's
/// durations take, read by `flux_receiver::parse_duration`), or a bare
/// number of seconds (kubectl's `--request-timeout`).
pub fn duration(flag: &str, value: &str) -> Result<std::time::Duration> {
    if let Ok(secs) = value.parse::<u64>() {
        return Ok(std::time::Duration::from_secs(secs));
    }
    flux_receiver::parse_duration(value).ok_or_else(|| {
        anyhow!(
            "{flag} {:?} is not a duration (such as 30s, 2m, 1h, 500ms, or seconds)",
            k8s_manifest::escape::text(value)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        use std::time::Duration;
        let d = |v| duration("--t", v).unwrap();
        assert_eq!(d("30"), Duration::from_secs(30));
        assert_eq!(d("1m30s"), Duration::from_secs(90));
        assert_eq!(d("1.5h"), Duration::from_secs(5400));
        assert_eq!(d("250ms"), Duration::from_millis(250));
        assert_eq!(d("0"), Duration::ZERO);
        for bad in ["", "s", "1x", "1.2.3s", "-1s", "1 s"] {
            let e = duration("--t", bad).unwrap_err().to_string();
            assert!(e.starts_with("--t "), "{bad}: {e}");
        }
    }

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
