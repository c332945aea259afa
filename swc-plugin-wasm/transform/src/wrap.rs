//! The code the transform adds (`docs/transform.md`, "Output";
//! `babel-plugin/src/wrap.ts`). Every node built here has no location
//! (`DUMMY_SP`); the original body's nodes keep theirs, and the block that
//! moves into the arrow keeps the original block's span, for source maps.

use swc_core::{
    atoms::Atom,
    common::{util::take::Take, SyntaxContext, DUMMY_SP},
    ecma::{
        ast::*,
        utils::{quote_ident, ExprFactory},
        visit::{VisitMut, VisitMutWith},
    },
};

use crate::{
    ast::{self, ArrowBlock, ArrowBody, Body},
    declarations::{declarations_need_function_scope, has_lexical_declarations, is_function_declaration},
    directives,
    labels::bare,
    options::ObjectiveSpec,
    params::keep_parameter_redeclarations,
};

fn str_lit(value: &str) -> Expr {
    Expr::Lit(Lit::Str(Str { span: DUMMY_SP, value: value.into(), raw: None }))
}

fn prop(key: &str, value: Expr) -> PropOrSpread {
    PropOrSpread::Prop(Box::new(Prop::KeyValue(KeyValueProp {
        key: PropName::Ident(IdentName::new(key.into(), DUMMY_SP)),
        value: Box::new(value),
    })))
}

fn object(props: Vec<PropOrSpread>) -> Expr {
    Expr::Object(ObjectLit { span: DUMMY_SP, props })
}

/// What `_instrument(…)` is called with: `"label", "module"` and, when there
/// is something in it, the options object: `{ objective: { name,
/// successRate, latency: [threshold, percentile] }, trackConcurrency: true }`.
#[derive(Clone)]
pub struct InstrumentArgs {
    pub label: String,
    pub module: String,
    pub objective: Option<ObjectiveSpec>,
    pub track_concurrency: bool,
}

impl InstrumentArgs {
    /// Fresh nodes for each use (the plugin never clones AST nodes: that
    /// code would be in the Wasm module for every file).
    fn build(&self) -> Vec<ExprOrSpread> {
        let mut args = vec![str_lit(&self.label).as_arg(), str_lit(&self.module).as_arg()];
        let mut extra = Vec::new();
        if let Some(o) = &self.objective {
            let mut fields = vec![prop("name", str_lit(&o.name))];
            if let Some(rate) = &o.success_rate {
                fields.push(prop("successRate", str_lit(rate)));
            }
            if let Some((threshold, percentile)) = &o.latency {
                let pair = ArrayLit {
                    span: DUMMY_SP,
                    elems: vec![Some(str_lit(threshold).as_arg()), Some(str_lit(percentile).as_arg())],
                };
                fields.push(prop("latency", Expr::Array(pair)));
            }
            extra.push(prop("objective", object(fields)));
        }
        if self.track_concurrency {
            extra.push(prop("trackConcurrency", Expr::Lit(Lit::Bool(Bool { span: DUMMY_SP, value: true }))));
        }
        if !extra.is_empty() {
            args.push(object(extra).as_arg());
        }
        args
    }
}

/// What a rewritten function needs to reach its handle.
#[derive(Clone)]
pub struct Handle {
    /// The module-level variable holding the handle.
    pub am: Ident,
    /// The local name of the runtime's `instrument`.
    pub instrument: Ident,
    pub args: InstrumentArgs,
}

impl Handle {
    /// `_instrument("label", "module", {…})`, a fresh node per use.
    fn register(&self) -> Expr {
        Expr::Call(CallExpr {
            span: DUMMY_SP,
            ctxt: SyntaxContext::empty(),
            callee: self.instrument.clone().as_callee(),
            args: self.args.build(),
            type_args: None,
        })
    }

    /// `var _am = _instrument(…);`
    pub fn registration(&self) -> Stmt {
        var_stmt(&self.am, self.register())
    }

    /// `(_am || (_am = _instrument(…)))`: works even when a hoisted function
    /// runs before its module's body.
    fn lazy(&self) -> Expr {
        let assign = Expr::Assign(AssignExpr {
            span: DUMMY_SP,
            op: AssignOp::Assign,
            left: AssignTarget::Simple(SimpleAssignTarget::Ident(self.am.clone().into())),
            right: Box::new(self.register()),
        });
        paren(Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op: BinaryOp::LogicalOr,
            left: Box::new(Expr::Ident(self.am.clone())),
            right: Box::new(paren(assign)),
        }))
    }
}

fn paren(expr: Expr) -> Expr {
    Expr::Paren(ParenExpr { span: DUMMY_SP, expr: Box::new(expr) })
}

fn method(object: Expr, name: &str, args: Vec<Expr>) -> Expr {
    object.make_member(quote_ident!(name)).as_call(DUMMY_SP, args.into_iter().map(|a| a.as_arg()).collect())
}

fn var_stmt(name: &Ident, init: Expr) -> Stmt {
    Stmt::Decl(Decl::Var(Box::new(VarDecl {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        kind: VarDeclKind::Var,
        declare: false,
        decls: vec![VarDeclarator {
            span: DUMMY_SP,
            name: Pat::Ident(name.clone().into()),
            init: Some(Box::new(init)),
            definite: false,
        }],
    })))
}

/// `import { instrument as _instrument } from "<runtime>";`
pub fn import_runtime(instrument: &Ident, runtime: &str) -> ModuleItem {
    ModuleItem::ModuleDecl(ModuleDecl::Import(ImportDecl {
        span: DUMMY_SP,
        specifiers: vec![ImportSpecifier::Named(ImportNamedSpecifier {
            span: DUMMY_SP,
            local: instrument.clone(),
            imported: Some(ModuleExportName::Ident(Ident::new_no_ctxt("instrument".into(), DUMMY_SP))),
            is_type_only: false,
        })],
        src: Box::new(Str { span: DUMMY_SP, value: runtime.into(), raw: None }),
        type_only: false,
        with: None,
        phase: Default::default(),
    }))
}

/// `var _instrument = require("<runtime>").instrument;`, where `require` is
/// the global one (the unresolved syntax context), not a local of that name.
pub fn require_runtime(instrument: &Ident, runtime: &str, unresolved: SyntaxContext) -> Stmt {
    let require = Ident::new("require".into(), DUMMY_SP, unresolved);
    let call = require.as_call(DUMMY_SP, vec![str_lit(runtime).as_arg()]);
    var_stmt(instrument, call.make_member(quote_ident!("instrument")).into())
}

/// The generated locals of a rewritten function, its own
/// (`babel-plugin/src/wrap.ts`, `Locals`).
pub struct Locals {
    /// The call's slot (`enter`) or record (`begin`).
    pub call: Ident,
    /// The value the body returned.
    pub result: Ident,
    /// The thrown value, in the `catch` clause.
    pub error: Ident,
}

/// What the selecting walk learnt about a function.
pub struct Facts<'a> {
    pub is_async: bool,
    /// It can register asynchronous continuations itself.
    pub scoped: bool,
    /// It awaits where no call can go: `for await`, `await using`.
    pub unpausable: bool,
    /// The names its parameters bind.
    pub params: &'a [Atom],
}

impl Facts<'_> {
    /// An `async` function whose asynchronous context AsyncLocalStorage must
    /// hold (it is scoped), or that awaits where no call can go: its body
    /// moves into an arrow run in that context.
    fn needs_async_arrow(&self) -> bool {
        self.is_async && (self.scoped || self.unpausable)
    }
}

fn arrow(body: ArrowBody, is_async: bool) -> Expr {
    Expr::Arrow(ArrowExpr {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        params: vec![],
        body: Box::new(body),
        is_async,
        is_generator: false,
        type_params: None,
        return_type: None,
    })
}

fn block(stmts: Vec<Stmt>) -> BlockStmt {
    BlockStmt { span: DUMMY_SP, ctxt: SyntaxContext::empty(), stmts }
}

fn ident(id: &Ident) -> Expr {
    Expr::Ident(id.clone())
}

fn assign(target: &Ident, value: Box<Expr>) -> Expr {
    Expr::Assign(AssignExpr {
        span: DUMMY_SP,
        op: AssignOp::Assign,
        left: AssignTarget::Simple(SimpleAssignTarget::Ident(target.clone().into())),
        right: value,
    })
}

fn expr_stmt(expr: Expr) -> Stmt {
    Stmt::Expr(ExprStmt { span: DUMMY_SP, expr: Box::new(expr) })
}

/// `(_am || (_am = _instrument(…))).run(() => <inner>)`
fn run(handle: &Handle, inner: ArrowBody) -> Expr {
    method(handle.lazy(), "run", vec![arrow(inner, false)])
}

/// The `async` shape:
///
/// ```js
/// var _c = (_am || (_am = _instrument(…))).begin();
/// try {
///   return _am.end(_c, await _am.scope(async () => <inner>));
/// } catch (_e) {
///   throw _am.fail(_c, _e);
/// }
/// ```
fn async_shape(handle: &Handle, inner: ArrowBody, locals: &Locals) -> Vec<Stmt> {
    let am = || ident(&handle.am);
    let call = || ident(&locals.call);
    let scope = method(am(), "scope", vec![arrow(inner, true)]);
    let awaited = Expr::Await(AwaitExpr { span: DUMMY_SP, arg: Box::new(scope) });
    let end = method(am(), "end", vec![call(), awaited]);
    let fail = method(am(), "fail", vec![call(), ident(&locals.error)]);
    vec![
        var_stmt(&locals.call, method(handle.lazy(), "begin", vec![])),
        Stmt::Try(Box::new(TryStmt {
            span: DUMMY_SP,
            block: block(vec![Stmt::Return(ReturnStmt { span: DUMMY_SP, arg: Some(Box::new(end)) })]),
            handler: Some(CatchClause {
                span: DUMMY_SP,
                param: Some(Pat::Ident(locals.error.clone().into())),
                body: block(vec![Stmt::Throw(ThrowStmt { span: DUMMY_SP, arg: Box::new(fail) })]),
            }),
            finalizer: None,
        })),
    ]
}

/// `(0, x)` for an anonymous function, arrow or class (looking through
/// parentheses and type assertions): assigned to `_r` as it is, it would
/// take the name `_r` (and a second run would label it so).
fn unnamed(value: Box<Expr>) -> Box<Expr> {
    let anonymous = match bare(&value) {
        Expr::Arrow(_) => true,
        Expr::Fn(f) => f.ident.is_none(),
        Expr::Class(c) => c.ident.is_none(),
        _ => false,
    };
    if !anonymous {
        return value;
    }
    let zero = Expr::Lit(Lit::Num(Number { span: DUMMY_SP, value: 0.0, raw: None }));
    Box::new(Expr::Seq(SeqExpr { span: DUMMY_SP, exprs: vec![Box::new(zero), value] }))
}

/// Rewrites `return x` of the function itself (not of functions nested in
/// it) as `return _r = x`.
struct Returns<'a> {
    result: &'a Ident,
}

impl VisitMut for Returns<'_> {
    fn visit_mut_return_stmt(&mut self, n: &mut ReturnStmt) {
        if let Some(arg) = n.arg.take() {
            n.arg = Some(Box::new(assign(self.result, unnamed(arg))));
        }
    }

    // A `return` is a statement: expressions hold none outside nested functions.
    fn visit_mut_expr(&mut self, _: &mut Expr) {}

    fn visit_mut_function(&mut self, _: &mut Function) {}

    fn visit_mut_class(&mut self, _: &mut Class) {}
}

/// Where in a `try` statement the walk is.
#[derive(Clone, Copy, PartialEq)]
enum Region {
    Block,
    Handler,
    Finalizer,
}

/// A `try` statement of the function around the walk: which of its parts hold an `await`.
struct Try {
    region: Region,
    block_awaits: bool,
    handler_awaits: bool,
}

/// In an `async` function whose body stays in place, each `await x` of its
/// own becomes `_c.resume(await _c.pause(x))`, and each `catch` or `finally`
/// block that an `await` can throw into starts with `_c.resume();`.
struct Awaits<'a> {
    call: &'a Ident,
    tries: Vec<Try>,
}

impl Awaits<'_> {
    fn resume(&self, args: Vec<Expr>) -> Expr {
        method(ident(self.call), "resume", args)
    }
}

impl VisitMut for Awaits<'_> {
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        // Inner awaits first: an outer one's argument then holds the inner one's new node.
        e.visit_mut_children_with(self);
        let Expr::Await(awaited) = e else {
            return;
        };
        for t in &mut self.tries {
            match t.region {
                Region::Block => t.block_awaits = true,
                Region::Handler => t.handler_awaits = true,
                Region::Finalizer => {}
            }
        }
        let arg = std::mem::replace(&mut awaited.arg, Box::new(Expr::dummy()));
        *awaited.arg = method(ident(self.call), "pause", vec![*arg]);
        let taken = std::mem::replace(e, Expr::dummy());
        *e = self.resume(vec![taken]);
    }

    fn visit_mut_try_stmt(&mut self, n: &mut TryStmt) {
        self.tries.push(Try { region: Region::Block, block_awaits: false, handler_awaits: false });
        n.block.visit_mut_with(self);
        if let Some(t) = self.tries.last_mut() {
            t.region = Region::Handler;
        }
        n.handler.visit_mut_with(self);
        if let Some(t) = self.tries.last_mut() {
            t.region = Region::Finalizer;
        }
        n.finalizer.visit_mut_with(self);
        let Some(t) = self.tries.pop() else {
            return;
        };
        if let (true, Some(handler)) = (t.block_awaits, n.handler.as_mut()) {
            handler.body.stmts.insert(0, expr_stmt(self.resume(vec![])));
        }
        if let (true, Some(finalizer)) = (t.block_awaits || t.handler_awaits, n.finalizer.as_mut()) {
            finalizer.stmts.insert(0, expr_stmt(self.resume(vec![])));
        }
    }

    fn visit_mut_function(&mut self, _: &mut Function) {}

    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}

    fn visit_mut_class(&mut self, _: &mut Class) {}
}

/// The synchronous shape, the body in place (docs/transform.md, "The function"):
///
/// ```js
/// var _c = (_am || (_am = _instrument(…))).enter(), _r;
/// try {
///   <body, with `return x` as `return _r = x`>
/// } catch (_e) {
///   _c = ~_c;
///   throw _e;
/// } finally {
///   _am.exit(_c, _r);
/// }
/// ```
///
/// `enterScoped` for a scoped function. An `async` function starts with
/// `start()`, which gives it a call of its own: `_c.failed = true` in the
/// `catch` clause, `_c.end(_r)` in `finally`. `_r` holds the returned value,
/// or the thrown one.
fn in_place(handle: &Handle, body: BlockStmt, locals: &Locals, facts: &Facts) -> [Stmt; 2] {
    let call = || ident(&locals.call);
    let start = if facts.is_async {
        "start"
    } else if facts.scoped {
        "enterScoped"
    } else {
        "enter"
    };
    let mut decl = var_stmt(&locals.call, method(handle.lazy(), start, vec![]));
    if let Stmt::Decl(Decl::Var(v)) = &mut decl {
        v.decls.push(VarDeclarator {
            span: DUMMY_SP,
            name: Pat::Ident(locals.result.clone().into()),
            init: None,
            definite: false,
        });
    }
    let exit_args = if facts.is_async { vec![ident(&locals.result)] } else { vec![call(), ident(&locals.result)] };
    // The body threw: `_r = _e` for the runtime to judge it, and no call that could throw instead.
    let failed = if facts.is_async {
        Expr::Assign(AssignExpr {
            span: DUMMY_SP,
            op: AssignOp::Assign,
            left: AssignTarget::Simple(SimpleAssignTarget::Member(MemberExpr {
                span: DUMMY_SP,
                obj: Box::new(call()),
                prop: MemberProp::Ident(IdentName::new("failed".into(), DUMMY_SP)),
            })),
            right: Box::new(Expr::Lit(Lit::Bool(Bool { span: DUMMY_SP, value: true }))),
        })
    } else {
        let negated = Expr::Unary(UnaryExpr { span: DUMMY_SP, op: UnaryOp::Tilde, arg: Box::new(call()) });
        assign(&locals.call, Box::new(negated))
    };
    let thrown = assign(&locals.result, Box::new(ident(&locals.error)));
    let handler = CatchClause {
        span: DUMMY_SP,
        param: Some(Pat::Ident(locals.error.clone().into())),
        body: block(vec![
            expr_stmt(failed),
            expr_stmt(thrown),
            Stmt::Throw(ThrowStmt { span: DUMMY_SP, arg: Box::new(ident(&locals.error)) }),
        ]),
    };
    let exit = if facts.is_async {
        expr_stmt(method(call(), "end", exit_args))
    } else {
        expr_stmt(method(ident(&handle.am), "exit", exit_args))
    };
    let try_stmt = Stmt::Try(Box::new(TryStmt {
        span: DUMMY_SP,
        block: body,
        handler: Some(handler),
        finalizer: Some(block(vec![exit])),
    }));
    [decl, try_stmt]
}

/// Rewrites a block body so its calls are timed through its handle, keeping
/// its directive prologue (`"use strict"`, …) in the function.
pub fn wrap_block(body: &mut Body, facts: &Facts, handle: &Handle, locals: &Locals) {
    let at = directives::prologue_len(&body.stmts);
    let mut rest = body.stmts.split_off(at);
    let hoist = declarations_need_function_scope(&rest, facts.params);
    if facts.needs_async_arrow() || (hoist && has_lexical_declarations(&rest)) {
        // The body moves, with the block's span, into an arrow run by the handle.
        keep_parameter_redeclarations(&with_arguments(facts.params), &mut rest);
        let inner = ArrowBlock(ast::body(body.span, rest));
        body.span = DUMMY_SP;
        if facts.is_async {
            body.stmts.extend(async_shape(handle, inner, locals));
        } else {
            body.stmts.push(Stmt::Return(ReturnStmt { span: DUMMY_SP, arg: Some(Box::new(run(handle, inner))) }));
        }
        return;
    }
    if hoist {
        // All of them, so they still see one another (the body declares no
        // `let`, `const` or `class` they could close over).
        let (functions, others): (Vec<Stmt>, Vec<Stmt>) = rest.into_iter().partition(is_function_declaration);
        body.stmts.extend(functions);
        rest = others;
    }
    if facts.is_async {
        rest.visit_mut_with(&mut Awaits { call: &locals.call, tries: Vec::new() });
    }
    rest.visit_mut_with(&mut Returns { result: &locals.result });
    // The original block's span stays on the block that holds the body, for source maps.
    let inner = BlockStmt { span: body.span, ctxt: SyntaxContext::empty(), stmts: rest };
    body.span = DUMMY_SP;
    body.stmts.extend(in_place(handle, inner, locals, facts));
}

/// Parameters and `arguments`: what a body `var` must not redeclare in an arrow.
fn with_arguments(params: &[Atom]) -> Vec<Atom> {
    let mut names = params.to_vec();
    names.push("arguments".into());
    names
}

/// Rewrites an arrow function's body (a block or an expression).
pub fn wrap_arrow(a: &mut ArrowExpr, facts: &Facts, handle: &Handle, locals: &Locals) {
    match &mut *a.body {
        ArrowBlock(body) => wrap_block(body, facts, handle, locals),
        ArrowBody::Expr(expr) => {
            let mut expr = std::mem::replace(expr, Box::new(Expr::dummy()));
            let stmts = if facts.needs_async_arrow() {
                async_shape(handle, ArrowBody::Expr(expr), locals)
            } else {
                if facts.is_async {
                    expr.visit_mut_with(&mut Awaits { call: &locals.call, tries: Vec::new() });
                }
                let ret = Stmt::Return(ReturnStmt {
                    span: DUMMY_SP,
                    arg: Some(Box::new(assign(&locals.result, unnamed(expr)))),
                });
                in_place(handle, block(vec![ret]), locals, facts).into()
            };
            *a.body = ArrowBlock(ast::body(DUMMY_SP, stmts));
        }
        #[cfg(swc_ast_unknown)]
        _ => {}
    }
}

fn unparen(mut e: &Expr) -> &Expr {
    while let Expr::Paren(p) = e {
        e = &p.expr;
    }
    e
}

/// `(A || (A = f(…)))`, parentheses anywhere (wrap.ts `isLazyHandle`).
fn is_lazy_handle(expr: &Expr) -> bool {
    let Expr::Bin(BinExpr { op: BinaryOp::LogicalOr, left, right, .. }) = unparen(expr) else {
        return false;
    };
    let Expr::Ident(var) = unparen(left) else {
        return false;
    };
    let Expr::Assign(AssignExpr { left: AssignTarget::Simple(target), right, .. }) = unparen(right) else {
        return false;
    };
    let target = match target {
        SimpleAssignTarget::Ident(b) => &b.id,
        SimpleAssignTarget::Paren(p) => match unparen(&p.expr) {
            Expr::Ident(i) => i,
            _ => return false,
        },
        _ => return false,
    };
    target.sym == var.sym && matches!(unparen(right), Expr::Call(_))
}

/// `<lazy handle>.<method>(…)` (wrap.ts `isHandleCall`).
fn is_handle_call(expr: &Expr, methods: &[&str]) -> bool {
    let Expr::Call(CallExpr { callee: Callee::Expr(callee), .. }) = unparen(expr) else {
        return false;
    };
    let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(name), .. }) = unparen(callee) else {
        return false;
    };
    methods.iter().any(|m| name.sym == *m) && is_lazy_handle(obj)
}

/// What the first statement of a try-shaped body starts the call with.
const STARTS: [&str; 4] = ["enter", "enterScoped", "start", "begin"];

/// Whether a block body already has one of the shapes the transform writes
/// (docs/transform.md, "Idempotence"), whatever its generated names are called.
pub fn block_is_instrumented(stmts: &[Stmt]) -> bool {
    let mut rest = &stmts[directives::prologue_len(stmts)..];
    if let [Stmt::Return(ReturnStmt { arg: Some(arg), .. })] = rest {
        return is_handle_call(arg, &["run"]);
    }
    // Function declarations kept in the function's scope come first.
    while let [Stmt::Decl(Decl::Fn(_)), tail @ ..] = rest {
        rest = tail;
    }
    match rest {
        [Stmt::Decl(decl), Stmt::Try(_)] => {
            let first = match decl {
                Decl::Var(v) => v.decls.first(),
                Decl::Using(u) => u.decls.first(),
                _ => None,
            };
            first.and_then(|d| d.init.as_deref()).is_some_and(|init| is_handle_call(init, &STARTS))
        }
        _ => false,
    }
}

/// The same for an arrow function's expression body.
pub fn expr_is_instrumented(expr: &Expr) -> bool {
    is_handle_call(expr, &["run"])
}
