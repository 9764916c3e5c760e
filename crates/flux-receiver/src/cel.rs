//! The CEL expressions a Receiver carries, checked before they are written.
//!
//! The API server stores a Receiver without compiling its expressions; the
//! notification-controller compiles them (cel-go, through
//! `fluxcd/pkg/runtime/cel`) and marks the Receiver failed, or fails the
//! webhook, when one does not compile. This check catches what can be told
//! without the controller: the syntax (the CEL grammar, optional syntax on as
//! `cel.OptionalTypes()` turns it on), a variable the controller does not
//! declare at that place, and a boolean place given something that is never
//! a boolean (cel-go's output-type check: `claims.admin` alone is `dyn`, not
//! `bool`). Function names and argument types are not checked.

use std::fmt;

/// Where an expression goes: which variables the controller declares there,
/// and whether the result must be a boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CelPlace {
    /// `spec.resourceFilter` or `spec.resources[].filter`: `res` and `req`,
    /// and `claims` for `generic-oidc` Receivers; boolean.
    ResourceFilter {
        /// Whether `claims` is declared (`generic-oidc`).
        claims: bool,
    },
    /// `spec.oidcProviders[].variables[].expression`: `claims` and `vars`; any type.
    OidcVariable,
    /// `spec.oidcProviders[].validations[].expression`: `claims` and `vars`; boolean.
    OidcValidation,
}

impl CelPlace {
    /// The variables the controller declares at this place.
    pub fn variables(self) -> &'static [&'static str] {
        match self {
            CelPlace::ResourceFilter { claims: false } => &["res", "req"],
            CelPlace::ResourceFilter { claims: true } => &["res", "req", "claims"],
            CelPlace::OidcVariable | CelPlace::OidcValidation => &["claims", "vars"],
        }
    }

    /// Whether the expression must be a boolean here.
    pub fn boolean(self) -> bool {
        !matches!(self, CelPlace::OidcVariable)
    }
}

impl fmt::Display for CelPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CelPlace::ResourceFilter { .. } => "a resource filter",
            CelPlace::OidcVariable => "an OIDC variable",
            CelPlace::OidcValidation => "an OIDC validation",
        })
    }
}

/// Why a CEL expression would not compile in the controller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CelError {
    /// The expression is empty (the controller refuses an empty one).
    #[error("the expression is empty")]
    Empty,
    /// The expression does not parse; `message` is the parser's, with its
    /// line and column.
    #[error("not valid CEL: {message}")]
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// The expression reads a variable the controller does not declare here.
    #[error("undeclared reference to {name:?}: {place} can read {declared}")]
    Undeclared {
        /// The variable.
        name: String,
        /// Where the expression goes.
        place: CelPlace,
        /// The declared variables, for the message.
        declared: String,
    },
    /// The place needs a boolean and the expression is never one.
    #[error(
        "{place} must be a boolean, and this is {what}: compare it (e.g. `== true`, `== 'value'`)"
    )]
    NotBoolean {
        /// Where the expression goes.
        place: CelPlace,
        /// What the expression is instead.
        what: &'static str,
    },
}

/// Whether this build checks CEL syntax (feature `cel`). Without it,
/// [`check_cel`] only refuses an empty expression: say so to the user.
pub const CEL_SYNTAX_CHECKED: bool = cfg!(feature = "cel");

/// Checks one expression for `place`, as far as it can be told without the
/// controller: the syntax (the CEL grammar cel-go uses, optional syntax on),
/// a variable the controller does not declare at that place, and a boolean
/// place given something that is never a boolean (`claims.admin` alone is
/// `dyn` to cel-go's checker, not `bool`). Function names and argument types
/// are not checked. Without the `cel` feature, only an empty expression is
/// refused ([`CEL_SYNTAX_CHECKED`]).
///
/// ```
/// use flux_receiver::{check_cel, CelPlace};
///
/// let oidc = CelPlace::OidcValidation;
/// assert!(check_cel("claims.repository_owner == 'acme'", oidc).is_ok());
/// # #[cfg(feature = "cel")] {
/// assert!(check_cel("claims.sub ==", oidc).is_err());
/// assert!(check_cel("claims.admin", oidc).is_err()); // dyn, not bool
/// let filter = CelPlace::ResourceFilter { claims: false };
/// assert!(check_cel("claims.sub == 'x'", filter).is_err()); // generic-oidc only
/// # }
/// ```
pub fn check_cel(expr: &str, place: CelPlace) -> Result<(), CelError> {
    if expr.trim().is_empty() {
        return Err(CelError::Empty);
    }
    #[cfg(feature = "cel")]
    parsed::check(expr, place)?;
    #[cfg(not(feature = "cel"))]
    let _ = place;
    Ok(())
}

#[cfg(feature = "cel")]
mod parsed {
    use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue};
    use cel::parser::Parser;

    use super::{CelError, CelPlace};

    /// CEL's type identifiers, which resolve to types rather than variables.
    const TYPE_NAMES: [&str; 11] = [
        "bool",
        "bytes",
        "double",
        "int",
        "list",
        "map",
        "null_type",
        "string",
        "type",
        "uint",
        "dyn",
    ];

    pub(super) fn check(expr: &str, place: CelPlace) -> Result<(), CelError> {
        let parser = Parser::new()
            .enable_optional_syntax(true)
            .max_recursion_depth(200);
        let ast = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(expr)))
            .map_err(|_| CelError::Syntax {
                message: "the parser gave up on this expression".into(),
            })?
            .map_err(|errs| CelError::Syntax {
                message: errs
                    .errors
                    .iter()
                    .map(|e| format!("{}:{}: {}", e.pos.0, e.pos.1, e.msg))
                    .collect::<Vec<_>>()
                    .join("; "),
            })?;
        let mut scope = Vec::new();
        undeclared(&ast, place, &mut scope)?;
        if place.boolean() {
            if let Some(what) = never_boolean(&ast.expr) {
                return Err(CelError::NotBoolean { place, what });
            }
        }
        Ok(())
    }

    /// The first variable read that is neither declared at `place`, bound
    /// by an enclosing comprehension, nor a type name. A namespace before a
    /// function (`base64.encode(…)`, `sets.contains(…)`) is not a variable.
    fn undeclared<'a>(
        e: &'a IdedExpr,
        place: CelPlace,
        scope: &mut Vec<&'a str>,
    ) -> Result<(), CelError> {
        match &e.expr {
            Expr::Ident(name) => {
                if !name.starts_with('@')
                    && !place.variables().contains(&name.as_str())
                    && !scope.contains(&name.as_str())
                    && !TYPE_NAMES.contains(&name.as_str())
                {
                    return Err(CelError::Undeclared {
                        name: name.clone(),
                        place,
                        declared: place.variables().join(", "),
                    });
                }
                Ok(())
            }
            Expr::Call(call) => {
                if let Some(t) = &call.target {
                    if !matches!(t.expr, Expr::Ident(_)) {
                        undeclared(t, place, scope)?;
                    }
                }
                call.args
                    .iter()
                    .try_for_each(|a| undeclared(a, place, scope))
            }
            Expr::Comprehension(c) => {
                undeclared(&c.iter_range, place, scope)?;
                undeclared(&c.accu_init, place, scope)?;
                let depth = scope.len();
                scope.push(&c.iter_var);
                if let Some(v) = &c.iter_var2 {
                    scope.push(v);
                }
                scope.push(&c.accu_var);
                let r = [&c.loop_cond, &c.loop_step, &c.result]
                    .into_iter()
                    .try_for_each(|x| undeclared(x, place, scope));
                scope.truncate(depth);
                r
            }
            Expr::List(l) => l
                .elements
                .iter()
                .try_for_each(|x| undeclared(x, place, scope)),
            Expr::Map(m) => m.entries.iter().try_for_each(|en| match &en.expr {
                EntryExpr::StructField(f) => undeclared(&f.value, place, scope),
                EntryExpr::MapEntry(me) => {
                    undeclared(&me.key, place, scope)?;
                    undeclared(&me.value, place, scope)
                }
            }),
            Expr::Struct(s) => s.entries.iter().try_for_each(|en| match &en.expr {
                EntryExpr::StructField(f) => undeclared(&f.value, place, scope),
                EntryExpr::MapEntry(me) => {
                    undeclared(&me.key, place, scope)?;
                    undeclared(&me.value, place, scope)
                }
            }),
            Expr::Select(s) => undeclared(&s.operand, place, scope),
            Expr::Literal(_) | Expr::Unspecified => Ok(()),
        }
    }

    /// What a top-level expression is when cel-go's checker can never type
    /// it `bool`: a literal of another type, a list or map, a field or
    /// variable (`dyn`: the controller's variables are JSON objects), an
    /// arithmetic result or an index. `None` when it may be a boolean.
    fn never_boolean(e: &Expr) -> Option<&'static str> {
        match e {
            Expr::Literal(LiteralValue::Boolean(_)) => None,
            Expr::Literal(LiteralValue::Null) => Some("null"),
            Expr::Literal(LiteralValue::String(_)) => Some("a string"),
            Expr::Literal(LiteralValue::Bytes(_)) => Some("bytes"),
            Expr::Literal(_) => Some("a number"),
            Expr::List(_) => Some("a list"),
            Expr::Map(_) | Expr::Struct(_) => Some("a map"),
            Expr::Ident(_) => Some("a variable (of type dyn)"),
            Expr::Select(s) if !s.test => Some("a field (of type dyn)"),
            Expr::Call(c) => match c.func_name.as_str() {
                "_+_" | "_-_" | "_*_" | "_/_" | "_%_" | "-_" => Some("an arithmetic result"),
                "_[_]" | "_[?_]" | "_?._" => Some("an index or field (of type dyn)"),
                _ => None,
            },
            _ => None,
        }
    }
}

#[cfg(all(test, feature = "cel"))]
mod tests {
    use super::*;

    const F: CelPlace = CelPlace::ResourceFilter { claims: false };
    const FO: CelPlace = CelPlace::ResourceFilter { claims: true };
    const VAR: CelPlace = CelPlace::OidcVariable;
    const VAL: CelPlace = CelPlace::OidcValidation;

    #[test]
    fn positions_are_one_based_as_cel_go_prints_them() {
        let e = check_cel("}", F).unwrap_err().to_string();
        assert!(e.starts_with("not valid CEL: 1:1: "), "{e}");
        let e = check_cel("a &&& b", F).unwrap_err().to_string();
        assert!(e.starts_with("not valid CEL: 1:5: "), "{e}");
    }

    /// Expressions from the Flux Receiver docs and the controller's tests,
    /// which compile there.
    #[test]
    fn expressions_the_controller_compiles_pass() {
        for (e, p) in [
            ("res.metadata.name == 'podinfo'", F),
            ("req.tag.contains('-rc')", F),
            ("res.metadata.name.startsWith(req.image.split(':')[0])", F),
            ("'app' in res.metadata.labels && res.metadata.labels['app'] == req.app", F),
            ("has(res.metadata.annotations) && res.metadata.annotations.exists(k, k.startsWith('x'))", F),
            ("req.commits.all(c, c.modified.exists(f, f.startsWith('apps/')))", F),
            ("claims.repository == 'acme/app' && res.metadata.name == 'app'", FO),
            ("res.metadata.?labels.orValue({}).size() > 0", F),
            ("sets.contains(['a', 'b'], [req.x])", F),
            ("base64.decode(req.data) == b'x'", F),
            ("type(req.x) == string", F),
            ("true", F),
            ("claims.repository_owner == 'acme'", VAL),
            ("vars.is_main == true", VAL),
            ("claims.ref.split('/')[2]", VAR),
            ("claims.sub", VAR),
            ("[1, 2].map(x, x * 2)", VAR),
            ("claims.ref == 'refs/heads/main' ? 'main' : 'other'", VAR),
        ] {
            assert_eq!(check_cel(e, p), Ok(()), "{e}");
        }
    }

    #[test]
    fn syntax_errors_are_refused_with_a_position() {
        for e in [
            "claims.sub ==",
            "res.metadata.name == 'x",
            "(a",
            "a &&& b",
            "res.metadata.name = 'x'",
            "}",
        ] {
            let err = check_cel(e, F).unwrap_err();
            assert!(matches!(err, CelError::Syntax { .. }), "{e}: {err:?}");
            let msg = err.to_string();
            assert!(msg.starts_with("not valid CEL: 1:"), "{msg}");
        }
        assert_eq!(check_cel("  ", VAL), Err(CelError::Empty));
    }

    #[test]
    fn undeclared_variables_are_refused() {
        let e = check_cel("claims.sub == 'x'", F).unwrap_err();
        assert!(
            e.to_string().contains(
                "undeclared reference to \"claims\": a resource filter can read res, req"
            ),
            "{e}"
        );
        assert!(check_cel("claims.sub == 'x'", FO).is_ok());
        assert!(check_cel("res.metadata.name == x", F).is_err());
        assert!(check_cel("req.a == 1", VAL).is_err());
        // Comprehension variables are in scope inside their macro only.
        assert!(check_cel("req.a.exists(x, x == 1) && x == 2", F).is_err());
    }

    #[test]
    fn boolean_places_refuse_what_is_never_boolean() {
        for e in [
            "claims.admin",
            "vars.ok",
            "claims",
            "'yes'",
            "1",
            "[true]",
            "claims.n + 1",
            "claims['x']",
        ] {
            let err = check_cel(e, VAL).unwrap_err();
            assert!(matches!(err, CelError::NotBoolean { .. }), "{e}: {err:?}");
            assert!(check_cel(e, VAR).is_ok(), "{e}");
        }
        assert!(check_cel("res.metadata.name", F).is_err());
        assert!(check_cel("has(claims.admin)", VAL).is_ok());
    }
}
