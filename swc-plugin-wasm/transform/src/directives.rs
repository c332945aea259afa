//! `"use autometrics";` and `"use no autometrics";` in a directive prologue.

use swc_core::ecma::ast::{Expr, Lit, Stmt};

pub const USE: &str = "use autometrics";
pub const USE_NO: &str = "use no autometrics";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    Use,
    UseNo,
}

/// The text of a directive as written between its quotes, if `stmt` is a
/// string-literal expression statement (the only thing a prologue holds).
/// The raw text is what counts: `"use\x20autometrics"` is not the directive.
fn directive_text(stmt: &Stmt) -> Option<&str> {
    let Stmt::Expr(expr_stmt) = stmt else {
        return None;
    };
    let Expr::Lit(Lit::Str(s)) = &*expr_stmt.expr else {
        return None;
    };
    match &s.raw {
        Some(raw) if raw.len() >= 2 => Some(&raw[1..raw.len() - 1]),
        Some(_) => None,
        None => s.value.as_str(),
    }
}

/// How many items at the start of `items` form the directive prologue.
pub fn prologue_len<T>(items: &[T], as_stmt: impl Fn(&T) -> Option<&Stmt>) -> usize {
    items
        .iter()
        .take_while(|item| as_stmt(item).and_then(directive_text).is_some())
        .count()
}

/// Removes the autometrics directives from the prologue of `items` and says
/// which one applies: `"use no autometrics"` wins over `"use autometrics"`.
/// Every other directive stays where it was.
pub fn take_directives<T>(
    items: &mut Vec<T>,
    as_stmt: impl Fn(&T) -> Option<&Stmt>,
) -> Option<Directive> {
    let len = prologue_len(items, &as_stmt);
    let mut found = None;
    let mut index = 0;
    let mut remaining = len;
    while remaining > 0 {
        remaining -= 1;
        let directive = match as_stmt(&items[index]).and_then(directive_text) {
            Some(USE) => Some(Directive::Use),
            Some(USE_NO) => Some(Directive::UseNo),
            _ => None,
        };
        match directive {
            Some(d) => {
                items.remove(index);
                if found != Some(Directive::UseNo) {
                    found = Some(d);
                }
            }
            None => index += 1,
        }
    }
    found
}

/// [`prologue_len`] and [`take_directives`] over plain statements.
pub fn stmt(s: &Stmt) -> Option<&Stmt> {
    Some(s)
}
