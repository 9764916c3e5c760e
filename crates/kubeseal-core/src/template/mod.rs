//! `spec.template.data` rendered as the sealed-secrets controller renders it.
//!
//! The controller (`Unseal` in upstream's `sealedsecret_expansion.go`)
//! parses each `spec.template.data` value as a Go `text/template` named after
//! its key, with sprig's `GenericFuncMap` minus `env`, `expandenv` and
//! `getHostByName` (removed in sealed-secrets v0.30), and executes it over a
//! `map[string]string` of the opened values (plus the plaintext
//! `template.data` values, v0.37). [`Template::parse`] and
//! [`Template::render`] do the same for the subset below; what falls outside
//! it is refused by name with a [`TemplateError`], never rendered
//! differently. The reference is the controller's own build (the newest
//! upstream source, bitnami/sealed-secrets v0.38.4 and main: Go 1.26's
//! `text/template`, sprig v3.3.0); the tests compare the
//! output byte for byte with a Go program that renders as the controller
//! does, built with Debian's Go 1.19 and sprig v3.2.3, and check what came
//! later (`range` over an integer, `{{else with}}`, `sha512sum`) by hand.
//!
//! ```
//! use std::collections::BTreeMap;
//! use kubeseal_core::template::Template;
//! use kubeseal_core::SecretValue;
//!
//! let template = Template::parse("dsn", r#"postgres://{{ .user }}:{{ index . "password" | urlquery }}@db"#)?;
//! let mut data = BTreeMap::new();
//! data.insert("user".to_string(), SecretValue::from("app"));
//! data.insert("password".to_string(), SecretValue::from("p@ss"));
//! assert_eq!(template.render(&data)?.expose(), b"postgres://app:p%40ss@db");
//! assert_eq!(template.referenced_keys().into_iter().collect::<Vec<_>>(), ["password", "user"]);
//! # Ok::<(), kubeseal_core::template::TemplateError>(())
//! ```
//!
//! # The language subset
//!
//! - Text, actions `{{ … }}` with `{{-`/`-}}` whitespace trimming, comments
//!   `{{/* … */}}`.
//! - Pipelines with `|`, parenthesized pipelines, field chains on any operand
//!   (`.a.b`, `$x.a`, `(…).a`).
//! - Operands: `.`, `.key`, `$`, `$var`, string literals (Go escapes, and raw
//!   `` `…` ``), character constants, decimal, hexadecimal, octal and binary
//!   integers, decimal floats, `true`, `false`, `nil`.
//! - `{{ $x := … }}` declarations and `{{ $x = … }}` assignments, scoped as
//!   Go scopes them.
//! - `if`/`else if`/`else`/`end`, `with`/`else with`/`else`/`end`, `range`
//!   over lists, maps (keys sorted, `$i, $v :=`) and integers, with `else`,
//!   `break` and `continue`.
//! - Not supported: `define`, `template`, `block` (a SealedSecret's
//!   template has no other templates to call), and nesting deeper than 64
//!   levels (parenthesized pipelines, control structures), refused rather
//!   than risk the stack.
//!
//! Go's missing-key behaviour is kept: `.missing` prints `<no value>`,
//! `index . "missing"` gives the empty string, and truthiness is Go's.
//!
//! # Functions
//!
//! Go's builtins: `and`, `or`, `not`, `len`, `index`, `print`, `printf`,
//! `println`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `html`, `js`, `urlquery`.
//! `printf` knows the verbs `%v %s %d %q %x %X %t %c %T %%`, `%f` on floats,
//! flags `-+ 0#`, width and precision, and prints Go's `%!d(string=…)`,
//! `%!d(MISSING)` and `%!(EXTRA …)` for bad verbs and arguments.
//! (`slice` is sprig's in the controller's function map, and not supported.)
//!
//! Sprig's: strings `trim`, `trimAll`, `trimPrefix`, `trimSuffix`, `upper`,
//! `lower`, `title`, `replace`, `repeat`, `substr`, `trunc`, `quote`,
//! `squote`, `cat`, `contains`, `hasPrefix`, `hasSuffix`, `nospace`,
//! `indent`, `nindent`; encodings `b64enc`, `b64dec`, `b32enc`, `b32dec`,
//! `toString`, `toJson`, `toRawJson`, `toPrettyJson`; defaults `default`,
//! `empty`, `coalesce`, `ternary`, `fail` (its message is not shown: it may
//! hold a value); lists and dicts `list`, `dict`, `get`, `hasKey`, `keys`,
//! `sortAlpha`, `join`, `split`, `splitList`, `first`, `last`; integer maths
//! `add`, `add1`, `sub`, `mul`, `div`, `mod`, `max`, `min`, `atoi`, `int`,
//! `int64`; hashes `sha1sum`, `sha256sum`, `sha512sum`, `adler32sum`;
//! regular expressions `regexMatch`, `regexFind`, `regexFindAll`,
//! `regexReplaceAll`, `regexReplaceAllLiteral`, `regexSplit` (and their
//! `must` forms), `regexQuoteMeta`, in Go's RE2 syntax with ASCII `\d`,
//! `\w`, `\s`, `\b`, bytes that are not UTF-8 read as U+FFFD as Go reads
//! them. sprig's `keys` lists a map in Go's random map order; here it is
//! sorted, one of the orders the controller may produce.
//!
//! Refused with [`TemplateError::CannotMatch`]: functions whose output the
//! controller draws from randomness or its clock (`randAlphaNum`,
//! `randAlpha`, `randNumeric`, `randAscii`, `randBytes`, `randInt`,
//! `uuidv4`, `shuffle`, `now`, `date*`, `ago`, `htmlDate*`, `unixEpoch`,
//! `bcrypt`, `htpasswd`, `encryptAES`, `genPrivateKey`, `genCA*`,
//! `genSelfSignedCert*`, `genSignedCert*`, `buildCustomCert`): a value
//! rendered here could never be the one in the controller's Secret.
//! Refused with [`TemplateError::Removed`]: `env`, `expandenv`,
//! `getHostByName`. Every other sprig function gives
//! [`TemplateError::Unsupported`], and a name neither Go nor sprig defines
//! gives [`TemplateError::UnknownFunction`], as Go's parser does.
//!
//! # Secrecy
//!
//! Values never appear in an error or in `Debug` output: where Go's error
//! would quote a value, the message says what went wrong without it. The
//! output and every intermediate buffer holding value bytes are wiped when
//! dropped.

mod conv;
mod exec;
mod funcs;
mod json;
mod lex;
mod parse;
mod printf;
mod regex;
mod sprig;
#[cfg(test)]
mod tests;
mod text;
mod value;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::SecretValue;

/// A parsed `spec.template.data` value, ready to render.
#[derive(Clone)]
pub struct Template {
    name: String,
    source: String,
    nodes: Vec<parse::Node>,
}

impl fmt::Debug for Template {
    /// The name only: a template's text may embed literal values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Template {
    /// Parses `text` as Go's `text/template` parses it with the controller's
    /// function map (`name`: the data key, for messages).
    pub fn parse(name: &str, text: &str) -> Result<Template, TemplateError> {
        let nodes = parse::parse(name, text)?;
        Ok(Template {
            name: name.to_string(),
            source: text.to_string(),
            nodes,
        })
    }

    /// Executes it over `data` (the opened values, and plain `template.data`
    /// values), as the controller does; the output bytes (values may be any
    /// bytes, as Go strings are).
    pub fn render(
        &self,
        data: &BTreeMap<String, SecretValue>,
    ) -> Result<SecretValue, TemplateError> {
        exec::render(self, data)
    }

    /// The data keys the template reads by name (`.key`, `$.key`,
    /// `index . "key"`, `index $ "key"`), for diagnosis. Reads through a
    /// computed key, or through a variable bound to the data in `range` or
    /// `with`, are not listed.
    pub fn referenced_keys(&self) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        parse::referenced_keys(&self.nodes, &mut keys);
        keys
    }

    /// The name it was parsed under (the data key).
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Why a template does not parse or does not render. Messages follow Go's
/// (`template: NAME:LINE:COLUMN: …`), with the column counted in bytes from
/// 1, and never quote a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The text is not a valid Go template.
    #[error("template: {name}:{line}:{column}: {message}")]
    Parse {
        /// The template's name (its data key).
        name: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
        /// What is wrong, in Go's words.
        message: String,
    },
    /// A name that neither Go's builtins nor sprig define (Go's parser
    /// refuses it too).
    #[error("template: {name}:{line}:{column}: function {function:?} not defined")]
    UnknownFunction {
        /// The template's name (its data key).
        name: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
        /// The function's name.
        function: String,
    },
    /// A function the controller has, whose output comes from randomness or
    /// its clock: no rendering here could match the controller's Secret.
    #[error(
        "template: {name}:{line}:{column}: function {function:?} {why}: \
         its output cannot match the Secret the controller creates"
    )]
    CannotMatch {
        /// The template's name (its data key).
        name: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
        /// The function's name.
        function: String,
        /// What it depends on (`draws random bytes`, `reads the clock`).
        why: &'static str,
    },
    /// `env`, `expandenv`, `getHostByName`: the controller removed them from
    /// its function map (sealed-secrets v0.30).
    #[error(
        "template: {name}:{line}:{column}: function {function:?} not defined \
         (the controller removed it in sealed-secrets v0.30)"
    )]
    Removed {
        /// The template's name (its data key).
        name: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
        /// The function's name.
        function: String,
    },
    /// A construct or sprig function that Go and the controller know but
    /// that this renderer does not implement.
    #[error("template: {name}:{line}:{column}: {construct} is not supported by sealtoken's template renderer")]
    Unsupported {
        /// The template's name (its data key).
        name: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
        /// What is not supported (`function "regexMatch"`, `{{define}}`).
        construct: String,
    },
    /// Execution failed where Go's would.
    #[error("template: {name}:{line}:{column}: executing {name:?} at <{context}>: {message}")]
    Execute {
        /// The template's name (its data key).
        name: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
        /// The template text that failed (shortened as Go does).
        context: String,
        /// What went wrong, in Go's words, without values.
        message: String,
    },
}

/// 1-based line and byte column of byte offset `pos` in `text`.
pub(crate) fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..pos.min(text.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, pos.min(text.len()) - start + 1)
}
