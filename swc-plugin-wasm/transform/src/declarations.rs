//! Whether a body's own function declarations must stay at the top level of
//! the function (docs/transform.md, "The function";
//! `babel-plugin/src/declarations.ts`): in a block, a function declaration is
//! lexical, so one that shares its name with a parameter, `arguments`, a
//! `var` of the function or another of these declarations would be an error
//! or a different binding there.

use swc_core::{atoms::Atom, ecma::ast::*};

use crate::params::binding_names;

/// A top-level function declaration with a body (TypeScript overloads have none).
pub fn is_function_declaration(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Decl(Decl::Fn(f)) if f.function.body.is_some())
}

pub fn declarations_need_function_scope(stmts: &[Stmt], params: &[Atom]) -> bool {
    if !stmts.iter().any(is_function_declaration) {
        return false;
    }
    let mut names: Vec<Atom> = params.to_vec();
    names.push("arguments".into());
    var_names(stmts, &mut names);
    for stmt in stmts {
        if let (true, Stmt::Decl(Decl::Fn(f))) = (is_function_declaration(stmt), stmt) {
            if names.contains(&f.ident.sym) {
                return true;
            }
            names.push(f.ident.sym.clone());
        }
    }
    false
}

/// Whether the body declares `let`, `const` or `class` at its top level
/// (which its function declarations may close over).
pub fn has_lexical_declarations(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Decl(Decl::Class(_)) => true,
        Stmt::Decl(Decl::Var(v)) => v.kind != VarDeclKind::Var,
        Stmt::Decl(Decl::Using(_)) => true,
        _ => false,
    })
}

fn declare(v: &VarDecl, into: &mut Vec<Atom>) {
    if v.kind == VarDeclKind::Var {
        for d in &v.decls {
            into.extend(binding_names(&d.name));
        }
    }
}

/// The names `var` statements declare among `stmts`, not counting nested functions.
fn var_names(stmts: &[Stmt], into: &mut Vec<Atom>) {
    for s in stmts {
        var_names_of(s, into);
    }
}

fn var_names_of(stmt: &Stmt, into: &mut Vec<Atom>) {
    match stmt {
        Stmt::Decl(Decl::Var(v)) => declare(v, into),
        Stmt::Block(b) => var_names(&b.stmts, into),
        Stmt::If(s) => {
            var_names_of(&s.cons, into);
            if let Some(alt) = &s.alt {
                var_names_of(alt, into);
            }
        }
        Stmt::While(s) => var_names_of(&s.body, into),
        Stmt::DoWhile(s) => var_names_of(&s.body, into),
        Stmt::With(s) => var_names_of(&s.body, into),
        Stmt::Labeled(s) => var_names_of(&s.body, into),
        Stmt::For(s) => {
            if let Some(VarDeclOrExpr::VarDecl(v)) = &s.init {
                declare(v, into);
            }
            var_names_of(&s.body, into);
        }
        Stmt::ForIn(ForInStmt { left, body, .. }) | Stmt::ForOf(ForOfStmt { left, body, .. }) => {
            if let ForHead::VarDecl(v) = left {
                declare(v, into);
            }
            var_names_of(body, into);
        }
        Stmt::Try(s) => {
            var_names(&s.block.stmts, into);
            if let Some(h) = &s.handler {
                var_names(&h.body.stmts, into);
            }
            if let Some(f) = &s.finalizer {
                var_names(&f.stmts, into);
            }
        }
        Stmt::Switch(s) => {
            for case in &s.cases {
                var_names(&case.cons, into);
            }
        }
        _ => {}
    }
}
