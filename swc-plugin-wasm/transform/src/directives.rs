//! `"use autometrics";`, `"use autometrics objective=…";` and
//! `"use no autometrics";` in a directive prologue
//! (`babel-plugin/src/directives.ts`: `directiveOf`, `dropDirectives`).
//!
//! SWC keeps no separate list of directives: a prologue is the run of
//! string-literal expression statements at the start of a body.

use swc_core::{
    common::{Span, Spanned},
    ecma::ast::{Expr, Lit, ModuleItem, Stmt},
};

pub const USE: &str = "use autometrics";
pub const USE_NO: &str = "use no autometrics";
const FIELDS: [&str; 3] = ["objective", "successRate", "latency"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Use,
    UseNo,
}

/// The fields of `"use autometrics objective=… successRate=… latency=…@…"`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub objective: String,
    pub success_rate: Option<String>,
    pub latency: Option<String>,
}

/// A directive with fields: what `objectives.rs` reads, or the problem with it.
#[derive(Debug, Clone)]
pub struct SourceDirective {
    pub span: Span,
    pub text: String,
    pub fields: Result<Fields, String>,
}

/// The autometrics directive of a prologue: `"use no autometrics"` wins over `"use autometrics…"`.
#[derive(Debug, Clone)]
pub struct Directive {
    pub kind: Kind,
    pub source: Option<SourceDirective>,
}

/// `key=value` fields separated by spaces, or the problem with them; `None` when there are none.
fn read_fields(rest: &str) -> Option<Result<Fields, String>> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for token in rest.split(' ').filter(|t| !t.is_empty()) {
        let Some((key, value)) = token.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Some(Err(format!("expected fields of the form key=value, got `{token}`")));
        };
        if !FIELDS.contains(&key) {
            return Some(Err(format!("unknown field `{key}` (known: {})", FIELDS.join(", "))));
        }
        if seen.iter().any(|(k, _)| *k == key) {
            return Some(Err(format!("`{key}` is given twice")));
        }
        if value.is_empty() {
            return Some(Err(format!("`{key}` has no value")));
        }
        seen.push((key, value));
    }
    if seen.is_empty() {
        return None;
    }
    let get = |key: &str| seen.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string());
    let Some(objective) = get("objective") else {
        return Some(Err("successRate and latency belong to an objective: name it with objective=<name>".to_string()));
    };
    Some(Ok(Fields { objective, success_rate: get("successRate"), latency: get("latency") }))
}

/// What one directive says: not ours (`None`), `use` (with its fields) or `no`.
fn read_directive(text: &str, span: Span) -> Option<Directive> {
    let source = |fields| Some(SourceDirective { span, text: text.to_string(), fields });
    if text == USE {
        return Some(Directive { kind: Kind::Use, source: None });
    }
    if text == USE_NO {
        return Some(Directive { kind: Kind::UseNo, source: None });
    }
    if text.strip_prefix(USE_NO).is_some_and(|rest| rest.starts_with(' ')) {
        return Some(Directive { kind: Kind::UseNo, source: source(Err(format!("\"{USE_NO}\" takes no fields"))) });
    }
    let rest = text.strip_prefix(USE).filter(|rest| rest.starts_with(' '))?;
    Some(Directive { kind: Kind::Use, source: read_fields(rest).and_then(source) })
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
        None => Some(crate::ast::text(&s.value)),
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
    items.iter().take_while(|item| item.as_stmt().and_then(directive_text).is_some()).count()
}

/// The autometrics directive of the prologue of `items`, if any.
pub fn directive_of<T: AsStmt>(items: &[T]) -> Option<Directive> {
    let mut kind = None;
    let mut source: Option<SourceDirective> = None;
    for item in &items[..prologue_len(items)] {
        let Some(stmt) = item.as_stmt() else { continue };
        let Some(read) = directive_text(stmt).and_then(|text| read_directive(&text, stmt.span())) else {
            continue;
        };
        if let Some(mut found) = read.source {
            if source.is_some() {
                found.fields = Err("a second directive with fields: keep one".to_string());
            }
            source = Some(found);
        }
        if kind != Some(Kind::UseNo) {
            kind = Some(read.kind);
        }
    }
    kind.map(|kind| Directive { kind, source })
}

/// Removes `"use autometrics…"` from the prologue of `items`, keeping every
/// other directive in place. `"use no autometrics"` stays: a later run over
/// the output must still see it.
pub fn drop_use<T: AsStmt>(items: &mut Vec<T>) {
    let len = prologue_len(items);
    let mut index = 0;
    let mut seen = 0;
    while seen < len {
        seen += 1;
        let stmt = items[index].as_stmt();
        let is_use = stmt
            .and_then(|s| directive_text(s).and_then(|text| read_directive(&text, s.span())))
            .is_some_and(|d| d.kind == Kind::Use);
        if is_use {
            items.remove(index);
        } else {
            index += 1;
        }
    }
}
