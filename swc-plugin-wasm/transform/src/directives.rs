//! `"use autometrics";` and `"use no autometrics";` in a directive prologue
//! (`babel-plugin/src/select.ts`: `directiveOf`, `dropDirectives`).
//!
//! SWC keeps no separate list of directives: a prologue is the run of
//! string-literal expression statements at the start of a body.

use swc_core::ecma::ast::{Expr, Lit, ModuleItem, Stmt};

pub const USE: &str = "use autometrics";
pub const USE_NO: &str = "use no autometrics";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    Use,
    UseNo,
}

/// The text of a directive as written between its quotes, if `stmt` is a
/// string-literal expression statement. As for Babel, the raw text is what
/// counts: `"use\x20autometrics"` is not the directive.
fn directive_text(stmt: &Stmt) -> Option<std::borrow::Cow<'_, str>> {
    let Stmt::Expr(expr_stmt) = stmt else {
        return None;
    };
    let Expr::Lit(Lit::Str(s)) = &*expr_stmt.expr else {
        return None;
    };
    match &s.raw {
        Some(raw) if raw.len() >= 2 => Some(std::borrow::Cow::Borrowed(&raw[1..raw.len() - 1])),
        Some(_) => None,
        None => Some(s.value.to_string_lossy()),
    }
}

pub trait AsStmt {
    fn as_stmt(&self) -> Option<&Stmt>;
}

impl AsStmt for Stmt {
    fn as_stmt(&self) -> Option<&Stmt> {
        Some(self)
    }
}

impl AsStmt for ModuleItem {
    fn as_stmt(&self) -> Option<&Stmt> {
        match self {
            ModuleItem::Stmt(s) => Some(s),
            _ => None,
        }
    }
}

/// How many items at the start of `items` form the directive prologue.
pub fn prologue_len<T: AsStmt>(items: &[T]) -> usize {
    items
        .iter()
        .take_while(|item| item.as_stmt().and_then(directive_text).is_some())
        .count()
}

/// Which autometrics directive the prologue of `items` has:
/// `"use no autometrics"` wins over `"use autometrics"`.
pub fn directive_of<T: AsStmt>(items: &[T]) -> Option<Directive> {
    let mut found = None;
    for item in &items[..prologue_len(items)] {
        match item.as_stmt().and_then(directive_text).as_deref() {
            Some(USE_NO) => return Some(Directive::UseNo),
            Some(USE) => found = Some(Directive::Use),
            _ => {}
        }
    }
    found
}

/// Removes `"use autometrics"` from the prologue of `items`, keeping every
/// other directive in place. `"use no autometrics"` stays: a later run over
/// the output must still see it.
pub fn drop_use<T: AsStmt>(items: &mut Vec<T>) {
    let len = prologue_len(items);
    let mut index = 0;
    let mut seen = 0;
    while seen < len {
        seen += 1;
        let is_use = items[index].as_stmt().and_then(directive_text).as_deref() == Some(USE);
        if is_use {
            items.remove(index);
        } else {
            index += 1;
        }
    }
}
