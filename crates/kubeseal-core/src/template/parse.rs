//! The parser of Go's `text/template` (`text/template/parse/parse.go`): the
//! same tree, checks and errors, for the supported subset.

use std::collections::BTreeSet;

use super::funcs::{lookup, Lookup};
use super::lex::{lex, Tok, Token};
use super::{line_column, TemplateError};

/// One node of a template's list.
#[derive(Debug, Clone)]
pub(super) enum Node {
    Text(Vec<u8>),
    Action(Pipe),
    If(Box<Branch>),
    With(Box<Branch>),
    Range(Box<Branch>),
    Break,
    Continue,
}

/// `if`, `with` or `range`: its pipeline, list and else list.
#[derive(Debug, Clone)]
pub(super) struct Branch {
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

/// A pipeline, with its variable declarations (`$x :=`) or assignment (`$x =`).
#[derive(Debug, Clone)]
pub(super) struct Pipe {
    pub pos: usize,
    pub decl: Vec<String>,
    pub is_assign: bool,
    pub cmds: Vec<Command>,
}

/// One stage of a pipeline: a function, field or value with its arguments.
#[derive(Debug, Clone)]
pub(super) struct Command {
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone)]
pub(super) struct Arg {
    pub pos: usize,
    /// Its source text, for error context.
    pub text: String,
    pub kind: ArgKind,
}

#[derive(Debug, Clone)]
pub(super) enum ArgKind {
    Dot,
    Nil,
    Bool(bool),
    Number(Number),
    Str(Vec<u8>),
    /// `.a.b`.
    Field(Vec<String>),
    /// `$x.a.b`: name (with `$`) and fields.
    Variable(String, Vec<String>),
    Function(String),
    Pipe(Box<Pipe>),
    /// `(pipe).a.b`.
    Chain(Box<Arg>, Vec<String>),
}

/// A number constant: the forms it can take (Go's `NumberNode`).
#[derive(Debug, Clone)]
pub(super) struct Number {
    pub int: Option<i64>,
    pub float: Option<f64>,
    /// Becomes a float64 (not an int) where Go's `idealConstant` would.
    pub ideal_float: bool,
}

struct Parser<'a> {
    name: &'a str,
    src: &'a str,
    tokens: Vec<Token>,
    at: usize,
    vars: Vec<String>,
    range_depth: usize,
    /// Nesting of pipelines and control structures, bounded so that a
    /// hostile file cannot exhaust the stack.
    depth: usize,
}

/// The deepest nesting accepted (real templates nest a handful of levels).
const MAX_DEPTH: usize = 64;

/// Parses `src`; `name` is used in messages.
pub(super) fn parse(name: &str, src: &str) -> Result<Vec<Node>, TemplateError> {
    let tokens = lex(src).map_err(|(message, pos)| parse_error(name, src, pos, message))?;
    let mut p = Parser {
        name,
        src,
        tokens,
        at: 0,
        vars: vec!["$".to_string()],
        range_depth: 0,
        depth: 0,
    };
    let mut nodes = Vec::new();
    while p.peek().kind != Tok::Eof {
        match p.text_or_action()? {
            Item::Node(n) => nodes.push(n),
            Item::None => {}
            Item::End(pos) => return Err(p.error(pos, "unexpected {{end}}")),
            Item::Else(pos) => return Err(p.error(pos, "unexpected {{else}}")),
        }
    }
    Ok(nodes)
}

fn parse_error(name: &str, src: &str, pos: usize, message: impl Into<String>) -> TemplateError {
    let (line, column) = line_column(src, pos);
    TemplateError::Parse {
        name: name.to_string(),
        line,
        column,
        message: message.into(),
    }
}

enum Item {
    Node(Node),
    None,
    End(usize),
    Else(usize),
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        self.at = (self.at + 1).min(self.tokens.len());
        t
    }

    fn peek_non_space(&mut self) -> Token {
        while self.peek().kind == Tok::Space {
            self.at += 1;
        }
        self.peek().clone()
    }

    fn next_non_space(&mut self) -> Token {
        self.peek_non_space();
        self.next()
    }

    fn error(&self, pos: usize, message: impl Into<String>) -> TemplateError {
        parse_error(self.name, self.src, pos, message)
    }

    fn unsupported(&self, pos: usize, construct: impl Into<String>) -> TemplateError {
        let (line, column) = line_column(self.src, pos);
        TemplateError::Unsupported {
            name: self.name.to_string(),
            line,
            column,
            construct: construct.into(),
        }
    }

    fn unexpected(&self, t: &Token, context: &str) -> TemplateError {
        let what = match &t.kind {
            Tok::Eof => "EOF".to_string(),
            Tok::Keyword(k) => format!("<{k}>"),
            Tok::RightDelim | Tok::LeftDelim => format!("{:?}", t.text),
            _ => format!("{:?}", t.text),
        };
        self.error(t.pos, format!("unexpected {what} in {context}"))
    }

    fn expect_right_delim(&mut self, context: &str) -> Result<(), TemplateError> {
        let t = self.next_non_space();
        if t.kind != Tok::RightDelim {
            return Err(self.unexpected(&t, context));
        }
        Ok(())
    }

    fn text_or_action(&mut self) -> Result<Item, TemplateError> {
        let t = self.next_non_space();
        match t.kind {
            Tok::Text(text) => Ok(Item::Node(Node::Text(text.into_bytes()))),
            Tok::Comment => Ok(Item::None),
            Tok::LeftDelim => self.action(),
            _ => Err(self.unexpected(&t, "input")),
        }
    }

    fn action(&mut self) -> Result<Item, TemplateError> {
        let t = self.next_non_space();
        match t.kind {
            Tok::Keyword("block" | "define" | "template") => {
                Err(self.unsupported(t.pos, format!("{{{{{}}}}}", t.text)))
            }
            Tok::Keyword("break" | "continue") => {
                self.expect_right_delim(&format!("{{{{{}}}}}", t.text))?;
                if self.range_depth == 0 {
                    return Err(
                        self.error(t.pos, format!("{{{{{}}}}} outside {{{{range}}}}", t.text))
                    );
                }
                Ok(Item::Node(if t.text == "break" {
                    Node::Break
                } else {
                    Node::Continue
                }))
            }
            Tok::Keyword("else") => {
                if !matches!(self.peek_non_space().kind, Tok::Keyword("if" | "with")) {
                    self.expect_right_delim("else")?;
                }
                Ok(Item::Else(t.pos))
            }
            Tok::Keyword("end") => {
                self.expect_right_delim("end")?;
                Ok(Item::End(t.pos))
            }
            Tok::Keyword("if") => Ok(Item::Node(Node::If(Box::new(self.control(true, "if")?)))),
            Tok::Keyword("with") => Ok(Item::Node(Node::With(Box::new(
                self.control(false, "with")?,
            )))),
            Tok::Keyword("range") => Ok(Item::Node(Node::Range(Box::new(
                self.control(false, "range")?,
            )))),
            _ => {
                self.at -= 1;
                Ok(Item::Node(Node::Action(
                    self.pipeline("command", Tok::RightDelim)?,
                )))
            }
        }
    }

    fn item_list(&mut self) -> Result<(Vec<Node>, Item), TemplateError> {
        let mut list = Vec::new();
        while self.peek_non_space().kind != Tok::Eof {
            match self.text_or_action()? {
                Item::Node(n) => list.push(n),
                Item::None => {}
                end => return Ok((list, end)),
            }
        }
        let pos = self.peek().pos;
        Err(self.error(pos, "unexpected EOF"))
    }

    fn control(&mut self, allow_else_if: bool, context: &str) -> Result<Branch, TemplateError> {
        if self.depth >= MAX_DEPTH {
            let pos = self.peek().pos;
            return Err(self.unsupported(pos, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        let branch = self.control_inner(allow_else_if, context);
        self.depth -= 1;
        branch
    }

    fn control_inner(
        &mut self,
        allow_else_if: bool,
        context: &str,
    ) -> Result<Branch, TemplateError> {
        let vars = self.vars.len();
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let listed = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = listed?;
        let mut else_list = None;
        if let Item::Else(_) = next {
            if allow_else_if && self.peek().kind == Tok::Keyword("if") {
                self.next();
                else_list = Some(vec![Node::If(Box::new(self.control(true, "if")?))]);
            } else if context == "with" && self.peek().kind == Tok::Keyword("with") {
                // `{{else with}}` (Go 1.23 and later, the controller's Go).
                self.next();
                else_list = Some(vec![Node::With(Box::new(self.control(false, "with")?))]);
            } else {
                let (list, next) = self.item_list()?;
                if let Item::Else(pos) = next {
                    return Err(self.error(pos, "expected end; found {{else}}"));
                }
                else_list = Some(list);
            }
        }
        self.vars.truncate(vars);
        Ok(Branch {
            pipe,
            list,
            else_list,
        })
    }

    fn pipeline(&mut self, context: &str, end: Tok) -> Result<Pipe, TemplateError> {
        let start = self.peek_non_space().pos;
        if self.depth >= MAX_DEPTH {
            return Err(self.unsupported(start, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        let pipe = self.pipeline_inner(context, end, start);
        self.depth -= 1;
        pipe
    }

    fn pipeline_inner(
        &mut self,
        context: &str,
        end: Tok,
        start: usize,
    ) -> Result<Pipe, TemplateError> {
        let mut pipe = Pipe {
            pos: start,
            decl: Vec::new(),
            is_assign: false,
            cmds: Vec::new(),
        };
        // Declarations.
        loop {
            let v = self.peek_non_space();
            let Tok::Variable(name) = &v.kind else { break };
            let save = self.at;
            self.next();
            let next = self.peek_non_space();
            match next.kind {
                Tok::Assign | Tok::Declare => {
                    pipe.is_assign = next.kind == Tok::Assign;
                    self.next();
                    pipe.decl.push(name.clone());
                    self.vars.push(name.clone());
                    break;
                }
                Tok::Char(',') => {
                    self.next();
                    pipe.decl.push(name.clone());
                    self.vars.push(name.clone());
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().kind {
                            Tok::Variable(_) | Tok::RightDelim | Tok::RightParen => continue,
                            _ => {
                                return Err(
                                    self.error(next.pos, "range can only initialize variables")
                                )
                            }
                        }
                    }
                    return Err(self.error(next.pos, format!("too many declarations in {context}")));
                }
                _ => {
                    self.at = save;
                    break;
                }
            }
        }
        loop {
            let t = self.peek_non_space();
            if t.kind == end {
                self.next();
                if pipe.cmds.is_empty() {
                    return Err(self.error(t.pos, format!("missing value for {context}")));
                }
                for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
                    if matches!(
                        c.args[0].kind,
                        ArgKind::Bool(_)
                            | ArgKind::Dot
                            | ArgKind::Nil
                            | ArgKind::Number(_)
                            | ArgKind::Str(_)
                    ) {
                        return Err(self.error(
                            c.args[0].pos,
                            format!("non executable command in pipeline stage {}", i + 1),
                        ));
                    }
                }
                return Ok(pipe);
            }
            match t.kind {
                Tok::Bool(_)
                | Tok::CharConst(_)
                | Tok::Dot
                | Tok::Field(_)
                | Tok::Identifier(_)
                | Tok::Number
                | Tok::Nil
                | Tok::Str(_)
                | Tok::Variable(_)
                | Tok::LeftParen => pipe.cmds.push(self.command()?),
                _ => return Err(self.unexpected(&t, context)),
            }
        }
    }

    fn command(&mut self) -> Result<Command, TemplateError> {
        let mut args = Vec::new();
        loop {
            self.peek_non_space();
            if let Some(arg) = self.operand()? {
                args.push(arg);
            }
            let t = self.next();
            match t.kind {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.at -= 1,
                Tok::Pipe => {}
                _ => return Err(self.unexpected(&t, "operand")),
            }
            break;
        }
        if args.is_empty() {
            let pos = self.peek().pos;
            return Err(self.error(pos, "empty command"));
        }
        Ok(Command { args })
    }

    fn operand(&mut self) -> Result<Option<Arg>, TemplateError> {
        let Some(mut arg) = self.term()? else {
            return Ok(None);
        };
        if let Tok::Field(_) = self.peek().kind {
            let mut fields = Vec::new();
            let mut end = arg.pos + arg.text.len();
            while let Tok::Field(f) = &self.peek().kind {
                fields.push(f.clone());
                let t = self.next();
                end = t.pos + t.text.len();
            }
            let text = self.src[arg.pos..end].to_string();
            arg.kind = match arg.kind {
                ArgKind::Field(mut first) => {
                    first.extend(fields);
                    ArgKind::Field(first)
                }
                ArgKind::Variable(name, mut first) => {
                    first.extend(fields);
                    ArgKind::Variable(name, first)
                }
                ArgKind::Bool(_)
                | ArgKind::Str(_)
                | ArgKind::Number(_)
                | ArgKind::Nil
                | ArgKind::Dot => {
                    return Err(
                        self.error(arg.pos, format!("unexpected . after term {:?}", arg.text))
                    );
                }
                kind => ArgKind::Chain(
                    Box::new(Arg {
                        pos: arg.pos,
                        text: arg.text.clone(),
                        kind,
                    }),
                    fields,
                ),
            };
            arg.text = text;
        }
        Ok(Some(arg))
    }

    fn term(&mut self) -> Result<Option<Arg>, TemplateError> {
        let t = self.next_non_space();
        let kind = match &t.kind {
            Tok::Identifier(name) => {
                self.check_function(name, t.pos)?;
                ArgKind::Function(name.clone())
            }
            Tok::Dot => ArgKind::Dot,
            Tok::Nil => ArgKind::Nil,
            Tok::Variable(name) => {
                if !self.vars.contains(name) {
                    return Err(self.error(t.pos, format!("undefined variable {name:?}")));
                }
                ArgKind::Variable(name.clone(), Vec::new())
            }
            Tok::Field(name) => ArgKind::Field(vec![name.clone()]),
            Tok::Bool(b) => ArgKind::Bool(*b),
            Tok::CharConst(c) => ArgKind::Number(Number {
                int: Some(i64::from(*c)),
                float: Some(f64::from(*c)),
                ideal_float: false,
            }),
            Tok::Number => ArgKind::Number(self.number(&t)?),
            Tok::Str(s) => ArgKind::Str(s.clone()),
            Tok::LeftParen => {
                let pipe = self.pipeline("parenthesized pipeline", Tok::RightParen)?;
                let end = self.tokens[self.at - 1].pos + 1;
                return Ok(Some(Arg {
                    pos: t.pos,
                    text: self.src[t.pos..end].to_string(),
                    kind: ArgKind::Pipe(Box::new(pipe)),
                }));
            }
            _ => {
                self.at -= 1;
                return Ok(None);
            }
        };
        Ok(Some(Arg {
            pos: t.pos,
            text: t.text.clone(),
            kind,
        }))
    }

    fn check_function(&self, name: &str, pos: usize) -> Result<(), TemplateError> {
        let (line, column) = line_column(self.src, pos);
        let (name_, function) = (self.name.to_string(), name.to_string());
        match lookup(name) {
            Lookup::Builtin(_) | Lookup::Sprig(_) => Ok(()),
            Lookup::CannotMatch(why) => Err(TemplateError::CannotMatch {
                name: name_,
                line,
                column,
                function,
                why,
            }),
            Lookup::Removed => Err(TemplateError::Removed {
                name: name_,
                line,
                column,
                function,
            }),
            Lookup::Unsupported => Err(self.unsupported(pos, format!("function {name:?}"))),
            Lookup::Unknown => Err(TemplateError::UnknownFunction {
                name: name_,
                line,
                column,
                function,
            }),
        }
    }

    /// A number as Go's `newNumber` reads it.
    fn number(&self, t: &Token) -> Result<Number, TemplateError> {
        let text = t.text.as_str();
        if text.ends_with('i') {
            return Err(self.unsupported(t.pos, "a complex number"));
        }
        let int = super::conv::parse_int(text);
        let (float, ideal_float) = match int {
            Some(i) => (Some(i as f64), false),
            None => {
                let hex = text
                    .trim_start_matches(['+', '-'])
                    .to_ascii_lowercase()
                    .starts_with("0x");
                if hex {
                    return Err(self.unsupported(t.pos, "a hexadecimal floating-point number"));
                }
                // Go's ParseFloat takes `_` only after a base prefix (hex floats, refused above).
                match (!text.contains('_')).then(|| text.parse::<f64>()) {
                    Some(Ok(f)) if f.is_finite() => (Some(f), true),
                    _ => return Err(self.error(t.pos, format!("illegal number syntax: {text:?}"))),
                }
            }
        };
        let ideal_float = ideal_float || (!is_hex(text) && text.contains(['.', 'e', 'E']));
        // A float with an integral value is also an int (`newNumber`).
        let int = int.or_else(|| {
            let f = float?;
            (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
        });
        Ok(Number {
            int,
            float,
            ideal_float,
        })
    }
}

fn is_hex(text: &str) -> bool {
    let t = text.trim_start_matches(['+', '-']);
    t.len() > 1 && (t.starts_with("0x") || t.starts_with("0X"))
}

/// The data keys read by name: `.key…`, `$.key…`, and `index . "key"` /
/// `index $ "key"` with a literal key.
pub(super) fn referenced_keys(nodes: &[Node], keys: &mut BTreeSet<String>) {
    for node in nodes {
        match node {
            Node::Text(_) | Node::Break | Node::Continue => {}
            Node::Action(pipe) => pipe_keys(pipe, keys, true),
            Node::If(b) => {
                pipe_keys(&b.pipe, keys, true);
                referenced_keys(&b.list, keys);
                b.else_list.iter().for_each(|l| referenced_keys(l, keys));
            }
            Node::With(b) | Node::Range(b) => {
                pipe_keys(&b.pipe, keys, true);
                // Inside `with` and `range`, dot is no longer the data.
                with_dot_changed(&b.list, keys);
                b.else_list.iter().for_each(|l| referenced_keys(l, keys));
            }
        }
    }
}

fn with_dot_changed(nodes: &[Node], keys: &mut BTreeSet<String>) {
    for node in nodes {
        match node {
            Node::Action(pipe) => pipe_keys(pipe, keys, false),
            Node::If(b) | Node::With(b) | Node::Range(b) => {
                pipe_keys(&b.pipe, keys, false);
                with_dot_changed(&b.list, keys);
                b.else_list.iter().for_each(|l| with_dot_changed(l, keys));
            }
            _ => {}
        }
    }
}

/// `dot_is_data`: whether `.` is still the data map here (it is not inside
/// `with` or `range`).
fn pipe_keys(pipe: &Pipe, keys: &mut BTreeSet<String>, dot_is_data: bool) {
    for cmd in &pipe.cmds {
        let is_data = |a: &Arg| match &a.kind {
            ArgKind::Dot => dot_is_data,
            ArgKind::Variable(v, f) => v == "$" && f.is_empty(),
            _ => false,
        };
        if let [Arg {
            kind: ArgKind::Function(f),
            ..
        }, target, Arg {
            kind: ArgKind::Str(key),
            ..
        }, ..] = cmd.args.as_slice()
        {
            if f == "index" && is_data(target) {
                keys.insert(String::from_utf8_lossy(key).into_owned());
            }
        }
        for arg in &cmd.args {
            arg_keys(arg, keys, dot_is_data);
        }
    }
}

fn arg_keys(arg: &Arg, keys: &mut BTreeSet<String>, dot_is_data: bool) {
    match &arg.kind {
        ArgKind::Field(fields) if dot_is_data => {
            keys.insert(fields[0].clone());
        }
        ArgKind::Variable(v, fields) if v == "$" && !fields.is_empty() => {
            keys.insert(fields[0].clone());
        }
        ArgKind::Pipe(p) => pipe_keys(p, keys, dot_is_data),
        ArgKind::Chain(inner, _) => arg_keys(inner, keys, dot_is_data),
        _ => {}
    }
}
