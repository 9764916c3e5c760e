//! Go templates (Helm chart templates) read as the YAML they render to:
//! lines that are only actions (`{{- if … }}`, `{{ end }}`,
//! `{{- $x := … }}`, `{{- include … | nindent 4 }}`) are removed, every
//! other action becomes a placeholder, and the result is judged as YAML.
//! Line numbers are kept, so findings point into the template.

/// What stands for an action kept inside a line: a placeholder
/// ([`is_placeholder`](crate::is_placeholder)) that is plain YAML anywhere
/// a scalar may stand.
pub(crate) const ACTION: &str = "${_}";

/// A name or key read from untemplated text, as shown: each action as
/// `{{…}}` (its text is not kept).
pub(crate) fn shown(s: &str) -> String {
    s.replace(ACTION, "{{…}}")
}

/// Whether the text is a Go template: it holds a `{{` action opener.
pub(crate) fn is_template(text: &str) -> bool {
    text.contains("{{")
}

/// The text with its template actions removed or replaced, line for line.
pub(crate) fn untemplate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Whether a `{{` opened on an earlier line is still open.
    let mut open = false;
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => match b.strip_suffix('\r') {
                Some(b) => (b, "\r\n"),
                None => (b, "\n"),
            },
            None => (line, ""),
        };
        let (kept, only_actions, still_open) = strip_actions(body, open);
        open = still_open;
        if !only_actions {
            out.push_str(&kept);
        }
        out.push_str(end);
    }
    out
}

/// One line: the text with each action replaced by [`ACTION`], whether the
/// line held nothing but actions (and blanks), and whether an action is
/// still open at its end. Text inside an action spanning lines is dropped.
fn strip_actions(line: &str, mut open: bool) -> (String, bool, bool) {
    let mut kept = String::with_capacity(line.len());
    let mut rest = line;
    let mut had_action = open;
    loop {
        if open {
            match rest.find("}}") {
                Some(i) => {
                    rest = rest.get(i + 2..).unwrap_or_default();
                    open = false;
                }
                None => break,
            }
        }
        match rest.find("{{") {
            Some(i) => {
                kept.push_str(rest.get(..i).unwrap_or_default());
                kept.push_str(ACTION);
                had_action = true;
                rest = rest.get(i + 2..).unwrap_or_default();
                open = true;
            }
            None => {
                kept.push_str(rest);
                break;
            }
        }
    }
    let only_actions = had_action && kept.replace(ACTION, "").trim().is_empty();
    (kept, only_actions, open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_lines_go_actions_stay_as_placeholders() {
        let t = "{{- if .Values.enabled }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include \"x.name\" . }}\nstringData:\n  {{- range $k, $v := .Values.s }}\n  {{ $k }}: {{ $v | quote }}\n  {{- end }}\n  literal: hunter2\n{{- end }}\n";
        let want = "\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ${_}\nstringData:\n\n  ${_}: ${_}\n\n  literal: hunter2\n\n";
        assert_eq!(untemplate(t), want);
    }

    #[test]
    fn actions_spanning_lines_and_comments() {
        let t = "{{/*\n a comment with kind: Secret\n*/}}\nkind: ConfigMap\ndata:\n  a: {{ include \"x\" (dict\n    \"k\" 1) }}\n";
        assert_eq!(untemplate(t), "\n\n\nkind: ConfigMap\ndata:\n  a: ${_}\n\n");
        // Line count is kept, CRLF included.
        let crlf = "{{ if .x }}\r\nkind: Secret\r\n{{ end }}";
        assert_eq!(untemplate(crlf), "\r\nkind: Secret\r\n");
    }

    #[test]
    fn the_placeholder_is_a_placeholder() {
        assert!(crate::is_placeholder(ACTION));
        assert!(is_template("a: {{ .x }}") && !is_template("a: ${X}"));
    }
}
