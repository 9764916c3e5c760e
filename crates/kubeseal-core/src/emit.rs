//! Writers for kubeseal's two output layouts, and for the Flux manifests.
//!
//! JSON is Go's `json.MarshalIndent(obj, "", "  ")` in struct-field order with
//! HTML-safe escaping, followed by a newline. YAML is what `sigs.k8s.io/yaml`
//! produces (go-yaml v2): every mapping's keys sorted, two-space indent,
//! strings quoted only when they would otherwise read as another type.
//! [`to_yaml_as_written`] keeps the keys in the order given and indents
//! sequences, the layout of the Flux documentation's examples.

/// A value to write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Out {
    Str(String),
    /// A string always written double-quoted in YAML (as hand-written examples quote it).
    Quoted(String),
    Bool(bool),
    Map(Vec<(String, Out)>),
    Seq(Vec<Out>),
}

impl Out {
    pub(crate) fn map() -> Out {
        Out::Map(Vec::new())
    }

    /// Appends an entry (keeps insertion order, which is the JSON order).
    pub(crate) fn put(&mut self, key: &str, value: Out) {
        if let Out::Map(entries) = self {
            entries.push((key.to_string(), value));
        }
    }

    /// Appends a string-map entry unless the map is empty (Go's `omitempty`).
    pub(crate) fn put_string_map<'a>(
        &mut self,
        key: &str,
        map: impl IntoIterator<Item = (&'a String, &'a String)>,
        keep_empty: bool,
    ) {
        let entries: Vec<(String, Out)> = map
            .into_iter()
            .map(|(k, v)| (k.clone(), Out::Str(v.clone())))
            .collect();
        if keep_empty || !entries.is_empty() {
            self.put(key, Out::Map(entries));
        }
    }
}

/// Go-style indented JSON, with a trailing newline.
pub(crate) fn to_json(v: &Out) -> String {
    let mut s = String::new();
    json_value(v, 0, &mut s);
    s.push('\n');
    s
}

fn json_value(v: &Out, indent: usize, s: &mut String) {
    match v {
        Out::Str(x) | Out::Quoted(x) => json_string(x, s),
        Out::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Out::Map(entries) if entries.is_empty() => s.push_str("{}"),
        Out::Seq(items) if items.is_empty() => s.push_str("[]"),
        Out::Seq(items) => {
            s.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push('\n');
                push_indent(s, indent + 1);
                json_value(v, indent + 1, s);
            }
            s.push('\n');
            push_indent(s, indent);
            s.push(']');
        }
        Out::Map(entries) => {
            s.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push('\n');
                push_indent(s, indent + 1);
                json_string(k, s);
                s.push_str(": ");
                json_value(v, indent + 1, s);
            }
            s.push('\n');
            push_indent(s, indent);
            s.push('}');
        }
    }
}

fn push_indent(s: &mut String, level: usize) {
    for _ in 0..level {
        s.push_str("  ");
    }
}

/// Go's `encoding/json` string escaping, including its HTML-safe escapes.
fn json_string(x: &str, s: &mut String) {
    s.push('"');
    for c in x.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                s.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
}

/// How a YAML document is laid out.
#[derive(Clone, Copy)]
struct Layout {
    /// Sort each mapping's keys (go-yaml v2) or keep them in the order given.
    sort_keys: bool,
    /// Indent a sequence under its key (`key:\n  - a`) rather than not (`key:\n- a`, go-yaml v2).
    indent_sequences: bool,
}

/// YAML as `sigs.k8s.io/yaml` writes it: keys sorted, `---` is added by the caller.
pub(crate) fn to_yaml(v: &Out) -> String {
    yaml_document(
        v,
        Layout {
            sort_keys: true,
            indent_sequences: false,
        },
    )
}

/// YAML as the Flux documentation's examples are written: keys in the order
/// given, sequences indented under their key; scalars quoted as by [`to_yaml`].
pub(crate) fn to_yaml_as_written(v: &Out) -> String {
    yaml_document(
        v,
        Layout {
            sort_keys: false,
            indent_sequences: true,
        },
    )
}

fn yaml_document(v: &Out, layout: Layout) -> String {
    let mut s = String::new();
    match v {
        Out::Map(entries) if !entries.is_empty() => yaml_map(entries, 0, layout, &mut s),
        Out::Seq(items) if !items.is_empty() => yaml_seq(items, 0, layout, &mut s),
        other => {
            yaml_inline(other, 0, &mut s);
            s.push('\n');
        }
    }
    s
}

fn yaml_seq(items: &[Out], indent: usize, layout: Layout, s: &mut String) {
    for item in items {
        push_indent(s, indent);
        s.push_str("- ");
        match item {
            Out::Map(inner) if !inner.is_empty() => {
                // The first entry goes on the dash's line, the others under it.
                let mut block = String::new();
                yaml_map(inner, indent + 1, layout, &mut block);
                s.push_str(&block[2 * (indent + 1)..]);
            }
            Out::Seq(inner) if !inner.is_empty() => {
                let mut block = String::new();
                yaml_seq(inner, indent + 1, layout, &mut block);
                s.push_str(&block[2 * (indent + 1)..]);
            }
            other => {
                yaml_inline(other, indent + 1, s);
                s.push('\n');
            }
        }
    }
}

fn yaml_map(entries: &[(String, Out)], indent: usize, layout: Layout, s: &mut String) {
    let mut ordered: Vec<&(String, Out)> = entries.iter().collect();
    if layout.sort_keys {
        ordered.sort_by(|a, b| a.0.cmp(&b.0));
    }
    for (k, v) in ordered {
        push_indent(s, indent);
        if simple_key(k) {
            yaml_scalar(k, indent, s);
        } else {
            // go-yaml's explicit key: `? key`, then `:` on its own line.
            s.push_str("? ");
            yaml_scalar(k, indent + 1, s);
            s.push('\n');
            push_indent(s, indent);
        }
        s.push(':');
        match v {
            Out::Map(inner) if !inner.is_empty() => {
                s.push('\n');
                yaml_map(inner, indent + 1, layout, s);
            }
            Out::Seq(items) if !items.is_empty() => {
                s.push('\n');
                let at = if layout.indent_sequences {
                    indent + 1
                } else {
                    indent
                };
                yaml_seq(items, at, layout, s);
            }
            other => {
                s.push(' ');
                yaml_inline(other, indent + 1, s);
                s.push('\n');
            }
        }
    }
}

/// Whether a key can be written as an implicit key (`key: value`): YAML
/// allows one line of at most 1024 characters; go-yaml writes keys that are
/// multi-line or longer than 128 bytes as explicit keys (`? key`).
fn simple_key(k: &str) -> bool {
    !k.contains('\n') && k.len() <= 128
}

fn yaml_inline(v: &Out, indent: usize, s: &mut String) {
    match v {
        Out::Str(x) => yaml_scalar(x, indent, s),
        Out::Quoted(x) => double_quoted(x, s),
        Out::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Out::Map(_) => s.push_str("{}"),
        Out::Seq(_) => s.push_str("[]"),
    }
}

/// Writes a string the way go-yaml v2 chooses its style.
fn yaml_scalar(x: &str, indent: usize, s: &mut String) {
    // A byte-order mark may not appear inside a YAML document: double-quote (escaped).
    if x.contains('\n')
        && x.chars()
            .all(|c| c == '\n' || c == '\t' || (!c.is_control() && c != '\u{feff}'))
    {
        literal_block(x, indent, s);
    } else if resolves_to_non_string(x) || crate::yaml::is_number(x) {
        // The second test: YAML 1.2 numbers go-yaml v2 leaves plain (`0o17`),
        // which this crate's reader (YAML 1.2 core schema) would not read as strings.
        double_quoted(x, s);
    } else if plain_allowed(x) {
        s.push_str(x);
    } else if x.chars().all(|c| !c.is_control() && c != '\u{feff}') && !x.contains('\n') {
        s.push('\'');
        s.push_str(&x.replace('\'', "''"));
        s.push('\'');
    } else {
        double_quoted(x, s);
    }
}

fn literal_block(x: &str, indent: usize, s: &mut String) {
    let trailing = x.len() - x.trim_end_matches('\n').len();
    s.push('|');
    // Leading space or line break: the indentation cannot be detected, so state it.
    if x.starts_with([' ', '\n']) {
        s.push('2');
    }
    match trailing {
        0 => s.push('-'),
        // Clip keeps the last line break only after some content.
        1 if x.len() > 1 => {}
        _ => s.push('+'),
    }
    let body = x.strip_suffix('\n').unwrap_or(x);
    for line in body.split('\n') {
        s.push('\n');
        if !line.is_empty() {
            push_indent(s, indent.max(1));
            s.push_str(line);
        }
    }
}

fn double_quoted(x: &str, s: &mut String) {
    s.push('"');
    for c in x.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '\0' => s.push_str("\\0"),
            c if c.is_control() || c == '\u{feff}' => {
                let n = c as u32;
                if n <= 0xff {
                    s.push_str(&format!("\\x{n:02X}"));
                } else {
                    s.push_str(&format!("\\u{n:04X}"));
                }
            }
            c => s.push(c),
        }
    }
    s.push('"');
}

/// Would go-yaml v2 (YAML 1.1 rules) read this plain scalar as something other
/// than a string? Then it must be quoted.
fn resolves_to_non_string(x: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN", ".NAN", "<<",
    ];
    if WORDS.contains(&x) {
        return true;
    }
    let first = x.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return false;
    }
    looks_numeric(x) || looks_like_timestamp(x)
}

/// YAML 1.1 ints (decimal, 0x, 0b, octal, underscores, base 60) and floats.
fn looks_numeric(x: &str) -> bool {
    let body = x.strip_prefix(['-', '+']).unwrap_or(x);
    if body.is_empty() {
        return false;
    }
    let plain = body.replace('_', "");
    if let Some(h) = plain.strip_prefix("0x") {
        return !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(b) = plain.strip_prefix("0b") {
        return !b.is_empty() && b.bytes().all(|c| c == b'0' || c == b'1');
    }
    if body.contains(':') {
        // sexagesimal, e.g. 1:20 or 190:20:30.15
        return body.split(':').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b'_')
        });
    }
    if plain.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    // float: digits with one dot and an optional exponent
    let (mant, exp) = match plain.find(['e', 'E']) {
        Some(i) => (&plain[..i], Some(&plain[i + 1..])),
        None => (plain.as_str(), None),
    };
    let dots = mant.bytes().filter(|&b| b == b'.').count();
    let mant_ok = dots <= 1
        && mant.bytes().any(|b| b.is_ascii_digit())
        && mant.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mant_ok && exp_ok && (dots == 1 || exp.is_some())
}

/// `2006-01-02`-style dates and timestamps, which go-yaml v2 resolves to time values.
fn looks_like_timestamp(x: &str) -> bool {
    let b = x.as_bytes();
    b.len() >= 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && x[5..]
            .split(['-', 'T', 't', ' ', ':', '.', 'Z', '+'])
            .next()
            .is_some_and(|m| !m.is_empty() && m.len() <= 2 && m.bytes().all(|c| c.is_ascii_digit()))
}

/// go-yaml's emitter analysis: may this string be written plain?
fn plain_allowed(x: &str) -> bool {
    let b = x.as_bytes();
    if b.is_empty() || x.starts_with(' ') || x.ends_with(' ') {
        return false;
    }
    if x.starts_with("---") || x.starts_with("...") {
        return false;
    }
    let first = b[0];
    if matches!(
        first,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    ) {
        // `-`, `?` and `:` are allowed when followed by a non-space, as in go-yaml.
        let next_is_space = b.get(1).is_none_or(|c| *c == b' ');
        if !matches!(first, b'-' | b'?' | b':') || next_is_space {
            return false;
        }
    }
    let mut prev = 0u8;
    for (i, &c) in b.iter().enumerate() {
        let next = b.get(i + 1).copied().unwrap_or(b' ');
        if c == b':' && (next == b' ' || i + 1 == b.len()) {
            return false;
        }
        if c == b'#' && prev == b' ' {
            return false;
        }
        prev = c;
    }
    x.chars()
        .all(|c| !c.is_control() && c != '\u{feff}' && c != '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(x: &str) -> String {
        let mut s = String::new();
        yaml_scalar(x, 0, &mut s);
        s
    }

    /// Found by fuzzing: a key with a line break was written as a block
    /// scalar, which is not valid YAML as an implicit key (nor is a key of
    /// more than 1024 characters).
    #[test]
    fn multi_line_and_long_keys_are_explicit() {
        let long = "k".repeat(129);
        let o = Out::Map(vec![
            ("a\nb".into(), Out::Str("v".into())),
            ("\n".into(), Out::Str("w\n".into())),
            (
                long.clone(),
                Out::Map(vec![("x".into(), Out::Str("q".into()))]),
            ),
            ("k".repeat(128), Out::Str("z".into())),
        ]);
        assert_eq!(
            to_yaml(&o),
            format!(
                "? |2+\n\n: |\n  w\n? |-\n  a\n  b\n: v\n{}: z\n? {long}\n:\n  x: q\n",
                "k".repeat(128)
            )
        );
    }

    /// Found by fuzzing (target manifest): a multi-line value holding U+FEFF
    /// was written as a literal block, where a byte-order mark is not allowed.
    #[test]
    fn multi_line_values_with_a_bom_are_double_quoted() {
        assert_eq!(y("a\u{feff}\nb"), "\"a\\uFEFF\\nb\"");
    }

    /// Found by fuzzing (target roundtrip): `0o07` was written plain and read
    /// back as a number.
    #[test]
    fn yaml_1_2_numbers_are_quoted() {
        assert_eq!(y("0o07"), "\"0o07\"");
        assert_eq!(y("0o"), "0o");
    }

    #[test]
    fn yaml_quoting_follows_go_yaml_v2() {
        // Expected styles taken from go-yaml v2's documented resolve rules.
        let cases = [
            ("Opaque", "Opaque"),
            ("flux-system", "flux-system"),
            ("true", "\"true\""),
            ("yes", "\"yes\""),
            ("on", "\"on\""),
            ("", "\"\""),
            ("123", "\"123\""),
            ("0x1f", "\"0x1f\""),
            ("1.5", "\"1.5\""),
            ("1e3", "\"1e3\""),
            ("2024-01-01", "\"2024-01-01\""),
            ("~", "\"~\""),
            ("a: b", "'a: b'"),
            ("- x", "'- x'"),
            ("-x", "-x"),
            ("#x", "'#x'"),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            (" lead", "' lead'"),
            ("it's", "it's"),
            ("*star", "'*star'"),
            (
                "https://flux.example.org/hook/ab",
                "https://flux.example.org/hook/ab",
            ),
            ("AgB+/9==", "AgB+/9=="),
            ("tab\there", "\"tab\\there\""),
        ];
        for (input, want) in cases {
            assert_eq!(y(input), want, "{input:?}");
        }
    }

    #[test]
    fn yaml_literal_blocks() {
        let mut out = Out::map();
        out.put("k", Out::Str("a\nb\n".into()));
        out.put("j", Out::Str("a\nb".into()));
        assert_eq!(to_yaml(&out), "j: |-\n  a\n  b\nk: |\n  a\n  b\n");
        let mut out = Out::map();
        out.put("k", Out::Str(" a\nb".into()));
        assert_eq!(to_yaml(&out), "k: |2-\n   a\n  b\n");
    }

    #[test]
    fn sequences_in_both_yaml_layouts_and_json() {
        let mut item = Out::map();
        item.put("kind", Out::Str("GitRepository".into()));
        item.put("apiVersion", Out::Str("v1".into()));
        let mut o = Out::map();
        o.put("z", Out::Str("last".into()));
        o.put(
            "events",
            Out::Seq(vec![Out::Quoted("ping".into()), Out::Str("1h".into())]),
        );
        o.put("resources", Out::Seq(vec![item]));
        o.put("none", Out::Seq(Vec::new()));
        // go-yaml v2: keys sorted, sequences not indented under their key.
        assert_eq!(
            to_yaml(&o),
            "events:\n- \"ping\"\n- 1h\nnone: []\nresources:\n- apiVersion: v1\n  kind: GitRepository\nz: last\n"
        );
        // The Flux documentation's layout: keys as given, sequences indented.
        assert_eq!(
            to_yaml_as_written(&o),
            "z: last\nevents:\n  - \"ping\"\n  - 1h\nresources:\n  - kind: GitRepository\n    apiVersion: v1\nnone: []\n"
        );
        // Go's json.MarshalIndent.
        assert_eq!(
            to_json(&o),
            "{\n  \"z\": \"last\",\n  \"events\": [\n    \"ping\",\n    \"1h\"\n  ],\n  \"resources\": [\n    {\n      \"kind\": \"GitRepository\",\n      \"apiVersion\": \"v1\"\n    }\n  ],\n  \"none\": []\n}\n"
        );
    }

    #[test]
    fn json_escapes_like_go() {
        let mut s = String::new();
        json_string("a<b>&\"\\\n\u{1}\u{2028}é", &mut s);
        assert_eq!(s, r#""a\u003cb\u003e\u0026\"\\\n\u0001\u2028é""#);
    }

    #[test]
    fn json_layout_is_marshal_indent() {
        let mut inner = Out::map();
        inner.put("b", Out::Bool(true));
        let mut out = Out::map();
        out.put("z", Out::Str("1".into()));
        out.put("a", inner);
        out.put("e", Out::map());
        assert_eq!(
            to_json(&out),
            "{\n  \"z\": \"1\",\n  \"a\": {\n    \"b\": true\n  },\n  \"e\": {}\n}\n"
        );
    }
}
