//! The controller's function map: Go's builtins (`text/template/funcs.go`)
//! and the sprig functions supported (see `sprig.rs`), with their Go
//! parameter types.

use zeroize::Zeroizing;

use super::printf::{sprint, sprintf};
use super::sprig;
use super::text;
use super::value::{IntType, Value};

/// A parameter's Go type, as far as argument checking goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Param {
    /// `reflect.Value` (builtins): anything, a missing value included.
    Value,
    /// `interface{}`: anything; a missing value becomes nil.
    Any,
    /// `string`.
    Str,
    /// `int`.
    Int,
    /// `bool`.
    Bool,
    /// `map[string]interface{}` (sprig's dict functions); a missing value
    /// is a nil map.
    Dict,
}

impl Param {
    pub fn type_name(self) -> &'static str {
        match self {
            Param::Value => "reflect.Value",
            Param::Any => "interface {}",
            Param::Str => "string",
            Param::Int => "int",
            Param::Bool => "bool",
            Param::Dict => "map[string]interface {}",
        }
    }
}

/// What a function call returns: a value, or Go's error text (without values).
pub(super) type Outcome = Result<Value, String>;

/// A function of the map.
pub(super) struct Func {
    pub fixed: &'static [Param],
    pub variadic: Option<Param>,
    pub call: fn(Vec<Value>) -> Outcome,
}

/// What a name is in the controller's function map.
pub(super) enum Lookup {
    Builtin(&'static Func),
    Sprig(&'static Func),
    /// A function of the controller whose output cannot be reproduced.
    CannotMatch(&'static str),
    /// `env`, `expandenv`, `getHostByName`.
    Removed,
    /// A sprig function not implemented here.
    Unsupported,
    Unknown,
}

use Param::{Any, Value as V};

macro_rules! func {
    ($fixed:expr, $variadic:expr, $call:expr) => {
        &Func {
            fixed: $fixed,
            variadic: $variadic,
            call: $call,
        }
    };
}

/// Looks `name` up as Go does: sprig's map first (the controller's `Funcs`),
/// then the builtins.
pub(super) fn lookup(name: &str) -> Lookup {
    if let Some(l) = sprig::lookup(name) {
        return l;
    }
    let f: &'static Func = match name {
        "and" | "or" => func!(&[V], Some(V), |_| Err("unreachable".into())),
        "not" => func!(&[V], None, |a| Ok(Value::Bool(!a[0].truth()))),
        "len" => func!(&[V], None, |a| length(&a[0])),
        "index" => func!(&[V], Some(V), index),
        "print" => func!(&[], Some(Any), |a| Ok(Value::Str(sprint(&a, false)))),
        "println" => func!(&[], Some(Any), |a| Ok(Value::Str(sprint(&a, true)))),
        "printf" => func!(&[Param::Str], Some(Any), |a| {
            let (format, args) = a.split_first().ok_or("no format")?;
            let Value::Str(format) = format else {
                return Err("no format".into());
            };
            sprintf(format, args).map(Value::Str)
        }),
        "eq" => func!(&[V], Some(V), |a| eq(&a[0], &a[1..]).map(Value::Bool)),
        "ne" => func!(&[V, V], None, |a| eq(&a[0], &a[1..])
            .map(|b| Value::Bool(!b))),
        "lt" => func!(&[V, V], None, |a| lt(&a[0], &a[1]).map(Value::Bool)),
        "le" => func!(&[V, V], None, |a| le(&a[0], &a[1]).map(Value::Bool)),
        "gt" => func!(&[V, V], None, |a| le(&a[0], &a[1]).map(|b| Value::Bool(!b))),
        "ge" => func!(&[V, V], None, |a| lt(&a[0], &a[1]).map(|b| Value::Bool(!b))),
        "html" => func!(&[], Some(Any), |a| Ok(Value::Str(text::html_escape(
            &eval_args(&a)
        )))),
        "js" => func!(&[], Some(Any), |a| Ok(Value::Str(text::js_escape(
            &eval_args(&a)
        )))),
        "urlquery" => func!(&[], Some(Any), |a| Ok(Value::Str(text::query_escape(
            &eval_args(&a)
        )))),
        "call" => return Lookup::Unsupported,
        _ => return Lookup::Unknown,
    };
    Lookup::Builtin(f)
}

/// `evalArgs` of `html`, `js`, `urlquery`: one string as it is, else `print`
/// with nil operands as `<no value>` (Go's `printableValue`).
fn eval_args(a: &[Value]) -> Zeroizing<Vec<u8>> {
    match a {
        [Value::Str(s)] => s.clone(),
        a => {
            let a: Vec<Value> = a
                .iter()
                .map(|v| match v {
                    Value::Nil | Value::Missing => Value::str(&b"<no value>"[..]),
                    v => v.clone(),
                })
                .collect();
            sprint(&a, false)
        }
    }
}

fn length(v: &Value) -> Outcome {
    match v {
        Value::Str(s) => Ok(Value::int(s.len() as i64)),
        Value::List(l, _) => Ok(Value::int(l.len() as i64)),
        Value::Map(m, _) => Ok(Value::int(m.len() as i64)),
        Value::Missing | Value::Nil => {
            Err("reflect: call of reflect.Value.Type on zero Value".into())
        }
        v => Err(format!("len of type {}", v.type_name())),
    }
}

fn index(a: Vec<Value>) -> Outcome {
    let mut it = a.into_iter();
    let mut item = it.next().unwrap_or(Value::Missing);
    if matches!(item, Value::Missing | Value::Nil) {
        return Err("index of untyped nil".into());
    }
    for idx in it {
        item = match item {
            Value::Nil | Value::Missing => return Err("index of nil pointer".into()),
            Value::List(mut l, _) => {
                let i = index_arg(&idx, l.len())?;
                if i >= l.len() {
                    return Err("reflect: slice index out of range".into());
                }
                l.swap_remove(i)
            }
            Value::Str(s) => {
                let i = index_arg(&idx, s.len())?;
                match s.get(i) {
                    Some(&b) => Value::Int(i64::from(b), IntType::Uint8),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Map(mut m, elem) => {
                let Value::Str(key) = idx else {
                    return Err(match idx {
                        Value::Missing | Value::Nil => {
                            "value is nil; should be of type string".into()
                        }
                        v => format!("value has type {}; should be string", v.type_name()),
                    });
                };
                match m.remove(key.as_slice()) {
                    Some(v) => v,
                    None if elem == super::value::ElemType::String => Value::str(Vec::new()),
                    None => Value::Nil,
                }
            }
            v => return Err(format!("can't index item of type {}", v.type_name())),
        };
    }
    Ok(item)
}

fn index_arg(idx: &Value, cap: usize) -> Result<usize, String> {
    match idx {
        Value::Int(i, _) => usize::try_from(*i)
            .ok()
            .filter(|&i| i <= cap)
            .ok_or_else(|| "index out of range".to_string()),
        Value::Missing | Value::Nil => Err("cannot index slice/array with nil".into()),
        v => Err(format!(
            "cannot index slice/array with type {}",
            v.type_name()
        )),
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    Str,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_, IntType::Uint8) => Kind::Uint,
        Value::Int(..) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::Str(_) => Kind::Str,
        _ => Kind::Invalid,
    }
}

fn is_zero(v: &Value) -> bool {
    matches!(v, Value::Missing | Value::Nil)
}

/// Go's `eq`.
fn eq(a: &Value, rest: &[Value]) -> Result<bool, String> {
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a);
    for b in rest {
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            match (a, b) {
                (Value::Int(x, _), Value::Int(y, _)) => x == y,
                _ if !is_zero(a) && !is_zero(b) => {
                    return Err("incompatible types for comparison".into())
                }
                _ => false,
            }
        } else {
            match (a, b) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (Value::Int(x, _), Value::Int(y, _)) => x == y,
                (Value::Float(x), Value::Float(y)) => x == y,
                (Value::Str(x), Value::Str(y)) => x.as_slice() == y.as_slice(),
                _ if is_zero(a) && is_zero(b) => true,
                _ if is_zero(a) || is_zero(b) => false,
                _ => return Err("non-comparable types".into()),
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Go's `lt`.
fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    if k1 == Kind::Invalid || k2 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    Ok(match (a, b) {
        (Value::Int(x, _), Value::Int(y, _)) => x < y,
        _ if k1 != k2 => return Err("incompatible types for comparison".into()),
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::Str(x), Value::Str(y)) => x.as_slice() < y.as_slice(),
        _ => return Err("invalid type for comparison".into()),
    })
}

/// Go's `le`.
fn le(a: &Value, b: &Value) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}
