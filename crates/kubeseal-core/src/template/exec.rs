//! Execution as Go's `text/template/exec.go` does it.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use super::funcs::{lookup, Func, Lookup, Param};
use super::parse::{Arg, ArgKind, Command, Node, Number, Pipe};
use super::value::{Bytes, ElemType, Key, Value};
use super::{line_column, Template, TemplateError};
use crate::SecretValue;

/// An execution error: where (byte offset and source text) and what.
struct ExecError {
    pos: usize,
    context: String,
    message: String,
}

type Result<T> = std::result::Result<T, ExecError>;

fn fail<T>(at: &Arg, message: impl Into<String>) -> Result<T> {
    Err(ExecError {
        pos: at.pos,
        context: at.text.clone(),
        message: message.into(),
    })
}

enum Flow {
    Normal,
    Break,
    Continue,
}

struct State {
    vars: Vec<(String, Value)>,
    out: Bytes,
}

pub(super) fn render(
    t: &Template,
    data: &BTreeMap<String, SecretValue>,
) -> std::result::Result<SecretValue, TemplateError> {
    let root = Value::Map(
        data.iter()
            .map(|(k, v)| (Key::new(k.as_bytes()), Value::str(v.expose())))
            .collect(),
        ElemType::String,
    );
    let mut state = State {
        vars: vec![("$".to_string(), root.clone())],
        out: Zeroizing::new(Vec::new()),
    };
    match state.walk_list(&root, &t.nodes) {
        Ok(_) => Ok(SecretValue::new(std::mem::take(&mut *state.out))),
        Err(e) => {
            let (line, column) = line_column(&t.source, e.pos);
            let context = if e.context.chars().count() > 20 {
                format!("{}...", e.context.chars().take(20).collect::<String>())
            } else {
                e.context
            };
            Err(TemplateError::Execute {
                name: t.name.clone(),
                line,
                column,
                context,
                message: e.message,
            })
        }
    }
}

impl State {
    fn walk_list(&mut self, dot: &Value, nodes: &[Node]) -> Result<Flow> {
        for node in nodes {
            match self.walk(dot, node)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Value, node: &Node) -> Result<Flow> {
        match node {
            Node::Text(t) => self.out.extend_from_slice(t),
            Node::Action(pipe) => {
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    match v {
                        Value::Missing => self.out.extend_from_slice(b"<no value>"),
                        v => v.write_v(&mut self.out),
                    }
                }
            }
            Node::If(b) | Node::With(b) => {
                let mark = self.vars.len();
                let v = self.eval_pipeline(dot, &b.pipe)?;
                let flow = if v.truth() {
                    let dot = if matches!(node, Node::With(_)) {
                        &v
                    } else {
                        dot
                    };
                    self.walk_list(dot, &b.list)?
                } else if let Some(list) = &b.else_list {
                    self.walk_list(dot, list)?
                } else {
                    Flow::Normal
                };
                self.vars.truncate(mark);
                return Ok(flow);
            }
            Node::Range(b) => {
                let mark = self.vars.len();
                let v = self.eval_pipeline(dot, &b.pipe)?;
                // Lazy, so that `range` over a large integer allocates nothing.
                let (empty, items): (bool, Box<dyn Iterator<Item = (Value, Value)>>) = match v {
                    Value::List(l, _) => (
                        l.is_empty(),
                        Box::new(
                            l.into_iter()
                                .enumerate()
                                .map(|(i, v)| (Value::int(i as i64), v.unwrap_nil())),
                        ),
                    ),
                    Value::Map(m, _) => (
                        m.is_empty(),
                        Box::new(
                            m.into_iter()
                                .map(|(k, v)| (Value::Str(k.0), v.unwrap_nil())),
                        ),
                    ),
                    Value::Missing | Value::Nil => (true, Box::new(std::iter::empty())),
                    // Go 1.22 and later (the controller's Go): 0..n, the
                    // element and the index both the number.
                    Value::Int(n, t) if b.pipe.decl.len() < 2 => (
                        n <= 0,
                        Box::new((0..n).map(move |i| (Value::Int(i, t), Value::Int(i, t)))),
                    ),
                    Value::Int(..) => {
                        let at = b.pipe.cmds.last().map(|c| &c.args[0]);
                        return Err(ExecError {
                            pos: at.map_or(b.pipe.pos, |a| a.pos),
                            context: at.map_or_else(String::new, |a| a.text.clone()),
                            message: "can't use an integer to iterate over more than one variable"
                                .into(),
                        });
                    }
                    other => {
                        let at = b.pipe.cmds.last().map(|c| &c.args[0]);
                        return Err(ExecError {
                            pos: at.map_or(b.pipe.pos, |a| a.pos),
                            context: at.map_or_else(String::new, |a| a.text.clone()),
                            message: format!(
                                "range can't iterate over a value of type {}",
                                other.type_name()
                            ),
                        });
                    }
                };
                if empty {
                    if let Some(list) = &b.else_list {
                        self.walk_list(dot, list)?;
                    }
                }
                for (index, elem) in items {
                    let n = b.pipe.decl.len();
                    if n > 0 {
                        let top = self.vars.len() - 1;
                        self.vars[top].1 = elem.clone();
                    }
                    if n > 1 {
                        let second = self.vars.len() - 2;
                        self.vars[second].1 = index;
                    }
                    let inner = self.vars.len();
                    let flow = self.walk_list(&elem, &b.list)?;
                    self.vars.truncate(inner);
                    if let Flow::Break = flow {
                        break;
                    }
                }
                self.vars.truncate(mark);
            }
            Node::Break => return Ok(Flow::Break),
            Node::Continue => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn eval_pipeline(&mut self, dot: &Value, pipe: &Pipe) -> Result<Value> {
        let mut value = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_command(dot, cmd, value)?.unwrap_nil());
        }
        let value = value.unwrap_or(Value::Missing);
        for name in &pipe.decl {
            if pipe.is_assign {
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = value.clone(),
                    None => {
                        return Err(ExecError {
                            pos: pipe.pos,
                            context: name.clone(),
                            message: format!("undefined variable: {name}"),
                        })
                    }
                }
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn var(&self, at: &Arg, name: &str) -> Result<Value> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => fail(at, format!("undefined variable: {name}")),
        }
    }

    fn eval_command(&mut self, dot: &Value, cmd: &Command, fin: Option<Value>) -> Result<Value> {
        let first = &cmd.args[0];
        let has_args = cmd.args.len() > 1 || fin.is_some();
        let not_a_function = || -> Result<()> {
            if has_args {
                return fail(
                    first,
                    format!("can't give argument to non-function {}", first.text),
                );
            }
            Ok(())
        };
        match &first.kind {
            ArgKind::Field(fields) => self.field_chain(first, dot.clone(), fields, has_args),
            ArgKind::Chain(inner, fields) => {
                let receiver = self.eval_arg(dot, Param::Any, inner)?;
                self.field_chain(first, receiver, fields, has_args)
            }
            ArgKind::Function(name) => self.eval_function(dot, first, name, &cmd.args[1..], fin),
            ArgKind::Pipe(p) => {
                not_a_function()?;
                self.eval_pipeline(dot, p)
            }
            ArgKind::Variable(name, fields) => {
                let v = self.var(first, name)?;
                if fields.is_empty() {
                    not_a_function()?;
                    return Ok(v);
                }
                self.field_chain(first, v, fields, has_args)
            }
            ArgKind::Bool(b) => {
                not_a_function()?;
                Ok(Value::Bool(*b))
            }
            ArgKind::Dot => {
                not_a_function()?;
                Ok(dot.clone())
            }
            ArgKind::Nil => fail(first, "nil is not a command"),
            ArgKind::Number(n) => {
                not_a_function()?;
                ideal_constant(first, n)
            }
            ArgKind::Str(s) => {
                not_a_function()?;
                Ok(Value::str(s.as_slice()))
            }
        }
    }

    /// `.a.b` on `receiver`; `has_args`: the last field is given arguments.
    fn field_chain(
        &self,
        at: &Arg,
        mut receiver: Value,
        fields: &[String],
        has_args: bool,
    ) -> Result<Value> {
        for (i, name) in fields.iter().enumerate() {
            receiver = match receiver {
                Value::Missing => return Ok(Value::Missing),
                Value::Nil => {
                    return fail(at, format!("nil pointer evaluating interface {{}}.{name}"))
                }
                Value::Map(mut m, _) => {
                    if has_args && i + 1 == fields.len() {
                        return fail(at, format!("{name} is not a method but has arguments"));
                    }
                    m.remove(name.as_bytes())
                        .map_or(Value::Missing, Value::unwrap_nil)
                }
                other => {
                    return fail(
                        at,
                        format!("can't evaluate field {name} in type {}", other.type_name()),
                    )
                }
            };
        }
        Ok(receiver)
    }

    fn eval_function(
        &mut self,
        dot: &Value,
        at: &Arg,
        name: &str,
        args: &[Arg],
        fin: Option<Value>,
    ) -> Result<Value> {
        let func: &Func = match lookup(name) {
            Lookup::Builtin(f) | Lookup::Sprig(f) => f,
            // The parser refused every other name.
            _ => return fail(at, format!("function {name:?} not defined")),
        };
        let num_in = args.len() + usize::from(fin.is_some());
        let fixed = func.fixed.len();
        match func.variadic {
            Some(_) if num_in < fixed => {
                return fail(
                    at,
                    format!(
                        "wrong number of args for {name}: want at least {fixed} got {}",
                        args.len()
                    ),
                )
            }
            None if num_in != fixed => {
                return fail(
                    at,
                    format!("wrong number of args for {name}: want {fixed} got {num_in}"),
                )
            }
            _ => {}
        }
        let param = |i: usize| {
            func.fixed
                .get(i)
                .copied()
                .or(func.variadic)
                .unwrap_or(Param::Any)
        };
        if name == "and" || name == "or" {
            let mut v = Value::Missing;
            for arg in args {
                v = self.eval_arg(dot, Param::Value, arg)?;
                if v.truth() == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = validate(at, f, Param::Value)?;
            }
            return Ok(v);
        }
        let mut argv = Vec::with_capacity(num_in);
        for (i, arg) in args.iter().enumerate() {
            argv.push(self.eval_arg(dot, param(i), arg)?);
        }
        if let Some(f) = fin {
            argv.push(validate(at, f, param(args.len()))?);
        }
        match (func.call)(argv) {
            Ok(v) => Ok(v.unwrap_nil()),
            Err(e) => fail(at, format!("error calling {name}: {e}")),
        }
    }

    fn eval_arg(&mut self, dot: &Value, param: Param, arg: &Arg) -> Result<Value> {
        let v = match &arg.kind {
            ArgKind::Dot => dot.clone(),
            ArgKind::Nil => {
                return match param {
                    Param::Any => Ok(Value::Nil),
                    Param::Dict => Ok(Value::Map(BTreeMap::new(), ElemType::Interface)),
                    p => fail(arg, format!("cannot assign nil to {}", p.type_name())),
                }
            }
            ArgKind::Field(fields) => self.field_chain(arg, dot.clone(), fields, false)?,
            ArgKind::Variable(name, fields) => {
                let v = self.var(arg, name)?;
                self.field_chain(arg, v, fields, false)?
            }
            ArgKind::Pipe(p) => self.eval_pipeline(dot, p)?,
            ArgKind::Function(name) => self.eval_function(dot, arg, name, &[], None)?,
            ArgKind::Chain(inner, fields) => {
                let receiver = self.eval_arg(dot, Param::Any, inner)?;
                self.field_chain(arg, receiver, fields, false)?
            }
            ArgKind::Bool(b) => match param {
                Param::Any | Param::Value | Param::Bool => Value::Bool(*b),
                p => return literal_mismatch(arg, p),
            },
            ArgKind::Number(n) => match param {
                Param::Any | Param::Value => ideal_constant(arg, n)?,
                Param::Int => match (
                    n.int,
                    n.ideal_float && n.float.is_some_and(|f| f.fract() != 0.0),
                ) {
                    (Some(i), false) => Value::int(i),
                    _ => return literal_mismatch(arg, param),
                },
                p => return literal_mismatch(arg, p),
            },
            ArgKind::Str(s) => match param {
                Param::Any | Param::Value | Param::Str => Value::str(s.as_slice()),
                p => return literal_mismatch(arg, p),
            },
        };
        validate(arg, v, param)
    }
}

/// A literal where Go's `evalArg` wants another kind.
fn literal_mismatch(at: &Arg, p: Param) -> Result<Value> {
    match p {
        Param::Str => fail(at, format!("expected string; found {}", at.text)),
        Param::Int => fail(at, format!("expected integer; found {}", at.text)),
        Param::Bool => fail(at, format!("expected bool; found {}", at.text)),
        p => fail(
            at,
            format!("can't handle {} for arg of type {}", at.text, p.type_name()),
        ),
    }
}

/// Go's `validateType` for the parameter kinds that functions here take.
fn validate(at: &Arg, v: Value, param: Param) -> Result<Value> {
    match (param, v) {
        (Param::Value, v) => Ok(v),
        (Param::Any, Value::Missing) => Ok(Value::Nil),
        (Param::Any, v) => Ok(v),
        (Param::Dict, Value::Missing | Value::Nil) => {
            Ok(Value::Map(BTreeMap::new(), ElemType::Interface))
        }
        (Param::Bool, v @ Value::Bool(_)) => Ok(v),
        (Param::Dict, v @ Value::Map(_, ElemType::Interface)) => Ok(v),
        (p, Value::Missing | Value::Nil) => {
            fail(at, format!("invalid value; expected {}", p.type_name()))
        }
        (Param::Str, v @ Value::Str(_)) => Ok(v),
        (Param::Int, v @ Value::Int(_, super::value::IntType::Int)) => Ok(v),
        (p, v) => fail(
            at,
            format!(
                "wrong type for value; expected {}; got {}",
                p.type_name(),
                v.type_name()
            ),
        ),
    }
}

/// Go's `idealConstant`: an int, or a float64 when written as one.
fn ideal_constant(at: &Arg, n: &Number) -> Result<Value> {
    if n.ideal_float {
        if let Some(f) = n.float {
            return Ok(Value::Float(f));
        }
    }
    match n.int {
        Some(i) => Ok(Value::int(i)),
        None => fail(at, format!("{} overflows int", at.text)),
    }
}
