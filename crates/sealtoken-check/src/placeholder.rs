//! Template placeholders: values that are only `{{ … }}` (Helm, Go templates)
//! or `${NAME}` (envsubst, Flux post-build substitution) are not secrets yet.

/// Whether `s` is made only of template placeholders (and whitespace):
/// `{{ … }}` without a literal `default`, and `${NAME}` (optionally `${NAME:-}`).
pub fn is_placeholder(s: &str) -> bool {
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
}
