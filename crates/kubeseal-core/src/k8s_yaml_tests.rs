//! Golden cases: YAML as Kubernetes (`sigs.k8s.io/yaml`, go-yaml v2, YAML 1.1)
//! reads and writes it. Each test name states the Kubernetes reading.
//!
//! Expected emitter output is worked out by hand from go-yaml v2's emitter
//! (`encode.go` `stringv`, `emitterc.go` `analyze_scalar`,
//! `select_scalar_style`, `write_double_quoted_scalar`); expected readings
//! from go-yaml v2's scanner and `resolve.go` and from
//! `sigs.k8s.io/yaml`'s `convertToJSONableObject`. The numbers group the
//! cases by the difference from Kubernetes they pin.

use crate::manifest::{read_secrets, ManifestError};
use k8s_manifest::emit::{to_yaml, Out};

fn yaml_of(key: &str, value: &str) -> String {
    let mut o = Out::map();
    o.put(key, Out::Str(value.into()));
    to_yaml(&o)
}

/// Reads one Secret and returns its annotations.
fn annotations(input: &str) -> std::collections::BTreeMap<String, String> {
    read_secrets(input.as_bytes())
        .unwrap()
        .remove(0)
        .metadata
        .annotations
}

fn error(input: &str) -> String {
    read_secrets(input.as_bytes()).unwrap_err().to_string()
}

fn secret(body: &str) -> String {
    format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n{body}")
}

// 1. Uppercase radix prefixes:

#[test]
fn item1_kubernetes_reads_plain_0x1f_0o17_0b101_as_integers_so_they_are_quoted() {
    for v in [
        "0X1F", "0x1F", "0O17", "0o17", "0B101", "0b101", "-0B1", "017", "1_000",
    ] {
        assert_eq!(yaml_of("a", v), format!("a: \"{v}\"\n"));
    }
}

#[test]
fn item1_kubernetes_reads_key_0x1f_as_key_31_so_keys_are_quoted_too() {
    assert_eq!(yaml_of("0X1F", "v"), "\"0X1F\": v\n");
    assert_eq!(yaml_of("0B11", "v"), "\"0B11\": v\n");
}

// 2. U+2028 / U+2029:

#[test]
fn item2_kubernetes_reads_raw_line_separators_as_line_breaks_so_they_are_escaped() {
    assert_eq!(yaml_of("a", "\u{2028}"), "a: \"\\L\"\n");
    assert_eq!(yaml_of("a", "x\u{2029}y"), "a: \"x\\Py\"\n");
    // In a multi-line value too (no literal block with a raw LS).
    assert_eq!(yaml_of("a", "x\n\u{2028}y"), "a: \"x\\n\\Ly\"\n");
    // As a key: an explicit key, escaped.
    assert_eq!(yaml_of("k\u{2028}", "v"), "? \"k\\L\"\n: v\n");
}

// 3. U+FFFE / U+FFFF:

#[test]
fn item3_kubernetes_refuses_raw_fffe_ffff_so_they_are_escaped() {
    assert_eq!(yaml_of("a", "\u{fffe}"), "a: \"\\uFFFE\"\n");
    assert_eq!(yaml_of("a", "x\u{ffff}\ny"), "a: \"x\\uFFFF\\ny\"\n");
}

#[test]
fn item3_go_yaml_escapes_every_character_it_does_not_print() {
    // C0, DEL, C1 (NEL has its own escape), BOM, and characters above U+FFFF.
    assert_eq!(yaml_of("a", "\u{1}"), "a: \"\\x01\"\n");
    assert_eq!(yaml_of("a", "\u{7f}"), "a: \"\\x7F\"\n");
    assert_eq!(yaml_of("a", "x\u{85}y"), "a: \"x\\Ny\"\n");
    assert_eq!(yaml_of("a", "\u{9f}"), "a: \"\\x9F\"\n");
    assert_eq!(yaml_of("a", "\u{feff}"), "a: \"\\uFEFF\"\n");
    assert_eq!(yaml_of("a", "lock \u{1f510}"), "a: \"lock \\U0001F510\"\n");
    assert_eq!(yaml_of("a", "\u{1b}[0m"), "a: \"\\e[0m\"\n");
    // Printed raw: NBSP, accented letters, CJK.
    assert_eq!(
        yaml_of("a", "caf\u{e9}\u{a0}\u{6f22}"),
        "a: caf\u{e9}\u{a0}\u{6f22}\n"
    );
}

// 4. Tabs in multi-line values:

#[test]
fn item4_kubernetes_refuses_a_tab_led_block_line_so_tabbed_values_are_double_quoted() {
    assert_eq!(yaml_of("a", "\tx\ny"), "a: \"\\tx\\ny\"\n");
    assert_eq!(yaml_of("a", "x\n\ty"), "a: \"x\\n\\ty\"\n");
}

#[test]
fn item4_go_yaml_writes_no_block_for_a_space_before_a_break_or_a_trailing_space() {
    assert_eq!(yaml_of("a", "x \ny"), "a: \"x \\ny\"\n");
    assert_eq!(yaml_of("a", "x\ny "), "a: \"x\\ny \"\n");
    // A leading space is fine in a block (with an indentation indicator).
    assert_eq!(yaml_of("a", " x\ny"), "a: |2-\n   x\n  y\n");
}

// 5. JSON input:

#[test]
fn item5_kubernetes_reads_json_surrogate_pair_escapes_as_one_character() {
    let input = r#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
 "stringData": {"k": "\ud83d\udd10", "\u00e9": "x"}}"#;
    let s = read_secrets(input.as_bytes()).unwrap().remove(0);
    assert_eq!(s.data["k"].expose(), "\u{1f510}".as_bytes());
    assert!(s.data.contains_key("\u{e9}"));
}

#[test]
fn item5_json_errors_keep_their_line() {
    let input = "{\n \"kind\": \"Secret\",\n \"stringData\": {\"k\": 12}\n}";
    let e = error(input);
    assert!(e.contains("stringData.k (line 3)"), "{e}");
    match read_secrets(b"{\n \"kind\": \"Secret\",\n \"a\": [1,]\n}").unwrap_err() {
        ManifestError::Syntax { line: 3, .. } => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn item5_kubernetes_reads_json_keys_as_written_not_as_yaml_1_1() {
    let input = r#"{"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"yes": "on", "0x10": "1e3"}}"#;
    let s = read_secrets(input.as_bytes()).unwrap().remove(0);
    assert_eq!(s.data["yes"].expose(), b"on");
    assert_eq!(s.data["0x10"].expose(), b"1e3");
}

/// kubeseal and kubectl decide JSON or YAML with `GuessJSONStream`: JSON when
/// `{` follows the leading runes Go's `unicode.IsSpace` holds for, within the
/// first 4096 bytes. A form feed is such a space, so a form-feed-led JSON file
/// goes to `encoding/json`, which refuses the form feed ("invalid character
/// '\f' looking for beginning of value"): refused here too, naming line 1.
#[test]
fn item5_kubernetes_decides_json_after_a_form_feed_and_refuses_the_form_feed() {
    let json = r#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"k": "v"}}"#;
    for lead in ["\x0c", "\x0b", "\u{a0}", "\n\x0c", "\u{2028}"] {
        match read_secrets(format!("{lead}{json}").as_bytes()).unwrap_err() {
            ManifestError::Syntax { line, .. } => assert!(line <= 2, "{lead:?}: {line}"),
            other => panic!("{lead:?}: {other:?}"),
        }
    }
    // Spaces, tabs and line breaks are JSON whitespace too: read.
    let s = read_secrets(format!(" \t\r\n{json}").as_bytes()).unwrap();
    assert_eq!(s[0].data["k"].expose(), b"v");
}

/// A BOM is not a space to Go: a BOM-led JSON file is YAML to Kubernetes
/// (go-yaml drops the BOM and reads the object as a flow mapping), and
/// go-yaml refuses a surrogate escape that a JSON parser would join.
#[test]
fn item5_kubernetes_reads_bom_led_json_as_yaml() {
    let plain = r#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"k": "v"}}"#;
    let s = read_secrets(format!("\u{feff}{plain}").as_bytes()).unwrap();
    assert_eq!(s[0].data["k"].expose(), b"v");
    let pair =
        r#"{"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"k": "\ud83d\udd10"}}"#;
    assert!(read_secrets(pair.as_bytes()).is_ok());
    let e = error(&format!("\u{feff}{pair}"));
    assert!(e.contains("line 1"), "{e}");
}

/// `{` only counts within the 4096 bytes `GuessJSONStream` peeks at: after
/// 4096 spaces the input is YAML (so a surrogate escape is refused), after
/// 4095 it is JSON (so it is joined).
#[test]
fn item5_kubernetes_looks_for_the_brace_in_the_first_4096_bytes() {
    let pair =
        r#"{"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"k": "\ud83d\udd10"}}"#;
    let s = read_secrets(format!("{}{pair}", " ".repeat(4095)).as_bytes()).unwrap();
    assert_eq!(s[0].data["k"].expose(), "\u{1f510}".as_bytes());
    assert!(read_secrets(format!("{}{pair}", " ".repeat(4096)).as_bytes()).is_err());
}

/// Flow-style YAML that starts with `{` is JSON to Kubernetes, and not valid
/// JSON: kubectl and kubeseal refuse it, and so does the reader here.
#[test]
fn item5_kubernetes_reads_brace_led_flow_yaml_as_json_and_refuses_it() {
    let e = error("{kind: Secret, metadata: {name: s}, stringData: {k: v}}");
    assert!(e.contains("line 1"), "{e}");
    // The same mapping after `---` is YAML.
    let s = read_secrets(b"---\n{kind: Secret, metadata: {name: s}, stringData: {k: v}}").unwrap();
    assert_eq!(s[0].data["k"].expose(), b"v");
}

// 6. Go-written YAML holding U+2028 / U+2029:

#[test]
fn item6_kubernetes_reads_go_written_single_quoted_line_separator_without_the_indentation() {
    // go-yaml writes "a\u2028b" in an annotation as a single-quoted scalar with
    // the separator raw and the next "line" indented.
    let input = secret("  annotations:\n    k: 'a\u{2028}      b'\n    p: 'x  \u{2029}    y'\n");
    let a = annotations(&input);
    assert_eq!(a["k"], "a\u{2028}b");
    // Blanks before the break are dropped, as go-yaml's scanner does.
    assert_eq!(a["p"], "x\u{2029}y");
}

#[test]
fn item6_kubernetes_reads_go_written_literal_block_line_separator_as_part_of_the_value() {
    let input = secret("  annotations:\n    k: |-\n      a\n      b\u{2028}      c\n");
    assert_eq!(annotations(&input)["k"], "a\nb\u{2028}c");
}

#[test]
fn item6_kubernetes_reads_a_lone_plain_line_separator_as_null_that_is_an_empty_string() {
    let input = secret("  annotations:\n    k: \u{2028}\n");
    assert_eq!(annotations(&input)["k"], "");
}

#[test]
fn item6_kubernetes_reads_a_plain_line_separator_continuation_as_one_value() {
    let input = secret("  annotations:\n    k: a\u{2028}      b\n");
    assert_eq!(annotations(&input)["k"], "a\u{2028}b");
}

#[test]
fn item6_kubernetes_reads_nel_as_a_line_break_folded_like_lf() {
    let input = secret("  annotations:\n    k: 'a\u{85}  b'\n");
    assert_eq!(annotations(&input)["k"], "a b");
}

#[test]
fn item6_a_line_separator_kubernetes_reads_as_structure_is_refused_not_guessed() {
    // "k:<LS>  v" is `k: v` to go-yaml; the line is refused rather than misread.
    let e = error(&secret("  annotations:\n    k:\u{2028}      v\n"));
    assert!(e.contains("U+2028"), "{e}");
    let e = error(&secret("  annotations:\n    k: \"a\u{2028}b\"\n"));
    assert!(e.contains("\\L"), "{e}");
}

#[test]
fn item6_what_the_emitter_writes_kubernetes_reads_back() {
    for v in ["a\u{2028}b", "\u{2029}", "x\n\u{2028}\ny", "\u{85}"] {
        let mut meta = Out::map();
        meta.put("name", Out::Str("s".into()));
        let mut ann = Out::map();
        ann.put("k", Out::Str(v.into()));
        meta.put("annotations", ann);
        let mut o = Out::map();
        o.put("apiVersion", Out::Str("v1".into()));
        o.put("kind", Out::Str("Secret".into()));
        o.put("metadata", meta);
        assert_eq!(annotations(&to_yaml(&o))["k"], v);
    }
}

// 7. 1e400:

#[test]
fn item7_kubernetes_reads_plain_1e400_as_a_string() {
    let input = secret("  annotations:\n    k: 1e400\n");
    assert_eq!(annotations(&input)["k"], "1e400");
    // Written quoted all the same: YAML 1.2 readers take it for infinity.
    assert_eq!(yaml_of("a", "1e400"), "a: \"1e400\"\n");
}

// 8. Quoted scalar continued at the key's indentation:

#[test]
fn item8_kubernetes_reads_a_quoted_continuation_at_key_indentation_folded() {
    let input = secret("  annotations:\n    k: \"a\n    b\"\n    j: 'c\n    d'\n");
    let a = annotations(&input);
    assert_eq!(a["k"], "a b");
    assert_eq!(a["j"], "c d");
    let input = secret("  annotations:\n    k: \"a\n  b\n\n c\"\n");
    assert_eq!(annotations(&input)["k"], "a b\nc");
}

// 9. YAML 1.1 forms:

#[test]
fn item9_kubernetes_reads_keys_yes_y_off_on_as_true_and_false() {
    let input = secret("  annotations:\n    yes: a\n    off: b\n");
    let a = annotations(&input);
    assert_eq!(a["true"], "a");
    assert_eq!(a["false"], "b");
    // Two keys Kubernetes reads as "true" are a duplicate.
    let e = error(&secret("  annotations:\n    y: a\n    on: b\n"));
    assert!(e.contains("duplicate key"), "{e}");
}

#[test]
fn item9_kubernetes_reads_keys_0x10_017_1e3_1_000_0b11_as_numbers_16_15_1000_1000_3() {
    let input = secret("stringData:\n  0x10: a\n  017: b\n  1e3: c\n  0B11: d\n  1.5: e\n");
    let s = read_secrets(input.as_bytes()).unwrap().remove(0);
    let keys: Vec<&str> = s.data.keys().map(String::as_str).collect();
    assert_eq!(keys, ["1.5", "1000", "15", "16", "3"]);
    let e = error(&secret("stringData:\n  1e3: a\n  1_000: b\n"));
    assert!(e.contains("duplicate key"), "{e}");
}

#[test]
fn item9_kubernetes_refuses_null_and_huge_integer_keys() {
    let e = error(&secret("stringData:\n  ~: a\n"));
    assert!(e.contains("null key"), "{e}");
    let e = error(&secret("stringData:\n  18446744073709551615: a\n"));
    assert!(e.contains("integer key"), "{e}");
}

#[test]
fn item9_kubernetes_decodes_binary_values() {
    let input =
        secret("stringData:\n  k: !!binary aGVsbG8=\n  l: !!binary |\n    aGVs\n    bG8=\n");
    let s = read_secrets(input.as_bytes()).unwrap().remove(0);
    assert_eq!(s.data["k"].expose(), b"hello");
    assert_eq!(s.data["l"].expose(), b"hello");
    let e = error(&secret("stringData:\n  k: !!binary '*'\n"));
    assert!(e.contains("base64"), "{e}");
}

#[test]
fn item9_kubernetes_refuses_unquoted_on_as_namespace_and_yes_as_type() {
    let e = error("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: on\n");
    assert!(e.contains("metadata.namespace (line 5)"), "{e}");
    assert!(e.contains("boolean"), "{e}");
    let e = error(&secret("type: yes\n"));
    assert!(e.contains("type (line 5)") && e.contains("boolean"), "{e}");
    let e = error(&secret("stringData:\n  k: 0x1F\n"));
    assert!(
        e.contains("stringData.k (line 6)") && e.contains("number"),
        "{e}"
    );
}

#[test]
fn item9_kubernetes_reads_int_tagged_quoted_12_as_a_number_and_refuses_it_as_a_string() {
    let e = error(&secret("stringData:\n  k: !!int \"12\"\n"));
    assert!(
        e.contains("stringData.k (line 6)") && e.contains("number"),
        "{e}"
    );
    let e = error(&secret("stringData:\n  k: !!int yes\n"));
    assert!(e.contains("line 6") && e.contains("tag"), "{e}");
    // !!str makes anything a string.
    let s = read_secrets(secret("stringData:\n  k: !!str yes\n").as_bytes()).unwrap();
    assert_eq!(s[0].data["k"].expose(), b"yes");
}

#[test]
fn item9_kubernetes_tools_refuse_yaml_directives() {
    let e = error(&format!("%YAML 1.1\n---\n{}", secret("")));
    assert!(e.contains("line 1") && e.contains("directive"), "{e}");
    let e = error(&format!(
        "{}...\n%TAG ! tag:x,2000:\n---\n{}",
        secret(""),
        secret("")
    ));
    assert!(e.contains("line 6") && e.contains("directive"), "{e}");
}

// 10. Duplicate keys:

#[test]
fn item10_kubernetes_keeps_the_last_duplicate_key_and_sealtoken_refuses_saying_so() {
    let e = error(&secret("stringData:\n  k: a\n  k: b\n"));
    assert!(e.contains("stringData.k (line 7): duplicate key"), "{e}");
    assert!(
        e.contains("Kubernetes would silently keep the last value"),
        "{e}"
    );
}

#[test]
fn syntax_errors_keep_their_position_after_the_fixes() {
    match read_secrets(b"a: 'x\xe2\x80\xa8y'\nb: [\n").unwrap_err() {
        ManifestError::Syntax { line, .. } => assert!(line >= 2, "{line}"),
        other => panic!("{other:?}"),
    }
}
