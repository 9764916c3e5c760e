use super::*;

/// Expected readings from go-yaml v2's resolve.go and Go's strconv rules.
#[test]
fn plain_resolution_is_go_yaml_v2() {
    let cases: &[(&str, Resolved)] = &[
        ("yes", Resolved::Bool(true)),
        ("Y", Resolved::Bool(true)),
        ("n", Resolved::Bool(false)),
        ("Off", Resolved::Bool(false)),
        ("oN", Resolved::Str),
        ("~", Resolved::Null),
        ("", Resolved::Null),
        ("0X1F", Resolved::Int(31)),
        ("0x1f", Resolved::Int(31)),
        ("0O17", Resolved::Int(15)),
        ("017", Resolved::Int(15)),
        ("0B101", Resolved::Int(5)),
        ("-0B1", Resolved::Int(-1)),
        ("-0b1", Resolved::Int(-1)),
        ("1_000", Resolved::Int(1000)),
        ("+12", Resolved::Int(12)),
        ("08", Resolved::Float(8.0)),
        ("1e3", Resolved::Float(1000.0)),
        ("1e400", Resolved::Str),
        (".5", Resolved::Float(0.5)),
        ("._5", Resolved::Str),
        ("1.", Resolved::Float(1.0)),
        ("-.INF", Resolved::Float(f64::NEG_INFINITY)),
        ("18446744073709551615", Resolved::Uint(u64::MAX)),
        ("-9223372036854775808", Resolved::Int(i64::MIN)),
        (
            "-9223372036854775809",
            Resolved::Float(-9223372036854775809.0),
        ),
        ("0x", Resolved::Str),
        ("0b", Resolved::Str),
        ("0x_", Resolved::Str),
        ("1:20", Resolved::Str),
        ("2024-01-02", Resolved::Timestamp),
        ("2024-1-2", Resolved::Timestamp),
        ("2024-02-30", Resolved::Str),
        ("2024-01-02T03:04:05Z", Resolved::Timestamp),
        ("2024-01-02t03:04:05.5+01:00", Resolved::Timestamp),
        ("2024-01-02 03:04:05", Resolved::Timestamp),
        ("2024-01-02 03:04:05Z", Resolved::Str),
        ("<<", Resolved::Merge),
        ("=", Resolved::Str),
        ("Opaque", Resolved::Str),
        ("1.2.3", Resolved::Str),
    ];
    for (s, want) in cases {
        assert_eq!(&plain(s), want, "{s:?}");
    }
}

#[test]
fn tags_follow_go_yaml_v2() {
    assert_eq!(tagged(Tag::Int, "12"), Ok(Resolved::Int(12)));
    assert_eq!(tagged(Tag::Float, "1"), Ok(Resolved::Float(1.0)));
    assert_eq!(tagged(Tag::Str, "12"), Ok(Resolved::Str));
    assert_eq!(tagged(Tag::Other, "yes"), Ok(Resolved::Str));
    assert!(tagged(Tag::Int, "yes").is_err());
    assert!(tagged(Tag::Bool, "12").is_err());
}

/// Keys as `sigs.k8s.io/yaml` turns them into JSON keys.
#[test]
fn keys_become_what_kubernetes_makes_of_them() {
    let k = |s: &str| key_string(&plain(s));
    assert_eq!(k("0x10"), Ok(Some("16".into())));
    assert_eq!(k("017"), Ok(Some("15".into())));
    assert_eq!(k("1e3"), Ok(Some("1000".into())));
    assert_eq!(k("1_000"), Ok(Some("1000".into())));
    assert_eq!(k("0B11"), Ok(Some("3".into())));
    assert_eq!(k("yes"), Ok(Some("true".into())));
    assert_eq!(k("off"), Ok(Some("false".into())));
    assert_eq!(k("1.0"), Ok(Some("1".into())));
    assert_eq!(k("0.1"), Ok(Some("0.1".into())));
    assert_eq!(k("1e6"), Ok(Some("1e+06".into())));
    assert_eq!(k("123456"), Ok(Some("123456".into())));
    assert_eq!(k("1234567.0"), Ok(Some("1.234567e+06".into())));
    assert_eq!(k("3.14159265358979"), Ok(Some("3.1415927".into())));
    assert_eq!(k("0.00001"), Ok(Some("1e-05".into())));
    assert_eq!(k("0.0001"), Ok(Some("0.0001".into())));
    assert_eq!(k("1e39"), Ok(Some(".inf".into())));
    assert_eq!(k("-0.0"), Ok(Some("-0".into())));
    assert_eq!(k(".nan"), Ok(Some(".nan".into())));
    assert_eq!(k("~"), Err(KeyRefused::Null));
    assert_eq!(k("18446744073709551615"), Err(KeyRefused::Uint));
    assert_eq!(k("2024-01-01"), Ok(None));
    assert_eq!(k("abc"), Ok(None));
}

#[test]
fn quoting_covers_every_reader() {
    for q in [
        "0X1F",
        "0O17",
        "0B101",
        "-0B1",
        "yes",
        "Y",
        "1e400",
        "=",
        "1:20",
        "2024-13-45",
        "._",
        "0b_",
        "0x_",
        "0o17",
        "<<",
        "",
        "~",
        "2024-1-2",
    ] {
        assert!(needs_quotes(q), "{q:?}");
    }
    for p in [
        "Opaque",
        "oN",
        "1.2.3",
        "0x1g",
        "a=b",
        "flux-system",
        "2024-q1",
        "2024-01-ab",
    ] {
        assert!(!needs_quotes(p), "{p:?}");
    }
    // "2024" is an int, of course.
    assert!(needs_quotes("2024"));
}

#[test]
fn digit_strings_too_long_for_go_yaml_are_still_quoted_for_yaml_1_1_readers() {
    // go-yaml v2 reads these as strings (the float overflows); PyYAML as integers.
    let octal = format!("{}1_000", "017".repeat(110));
    let decimal = "9".repeat(400);
    assert!(needs_quotes(&octal));
    assert!(needs_quotes(&decimal));
    assert!(needs_quotes(&format!("-{decimal}")));
    assert!(!needs_quotes("a017"));
}

#[test]
fn numbers() {
    for yes in [
        "0", "-1", "+1", "1.5", ".5", "1e10", "1E-3", "0x0", "0o7", ".inf", "-.inf", ".nan",
    ] {
        assert!(is_number(yes), "{yes}");
    }
    for no in ["", "-", ".", "e3", "1e", "0x", "abc", "1_000", "8f3c2a1b"] {
        assert!(!is_number(no), "{no}");
    }
}
