//! Writers for kubeseal's two output layouts, and for the Flux manifests.
//!
//! JSON is Go's `json.MarshalIndent(obj, "", "  ")` in struct-field order with
//! HTML-safe escaping, followed by a newline. YAML is what `sigs.k8s.io/yaml`
//! produces (go-yaml v2): every mapping's keys sorted in go-yaml v2's order
//! (`crate::key_order`: `a2` before `a10`), two-space indent,
//! strings quoted only when they would otherwise read as another type.
//! [`to_yaml_as_written`] keeps the keys in the order given and indents
//! sequences, the layout of the Flux documentation's examples.
//!
//! # Which reader this YAML is written for
//!
//! The reader that matters is Kubernetes': `sigs.k8s.io/yaml`, which is
//! go-yaml v2 with YAML 1.1 resolution, under kubectl, the API server's
//! clients, kubeseal and the sealed-secrets controller. The style of every
//! string is chosen as go-yaml v2's emitter chooses it (`encode.go`
//! `stringv`, `emitterc.go` `analyze_scalar` / `select_scalar_style` /
//! `write_double_quoted_scalar`), so the output is what kubeseal writes, and
//! every string reads back as the same string:
//! - a string go-yaml v2 would resolve to anything but a string (the YAML 1.1
//!   bool, int, float, null and timestamp forms in every case and prefix,
//!   `0X1F`, `0B101`, `y`, `off`, `2024-1-2`) is double-quoted, and so is what
//!   a YAML 1.2 reader or PyYAML would resolve differently (`1e400`, `=`; see
//!   `needs_quotes` in the crate's `resolve` module);
//! - every character go-yaml does not print raw (C0 and C1 controls, tab,
//!   DEL, U+FEFF, U+FFFE, U+FFFF and everything above U+FFFF) puts the string
//!   in double quotes, escaped as go-yaml escapes it (`\t`, `\x7F`, `\N`,
//!   `\uFEFF`, `\U0001F510`), and so do U+2028 / U+2029 (`\L`, `\P`);
//! - multi-line strings are literal blocks only where go-yaml writes them
//!   (no tab, no space before a line break, no trailing space).
//!
//! Known differences from go-yaml's bytes, none of which changes a value:
//! long lines are not folded at 80 columns, and LS/PS are escaped (see
//! `style_of` in this module's source).

use crate::{Format, ObjectMeta};

/// A value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// A string, quoted only where a YAML reader would misread it.
    Str(String),
    /// A string always written double-quoted in YAML (as hand-written examples quote it).
    Quoted(String),
    /// `true` or `false`.
    Bool(bool),
    /// A mapping, entries in insertion order (the JSON order; YAML sorts them).
    Map(Vec<(String, Out)>),
    /// A sequence.
    Seq(Vec<Out>),
}

impl Out {
    /// An empty mapping.
    pub fn map() -> Out {
        Out::Map(Vec::new())
    }

    /// Appends an entry (keeps insertion order, which is the JSON order).
    pub fn put(&mut self, key: &str, value: Out) {
        if let Out::Map(entries) = self {
            entries.push((key.to_string(), value));
        }
    }

    /// Appends a string-map entry unless the map is empty (Go's `omitempty`).
    pub fn put_string_map<'a>(
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
pub fn to_json(v: &Out) -> String {
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
pub fn to_yaml(v: &Out) -> String {
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
pub fn to_yaml_as_written(v: &Out) -> String {
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
        crate::key_order::sort(&mut ordered, |e| e.0.as_str());
    }
    for (k, v) in ordered {
        push_indent(s, indent);
        if simple_key(k) {
            write_scalar(k, indent, true, s);
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

/// Whether a key can be written as an implicit key (`key: value`), as
/// go-yaml's `check_simple_key` decides: one line (no line break of any kind:
/// LF, CR, NEL, LS, PS) of at most 128 bytes. Other keys are written as
/// explicit keys (`? key`).
fn simple_key(k: &str) -> bool {
    !k.chars().any(is_break) && k.len() <= 128
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

/// go-yaml's line breaks (`is_break`).
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// go-yaml's `is_printable` (with `unicode` on, as `yaml.Marshal` sets it):
/// everything else is escaped in double quotes. Note that characters above
/// U+FFFF are not "printable" to go-yaml v2: it writes them as `\UXXXXXXXX`.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// go-yaml's `yaml_emitter_analyze_scalar`, for block context (this emitter
/// never writes flow collections).
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn analyze(x: &str) -> Analysis {
    if x.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = x.starts_with("---") || x.starts_with("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let chars: Vec<char> = x.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let followed_by_whitespace = next.is_none_or(|n| n == ' ' || n == '\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        let last = i + 1 == chars.len();
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = c == ' ' || c == '\t' || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The style go-yaml v2 writes a string value in (`encode.go` `stringv`,
/// then `yaml_emitter_select_scalar_style`), with one deliberate difference:
/// U+2028 and U+2029 are written escaped (`\L`, `\P`) in double quotes, where
/// go-yaml writes them raw inside single-quoted or literal scalars. go-yaml
/// and other YAML 1.1 readers take a raw LS/PS for a line break, YAML 1.2
/// readers for an ordinary character, so the raw form means different
/// things to different readers; the escape means the same to all of them.
fn style_of(x: &str, simple_key_context: bool) -> Style {
    let requested = if x.contains('\n') {
        Style::Literal
    } else if !crate::resolve::needs_quotes(x) {
        Style::Plain
    } else {
        Style::Double
    };
    if x.contains(['\u{2028}', '\u{2029}']) {
        return Style::Double;
    }
    let a = analyze(x);
    let mut style = requested;
    if simple_key_context && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!a.block_plain_allowed || (x.is_empty() && simple_key_context)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_quoted_allowed {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key_context) {
        style = Style::Double;
    }
    style
}

/// Writes a string value the way go-yaml v2 chooses its style.
fn yaml_scalar(x: &str, indent: usize, s: &mut String) {
    write_scalar(x, indent, false, s);
}

fn write_scalar(x: &str, indent: usize, simple_key_context: bool, s: &mut String) {
    match style_of(x, simple_key_context) {
        Style::Plain => s.push_str(x),
        Style::Single => {
            s.push('\'');
            s.push_str(&x.replace('\'', "''"));
            s.push('\'');
        }
        Style::Double => double_quoted(x, s),
        Style::Literal => literal_block(x, indent, s),
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

/// go-yaml's `yaml_emitter_write_double_quoted_scalar`: its escapes, in its
/// spelling (upper-case hex). Long lines are not folded at 80 columns as
/// go-yaml does; the value read back is the same.
fn double_quoted(x: &str, s: &mut String) {
    s.push('"');
    for c in x.chars() {
        if is_printable(c) && !is_break(c) && c != '"' && c != '\\' {
            s.push(c);
            continue;
        }
        s.push('\\');
        match c {
            '\0' => s.push('0'),
            '\u{7}' => s.push('a'),
            '\u{8}' => s.push('b'),
            '\t' => s.push('t'),
            '\n' => s.push('n'),
            '\u{b}' => s.push('v'),
            '\u{c}' => s.push('f'),
            '\r' => s.push('r'),
            '\u{1b}' => s.push('e'),
            '"' => s.push('"'),
            '\\' => s.push('\\'),
            '\u{85}' => s.push('N'),
            '\u{a0}' => s.push('_'),
            '\u{2028}' => s.push('L'),
            '\u{2029}' => s.push('P'),
            c => {
                let n = c as u32;
                if n <= 0xff {
                    s.push_str(&format!("x{n:02X}"));
                } else if n <= 0xffff {
                    s.push_str(&format!("u{n:04X}"));
                } else {
                    s.push_str(&format!("U{n:08X}"));
                }
            }
        }
    }
    s.push('"');
}

/// `metadata` in Go's ObjectMeta field order, empty maps omitted.
pub fn object_meta(m: &ObjectMeta) -> Out {
    let mut meta = Out::map();
    if let Some(n) = &m.name {
        meta.put("name", Out::Str(n.clone()));
    }
    if let Some(ns) = &m.namespace {
        meta.put("namespace", Out::Str(ns.clone()));
    }
    if let Some(uid) = &m.uid {
        meta.put("uid", Out::Str(uid.clone()));
    }
    meta.put_string_map("labels", &m.labels, false);
    meta.put_string_map("annotations", &m.annotations, false);
    if !m.owner_references.is_empty() {
        let refs = m
            .owner_references
            .iter()
            .map(|r| {
                // Go's OwnerReference field order.
                let mut o = Out::map();
                o.put("apiVersion", Out::Str(r.api_version.clone()));
                o.put("kind", Out::Str(r.kind.clone()));
                o.put("name", Out::Str(r.name.clone()));
                o.put("uid", Out::Str(r.uid.clone()));
                if let Some(c) = r.controller {
                    o.put("controller", Out::Bool(c));
                }
                o
            })
            .collect();
        meta.put("ownerReferences", Out::Seq(refs));
    }
    meta
}

/// `o` in `format`, as kubeseal writes a manifest: JSON, or YAML after `---`.
pub fn render(o: &Out, format: Format) -> String {
    match format {
        Format::Json => to_json(o),
        Format::Yaml => format!("---\n{}", to_yaml(o)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's ObjectMeta order (name, namespace, uid, labels, annotations,
    /// ownerReferences) and OwnerReference order (apiVersion, kind, name,
    /// uid, controller), as `json.Marshal` writes them.
    #[test]
    fn metadata_with_uid_and_owner_in_gos_order() {
        let mut m = ObjectMeta::new(&crate::ObjectRef::new("apps", "db"));
        m.uid = Some("u-1".into());
        m.labels.insert("l".into(), "v".into());
        m.owner_references = vec![crate::OwnerReference::controller(
            "bitnami.com/v1alpha1",
            "SealedSecret",
            "db",
            "u-0",
        )];
        assert_eq!(
            to_json(&object_meta(&m)),
            "{\n  \"name\": \"db\",\n  \"namespace\": \"apps\",\n  \"uid\": \"u-1\",\n  \"labels\": {\n    \"l\": \"v\"\n  },\n  \"ownerReferences\": [\n    {\n      \"apiVersion\": \"bitnami.com/v1alpha1\",\n      \"kind\": \"SealedSecret\",\n      \"name\": \"db\",\n      \"uid\": \"u-0\",\n      \"controller\": true\n    }\n  ]\n}\n"
        );
    }

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

    /// YAML keys in go-yaml v2's order (worked out by hand from its rule:
    /// non-letters first, numbers by value); JSON keeps the order given
    /// (encoding/json's byte order comes from the sorted maps).
    #[test]
    fn yaml_keys_in_go_yaml_v2_order() {
        let mut o = Out::map();
        for k in ["a10", "a2", "A", "_x", "10", "9", "a.b", "a-b"] {
            o.put(k, Out::Str("v".into()));
        }
        assert_eq!(
            to_yaml(&o),
            "_x: v\n\"9\": v\n\"10\": v\nA: v\na-b: v\na.b: v\na2: v\na10: v\n"
        );
        assert!(to_json(&o).starts_with("{\n  \"a10\": \"v\",\n  \"a2\""));
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
