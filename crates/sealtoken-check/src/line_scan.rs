//! A reading of YAML-like text by lines and indentation, for templates
//! that are not valid YAML. It knows block scalars (`|`, `>`), comments,
//! quotes, `---` separators and lines that are only template actions.

use k8s_manifest::Pos;

use crate::finding::{Finding, FindingKind, Location, Report};
use crate::placeholder::is_placeholder;
use crate::text::{has_allow_comment, BY_ANNOTATION, BY_COMMENT};
use crate::ALLOW_ANNOTATION;

struct Entry<'a> {
    line: usize,
    indent: usize,
    key: &'a str,
    /// Column (1-based, characters) of the value.
    value_col: usize,
    value: &'a str,
    /// For a block scalar (`|`, `>`): whether it has content.
    block: Option<bool>,
}

pub(crate) fn scan(text: &str, report: &mut Report) {
    let mut doc = 1;
    let mut entries: Vec<Entry<'_>> = Vec::new();
    let mut block_parent: Option<usize> = None;
    let mut kind_lines: Vec<&str> = Vec::new();
    let all: Vec<&str> = text.lines().collect();
    for (i, raw) in all.iter().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.starts_with("---") && line.get(3..4).is_none_or(|c| c.trim().is_empty())
            || line.starts_with("...")
        {
            finish(&entries, doc, &kind_lines, report);
            entries.clear();
            kind_lines.clear();
            block_parent = None;
            doc += 1;
            continue;
        }
        let content = line.trim_start();
        let indent = line.len() - content.len();
        if content.is_empty() {
            continue;
        }
        if let Some(p) = block_parent {
            if indent > p || is_template_line(content) {
                if !is_template_line(content) {
                    if let Some(last) = entries.last_mut() {
                        last.block = Some(true);
                    }
                }
                continue;
            }
            block_parent = None;
        }
        if content.starts_with('#') || is_template_line(content) {
            continue;
        }
        // `- key: value` list items: the key sits after the dash.
        let (content, indent) = match content.strip_prefix("- ") {
            Some(rest) => {
                let rest_trim = rest.trim_start();
                (rest_trim, indent + 2 + rest.len() - rest_trim.len())
            }
            None => (content, indent),
        };
        let Some((key, value, value_off)) = split_key(content) else {
            continue;
        };
        let value = strip_comment(value).trim();
        let block = (value.starts_with('|') || value.starts_with('>')).then(|| {
            block_parent = Some(indent);
            false
        });
        let value_col = line.get(..indent).map_or(0, |s| s.chars().count())
            + content.get(..value_off).map_or(0, |s| s.chars().count())
            + 1;
        if key == "kind" {
            kind_lines.push(line);
        }
        entries.push(Entry {
            line: i + 1,
            indent,
            key,
            value_col,
            value,
            block,
        });
    }
    finish(&entries, doc, &kind_lines, report);
}

/// Whether the document carries SOPS metadata, by the rule of
/// [`crate::sops`]: a top-level `sops` mapping with `mac` and `lastmodified`.
fn has_sops_metadata(entries: &[Entry<'_>], top: usize) -> bool {
    let Some(i) = entries
        .iter()
        .position(|e| e.indent == top && e.key == "sops")
    else {
        return false;
    };
    let children: Vec<&Entry<'_>> = entries[i + 1..]
        .iter()
        .take_while(|c| c.indent > top)
        .collect();
    let child_indent = children.first().map(|c| c.indent);
    let has = |key: &str| {
        children
            .iter()
            .any(|c| Some(c.indent) == child_indent && c.key == key)
    };
    has("mac") && has("lastmodified")
}

fn is_template_line(content: &str) -> bool {
    let c = content.trim_end();
    c.starts_with("{{") && c.ends_with("}}") && is_placeholder(c)
}

/// `key: value` outside quotes and template braces: (key, value, byte offset of value).
fn split_key(content: &str) -> Option<(&str, &str, usize)> {
    let bytes = content.as_bytes();
    let mut quote: Option<u8> = None;
    let mut braces = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') if i == 0 => quote = Some(b),
            (None, b'{') => braces += 1,
            (None, b'}') => braces = braces.saturating_sub(1),
            (None, b'#') if i == 0 || bytes.get(i - 1) == Some(&b' ') => return None,
            (None, b':') if braces == 0 => {
                let next = bytes.get(i + 1);
                if next.is_none() || next == Some(&b' ') || next == Some(&b'\t') {
                    let key = content.get(..i)?.trim().trim_matches(['"', '\'']);
                    let value_off = (i + 1 + content.get(i + 1..)?.len()
                        - content.get(i + 1..)?.trim_start().len())
                    .min(content.len());
                    return Some((key, content.get(i + 1..)?, value_off));
                }
            }
            _ => {}
        }
    }
    None
}

fn strip_comment(value: &str) -> &str {
    let v = value.trim_start();
    if v.starts_with('"') || v.starts_with('\'') {
        let q = v.as_bytes()[0] as char;
        if let Some(end) = v.get(1..).and_then(|r| r.find(q)) {
            return v.get(..end + 2).unwrap_or(v);
        }
        return v;
    }
    match v.find(" #") {
        Some(i) => v.get(..i).unwrap_or(v),
        None if v.starts_with('#') => "",
        None => v,
    }
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

fn finish(entries: &[Entry<'_>], doc: usize, kind_lines: &[&str], report: &mut Report) {
    let Some(top) = entries.iter().map(|e| e.indent).min() else {
        return;
    };
    let sops = has_sops_metadata(entries, top);
    let Some(kind) = entries
        .iter()
        .find(|e| e.indent == top && e.key == "kind" && unquote(e.value) == "Secret")
    else {
        return;
    };
    if entries
        .iter()
        .any(|e| e.indent == top && e.key == "apiVersion" && unquote(e.value) != "v1")
    {
        return;
    }
    let allowed = if kind_lines.iter().any(|l| has_allow_comment(l)) {
        Some(BY_COMMENT)
    } else if entries
        .iter()
        .any(|e| e.key == ALLOW_ANNOTATION && unquote(e.value).eq_ignore_ascii_case("true"))
    {
        Some(BY_ANNOTATION)
    } else {
        None
    };
    let mut name = None;
    let mut namespace = None;
    let mut keys: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut unknown = false;
    let mut i = 0;
    while i < entries.len() {
        let e = &entries[i];
        i += 1;
        if e.indent != top {
            continue;
        }
        let children: Vec<&Entry<'_>> =
            entries[i..].iter().take_while(|c| c.indent > top).collect();
        let child_indent = children.first().map(|c| c.indent);
        let direct = children.iter().filter(|c| Some(c.indent) == child_indent);
        match e.key {
            "metadata" => {
                for c in direct {
                    let v = unquote(c.value);
                    match c.key {
                        "name" if !v.is_empty() => name = Some(v.to_string()),
                        "namespace" if !v.is_empty() => namespace = Some(v.to_string()),
                        _ => {}
                    }
                }
            }
            "data" | "stringData" => {
                let v = unquote(e.value);
                if !v.is_empty() && v != "{}" && !is_placeholder(v) {
                    unknown = true;
                }
                for c in direct {
                    if is_plain(c, sops) && seen.insert(c.key) {
                        keys.push(c.key.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    if keys.is_empty() && !unknown {
        return;
    }
    let finding = Finding {
        pos: Pos {
            line: kind.line,
            col: kind.value_col,
        },
        kind: FindingKind::PlainSecret,
        namespace,
        name,
        keys,
        file: None,
        location: Location::Lines(doc),
        detail: None,
    };
    report.add(finding, allowed);
}

fn is_plain(c: &Entry<'_>, sops: bool) -> bool {
    if let Some(has_content) = c.block {
        return has_content;
    }
    let v = unquote(c.value);
    !(v.is_empty() || (sops && crate::sops::is_encrypted_value(v)) || is_placeholder(v))
}

#[cfg(test)]
mod tests {
    use k8s_manifest::Pos;

    use crate::finding::Report;

    fn scan(text: &str) -> Report {
        let mut r = Report::default();
        super::scan(text, &mut r);
        r
    }

    #[test]
    fn line_based_fallback() {
        let t = "{{- if .Values.enabled }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include \"x.name\" . }}\n  namespace: apps\nstringData:\n  token: {{ .Values.token | quote }}\n  password: hunter2\n  cert: |\n    -----BEGIN\n{{- end }}\n";
        let r = scan(t);
        assert_eq!(r.findings.len(), 1, "{r:?}");
        let f = &r.findings[0];
        assert_eq!(f.pos, Pos { line: 3, col: 7 });
        assert_eq!(f.keys, ["password", "cert"]);
        assert_eq!(f.namespace.as_deref(), Some("apps"));
        assert!(!format!("{r:?}").contains("hunter2"));
    }

    /// SOPS by the same rule as the tree scan: metadata with `mac` and
    /// `lastmodified`, and only `ENC[AES256_GCM,…]` values count.
    #[test]
    fn sops_by_its_structure() {
        let enc = "ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]";
        let with = format!("{{{{ if .X }}}}\nkind: Secret\nstringData:\n  k: {enc}\nsops:\n  mac: {enc}\n  lastmodified: x\n{{{{ end }}}}\n");
        assert!(scan(&with).findings.is_empty());
        let without_mac = with.replace("  mac: ", "  version: ");
        assert_eq!(scan(&without_mac).findings.len(), 1);
        let not_aes = with.replace(&format!("  k: {enc}"), "  k: ENC[x]");
        assert_eq!(scan(&not_aes).findings.len(), 1);
    }

    #[test]
    fn line_based_clean_templates() {
        let cases = [
            "{{- if .Values.x }}\napiVersion: v1\nkind: Secret\ndata:\n  {{- range $k, $v := .Values.s }}\n  {{ $k }}: {{ $v | b64enc }}\n  {{- end }}\n{{- end }}\n",
            "{{ if .Values.x }}\nkind: ConfigMap\ndata:\n  a: |\n    kind: Secret\n    stringData:\n      k: v\n{{ end }}\n",
            "{{ if .Values.x }}\nkind: Secret # sealtoken: allow\nstringData:\n  k: v\n{{ end }}\n",
        ];
        for c in cases {
            let r = scan(c);
            assert!(r.findings.is_empty(), "{c}: {r:?}");
        }
    }

    /// Repeated keys in a template are reported once each; the
    /// de-duplication is a set (it was a list search, quadratic in the keys).
    #[test]
    fn many_keys_in_a_template_are_reported_once_each() {
        let mut t = String::from("{{ if .X }}\nkind: Secret\nstringData:\n");
        for i in 0..20_000 {
            t.push_str(&format!("  k{i}: v\n  k{i}: w\n"));
        }
        t.push_str("  bad: [oops\n");
        let r = crate::scan(t.as_bytes()).unwrap();
        assert!(r.line_based);
        assert_eq!(r.findings.len(), 1);
        // 20,000 keys, each once, and `bad`, whose value is plain too.
        assert_eq!(r.findings[0].keys.len(), 20_001);
    }
}
