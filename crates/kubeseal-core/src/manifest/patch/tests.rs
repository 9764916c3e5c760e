use proptest::prelude::*;

use super::*;
use crate::manifest::{read_sealed_secrets, Format, ObjectMeta, ObjectRef};

const YAML: &str = r#"# leading comment
apiVersion: v1
kind: ConfigMap
metadata: {name: other}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: app   # trailing comment
  namespace: prod
spec:
  encryptedData:
    a: AgAAAA==
    # between
    "b": 'AgBBBB=='
    c: "AgCCCC=="
  template:
    metadata: {name: app}
"#;

fn apply(text: &str, f: impl FnOnce(&mut Edits)) -> String {
    let file = SealedFile::parse(text.as_bytes()).unwrap();
    let mut e = Edits::new();
    f(&mut e);
    String::from_utf8(file.apply(&e).unwrap()).unwrap()
}

/// The one SealedSecret of `text` (other kinds skipped).
fn sealed(text: &str) -> SealedSecret {
    let file = SealedFile::parse(text.as_bytes()).unwrap();
    let mut all: Vec<_> = file.sealed_secrets().cloned().collect();
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn replaces_values_keeping_quotes_and_everything_else() {
    let out = apply(YAML, |e| {
        e.set(0, "a", "NEWA");
        e.set(0, "b", "NEWB");
        e.set(0, "c", "NEWC");
    });
    let want = YAML
        .replace("a: AgAAAA==", "a: NEWA")
        .replace("'AgBBBB=='", "'NEWB'")
        .replace("\"AgCCCC==\"", "\"NEWC\"");
    assert_eq!(out, want);
    let back = sealed(&out);
    assert_eq!(back.encrypted_data["b"], "NEWB");
}

#[test]
fn no_edits_is_the_identity() {
    assert_eq!(apply(YAML, |_| {}), YAML);
}

#[test]
fn adds_after_the_last_entry_and_removes_whole_lines() {
    let out = apply(YAML, |e| {
        e.set(0, "d", "NEWD");
        e.set(0, "yes", "NEWY");
        e.remove(0, "b");
    });
    let want = YAML.replace("    \"b\": 'AgBBBB=='\n", "").replace(
        "    c: \"AgCCCC==\"\n",
        "    c: \"AgCCCC==\"\n    d: NEWD\n    \"yes\": NEWY\n",
    );
    assert_eq!(out, want);
    let keys: Vec<_> = sealed(&out).encrypted_data.keys().cloned().collect();
    assert_eq!(keys, ["a", "c", "d", "yes"]);
}

#[test]
fn kubeseal_json_layout() {
    let mut s = SealedSecret {
        metadata: ObjectMeta::new(&ObjectRef::new("ns", "n")),
        ..SealedSecret::default()
    };
    s.encrypted_data.insert("one".into(), "AAAA".into());
    s.encrypted_data.insert("two".into(), "BBBB".into());
    let json = s.to_string(Format::Json);
    let out = apply(&json, |e| {
        e.set(0, "one", "CCCC");
        e.set(0, "three", "DDDD");
    });
    let want = json
        .replace("\"one\": \"AAAA\"", "\"one\": \"CCCC\"")
        .replace(
            "\"two\": \"BBBB\"",
            "\"two\": \"BBBB\",\n      \"three\": \"DDDD\"",
        );
    assert_eq!(out, want);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["spec"]["encryptedData"]["three"], "DDDD");

    let removed = apply(&json, |e| e.remove(0, "one"));
    assert_eq!(removed, json.replace("      \"one\": \"AAAA\",\n", ""));
    let removed = apply(&json, |e| e.remove(0, "two"));
    assert_eq!(removed, json.replace(",\n      \"two\": \"BBBB\"", ""));
}

#[test]
fn kubeseal_yaml_layout_and_flow_mappings() {
    let mut s = SealedSecret {
        metadata: ObjectMeta::new(&ObjectRef::new("ns", "n")),
        ..SealedSecret::default()
    };
    s.encrypted_data.insert("k".into(), "AAAA".into());
    let yaml = s.to_string(Format::Yaml);
    assert_eq!(
        apply(&yaml, |e| e.set(0, "k", "BBBB")),
        yaml.replace("k: AAAA", "k: BBBB")
    );
    let flow = "kind: SealedSecret\napiVersion: bitnami.com/v1alpha1\nmetadata: {name: x}\nspec: {encryptedData: {a: AAAA, b: BBBB}}\n";
    assert_eq!(
        apply(flow, |e| e.remove(0, "a")),
        flow.replace("a: AAAA, ", "")
    );
    assert_eq!(
        apply(flow, |e| e.remove(0, "b")),
        flow.replace(", b: BBBB", "")
    );
    assert_eq!(
        apply(flow, |e| e.set(0, "c", "CCCC")),
        flow.replace("BBBB}", "BBBB, \"c\": \"CCCC\"}")
    );
    let empty = "kind: SealedSecret\nmetadata: {name: x}\nspec:\n  encryptedData: {}\n";
    let out = apply(empty, |e| e.set(0, "c", "CCCC"));
    assert_eq!(out, empty.replace("{}", "{\"c\": \"CCCC\"}"));
    assert_eq!(
        read_sealed_secrets(out.as_bytes()).unwrap()[0].encrypted_data["c"],
        "CCCC"
    );
}

#[test]
fn crlf_bom_and_lists() {
    let text = "\u{feff}kind: List\r\napiVersion: v1\r\nitems:\r\n- kind: SealedSecret\r\n  metadata: {name: x}\r\n  spec:\r\n    encryptedData:\r\n      k: AAAA\r\n";
    let out = apply(text, |e| {
        e.set(0, "k", "BBBB");
        e.set(0, "l", "CCCC");
    });
    assert_eq!(
        out,
        text.replace("k: AAAA\r\n", "k: BBBB\r\n      l: CCCC\r\n")
    );
}

#[test]
fn refusals() {
    let file = SealedFile::parse(YAML.as_bytes()).unwrap();
    let mut e = Edits::new();
    e.remove(0, "zzz");
    assert!(matches!(file.apply(&e), Err(PatchError::NoSuchKey { .. })));
    let mut e = Edits::new();
    e.set(0, "bad key", "AAAA");
    assert!(matches!(file.apply(&e), Err(PatchError::InvalidKey { .. })));
    let mut e = Edits::new();
    e.set(0, "a", "not base64!");
    assert!(matches!(file.apply(&e), Err(PatchError::NotBase64 { .. })));
    let mut e = Edits::new();
    e.set(1, "a", "AAAA");
    assert!(matches!(
        file.apply(&e),
        Err(PatchError::NoSuchObject { index: 1 })
    ));

    // A value folded over two lines is not rewritten.
    let folded = "kind: SealedSecret\nmetadata: {name: x}\nspec:\n  encryptedData:\n    k: AAAA\n      BBBB\n";
    let file = SealedFile::parse(folded.as_bytes()).unwrap();
    let mut e = Edits::new();
    e.set(0, "k", "CCCC");
    assert_eq!(file.apply(&e), Err(PatchError::Layout { line: 5 }));
    // No encryptedData to add to.
    let none = "kind: SealedSecret\nmetadata: {name: x}\nspec: {}\n";
    let file = SealedFile::parse(none.as_bytes()).unwrap();
    assert!(matches!(file.apply(&e), Err(PatchError::NoMapping { .. })));
    assert_eq!(
        SealedFile::parse(b"\xff\xfek\x00").unwrap_err(),
        PatchError::Utf16
    );
}

#[test]
fn flow_mappings_over_several_lines() {
    let head = "kind: SealedSecret\nmetadata: {name: x}\nspec:\n  encryptedData: {";
    let check = |text: String, edit: &dyn Fn(&mut Edits), want: String| {
        let out = apply(&text, |e| edit(e));
        assert_eq!(out, want, "from {text:?}");
        read_sealed_secrets(out.as_bytes()).unwrap();
    };
    // Entries on lines of their own, indented differently: a removed entry
    // takes its whole line, and the next keeps its own indentation.
    check(
        format!("{head}\n      a: AAAA,\n    b: BBBB}}\n"),
        &|e| e.remove(0, "a"),
        format!("{head}\n    b: BBBB}}\n"),
    );
    // The first entry shares the brace's line: only it, its comma and the
    // blanks up to the next entry go.
    check(
        format!("{head}a: AAAA,\n    b: BBBB}}\n"),
        &|e| e.remove(0, "a"),
        format!("{head}b: BBBB}}\n"),
    );
    // Every entry removed: an empty mapping.
    check(
        format!("{head}a: AAAA, b: BBBB}}\n"),
        &|e| {
            e.remove(0, "a");
            e.remove(0, "b");
        },
        format!("{head}}}\n"),
    );
    // A new entry follows the last kept one, in that one's layout.
    check(
        format!("{head}a: AAAA,\n    b: BBBB}}\n"),
        &|e| {
            e.remove(0, "b");
            e.set(0, "c", "CCCC");
        },
        format!("{head}a: AAAA, \"c\": \"CCCC\"}}\n"),
    );
}

#[test]
fn a_file_without_a_final_line_break() {
    let text = "kind: SealedSecret\nmetadata: {name: x}\nspec:\n  encryptedData:\n    k: AAAA";
    assert_eq!(
        apply(text, |e| e.set(0, "k", "BBBB")),
        text.replace("AAAA", "BBBB")
    );
    assert_eq!(
        apply(text, |e| e.set(0, "l", "CCCC")),
        format!("{text}\n    l: CCCC\n")
    );
}

#[test]
fn a_flow_mapping_with_a_trailing_comma_takes_no_new_entries() {
    // Its closing brace is not right after the last value, so no place to
    // insert is known: existing values change, new keys are refused.
    let text = "kind: SealedSecret\nmetadata: {name: x}\nspec: {encryptedData: {a: AAAA,}}\n";
    assert_eq!(
        apply(text, |e| e.set(0, "a", "BBBB")),
        text.replace("AAAA", "BBBB")
    );
    let file = SealedFile::parse(text.as_bytes()).unwrap();
    let mut e = Edits::new();
    e.set(0, "c", "CCCC");
    let got = file.apply(&e);
    assert!(matches!(got, Err(PatchError::NoMapping { .. })), "{got:?}");
}

#[test]
fn scanning_helpers() {
    // rest_of_line: blanks, then a comment or the line's end; the offset after it.
    assert_eq!(rest_of_line(b"k: v  # c\nnext", 4), Some(10));
    assert_eq!(rest_of_line(b"k: v\t\r\nnext", 4), Some(7));
    assert_eq!(rest_of_line(b"k: v  ", 4), Some(6));
    assert_eq!(rest_of_line(b"k: v", 4), Some(4));
    assert_eq!(rest_of_line(b"k: v x\n", 4), None);
    assert_eq!(rest_of_line(b"k: v", 3), None);
    // skip_space and skip_space_and_comments stop at the text's end.
    assert_eq!(skip_space(b" \t\n x", 0), 4);
    assert_eq!(skip_space(b"  ", 0), 2);
    assert_eq!(skip_space_and_comments(b"  # c\n  x", 0), 8);
    assert_eq!(skip_space_and_comments(b"# c", 0), 3);
    assert_eq!(back_space(b"a  b", 3), 1);
    assert_eq!(back_space(b"  b", 2), 0);
    // json_key_before: the double-quoted key right before `: value`.
    let t = r#"{"b": "v", "ab": "w", 'b': "x", "b" : "y"}"#;
    let at = |needle: &str| t.find(needle).unwrap();
    assert_eq!(json_key_before(t, at("\"v\""), "b"), Some(1..4));
    assert_eq!(json_key_before(t, at("\"w\""), "b"), None);
    assert_eq!(json_key_before(t, at("\"x\""), "b"), None);
    let y = at("\"b\" :");
    assert_eq!(json_key_before(t, at("\"y\""), "b"), Some(y..y + 3));
    assert_eq!(json_key_before(t, at("\"v\""), "c"), None);
}

#[test]
fn layout_errors_name_the_line() {
    let text = "kind: SealedSecret\nmetadata: {name: x}\nspec:\n  encryptedData:\n    a: AAAA\n    ? b\n    : BBBB\n";
    let file = SealedFile::parse(text.as_bytes()).unwrap();
    let mut e = Edits::new();
    e.remove(0, "b");
    assert_eq!(file.apply(&e), Err(PatchError::Layout { line: 6 }));
}

#[test]
fn edits_count_what_they_change() {
    let mut e = Edits::new();
    assert!(e.is_empty());
    assert_eq!(e.len(), 0);
    e.set(0, "a", "AAAA");
    e.remove(0, "b");
    e.set(0, "a", "BBBB");
    assert!(!e.is_empty());
    assert_eq!(e.len(), 2);
}

#[test]
fn a_bom_is_kept_and_counted_in_offsets() {
    // One-line JSON after a BOM: the entry sits on the BOM's own line.
    let text = "\u{feff}{\"kind\":\"SealedSecret\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"encryptedData\":{\"k\":\"AAAA\"}}}\n";
    let out = apply(text, |e| e.set(0, "k", "BBBB"));
    assert_eq!(out, text.replace("AAAA", "BBBB"));
    // Invalid UTF-8 is reported at its offset in the file, BOM included.
    let mut bad = b"\xEF\xBB\xBFkind: \xFF".to_vec();
    assert_eq!(
        SealedFile::parse(&bad).unwrap_err(),
        PatchError::Manifest(ManifestError::NotUtf8 { offset: 9 })
    );
    bad.drain(..3);
    assert_eq!(
        SealedFile::parse(&bad).unwrap_err(),
        PatchError::Manifest(ManifestError::NotUtf8 { offset: 6 })
    );
}

#[test]
fn line_separators_matter_only_in_files_with_sealed_secrets() {
    let other = "kind: ConfigMap\ndata: {a: 'x\u{2028}y'}\n";
    assert_eq!(
        SealedFile::parse(other.as_bytes())
            .unwrap()
            .sealed_secrets()
            .len(),
        0
    );
    let sealed = format!("{YAML}---\n{other}");
    assert_eq!(
        SealedFile::parse(sealed.as_bytes()).unwrap_err(),
        PatchError::UnusualLineBreaks
    );
}

fn key() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.-]{1,12}".prop_filter("not . or ..", |k| k != "." && k != "..")
}

fn value() -> impl Strategy<Value = String> {
    "[A-Za-z0-9+/]{4,40}={0,2}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(12), ..ProptestConfig::default() })]

    /// Any mix of replacements, additions and removals on kubeseal's two
    /// layouts reads back as the intended map, and the text outside the
    /// encryptedData entries is unchanged.
    #[test]
    fn edits_read_back_as_intended(
        start in proptest::collection::btree_map(key(), value(), 1..6),
        changes in proptest::collection::vec((key(), proptest::option::of(value())), 0..6),
        json in any::<bool>(),
    ) {
        let mut s = SealedSecret {
            metadata: ObjectMeta::new(&ObjectRef::new("ns", "n")),
            ..SealedSecret::default()
        };
        s.encrypted_data = start.clone();
        s.template.metadata.annotations.insert("keep".into(), "me".into());
        let text = s.to_string(if json { Format::Json } else { Format::Yaml });
        let file = SealedFile::parse(text.as_bytes()).unwrap();
        let mut want = start.clone();
        let mut edits = Edits::new();
        for (k, v) in changes {
            match v {
                Some(v) => { edits.set(0, k.clone(), v.clone()); want.insert(k, v); }
                None if want.contains_key(&k) => { edits.remove(0, k.clone()); want.remove(&k); }
                None => {}
            }
        }
        let out = file.apply(&edits).unwrap();
        let back = read_sealed_secrets(&out).unwrap();
        if want.is_empty() {
            prop_assert!(back[0].encrypted_data.is_empty());
        } else {
            prop_assert_eq!(&back[0].encrypted_data, &want);
        }
        prop_assert_eq!(&back[0].template, &s.template);
        prop_assert_eq!(&back[0].metadata, &s.metadata);
        // Lines outside encryptedData are kept byte for byte.
        let outside = |t: &str| t.lines().filter(|l| !start.keys().chain(want.keys()).any(|k| l.contains(k.as_str()))).map(str::to_string).collect::<Vec<_>>();
        let out = String::from_utf8(out).unwrap();
        let (a, b) = (outside(&text), outside(&out));
        // Removing every entry of a JSON map may leave its (blank) line behind.
        let strip = |v: Vec<String>| v.into_iter().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>();
        prop_assert_eq!(strip(a), strip(b));
    }
}
