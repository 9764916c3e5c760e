//! The keys a `spec.template.data` value references.
//!
//! The controller renders each template with Go's `text/template` (plus the
//! sprig functions) over a `map[string]string` of the decrypted values, so a
//! key is referenced as `{{ .name }}` (identifiers only) or
//! `{{ index . "tls.crt" }}`. A missing key renders as `<no value>` without
//! an error, which is why it is worth a finding.

/// The keys referenced by `template`, in order of appearance, each once.
/// Only `.ident`, `$.ident` and `index . "key"` / `index $ "key"` forms are
/// recognised; anything else is left alone.
pub(crate) fn referenced_keys(template: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |k: String| {
        if !out.contains(&k) {
            out.push(k);
        }
    };
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        action(&after[..end], &mut push);
        rest = &after[end + 2..];
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The references in one action (the text between `{{` and `}}`).
fn action(text: &str, push: &mut impl FnMut(String)) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let mut in_string = false;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c == '"' {
            in_string = !in_string;
        } else if c == '\\' && in_string {
            i += 1;
        } else if !in_string {
            // `.ident` where the dot starts a field chain on the root.
            let before = if i == 0 { ' ' } else { chars[i - 1].1 };
            let root_dot = c == '.'
                && (before == '$' || !(is_ident(before) || before == ')' || before == '.'));
            if root_dot {
                let ident: String = text[pos + 1..]
                    .chars()
                    .take_while(|c| is_ident(*c))
                    .collect();
                if !ident.is_empty() && !ident.starts_with(|c: char| c.is_ascii_digit()) {
                    push(ident);
                }
            }
            if text[pos..].starts_with("index") && !is_ident(before) {
                if let Some(key) = index_key(&text[pos + "index".len()..]) {
                    push(key);
                }
            }
        }
        i += 1;
    }
}

/// The key in `index . "key"` (or `index $ "key"`), after the word `index`.
fn index_key(after: &str) -> Option<String> {
    let s = after.strip_prefix(char::is_whitespace)?.trim_start();
    let s = s.strip_prefix('.').or_else(|| s.strip_prefix('$'))?;
    let s = s.strip_prefix(char::is_whitespace)?.trim_start();
    let s = s.strip_prefix('"')?;
    let end = s.find('"')?;
    let key = &s[..end];
    (!key.contains('\\')).then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::referenced_keys;

    #[test]
    fn field_and_index_references() {
        let cases: [(&str, &[&str]); 8] = [
            ("{{ .password }}", &["password"]),
            (
                "postgres://{{ .user }}:{{ .password }}@db/app",
                &["user", "password"],
            ),
            ("{{ index . \"tls.crt\" }}", &["tls.crt"]),
            ("{{ .user | b64enc }}{{ $.user }}", &["user"]),
            ("{{ printf \"%s.x\" .a }}", &["a"]),
            ("no template here", &[]),
            ("{{ \".quoted\" }}", &[]),
            ("{{ (.a).b }}", &["a"]),
        ];
        for (t, want) in cases {
            assert_eq!(referenced_keys(t), want, "{t}");
        }
    }

    #[test]
    fn unterminated_actions_and_odd_input_do_not_panic() {
        for t in [
            "{{",
            "{{ .",
            "{{ index",
            "{{ index . \"x",
            "}}{{ .é }}",
            "{{ .1 }}",
        ] {
            let _ = referenced_keys(t);
        }
        assert_eq!(referenced_keys("{{ .é }}"), ["é"]);
    }
}
