//! The values a template computes with, as Go's `reflect.Value`s of the
//! types that the controller's data, Go's builtins and sprig produce.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

/// Bytes of a Go string, wiped on drop (they may hold a value).
pub(super) type Bytes = Zeroizing<Vec<u8>>;

/// A Go value.
#[derive(Clone)]
pub(super) enum Value {
    /// The invalid `reflect.Value`: a missing map key, an untyped nil
    /// result. Prints `<no value>`.
    Missing,
    /// A nil `interface{}` inside a list or map, or `nil` given to an
    /// `interface{}` parameter. Prints `<nil>`.
    Nil,
    Bool(bool),
    Int(i64, IntType),
    Float(f64),
    Str(Bytes),
    List(Vec<Value>, ElemType),
    Map(BTreeMap<Key, Value>, ElemType),
}

/// A map key: a Go string, sorted by bytes, wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Key(pub Bytes);

impl Key {
    pub fn new(bytes: &[u8]) -> Key {
        Key(Zeroizing::new(bytes.to_vec()))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.as_slice().cmp(other.0.as_slice())
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::borrow::Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

/// Go's `int` (literals, `len`), `int64` (sprig's maths) or `uint8` (a
/// byte of a string, from `index`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum IntType {
    Int,
    Int64,
    Uint8,
}

/// The element type of a list or map: `string` or `interface{}`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum ElemType {
    String,
    Interface,
}

impl Value {
    pub fn str(bytes: impl Into<Vec<u8>>) -> Value {
        Value::Str(Zeroizing::new(bytes.into()))
    }

    pub fn int(i: i64) -> Value {
        Value::Int(i, IntType::Int)
    }

    pub fn int64(i: i64) -> Value {
        Value::Int(i, IntType::Int64)
    }

    /// Go's type name, as its messages print it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Missing | Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_, IntType::Int) => "int",
            Value::Int(_, IntType::Int64) => "int64",
            Value::Int(_, IntType::Uint8) => "uint8",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::List(_, ElemType::String) => "[]string",
            Value::List(_, ElemType::Interface) => "[]interface {}",
            Value::Map(_, ElemType::String) => "map[string]string",
            Value::Map(_, ElemType::Interface) => "map[string]interface {}",
        }
    }

    /// A nil element becomes the invalid value when it leaves its container
    /// (Go's pipeline unwraps `interface{}` results).
    pub fn unwrap_nil(self) -> Value {
        match self {
            Value::Nil => Value::Missing,
            v => v,
        }
    }

    /// Go's `isTrue`.
    pub fn truth(&self) -> bool {
        match self {
            Value::Missing | Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i, _) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l, _) => !l.is_empty(),
            Value::Map(m, _) => !m.is_empty(),
        }
    }

    /// fmt's `%v` (`fmt.Fprint` of one value) appended to `out`.
    pub fn write_v(&self, out: &mut Vec<u8>) {
        match self {
            Value::Missing | Value::Nil => out.extend_from_slice(b"<nil>"),
            Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Int(i, _) => out.extend_from_slice(i.to_string().as_bytes()),
            Value::Float(f) => out.extend_from_slice(format_g(*f).as_bytes()),
            Value::Str(s) => out.extend_from_slice(s),
            Value::List(l, _) => {
                out.push(b'[');
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    v.write_v(out);
                }
                out.push(b']');
            }
            Value::Map(m, _) => {
                out.extend_from_slice(b"map[");
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    out.extend_from_slice(&k.0);
                    out.push(b':');
                    v.write_v(out);
                }
                out.push(b']');
            }
        }
    }

    /// `%v` as a wiped buffer.
    pub fn to_v(&self) -> Bytes {
        let mut out = Zeroizing::new(Vec::new());
        self.write_v(&mut out);
        out
    }

    /// sprig's `strval`: strings as they are, anything else as `%v`.
    pub fn strval(&self) -> Bytes {
        match self {
            Value::Str(s) => s.clone(),
            v => v.to_v(),
        }
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`, which fmt's `%v` uses: the
/// shortest digits, exponent form when the exponent is < -4 or >= 6.
pub(super) fn format_g(f: f64) -> String {
    let eprec = 6;
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-tripping digits: d.ddddde±x.
    let e = format!("{:e}", f.abs());
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    if exp < 0 {
        let zeros = "0".repeat((-exp - 1) as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let int_len = (exp + 1) as usize;
    if digits.len() <= int_len {
        format!("{sign}{digits}{}", "0".repeat(int_len - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..int_len], &digits[int_len..])
    }
}
