//! Expected values written by hand from Go's `text/template`, `fmt` and
//! sprig documentation; tests/template_oracle.rs compares with Go itself.

use std::collections::BTreeMap;

use super::{Template, TemplateError};
use crate::SecretValue;

fn data() -> BTreeMap<String, SecretValue> {
    let mut d = BTreeMap::new();
    d.insert("user".to_string(), SecretValue::from("app"));
    d.insert("password".to_string(), SecretValue::from("hunter2"));
    d.insert("empty".to_string(), SecretValue::from(""));
    d.insert("bin".to_string(), SecretValue::new(vec![0xff, 0x00, b'a']));
    d
}

fn render(t: &str) -> Result<Vec<u8>, TemplateError> {
    Template::parse("key", t)?
        .render(&data())
        .map(|v| v.expose().to_vec())
}

fn ok(t: &str) -> String {
    String::from_utf8(render(t).unwrap()).unwrap()
}

#[test]
fn missing_keys_as_go() {
    assert_eq!(ok("{{ .missing }}"), "<no value>");
    assert_eq!(ok("{{ index . \"missing\" }}"), "");
    assert_eq!(ok("{{ .missing.deeper }}"), "<no value>");
    assert_eq!(ok("{{ print .missing }}"), "<nil>");
    assert_eq!(ok("{{ .missing | default \"d\" }}"), "d");
}

#[test]
fn trimming_and_comments() {
    assert_eq!(ok("a \n\t{{- .user -}}\n b"), "aappb");
    assert_eq!(ok("a {{/* note */}} b"), "a  b");
    assert_eq!(ok("a {{- /* note */ -}} b"), "ab");
    // `{{-3}}` is the number -3, not a trim marker.
    assert_eq!(ok("x {{-3}}"), "x -3");
}

#[test]
fn control_structures() {
    assert_eq!(
        ok("{{ if .empty }}a{{ else if .user }}b{{ else }}c{{ end }}"),
        "b"
    );
    assert_eq!(ok("{{ with .user }}<{{ . }}>{{ end }}"), "<app>");
    assert_eq!(
        ok("{{ range $k, $v := . }}{{ $k }},{{ end }}"),
        "bin,empty,password,user,"
    );
    assert_eq!(ok("{{ range list }}x{{ else }}none{{ end }}"), "none");
    assert_eq!(
        ok("{{ range list 1 2 3 }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}"),
        "1"
    );
    assert_eq!(
        ok("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}"),
        "2"
    );
}

#[test]
fn values_are_bytes() {
    assert_eq!(render("{{ .bin }}").unwrap(), [0xff, 0x00, b'a']);
    assert_eq!(ok("{{ .bin | b64enc }}"), "/wBh");
    assert_eq!(ok("{{ printf \"%q\" .bin }}"), "\"\\xff\\x00a\"");
    assert_eq!(ok("{{ len .bin }}"), "3");
}

#[test]
fn printf_verbs_as_fmt() {
    assert_eq!(
        ok("{{ printf \"%d|%s|%5s|%-4d|%x|%%\" 42 .user .user 7 255 }}"),
        "42|app|  app|7   |ff|%"
    );
    assert_eq!(ok("{{ printf \"%d\" .user }}"), "%!d(string=app)");
    assert_eq!(ok("{{ printf \"%s %s\" .user }}"), "app %!s(MISSING)");
    assert_eq!(ok("{{ printf \"%s\" .user 1 }}"), "app%!(EXTRA int=1)");
}

#[test]
fn sprig_functions() {
    assert_eq!(ok("{{ .user | upper | quote }}"), "\"APP\"");
    assert_eq!(
        ok("{{ sha256sum \"\" }}"),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(ok("{{ b32enc \"foobar\" }}"), "MZXW6YTBOI======");
    assert_eq!(ok("{{ adler32sum \"Wikipedia\" }}"), "300286872");
    assert_eq!(ok("{{ add 1 2 | printf \"%T\" }}"), "int64");
    assert_eq!(ok("{{ join \",\" (list \"a\" 1 nil) }}"), "a,1");
    assert_eq!(ok("{{ nindent 2 \"a\\nb\" }}"), "\n  a\n  b");
}

#[test]
fn regular_expressions_as_go() {
    // Go's \d is ASCII: the Arabic-Indic digit does not match.
    assert_eq!(ok("{{ regexMatch \"^\\\\d$\" \"\u{0663}\" }}"), "false");
    assert_eq!(
        ok("{{ regexReplaceAll \"(a)(b)\" \"xaby\" \"$2$1\" }}"),
        "xbay"
    );
    assert_eq!(ok("{{ regexMatch \"(\" .user }}"), "false");
    assert!(render("{{ mustRegexMatch \"(\" .user }}").is_err());
    // A byte that is not UTF-8 is a U+FFFD to the pattern, itself in the result.
    assert_eq!(
        render("{{ regexReplaceAll \"(.)\" .bin \"[$1]\" }}").unwrap(),
        b"[\xff][\x00][a]"
    );
    assert_eq!(ok("{{ regexMatch \"^\\ufffd\" .bin }}"), "true");
}

#[test]
fn refusals_by_name() {
    assert!(matches!(
        render("{{ randAlphaNum 8 }}"),
        Err(TemplateError::CannotMatch { .. })
    ));
    assert!(matches!(
        render("{{ env \"HOME\" }}"),
        Err(TemplateError::Removed { .. })
    ));
    assert!(matches!(
        render("{{ fromJson \"{}\" }}"),
        Err(TemplateError::Unsupported { .. })
    ));
    assert!(matches!(
        render("{{ nosuch }}"),
        Err(TemplateError::UnknownFunction { .. })
    ));
    assert!(matches!(
        render("{{ define \"x\" }}{{ end }}"),
        Err(TemplateError::Unsupported { .. })
    ));
    let e = render("a\n  {{ .user ").unwrap_err();
    assert!(matches!(e, TemplateError::Parse { line: 2, .. }), "{e}");
}

#[test]
fn errors_and_debug_never_show_values() {
    let cases = [
        "{{ .password.x }}",
        "{{ index .password 99 }}",
        "{{ fail .password }}",
        "{{ repeat (add .password 1) .password }}",
        "{{ range .password }}{{ end }}",
        "{{ eq .password 1 }}",
        "{{ index .password \"x\" }}",
    ];
    for t in cases {
        let e = render(t).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("hunter2"), "{t}: {e}");
    }
    let t = Template::parse("key", "{{ .password }}").unwrap();
    assert!(!format!("{t:?}").contains("password"));
    assert!(!format!("{:?}", t.render(&data()).unwrap()).contains("hunter2"));
}

#[test]
fn referenced_keys_by_name() {
    let t = Template::parse(
        "k",
        "{{ .a }}{{ index . \"b-c\" }}{{ $.d.x }}{{ with .e }}{{ .notakey }}{{ $.f }}{{ end }}{{ range . }}{{ .g }}{{ end }}",
    )
    .unwrap();
    let keys: Vec<_> = t.referenced_keys().into_iter().collect();
    assert_eq!(keys, ["a", "b-c", "d", "e", "f"]);
}

/// The cases `doctor` read by a scanner of its own before it used this parser.
#[test]
fn referenced_keys_of_field_and_index_forms() {
    let cases: [(&str, &[&str]); 8] = [
        ("{{ .password }}", &["password"]),
        (
            "postgres://{{ .user }}:{{ .password }}@db/app",
            &["password", "user"],
        ),
        ("{{ index . \"tls.crt\" }}", &["tls.crt"]),
        ("{{ .user | b64enc }}{{ $.user }}", &["user"]),
        ("{{ printf \"%s.x\" .a }}", &["a"]),
        ("no template here", &[]),
        ("{{ \".quoted\" }}", &[]),
        ("{{ (.a).b }}", &["a"]),
    ];
    for (t, want) in cases {
        let keys: Vec<String> = Template::parse("k", t)
            .unwrap()
            .referenced_keys()
            .into_iter()
            .collect();
        assert_eq!(keys, want, "{t}");
    }
    assert_eq!(
        Template::parse("k", "{{ .é }}")
            .unwrap()
            .referenced_keys()
            .into_iter()
            .collect::<Vec<_>>(),
        ["é"]
    );
    // Broken templates are parse errors, not panics.
    for t in ["{{", "{{ .", "{{ index", "{{ index . \"x"] {
        assert!(Template::parse("k", t).is_err(), "{t}");
    }
    // `.1` is Go's number 0.1, not a key.
    assert!(Template::parse("k", "{{ .1 }}")
        .unwrap()
        .referenced_keys()
        .is_empty());
}

/// What the controller's Go (1.26) and sprig (v3.3.0) have beyond the Go
/// 1.19 and sprig v3.2.3 of the oracle test.
#[test]
fn newer_go_and_sprig() {
    assert_eq!(ok("{{ range 3 }}{{ . }}{{ end }}"), "012");
    assert_eq!(
        ok("{{ range $i := 2 }}{{ $i }}{{ end }}|{{ range -1 }}x{{ else }}none{{ end }}"),
        "01|none"
    );
    assert!(render("{{ range $i, $e := 2 }}{{ end }}").is_err());
    assert_eq!(
        ok("{{ with .missing }}a{{ else with .user }}{{ . }}{{ else }}c{{ end }}"),
        "app"
    );
    assert_eq!(
        ok("{{ with .missing }}a{{ else with .empty }}b{{ else }}c{{ end }}"),
        "c"
    );
    assert!(render("{{ if false }}{{ else with .user }}{{ end }}").is_err());
    // Go 1.22 and later write \b and \f short in JSON.
    assert_eq!(ok("{{ toJson \"\\b\\f\\x01<\" }}"), r#""\b\f\u0001\u003c""#);
    // FIPS 180-2, appendix C.1.
    assert_eq!(
        ok("{{ sha512sum \"abc\" }}"),
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
         2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
    );
}

/// Regression: a number ran into a multibyte letter cut the text inside it.
#[test]
fn a_number_followed_by_a_multibyte_letter_is_a_parse_error() {
    assert!(matches!(
        Template::parse("k", "{{ 3é }}"),
        Err(TemplateError::Parse { .. })
    ));
}

/// Deep nesting is refused, not a stack overflow; a large `range` count
/// allocates nothing up front.
#[test]
fn deep_nesting_and_large_ranges() {
    let parens = format!("{{{{ {}1{} }}}}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(matches!(
        Template::parse("k", &parens),
        Err(TemplateError::Unsupported { .. })
    ));
    let ifs = format!(
        "{}x{}",
        "{{ if true }}".repeat(100_000),
        "{{ end }}".repeat(100_000)
    );
    assert!(matches!(
        Template::parse("k", &ifs),
        Err(TemplateError::Unsupported { .. })
    ));
    // Just under the limit, parsing and rendering fit a test thread's stack.
    let nested = format!(
        "{}x{}",
        "{{ with $ }}{{ if true }}".repeat(31),
        "{{ end }}{{ end }}".repeat(31)
    );
    assert_eq!(ok(&nested), "x");
    let parens = format!("{{{{ {}.user{} }}}}", "(print ".repeat(62), ")".repeat(62));
    assert_eq!(ok(&parens), "app");
    assert_eq!(
        ok("{{ range 1000000000000 }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}"),
        "01"
    );
}

/// Arbitrary text never panics the parser or the renderer (a seeded walk
/// over template syntax, multibyte characters and stray bytes of syntax).
#[test]
fn arbitrary_text_never_panics() {
    const PIECES: &[&str] = &[
        "{{",
        "}}",
        "{{-",
        "-}}",
        " ",
        "\n",
        ".",
        ".user",
        "$",
        "$x",
        ":=",
        "=",
        "|",
        "(",
        ")",
        "\"",
        "`",
        "'",
        "\\",
        "é",
        "ǆ",
        "😀",
        "3",
        "-",
        "0x",
        "1e",
        "_",
        "if",
        "else",
        "end",
        "range",
        "with",
        "break",
        "/*",
        "*/",
        "printf",
        "\"%",
        "d",
        "index",
        "nil",
        "true",
        ",",
        "upper",
        "regexFind",
        "\"[",
        "toJson",
        "@",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        let mut text = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        for _ in 0..(state % 12) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
        }
        if let Ok(t) = Template::parse("k", &text) {
            let _ = t.render(&data());
            let _ = t.referenced_keys();
        }
    }
}
