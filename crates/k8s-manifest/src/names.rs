//! Kubernetes' validity rules for the strings that name things: namespaces,
//! object names and Secret data keys. Every command and binding checks with
//! these, so one string gets one answer everywhere.
//!
//! ```
//! use k8s_manifest::names;
//!
//! assert!(names::namespace("flux-system").is_ok());
//! let err = names::namespace("Bad_NS").unwrap_err();
//! assert!(err.to_string().starts_with("\"Bad_NS\" is not a valid namespace"));
//! assert!(names::object_name("webhook-token.v2").is_ok());
//! assert!(names::secret_key("tls.crt").is_ok());
//! assert!(names::secret_key("..").is_err());
//! ```

use std::fmt;

/// Which rule a string was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameRule {
    /// A namespace: a DNS-1123 label (`ValidateNamespaceName`).
    Namespace,
    /// An object name: a DNS-1123 subdomain (`NameIsDNSSubdomain`).
    ObjectName,
    /// A Secret or ConfigMap data key (`IsConfigMapKey`).
    SecretKey,
    /// A label key: an optional DNS-1123 subdomain prefix and `/`, then a
    /// name (`IsQualifiedName`).
    LabelKey,
    /// A label value (`IsValidLabelValue`; may be empty).
    LabelValue,
}

impl NameRule {
    /// The rule in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            NameRule::Namespace => "namespace (lowercase letters, digits and '-', at most 63, starting and ending with a letter or digit)",
            NameRule::ObjectName => "Kubernetes name (lowercase letters, digits, '-' and '.', at most 253, each part starting and ending with a letter or digit)",
            NameRule::SecretKey => "Secret key (letters, digits, '-', '_' and '.', at most 253)",
            NameRule::LabelKey => "label key (an optional DNS subdomain prefix and '/', then letters, digits, '-', '_' and '.', at most 63, starting and ending with a letter or digit)",
            NameRule::LabelValue => "label value (empty, or letters, digits, '-', '_' and '.', at most 63, starting and ending with a letter or digit)",
        }
    }

    /// Whether `s` satisfies the rule.
    pub fn allows(self, s: &str) -> bool {
        match self {
            NameRule::Namespace => is_dns1123_label(s),
            NameRule::ObjectName => is_dns1123_subdomain(s),
            NameRule::SecretKey => is_secret_key(s),
            NameRule::LabelKey => is_label_key(s),
            NameRule::LabelValue => s.is_empty() || is_qualified_name_part(s),
        }
    }
}

/// A string refused by a [`NameRule`]; its message quotes the string with
/// control characters escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidName {
    rule: NameRule,
    value: String,
}

impl InvalidName {
    /// The rule the string broke.
    pub fn rule(&self) -> NameRule {
        self.rule
    }
}

impl fmt::Display for InvalidName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\"{}\" is not a valid {}",
            crate::escape::text(&self.value),
            self.rule.describe()
        )
    }
}

impl std::error::Error for InvalidName {}

fn check(rule: NameRule, s: &str) -> Result<(), InvalidName> {
    if rule.allows(s) {
        Ok(())
    } else {
        Err(InvalidName {
            rule,
            value: s.to_string(),
        })
    }
}

/// Checks a namespace (a DNS-1123 label, as the API server validates one).
pub fn namespace(s: &str) -> Result<(), InvalidName> {
    check(NameRule::Namespace, s)
}

/// Checks an object's name (a DNS-1123 subdomain: Secrets, SealedSecrets,
/// Receivers, GitRepositories).
pub fn object_name(s: &str) -> Result<(), InvalidName> {
    check(NameRule::ObjectName, s)
}

/// Checks a Secret data key (`IsConfigMapKey`).
pub fn secret_key(s: &str) -> Result<(), InvalidName> {
    check(NameRule::SecretKey, s)
}

/// Checks a label key (`IsQualifiedName`: `[prefix/]name`).
pub fn label_key(s: &str) -> Result<(), InvalidName> {
    check(NameRule::LabelKey, s)
}

/// Checks a label value (`IsValidLabelValue`).
pub fn label_value(s: &str) -> Result<(), InvalidName> {
    check(NameRule::LabelValue, s)
}

/// `IsQualifiedName`: a name part, after an optional DNS-1123 subdomain
/// prefix and `/`.
fn is_label_key(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns1123_subdomain(prefix) && is_qualified_name_part(name),
        None => is_qualified_name_part(s),
    }
}

/// 1 to 63 letters, digits, `-`, `_` and `.`, starting and ending with a
/// letter or digit (the name part of a qualified name, and a label value).
fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// Whether `s` is a DNS-1123 label: 1 to 63 lowercase letters, digits and
/// `-`, starting and ending with a letter or digit.
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Whether `s` is a DNS-1123 subdomain: at most 253 characters, labels of
/// lowercase letters, digits and `-` joined by `.`.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        })
}

/// Whether `key` is a valid Secret data key (Kubernetes' `IsConfigMapKey`).
pub fn is_secret_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key != "."
        && key != ".."
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases from apimachinery's `validation_test.go` (`TestIsQualifiedName`,
    /// `TestIsValidLabelValue`).
    #[test]
    fn label_keys_and_values() {
        for ok in [
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "1234",
            "simple/simple",
            "now-with-dashes/simple",
            "now-with-dashes/now-with-dashes",
            "now.with.dots/now-with-dashes",
            "now-with.dashes-and.dots/now_with_underscores",
            "Uppercase_Is_OK_123",
            "example.com/Uppercase_Is_OK_123",
            "app.kubernetes.io/part-of",
        ] {
            assert!(label_key(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "nospecialchars%^=@",
            "cantendwithadash-",
            "-cantstartwithadash-",
            "only/one/slash",
            "Example.com/abc",
            "example_com/abc",
            "example.com/",
            "/simple",
            &"a".repeat(64),
        ] {
            assert!(label_key(bad).is_err(), "{bad}");
        }
        for ok in [
            "",
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "end-with-num-1",
            "1234",
            &"a".repeat(63),
        ] {
            assert!(label_value(ok).is_ok(), "{ok}");
        }
        for bad in [
            "nospecialchars%^=@",
            "Tama-nui-te-rā.is_",
            "-starts-with-dash",
            "ends-with-dash-",
            ".starts.with.dot",
            "ends.with.dot.",
            "a/b",
            &"a".repeat(64),
        ] {
            assert!(label_value(bad).is_err(), "{bad}");
        }
        assert!(label_key("a b")
            .unwrap_err()
            .to_string()
            .contains("not a valid label key"));
    }

    #[test]
    fn namespaces_are_labels() {
        for ok in ["a", "flux-system", "0", &"a".repeat(63)] {
            assert!(namespace(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Bad_NS", "-a", "a-", "a.b", &"a".repeat(64), "é"] {
            assert!(namespace(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_subdomains() {
        for ok in ["a", "a.b", "web-hook.v2", &"a".repeat(63)] {
            assert!(object_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "A",
            "a..b",
            ".a",
            "a.",
            "a_b",
            "-a",
            "a.-b",
            &"a".repeat(254),
        ] {
            assert!(object_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secret_keys_follow_is_config_map_key() {
        for ok in ["token", "tls.crt", "A_b-9", ".hidden", &"k".repeat(253)] {
            assert!(secret_key(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "a b", "ключ", &"k".repeat(254)] {
            assert!(secret_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_name_the_rule_and_escape_the_value() {
        assert_eq!(
            namespace("Bad_NS").unwrap_err().to_string(),
            "\"Bad_NS\" is not a valid namespace (lowercase letters, digits and '-', at most 63, starting and ending with a letter or digit)"
        );
        let e = object_name("a\u{1b}[31mb").unwrap_err();
        assert_eq!(e.rule(), NameRule::ObjectName);
        assert!(
            e.to_string()
                .starts_with("\"a\\u{1b}[31mb\" is not a valid Kubernetes name"),
            "{e}"
        );
    }
}
