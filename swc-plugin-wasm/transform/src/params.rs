//! A `var` in the body that redeclares a parameter would, once the body is in
//! an arrow, declare a new variable of the arrow instead of reusing the
//! parameter: it becomes a plain assignment to the parameter (or goes, when
//! it has no initialiser). This follows `keepParameterRedeclarations` of
//! `babel-plugin/src/wrap.ts` case for case:
//!
//! - `for (var a of …)`, `for (var a in …)`: the head becomes `a`;
//! - `for (var a = 0, i = 0; …)` (and a `var` that is a `for`'s whole body):
//!   every declarator with an initialiser becomes an assignment, the other
//!   names are declared just before the loop (before its labels, or in a new
//!   block around it when it is not in a statement list). Only one
//!   redeclared parameter per declaration is handled this way, the one
//!   declared first among the parameters, as Babel's scope gives them;
//! - a `var` statement in a statement list is split around the redeclaring
//!   declarators, keeping evaluation order;
//! - a `var` elsewhere (`if (c) var a = 1;`) and destructuring declarators
//!   are left as they are.
//!
//! Only the function's own statements are walked: nested functions and
//! classes have scopes of their own, and expressions hold no `var`.

use swc_core::{
    atoms::Atom,
    common::{util::take::Take, SyntaxContext, DUMMY_SP},
    ecma::ast::*,
};

/// The names a parameter list binds, in order.
pub fn param_names<'a>(params: impl IntoIterator<Item = &'a Pat>) -> Vec<Atom> {
    let mut out = Vec::new();
    for p in params {
        pat_names(p, &mut out);
    }
    out
}

fn pat_names(p: &Pat, out: &mut Vec<Atom>) {
    match p {
        Pat::Ident(b) => {
            if !out.contains(&b.id.sym) {
                out.push(b.id.sym.clone());
            }
        }
        Pat::Array(a) => {
            for e in a.elems.iter().flatten() {
                pat_names(e, out);
            }
        }
        Pat::Rest(r) => pat_names(&r.arg, out),
        Pat::Object(o) => {
            for prop in &o.props {
                match prop {
                    ObjectPatProp::KeyValue(kv) => pat_names(&kv.value, out),
                    ObjectPatProp::Assign(a) => {
                        if !out.contains(&a.key.id.sym) {
                            out.push(a.key.id.sym.clone());
                        }
                    }
                    ObjectPatProp::Rest(r) => pat_names(&r.arg, out),
                    #[cfg(swc_ast_unknown)]
                    _ => {}
                }
            }
        }
        Pat::Assign(a) => pat_names(&a.left, out),
        _ => {}
    }
}

pub fn keep_parameter_redeclarations(params: &[Atom], stmts: &mut Vec<Stmt>) {
    if !params.is_empty() {
        walk_list(stmts, params);
    }
}

/// Statements to insert before a statement, with the order Babel's
/// processing would insert them in (parameter, then declarator).
type Prefix = Vec<((usize, usize), Stmt)>;

fn param_index(params: &[Atom], d: &VarDeclarator) -> Option<usize> {
    match &d.name {
        Pat::Ident(b) => params.iter().position(|p| *p == b.id.sym),
        _ => None,
    }
}

fn redeclares(params: &[Atom], v: &VarDecl) -> bool {
    v.kind == VarDeclKind::Var && v.decls.iter().any(|d| param_index(params, d).is_some())
}

fn var_decl(ctxt: SyntaxContext, decls: Vec<VarDeclarator>) -> Stmt {
    Stmt::Decl(Decl::Var(Box::new(VarDecl { span: DUMMY_SP, ctxt, kind: VarDeclKind::Var, declare: false, decls })))
}

fn assign(name: Pat, value: Box<Expr>) -> Option<Expr> {
    let left = match name {
        Pat::Ident(mut b) => {
            b.type_ann = None;
            AssignTarget::Simple(SimpleAssignTarget::Ident(b))
        }
        other => AssignTarget::try_from(other).ok()?,
    };
    Some(Expr::Assign(AssignExpr { span: DUMMY_SP, op: AssignOp::Assign, left, right: value }))
}

fn walk_list(stmts: &mut Vec<Stmt>, params: &[Atom]) {
    let old = std::mem::take(stmts);
    for mut stmt in old {
        if let Stmt::Decl(Decl::Var(v)) = &mut stmt {
            if redeclares(params, v) {
                split(v, params, stmts);
                continue;
            }
        }
        let mut prefix = Prefix::new();
        walk_stmt(&mut stmt, params, &mut prefix);
        prefix.sort_by_key(|(key, _)| *key);
        stmts.extend(prefix.into_iter().map(|(_, s)| s));
        stmts.push(stmt);
    }
}

/// `var x = 1, a = 2, y = 3;` → `var x = 1; a = 2; var y = 3;`
fn split(v: &mut VarDecl, params: &[Atom], out: &mut Vec<Stmt>) {
    let mut run = Vec::new();
    for d in std::mem::take(&mut v.decls) {
        if param_index(params, &d).is_none() {
            run.push(d);
            continue;
        }
        if !run.is_empty() {
            out.push(var_decl(v.ctxt, std::mem::take(&mut run)));
        }
        if let Some(init) = d.init {
            if let Some(expr) = assign(d.name, init) {
                out.push(Stmt::Expr(ExprStmt { span: DUMMY_SP, expr: Box::new(expr) }));
            }
        }
    }
    if !run.is_empty() {
        out.push(var_decl(v.ctxt, run));
    }
}

/// A statement where a single statement stands (a loop's or an `if`'s body):
/// what would go before it goes with it into a new block.
fn walk_single(stmt: &mut Stmt, params: &[Atom]) {
    let mut prefix = Prefix::new();
    walk_stmt(stmt, params, &mut prefix);
    if !prefix.is_empty() {
        prefix.sort_by_key(|(key, _)| *key);
        let mut stmts: Vec<Stmt> = prefix.into_iter().map(|(_, s)| s).collect();
        stmts.push(stmt.take());
        *stmt = Stmt::Block(BlockStmt { span: DUMMY_SP, ctxt: SyntaxContext::empty(), stmts });
    }
}

/// `for (var a = 0, i = 0; …)`: the head (or body) becomes assignments and
/// `var i;` goes before the loop. Returns what replaces the declaration
/// (`None`: nothing) and the statement to insert.
fn for_declaration(v: &mut VarDecl, params: &[Atom]) -> Option<(Option<Expr>, Prefix)> {
    if v.kind != VarDeclKind::Var {
        return None;
    }
    let (chosen, key) = v
        .decls
        .iter()
        .enumerate()
        .filter_map(|(i, d)| param_index(params, d).map(|p| (i, (p, i))))
        .min_by_key(|(_, key)| *key)?;
    let decls = std::mem::take(&mut v.decls);
    let others: Vec<VarDeclarator> = decls
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != chosen)
        .map(|(_, d)| VarDeclarator { span: d.span, name: d.name.clone(), init: None, definite: false })
        .collect();
    let mut assignments: Vec<Box<Expr>> = decls
        .into_iter()
        .filter_map(|d| {
            let init = d.init?;
            assign(d.name, init).map(Box::new)
        })
        .collect();
    let replacement = match assignments.len() {
        0 => None,
        1 => assignments.pop().map(|e| *e),
        _ => Some(Expr::Seq(SeqExpr { span: DUMMY_SP, exprs: assignments })),
    };
    let before = if others.is_empty() { vec![] } else { vec![(key, var_decl(v.ctxt, others))] };
    Some((replacement, before))
}

fn walk_stmt(stmt: &mut Stmt, params: &[Atom], prefix: &mut Prefix) {
    match stmt {
        Stmt::Block(b) => walk_list(&mut b.stmts, params),
        Stmt::If(s) => {
            walk_single(&mut s.cons, params);
            if let Some(alt) = &mut s.alt {
                walk_single(alt, params);
            }
        }
        Stmt::While(s) => walk_single(&mut s.body, params),
        Stmt::DoWhile(s) => walk_single(&mut s.body, params),
        Stmt::With(s) => walk_single(&mut s.body, params),
        // What goes before a labelled loop goes before its labels.
        Stmt::Labeled(s) => walk_stmt(&mut s.body, params, prefix),
        Stmt::Try(s) => {
            walk_list(&mut s.block.stmts, params);
            if let Some(handler) = &mut s.handler {
                walk_list(&mut handler.body.stmts, params);
            }
            if let Some(finalizer) = &mut s.finalizer {
                walk_list(&mut finalizer.stmts, params);
            }
        }
        Stmt::Switch(s) => {
            for case in &mut s.cases {
                walk_list(&mut case.cons, params);
            }
        }
        Stmt::ForIn(ForInStmt { left, body, .. }) | Stmt::ForOf(ForOfStmt { left, body, .. }) => {
            if let ForHead::VarDecl(v) = left {
                if v.kind == VarDeclKind::Var && v.decls.len() == 1 && param_index(params, &v.decls[0]).is_some() {
                    if let Pat::Ident(mut b) = v.decls.remove(0).name {
                        b.type_ann = None;
                        *left = ForHead::Pat(Box::new(Pat::Ident(b)));
                    }
                }
            }
            walk_single(body, params);
        }
        Stmt::For(s) => {
            let mut before = Vec::new();
            if let Some(VarDeclOrExpr::VarDecl(v)) = &mut s.init {
                if let Some((replacement, insert)) = for_declaration(v, params) {
                    s.init = replacement.map(|e| VarDeclOrExpr::Expr(Box::new(e)));
                    before.extend(insert);
                }
            }
            let body_declaration = match &mut *s.body {
                Stmt::Decl(Decl::Var(v)) => for_declaration(v, params),
                _ => None,
            };
            match body_declaration {
                Some((replacement, insert)) => {
                    *s.body = match replacement {
                        Some(e) => Stmt::Expr(ExprStmt { span: DUMMY_SP, expr: Box::new(e) }),
                        None => Stmt::Block(BlockStmt { span: DUMMY_SP, ctxt: SyntaxContext::empty(), stmts: vec![] }),
                    };
                    before.extend(insert);
                }
                None => walk_single(&mut s.body, params),
            }
            prefix.extend(before);
        }
        _ => {}
    }
}
