//! The pieces of a `function` label (`docs/transform.md`, "Eligible functions
//! and their labels"), as `babel-plugin/src/labels.ts` computes them: static
//! property keys and static member chains. How they combine, from the
//! enclosing binding, object or class, is in the walker ([`crate::walk`]).
//!
//! Parentheses and type-only wrappers are looked through everywhere ([`bare`]):
//! a label is that of the code with its types stripped, whether the host
//! strips them before the plugin runs (@swc/core's default) or after
//! (`runPluginFirst`), as Babel's TypeScript preset does.

use swc_core::ecma::ast::*;

use swc_core::ecma::utils::number::ToJsString;

fn str_value(s: &Str) -> String {
    crate::ast::text(&s.value).into_owned()
}

/// An expression without the parentheses and type-only wrappers around it
/// (`as`, `satisfies`, `!`, `<T>x`, `as const`): `TRANSPARENT` of labels.ts.
pub fn bare(mut e: &Expr) -> &Expr {
    loop {
        e = match e {
            Expr::Paren(p) => &p.expr,
            Expr::TsAs(x) => &x.expr,
            Expr::TsSatisfies(x) => &x.expr,
            Expr::TsNonNull(x) => &x.expr,
            Expr::TsTypeAssertion(x) => &x.expr,
            Expr::TsConstAssertion(x) => &x.expr,
            _ => return e,
        };
    }
}

/// `keyName` of labels.ts for a computed key (`computed` true) or a member
/// property expression: string and number literals, templates without
/// substitutions; identifiers only when not computed.
pub fn computed_key_name(expr: &Expr) -> Option<String> {
    match bare(expr) {
        Expr::Lit(Lit::Str(s)) => Some(str_value(s)),
        Expr::Lit(Lit::Num(n)) => Some(n.value.to_js_string()),
        Expr::Tpl(t) if t.exprs.is_empty() => {
            t.quasis.first().and_then(|q| q.cooked.as_ref()).map(|c| crate::ast::text(c).into_owned())
        }
        _ => None,
    }
}

/// A property key as a label segment, or `None` when it is not static.
pub fn key_name(key: &PropName) -> Option<String> {
    match key {
        PropName::Ident(i) => Some(i.sym.to_string()),
        PropName::Str(s) => Some(str_value(s)),
        PropName::Num(n) => Some(n.value.to_js_string()),
        PropName::Computed(c) => computed_key_name(&c.expr),
        PropName::BigInt(_) => None,
        #[cfg(swc_ast_unknown)]
        _ => None,
    }
}

pub fn private_name(name: &PrivateName) -> String {
    format!("#{}", name.name)
}

fn member_prop_name(prop: &MemberProp) -> Option<String> {
    match prop {
        MemberProp::Ident(i) => Some(i.sym.to_string()),
        MemberProp::PrivateName(p) => Some(private_name(p)),
        MemberProp::Computed(c) => computed_key_name(&c.expr),
        #[cfg(swc_ast_unknown)]
        _ => None,
    }
}

/// `memberName` of labels.ts: `a.b.c` for a static member chain, with
/// `module.exports.`/`exports.` and `this.` dropped and `.prototype.`
/// collapsed; `""` when nothing is left (`module.exports`), `None` when the
/// chain is not static.
pub fn member_name(member: &MemberExpr) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current: &Expr;
    let mut m = member;
    loop {
        parts.push(member_prop_name(&m.prop)?);
        current = bare(&m.obj);
        match current {
            Expr::Member(inner) => m = inner,
            _ => break,
        }
    }
    let from_identifier = match current {
        Expr::Ident(i) => {
            parts.push(i.sym.to_string());
            true
        }
        Expr::This(_) => false,
        _ => return None,
    };
    parts.reverse();
    if parts.len() >= 2 && parts[0] == "module" && parts[1] == "exports" {
        parts.drain(..2);
    } else if from_identifier && parts.first().is_some_and(|p| p == "exports") {
        parts.remove(0);
    }
    let last = parts.len().saturating_sub(1);
    let collapsed: Vec<&str> = parts
        .iter()
        .enumerate()
        .filter(|(i, p)| !(p.as_str() == "prototype" && *i > 0 && *i < last))
        .map(|(_, p)| p.as_str())
        .collect();
    Some(collapsed.join("."))
}

/// The name an assignment binds its right-hand side to (`bindingName` of
/// labels.ts for an `AssignmentExpression` parent): the identifier, or the
/// member chain (`default` for `module.exports = …`).
pub fn assign_target_name(target: &AssignTarget) -> Option<String> {
    let simple = match target {
        AssignTarget::Simple(s) => s,
        _ => return None,
    };
    let from_member = |m: &MemberExpr| member_name(m).map(|n| if n.is_empty() { "default".to_string() } else { n });
    let wrapped = match simple {
        SimpleAssignTarget::Ident(b) => return Some(b.id.sym.to_string()),
        SimpleAssignTarget::Member(m) => return from_member(m),
        SimpleAssignTarget::Paren(p) => &p.expr,
        SimpleAssignTarget::TsAs(x) => &x.expr,
        SimpleAssignTarget::TsSatisfies(x) => &x.expr,
        SimpleAssignTarget::TsNonNull(x) => &x.expr,
        SimpleAssignTarget::TsTypeAssertion(x) => &x.expr,
        _ => return None,
    };
    match bare(wrapped) {
        Expr::Ident(i) => Some(i.sym.to_string()),
        Expr::Member(m) => from_member(m),
        _ => None,
    }
}

/// `Owner.key`, or the bare key without an owner.
pub fn member_label(owner: Option<&str>, key: &str) -> String {
    match owner {
        Some(o) if !o.is_empty() => format!("{o}.{key}"),
        _ => key.to_string(),
    }
}

/// `$$RSC_SERVER_<kind>_<n><suffix>`, `<n>` decimal digits.
fn next_generated(name: &str, kind: &str, suffix: &str) -> bool {
    let Some(rest) = name.strip_prefix("$$RSC_SERVER_").and_then(|r| r.strip_prefix(kind)) else {
        return false;
    };
    let Some(digits) = rest.strip_suffix(suffix) else {
        return false;
    };
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Next.js's server functions as its own transform leaves them (Turbopack runs
/// plugins after it): the body of a `"use cache"` function or of an inline
/// `"use server"` one, bound to a generated name and named as in the source.
pub fn is_server_function(binding: &str) -> bool {
    next_generated(binding, "CACHE_", "_INNER") || next_generated(binding, "ACTION_", "")
}

/// `$$RSC_SERVER_CACHE_<n>`: initialised by a call whose function argument is Next's, not the source's.
pub fn is_cache_wrapper(binding: &str) -> bool {
    next_generated(binding, "CACHE_", "")
}
