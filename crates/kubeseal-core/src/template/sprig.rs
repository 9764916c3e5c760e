//! The sprig v3 functions supported, as sprig v3.2.3 defines them, and
//! what the rest of the controller's map is (cannot match, removed, not
//! implemented).

use std::collections::BTreeMap;

use base64::Engine as _;
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::conv;
use super::funcs::{Func, Lookup, Outcome, Param};
use super::json;
use super::regex;
use super::text;
use super::value::{Bytes, ElemType, IntType, Key, Value};

use Param::{Any, Bool, Dict, Int, Str};

/// Functions whose output the controller draws from randomness or its clock.
const CANNOT_MATCH: &[(&str, &str)] = &[
    ("randAlphaNum", "draws random characters"),
    ("randAlpha", "draws random characters"),
    ("randNumeric", "draws random characters"),
    ("randAscii", "draws random characters"),
    ("randBytes", "draws random bytes"),
    ("randInt", "draws a random number"),
    ("uuidv4", "draws a random UUID"),
    ("shuffle", "shuffles at random"),
    ("bcrypt", "hashes with a random salt"),
    ("htpasswd", "hashes with a random salt"),
    ("encryptAES", "encrypts with a random IV"),
    ("genPrivateKey", "generates a random key"),
    ("genCA", "generates a random key"),
    (
        "genCAWithKey",
        "issues a certificate valid from the controller's clock",
    ),
    ("genSelfSignedCert", "generates a random key"),
    (
        "genSelfSignedCertWithKey",
        "issues a certificate valid from the controller's clock",
    ),
    ("genSignedCert", "generates a random key"),
    (
        "genSignedCertWithKey",
        "issues a certificate valid from the controller's clock",
    ),
    ("buildCustomCert", "takes a certificate generated at random"),
    ("now", "reads the controller's clock"),
    ("date", "reads the controller's clock and time zone"),
    ("dateInZone", "reads the controller's clock"),
    ("date_in_zone", "reads the controller's clock"),
    ("dateModify", "reads the controller's clock"),
    ("date_modify", "reads the controller's clock"),
    ("mustDateModify", "reads the controller's clock"),
    ("must_date_modify", "reads the controller's clock"),
    ("htmlDate", "reads the controller's clock and time zone"),
    ("htmlDateInZone", "reads the controller's clock"),
    ("ago", "reads the controller's clock"),
    ("toDate", "reads the controller's time zone"),
    ("mustToDate", "reads the controller's time zone"),
    ("unixEpoch", "reads the controller's clock"),
];

/// sprig functions that the controller has and this renderer does not.
const NOT_IMPLEMENTED: &[&str] = &[
    "hello",
    "duration",
    "durationRound",
    "abbrev",
    "abbrevboth",
    "untitle",
    "initials",
    "swapcase",
    "snakecase",
    "camelcase",
    "kebabcase",
    "wrap",
    "wrapWith",
    "plural",
    "float64",
    "seq",
    "toDecimal",
    "splitn",
    "toStrings",
    "until",
    "untilStep",
    "add1f",
    "addf",
    "subf",
    "divf",
    "mulf",
    "biggest",
    "maxf",
    "minf",
    "ceil",
    "floor",
    "round",
    "all",
    "any",
    "compact",
    "mustCompact",
    "fromJson",
    "mustFromJson",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "deepCopy",
    "mustDeepCopy",
    "typeOf",
    "typeIs",
    "typeIsLike",
    "kindOf",
    "kindIs",
    "deepEqual",
    "base",
    "dir",
    "clean",
    "ext",
    "isAbs",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "tuple",
    "set",
    "unset",
    "pluck",
    "pick",
    "omit",
    "merge",
    "mergeOverwrite",
    "mustMerge",
    "mustMergeOverwrite",
    "values",
    "append",
    "mustAppend",
    "prepend",
    "mustPrepend",
    "mustFirst",
    "rest",
    "mustRest",
    "mustLast",
    "initial",
    "mustInitial",
    "reverse",
    "mustReverse",
    "uniq",
    "mustUniq",
    "without",
    "mustWithout",
    "has",
    "mustHas",
    "slice",
    "mustSlice",
    "concat",
    "dig",
    "chunk",
    "mustChunk",
    "derivePassword",
    "decryptAES",
    "semver",
    "semverCompare",
    "urlParse",
    "urlJoin",
];

macro_rules! func {
    ($fixed:expr, $variadic:expr, $call:expr) => {
        &Func {
            fixed: $fixed,
            variadic: $variadic,
            call: $call,
        }
    };
}

/// The sprig meaning of `name`, if sprig's map has it.
pub(super) fn lookup(name: &str) -> Option<Lookup> {
    if matches!(name, "env" | "expandenv" | "getHostByName") {
        return Some(Lookup::Removed);
    }
    if let Some((_, why)) = CANNOT_MATCH.iter().find(|(n, _)| *n == name) {
        return Some(Lookup::CannotMatch(why));
    }
    if NOT_IMPLEMENTED.contains(&name) {
        return Some(Lookup::Unsupported);
    }
    let f: &'static Func = match name {
        "trim" => func!(&[Str], None, |a| Ok(Value::Str(text::trim_space(s(&a[0]))))),
        "trimAll" | "trimall" => func!(&[Str, Str], None, |a| {
            let cutset = s(&a[0]);
            Ok(Value::Str(text::trim_runes(s(&a[1]), true, true, |c| {
                text::runes(cutset).any(|r| r.0.unwrap_or('\u{fffd}') == c)
            })))
        }),
        "trimPrefix" => func!(&[Str, Str], None, |a| {
            let (p, v) = (s(&a[0]), s(&a[1]));
            Ok(Value::str(v.strip_prefix(p).unwrap_or(v)))
        }),
        "trimSuffix" => func!(&[Str, Str], None, |a| {
            let (p, v) = (s(&a[0]), s(&a[1]));
            Ok(Value::str(v.strip_suffix(p).unwrap_or(v)))
        }),
        "upper" => func!(&[Str], None, |a| Ok(Value::Str(text::change_case(
            s(&a[0]),
            true
        )))),
        "lower" => func!(&[Str], None, |a| Ok(Value::Str(text::change_case(
            s(&a[0]),
            false
        )))),
        "title" => func!(&[Str], None, |a| Ok(Value::Str(text::title(s(&a[0]))))),
        "replace" => func!(&[Str, Str, Str], None, |a| Ok(Value::Str(replace(
            s(&a[2]),
            s(&a[0]),
            s(&a[1])
        )))),
        "repeat" => func!(&[Int, Str], None, |a| {
            let n = i(&a[0]);
            let n = usize::try_from(n).map_err(|_| "strings: negative Repeat count".to_string())?;
            let v = s(&a[1]);
            if v.len().checked_mul(n).is_none_or(|l| l > 1 << 30) {
                return Err("strings: Repeat output length overflow".into());
            }
            Ok(Value::str(v.repeat(n)))
        }),
        "substr" => func!(&[Int, Int, Str], None, |a| substr(
            i(&a[0]),
            i(&a[1]),
            s(&a[2])
        )),
        "trunc" => func!(&[Int, Str], None, |a| {
            let (c, v) = (i(&a[0]), s(&a[1]));
            let len = v.len() as i64;
            Ok(Value::str(if c < 0 && len + c > 0 {
                &v[(len + c) as usize..]
            } else if c >= 0 && len > c {
                &v[..c as usize]
            } else {
                v
            }))
        }),
        "quote" => func!(&[], Some(Any), |a| Ok(Value::Str(join_non_nil(
            &a,
            |v, out| text::quote(&v.strval(), false, out)
        )))),
        "squote" => func!(&[], Some(Any), |a| {
            Ok(Value::Str(join_non_nil(&a, |v, out| {
                out.push(b'\'');
                v.write_v(out);
                out.push(b'\'');
            })))
        }),
        "cat" => func!(&[], Some(Any), |a| Ok(Value::Str(join_non_nil(
            &a,
            |v, out| v.write_v(out)
        )))),
        "contains" => func!(&[Str, Str], None, |a| Ok(Value::Bool(
            find(s(&a[1]), s(&a[0])).is_some()
        ))),
        "hasPrefix" => func!(&[Str, Str], None, |a| Ok(Value::Bool(
            s(&a[1]).starts_with(s(&a[0]))
        ))),
        "hasSuffix" => func!(&[Str, Str], None, |a| Ok(Value::Bool(
            s(&a[1]).ends_with(s(&a[0]))
        ))),
        "nospace" => func!(&[Str], None, |a| Ok(Value::Str(nospace(s(&a[0]))))),
        "indent" => func!(&[Int, Str], None, |a| indent(&a, false)),
        "nindent" => func!(&[Int, Str], None, |a| indent(&a, true)),
        "b64enc" => func!(&[Str], None, |a| {
            Ok(Value::str(
                base64::engine::general_purpose::STANDARD.encode(s(&a[0])),
            ))
        }),
        "b64dec" => func!(&[Str], None, |a| Ok(Value::Str(conv::b64dec(s(&a[0]))))),
        "b32enc" => func!(&[Str], None, |a| Ok(Value::str(conv::b32enc(s(&a[0]))))),
        "b32dec" => func!(&[Str], None, |a| Ok(Value::Str(conv::b32dec(s(&a[0]))))),
        "toJson" => func!(&[Any], None, |a| {
            let json = json::to_json(
                &a[0],
                json::Style {
                    html: true,
                    indent: false,
                },
            );
            Ok(Value::Str(json.unwrap_or_default()))
        }),
        "toPrettyJson" => func!(&[Any], None, |a| {
            let json = json::to_json(
                &a[0],
                json::Style {
                    html: true,
                    indent: true,
                },
            );
            Ok(Value::Str(json.unwrap_or_default()))
        }),
        "toRawJson" => func!(&[Any], None, |a| {
            let json = json::to_json(
                &a[0],
                json::Style {
                    html: false,
                    indent: false,
                },
            );
            json.map(Value::Str)
                .ok_or_else(|| "json: unsupported value".to_string())
        }),
        // Go's `regexp.MatchString` error is dropped: a bad pattern matches nothing.
        "regexMatch" => func!(&[Str, Str], None, |a| {
            let v = regex::Text::new(s(&a[1]));
            Ok(Value::Bool(
                regex::compile(s(&a[0])).is_ok_and(|re| regex::is_match(&re, &v)),
            ))
        }),
        "mustRegexMatch" => func!(&[Str, Str], None, |a| {
            let (re, v) = (regex::compile(s(&a[0]))?, regex::Text::new(s(&a[1])));
            Ok(Value::Bool(regex::is_match(&re, &v)))
        }),
        "regexFind" | "mustRegexFind" => func!(&[Str, Str], None, |a| {
            let (re, v) = (regex::compile(s(&a[0]))?, regex::Text::new(s(&a[1])));
            Ok(Value::str(regex::find(&re, &v)))
        }),
        "regexFindAll" | "mustRegexFindAll" => func!(&[Str, Str, Int], None, |a| {
            let (re, v) = (regex::compile(s(&a[0]))?, regex::Text::new(s(&a[1])));
            let found = regex::find_all(&re, &v, i(&a[2]));
            Ok(regex::strings(
                found
                    .into_iter()
                    .map(|(x, y)| Zeroizing::new(v.slice(x, y).to_vec()))
                    .collect(),
            ))
        }),
        "regexReplaceAll" | "mustRegexReplaceAll" => func!(&[Str, Str, Str], None, |a| {
            let (re, v) = (regex::compile(s(&a[0]))?, regex::Text::new(s(&a[1])));
            Ok(Value::Str(regex::replace_all(&re, &v, s(&a[2]), false)))
        }),
        "regexReplaceAllLiteral" | "mustRegexReplaceAllLiteral" => {
            func!(&[Str, Str, Str], None, |a| {
                let (re, v) = (regex::compile(s(&a[0]))?, regex::Text::new(s(&a[1])));
                Ok(Value::Str(regex::replace_all(&re, &v, s(&a[2]), true)))
            })
        }
        "regexSplit" | "mustRegexSplit" => func!(&[Str, Str, Int], None, |a| {
            let (re, v) = (regex::compile(s(&a[0]))?, regex::Text::new(s(&a[1])));
            Ok(regex::strings(regex::split(&re, &v, i(&a[2]))))
        }),
        "regexQuoteMeta" => func!(&[Str], None, |a| Ok(Value::Str(regex::quote_meta(
            s(&a[0])
        )))),
        "toString" => func!(&[Any], None, |a| Ok(Value::Str(a[0].strval()))),
        "default" => func!(&[Any], Some(Any), |mut a| {
            let given = a.get(1).filter(|g| g.truth()).cloned();
            Ok(given.unwrap_or_else(|| a.swap_remove(0)))
        }),
        "empty" => func!(&[Any], None, |a| Ok(Value::Bool(!a[0].truth()))),
        "coalesce" => func!(&[], Some(Any), |a| Ok(a
            .into_iter()
            .find(Value::truth)
            .unwrap_or(Value::Nil))),
        "ternary" => func!(&[Any, Any, Bool], None, |mut a| {
            let pick = if a[2].truth() { 0 } else { 1 };
            Ok(a.swap_remove(pick))
        }),
        "fail" => func!(&[Str], None, |_| Err(
            "(the message given to fail is not shown)".into()
        )),
        "list" => func!(&[], Some(Any), |a| Ok(Value::List(a, ElemType::Interface))),
        "dict" => func!(&[], Some(Any), |a| {
            let mut m = BTreeMap::new();
            let mut it = a.into_iter();
            while let Some(k) = it.next() {
                m.insert(
                    Key(k.strval()),
                    it.next().unwrap_or_else(|| Value::str(Vec::new())),
                );
            }
            Ok(Value::Map(m, ElemType::Interface))
        }),
        "get" => func!(&[Dict, Str], None, |a| {
            let Value::Map(m, _) = &a[0] else {
                return Ok(Value::str(Vec::new()));
            };
            Ok(m.get(s(&a[1]))
                .cloned()
                .unwrap_or_else(|| Value::str(Vec::new())))
        }),
        "hasKey" => func!(&[Dict, Str], None, |a| {
            let Value::Map(m, _) = &a[0] else {
                return Ok(Value::Bool(false));
            };
            Ok(Value::Bool(m.contains_key(s(&a[1]))))
        }),
        // sprig lists a map's keys in Go's random map order: sorted here,
        // one of the orders the controller may produce (`| sortAlpha` makes
        // it the only one).
        "keys" => func!(&[], Some(Dict), |a| {
            let mut keys = Vec::new();
            for d in &a {
                if let Value::Map(m, _) = d {
                    keys.extend(m.keys().map(|k| Value::Str(k.0.clone())));
                }
            }
            Ok(Value::List(keys, ElemType::String))
        }),
        "sortAlpha" => func!(&[Any], None, |a| {
            let mut l = match &a[0] {
                Value::List(..) => strslice(&a[0]),
                v => vec![v.strval()],
            };
            l.sort_by(|x, y| x.as_slice().cmp(y.as_slice()));
            Ok(Value::List(
                l.into_iter().map(Value::Str).collect(),
                ElemType::String,
            ))
        }),
        "join" => func!(&[Str, Any], None, |a| {
            let parts = strslice(&a[1]);
            let mut out = Zeroizing::new(Vec::new());
            for (n, p) in parts.iter().enumerate() {
                if n > 0 {
                    out.extend_from_slice(s(&a[0]));
                }
                out.extend_from_slice(p);
            }
            Ok(Value::Str(out))
        }),
        "splitList" => func!(&[Str, Str], None, |a| {
            let parts = split(s(&a[1]), s(&a[0]));
            Ok(Value::List(
                parts.into_iter().map(Value::Str).collect(),
                ElemType::String,
            ))
        }),
        "split" => func!(&[Str, Str], None, |a| {
            let parts = split(s(&a[1]), s(&a[0]));
            let m = parts
                .into_iter()
                .enumerate()
                .map(|(n, p)| (Key::new(format!("_{n}").as_bytes()), Value::Str(p)));
            Ok(Value::Map(m.collect(), ElemType::String))
        }),
        "first" => func!(&[Any], None, |a| end_of(&a[0], "first")),
        "last" => func!(&[Any], None, |a| end_of(&a[0], "last")),
        "add" => func!(&[], Some(Any), |a| Ok(Value::int64(
            a.iter().map(to_int64).fold(0, i64::wrapping_add)
        ))),
        "int" => func!(&[Any], None, |a| Ok(Value::int(to_int64(&a[0])))),
        "int64" => func!(&[Any], None, |a| Ok(Value::int64(to_int64(&a[0])))),
        "add1" => func!(&[Any], None, |a| Ok(Value::int64(
            to_int64(&a[0]).wrapping_add(1)
        ))),
        "sub" => func!(&[Any, Any], None, |a| Ok(Value::int64(
            to_int64(&a[0]).wrapping_sub(to_int64(&a[1]))
        ))),
        "mul" => func!(&[Any], Some(Any), |a| Ok(Value::int64(
            a.iter().map(to_int64).fold(1, i64::wrapping_mul)
        ))),
        "div" => func!(&[Any, Any], None, |a| {
            match to_int64(&a[1]) {
                0 => Err("runtime error: integer divide by zero".into()),
                d => Ok(Value::int64(to_int64(&a[0]).wrapping_div(d))),
            }
        }),
        "mod" => func!(&[Any, Any], None, |a| {
            match to_int64(&a[1]) {
                0 => Err("runtime error: integer divide by zero".into()),
                d => Ok(Value::int64(to_int64(&a[0]).wrapping_rem(d))),
            }
        }),
        "max" => func!(&[Any], Some(Any), |a| Ok(Value::int64(
            a.iter().map(to_int64).max().unwrap_or(0)
        ))),
        "min" => func!(&[Any], Some(Any), |a| Ok(Value::int64(
            a.iter().map(to_int64).min().unwrap_or(0)
        ))),
        "atoi" => func!(&[Str], None, |a| {
            let v = std::str::from_utf8(s(&a[0]))
                .ok()
                .and_then(conv::atoi)
                .unwrap_or(0);
            Ok(Value::int(v))
        }),
        "sha1sum" => func!(&[Str], None, |a| Ok(Value::str(conv::hex(
            &sha1::Sha1::digest(s(&a[0]))
        )))),
        "sha256sum" => func!(&[Str], None, |a| Ok(Value::str(conv::hex(
            &sha2::Sha256::digest(s(&a[0]))
        )))),
        // sprig v3.3.0, the controller's.
        "sha512sum" => func!(&[Str], None, |a| Ok(Value::str(conv::hex(
            &sha2::Sha512::digest(s(&a[0]))
        )))),
        "adler32sum" => func!(&[Str], None, |a| Ok(Value::str(
            conv::adler32(s(&a[0])).to_string()
        ))),
        _ => return None,
    };
    Some(Lookup::Sprig(f))
}

/// A string argument (checked by the caller's parameter types).
fn s(v: &Value) -> &[u8] {
    match v {
        Value::Str(s) => s,
        _ => &[],
    }
}

/// An int argument (checked by the caller's parameter types).
fn i(v: &Value) -> i64 {
    match v {
        Value::Int(i, _) => *i,
        _ => 0,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `strings.Replace(src, old, new, -1)`; an empty `old` matches before
/// every rune and at the end.
fn replace(src: &[u8], old: &[u8], new: &[u8]) -> Bytes {
    let mut out = Zeroizing::new(Vec::with_capacity(src.len()));
    if old.is_empty() {
        for (_, from, to) in text::runes(src) {
            out.extend_from_slice(new);
            out.extend_from_slice(&src[from..to]);
        }
        out.extend_from_slice(new);
        return out;
    }
    let mut rest = src;
    while let Some(p) = find(rest, old) {
        out.extend_from_slice(&rest[..p]);
        out.extend_from_slice(new);
        rest = &rest[p + old.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// `strings.Split`: an empty separator splits after each rune (an invalid
/// byte alone).
fn split(v: &[u8], sep: &[u8]) -> Vec<Bytes> {
    if sep.is_empty() {
        return text::runes(v)
            .map(|(_, a, b)| Zeroizing::new(v[a..b].to_vec()))
            .collect();
    }
    let mut parts = Vec::new();
    let mut rest = v;
    while let Some(p) = find(rest, sep) {
        parts.push(Zeroizing::new(rest[..p].to_vec()));
        rest = &rest[p + sep.len()..];
    }
    parts.push(Zeroizing::new(rest.to_vec()));
    parts
}

/// sprig's `substring`: Go slicing, which panics out of range.
fn substr(start: i64, end: i64, v: &[u8]) -> Outcome {
    let len = v.len() as i64;
    let (from, to) = if start < 0 {
        (0, end)
    } else if end < 0 || end > len {
        (start, len)
    } else {
        (start, end)
    };
    if from < 0 || to < from || to > len {
        return Err("runtime error: slice bounds out of range".into());
    }
    Ok(Value::str(&v[from as usize..to as usize]))
}

/// `quote`, `squote`, `cat`: each non-nil operand, space-separated.
fn join_non_nil(a: &[Value], mut each: impl FnMut(&Value, &mut Vec<u8>)) -> Bytes {
    let mut out = Zeroizing::new(Vec::new());
    for (n, v) in a
        .iter()
        .filter(|v| !matches!(v, Value::Nil | Value::Missing))
        .enumerate()
    {
        if n > 0 {
            out.push(b' ');
        }
        each(v, &mut out);
    }
    out
}

/// goutils' `DeleteWhiteSpace`: byte by byte, each byte taken as a rune
/// (so bytes >= 0x80 come out Latin-1-encoded as UTF-8).
fn nospace(v: &[u8]) -> Bytes {
    let mut out = Zeroizing::new(Vec::with_capacity(v.len()));
    let mut kept = 0;
    for &b in v {
        let c = char::from(b);
        if !text::is_space(c) {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            kept += 1;
        }
    }
    if kept == v.len() {
        return Zeroizing::new(v.to_vec());
    }
    out
}

fn indent(a: &[Value], newline: bool) -> Outcome {
    let n = usize::try_from(i(&a[0])).map_err(|_| "strings: negative Repeat count".to_string())?;
    let pad = vec![b' '; n];
    let mut nl_pad = vec![b'\n'];
    nl_pad.extend_from_slice(&pad);
    let mut out = Zeroizing::new(Vec::new());
    if newline {
        out.push(b'\n');
    }
    out.extend_from_slice(&pad);
    out.extend_from_slice(&replace(s(&a[1]), b"\n", &nl_pad));
    Ok(Value::Str(out))
}

/// sprig's `strslice`: the strings of a list (nil elements dropped), or
/// the one value as a string.
fn strslice(v: &Value) -> Vec<Bytes> {
    match v {
        Value::List(l, _) => l
            .iter()
            .filter(|v| !matches!(v, Value::Nil | Value::Missing))
            .map(Value::strval)
            .collect(),
        Value::Nil | Value::Missing => Vec::new(),
        v => vec![v.strval()],
    }
}

fn end_of(v: &Value, which: &str) -> Outcome {
    match v {
        Value::List(l, _) => Ok((if which == "first" {
            l.first()
        } else {
            l.last()
        })
        .cloned()
        .unwrap_or(Value::Nil)),
        Value::Nil | Value::Missing => {
            Err("runtime error: invalid memory address or nil pointer dereference".into())
        }
        v => Err(format!("Cannot find {which} on type {}", go_kind(v))),
    }
}

/// `reflect.Kind` names.
fn go_kind(v: &Value) -> &'static str {
    match v {
        Value::Map(..) => "map",
        Value::Int(_, IntType::Uint8) => "uint8",
        Value::Int(..) => v.type_name(),
        _ => v.type_name(),
    }
}

/// cast's `ToInt64`: ints, floats (truncated), bools, nil as 0, strings
/// parsed as Go's `ParseInt(s, 0, 0)` after trailing `.0…` is cut; anything
/// else 0.
fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i, _) => *i,
        Value::Float(f) => *f as i64,
        Value::Bool(b) => i64::from(*b),
        Value::Str(s) => std::str::from_utf8(s)
            .ok()
            .and_then(|s| conv::parse_int(trim_zero_decimal(s)))
            .unwrap_or(0),
        _ => 0,
    }
}

fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, c) in s.char_indices().rev() {
        match c {
            '.' if found_zero => return &s[..i],
            '.' => {}
            '0' => found_zero = true,
            _ => return s,
        }
    }
    s
}
