//! URLs as they may be shown: the credentials of a URL's userinfo never
//! reach an error, a warning or a report. Every URL the binary prints or
//! reports (`--cert https://…`, a redirect's target, a kubeconfig's server,
//! `receiver test`'s webhook URL) goes through [`url`].

use std::borrow::Cow;

/// `url` with its userinfo's secret replaced by `***`:
/// `https://user:pass@host/p` gives `https://user:***@host/p`, and a lone
/// user name, which may be a token (`https://ghp_…@host/p`), gives
/// `https://***@host/p`. Anything without userinfo comes back unchanged.
///
/// The userinfo ends at the last `@` of the authority, which ends at the
/// first `/`, `\`, `?` or `#` (as reqwest's URL parser reads it). A URL whose
/// password holds one of those unencoded (`https://u:pa/ss@host/`) is not
/// what it looks like to that parser; when the authority so cut holds a `:`
/// and an `@` follows, everything before the last `@` counts as userinfo,
/// so that no part of such a password shows either (a `host:port` URL with
/// an `@` in its path or query shows less than it could).
pub fn url(url: &str) -> Cow<'_, str> {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return Cow::Borrowed(url);
    };
    if !is_scheme(&url[..start - 3]) {
        return Cow::Borrowed(url);
    }
    let rest = &url[start..];
    let authority = &rest[..rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len())];
    let at = match authority.rfind('@') {
        Some(at) => at,
        // `host:port/…@…` or `user:pa/ss@host`: it cannot be told which,
        // so whatever might be a password is hidden.
        None if authority.contains(':') => match rest.rfind('@') {
            Some(at) => at,
            None => return Cow::Borrowed(url),
        },
        None => return Cow::Borrowed(url),
    };
    let userinfo = &rest[..at];
    let mut out = String::with_capacity(url.len());
    out.push_str(&url[..start]);
    match userinfo.split_once(':') {
        Some((user, _)) if !user.contains(['/', '\\']) => {
            out.push_str(user);
            out.push_str(":***");
        }
        _ => out.push_str("***"),
    }
    out.push_str(&rest[at..]);
    Cow::Owned(out)
}

/// A URL scheme: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_hidden_and_the_rest_kept() {
        let cases = [
            ("https://h/v1/cert.pem", "https://h/v1/cert.pem"),
            (
                "https://user:pass@h:8443/c.pem",
                "https://user:***@h:8443/c.pem",
            ),
            ("HTTP://u:p@h", "HTTP://u:***@h"),
            ("https://ghp_token@h/c.pem", "https://***@h/c.pem"),
            ("https://u:@h/", "https://u:***@h/"),
            ("https://:p@h/", "https://:***@h/"),
            // An `@` in the password (unencoded): the last one ends it.
            ("https://u:p@ss@h/c", "https://u:***@h/c"),
            // After the authority, an `@` is the path's or the query's.
            ("https://h/pkg@1/c.pem", "https://h/pkg@1/c.pem"),
            ("https://h/c.pem?by=a@b", "https://h/c.pem?by=a@b"),
            ("https://u:p@h/c?by=a@b", "https://u:***@h/c?by=a@b"),
            // A password holding `/`, `?`, `#` or `\`: none of it shows.
            ("https://u:pa/ss@h/c", "https://u:***@h/c"),
            ("https://u:12/ab@h/c", "https://u:***@h/c"),
            ("https://u:pa?ss@h/c", "https://u:***@h/c"),
            ("https://u:pa#ss@h/c", "https://u:***@h/c"),
            ("https://u:pa\\ss@h/c", "https://u:***@h/c"),
            ("https://h:8443/a@b", "https://h:***@b"),
            ("https://h:8443/c?by=a@b", "https://h:***@b"),
            // Not URLs.
            ("pub.pem", "pub.pem"),
            ("./a@b://c", "./a@b://c"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(url(input), want, "{input}");
        }
    }
}
