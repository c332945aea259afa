//! A `var` in the body that redeclares a parameter would, once the body is in
//! an arrow, declare a new variable of the arrow instead of reusing the
//! parameter. Every `var` statement that names a parameter (any binding name
//! of its declarators, destructuring included) is therefore rewritten, all
//! its declarators at once, as `keepParameterRedeclarations` of
//! `babel-plugin/src/wrap.ts` does:
//!
//! - the names it declares that are not parameters are declared by a `var`
//!   without initialisers, and every declarator with an initialiser becomes
//!   an assignment `<pattern> = <init>`, in order;
//! - in a statement list: `var <others>;` (when there are any), then one
//!   expression statement per assignment; nothing at all when both are empty;
//! - as the single statement of an `if`, a loop or a label: the one resulting
//!   statement, or a block of them (`{}` when there are none);
//! - `for (var …; …; …)`: the head becomes the assignments (one, a sequence
//!   of several, or nothing) and `var <others>;` goes just before the loop;
//! - `for (var <pattern> of/in …)`: the head becomes the bare pattern and
//!   `var <others>;` goes just before the loop.
//!
//! "Just before the loop" is before its labels, or, when the loop is not in a
//! statement list, in a new block around it (Babel's `insertBefore`).
//!
//! Only the function's own statements are walked: nested functions and
//! classes have scopes of their own, and expressions hold no `var`.

use swc_core::{
    atoms::Atom,
    common::{util::take::Take, SyntaxContext, DUMMY_SP},
    ecma::ast::*,
};

/// The names a pattern binds.
pub fn binding_names(pat: &Pat) -> impl Iterator<Item = Atom> {
    binding_idents(pat).into_iter().map(|id| id.sym)
}

/// The names a parameter list binds, in order.
pub fn param_names<'a>(params: impl IntoIterator<Item = &'a Pat>) -> Vec<Atom> {
    let mut out = Vec::new();
    for p in params {
        for id in binding_idents(p) {
            if !out.contains(&id.sym) {
                out.push(id.sym);
            }
        }
    }
    out
}

/// A node of a pattern as Babel's AST has it, for the order in which
/// `getBindingIdentifiers` finds names.
#[derive(Clone, Copy)]
enum Node<'a> {
    Pat(&'a Pat),
    Prop(&'a ObjectPatProp),
    /// The `a = 1` of a shorthand `{ a = 1 }` (an `AssignmentPattern`).
    Shorthand(&'a Ident),
    /// The `a` of a shorthand (an `Identifier`).
    Ident(&'a Ident),
}

/// The names a pattern binds, each once, in the order Babel's
/// `getBindingIdentifiers` lists them: breadth first, as its search is a
/// queue (`var [[a], b]` gives `b`, `a`).
fn binding_idents(pat: &Pat) -> Vec<Ident> {
    let mut out: Vec<Ident> = Vec::new();
    // A queue: read from the front, appended to at the back.
    let mut queue = vec![Node::Pat(pat)];
    let mut next = 0;
    while let Some(node) = queue.get(next) {
        let node = *node;
        next += 1;
        let found = match node {
            Node::Pat(Pat::Ident(b)) => &b.id,
            Node::Ident(id) => id,
            Node::Shorthand(id) => {
                queue.push(Node::Ident(id));
                continue;
            }
            Node::Pat(Pat::Array(a)) => {
                queue.extend(a.elems.iter().flatten().map(Node::Pat));
                continue;
            }
            Node::Pat(Pat::Rest(r)) => {
                queue.push(Node::Pat(&r.arg));
                continue;
            }
            Node::Pat(Pat::Object(o)) => {
                queue.extend(o.props.iter().map(Node::Prop));
                continue;
            }
            Node::Pat(Pat::Assign(a)) => {
                queue.push(Node::Pat(&a.left));
                continue;
            }
            Node::Pat(_) => continue,
            Node::Prop(prop) => {
                queue.push(match prop {
                    ObjectPatProp::KeyValue(kv) => Node::Pat(&kv.value),
                    ObjectPatProp::Assign(a) if a.value.is_some() => Node::Shorthand(&a.key.id),
                    ObjectPatProp::Assign(a) => Node::Ident(&a.key.id),
                    ObjectPatProp::Rest(r) => Node::Pat(&r.arg),
                    #[cfg(swc_ast_unknown)]
                    _ => continue,
                });
                continue;
            }
        };
        if !out.iter().any(|o| o.sym == found.sym) {
            out.push(found.clone());
        }
    }
    out
}

/// Rewrites, in a function body about to move into an arrow, every `var`
/// statement that redeclares one of `params`.
pub fn keep_parameter_redeclarations(params: &[Atom], stmts: &mut Vec<Stmt>) {
    if !params.is_empty() {
        walk_list(stmts, params);
    }
}

/// A `var` statement that declares at least one parameter.
fn redeclares(params: &[Atom], v: &VarDecl) -> bool {
    v.kind == VarDeclKind::Var
        && v.decls.iter().any(|d| binding_idents(&d.name).iter().any(|id| params.contains(&id.sym)))
}

/// What a redeclaring `var` turns into.
struct Rewritten {
    /// `var <the names that are not parameters>;`, when there are any.
    hoisted: Option<Stmt>,
    /// `<pattern> = <init>`, one per declarator with an initialiser, in order.
    assignments: Vec<Expr>,
    /// The first declarator's pattern (what a `for…in`/`for…of` head keeps).
    first: Option<Pat>,
}

fn without_type(mut pat: Pat) -> Pat {
    match &mut pat {
        Pat::Ident(b) => b.type_ann = None,
        Pat::Array(a) => a.type_ann = None,
        Pat::Object(o) => o.type_ann = None,
        _ => {}
    }
    pat
}

fn var_decl(ctxt: SyntaxContext, decls: Vec<VarDeclarator>) -> Stmt {
    Stmt::Decl(Decl::Var(Box::new(VarDecl { span: DUMMY_SP, ctxt, kind: VarDeclKind::Var, declare: false, decls })))
}

fn rewrite(v: &mut VarDecl, params: &[Atom]) -> Rewritten {
    let decls = std::mem::take(&mut v.decls);
    let others: Vec<VarDeclarator> = decls
        .iter()
        .flat_map(|d| binding_idents(&d.name))
        .filter(|id| !params.contains(&id.sym))
        .map(|id| VarDeclarator {
            span: DUMMY_SP,
            name: Pat::Ident(Ident { span: DUMMY_SP, optional: false, ..id }.into()),
            init: None,
            definite: false,
        })
        .collect();
    let hoisted = (!others.is_empty()).then(|| var_decl(v.ctxt, others));
    let mut first = None;
    let mut assignments = Vec::new();
    for (i, d) in decls.into_iter().enumerate() {
        match d.init {
            // Declarator names are identifiers, array or object patterns:
            // each is an assignment target.
            Some(init) => {
                if let Ok(left) = AssignTarget::try_from(without_type(d.name)) {
                    assignments.push(Expr::Assign(AssignExpr {
                        span: DUMMY_SP,
                        op: AssignOp::Assign,
                        left,
                        right: init,
                    }));
                }
            }
            // A `for…in`/`for…of` head: one declarator, no initialiser.
            None if i == 0 => first = Some(without_type(d.name)),
            None => {}
        }
    }
    Rewritten { hoisted, assignments, first }
}

fn expr_stmt(expr: Expr) -> Stmt {
    Stmt::Expr(ExprStmt { span: DUMMY_SP, expr: Box::new(expr) })
}

fn block(stmts: Vec<Stmt>) -> Stmt {
    Stmt::Block(BlockStmt { span: DUMMY_SP, ctxt: SyntaxContext::empty(), stmts })
}

/// The statements a redeclaring `var` statement becomes.
fn statements(v: &mut VarDecl, params: &[Atom]) -> Vec<Stmt> {
    let Rewritten { hoisted, assignments, .. } = rewrite(v, params);
    hoisted.into_iter().chain(assignments.into_iter().map(expr_stmt)).collect()
}

/// A redeclaring `var` where a single statement stands (the body of an `if`,
/// a loop or a label): the one resulting statement, or a block of them.
/// `false` when `stmt` is not such a `var`.
fn replace_single(stmt: &mut Stmt, params: &[Atom]) -> bool {
    let Stmt::Decl(Decl::Var(v)) = stmt else {
        return false;
    };
    if !redeclares(params, v) {
        return false;
    }
    let mut stmts = statements(v, params);
    *stmt = if stmts.len() == 1 { stmts.pop().expect("one statement") } else { block(stmts) };
    true
}

fn walk_list(stmts: &mut Vec<Stmt>, params: &[Atom]) {
    let old = std::mem::take(stmts);
    for mut stmt in old {
        if let Stmt::Decl(Decl::Var(v)) = &mut stmt {
            if redeclares(params, v) {
                stmts.extend(statements(v, params));
                continue;
            }
        }
        let mut before = None;
        walk_stmt(&mut stmt, params, &mut before);
        stmts.extend(before);
        stmts.push(stmt);
    }
}

/// A statement where a single statement stands (a loop's or an `if`'s body):
/// what would go before it goes with it into a new block.
fn walk_single(stmt: &mut Stmt, params: &[Atom]) {
    if replace_single(stmt, params) {
        return;
    }
    let mut before = None;
    walk_stmt(stmt, params, &mut before);
    if let Some(before) = before {
        *stmt = block(vec![before, stmt.take()]);
    }
}

/// Walks one statement; `before` receives the `var` that must go just
/// before it (from a `for` head).
fn walk_stmt(stmt: &mut Stmt, params: &[Atom], before: &mut Option<Stmt>) {
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
        Stmt::Labeled(s) => {
            let replaced = replace_single(&mut s.body, params);
            if !replaced {
                walk_stmt(&mut s.body, params, before);
            }
        }
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
                if redeclares(params, v) {
                    let Rewritten { hoisted, first, .. } = rewrite(v, params);
                    if let Some(first) = first {
                        *left = ForHead::Pat(Box::new(first));
                    }
                    *before = hoisted;
                }
            }
            walk_single(body, params);
        }
        Stmt::For(s) => {
            if let Some(VarDeclOrExpr::VarDecl(v)) = &mut s.init {
                if redeclares(params, v) {
                    let Rewritten { hoisted, mut assignments, .. } = rewrite(v, params);
                    s.init = match assignments.len() {
                        0 => None,
                        1 => assignments.pop().map(|e| VarDeclOrExpr::Expr(Box::new(e))),
                        _ => Some(VarDeclOrExpr::Expr(Box::new(Expr::Seq(SeqExpr {
                            span: DUMMY_SP,
                            exprs: assignments.into_iter().map(Box::new).collect(),
                        })))),
                    };
                    *before = hoisted;
                }
            }
            walk_single(&mut s.body, params);
        }
        _ => {}
    }
}
