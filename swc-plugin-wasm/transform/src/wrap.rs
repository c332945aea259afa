//! The code the transform adds (`docs/transform.md`, "Output";
//! `babel-plugin/src/wrap.ts`). Every node built here has no location
//! (`DUMMY_SP`); the original body's nodes keep theirs, and the block that
//! moves into the arrow keeps the original block's span, for source maps.

use swc_core::{
    common::{util::take::Take, SyntaxContext, DUMMY_SP},
    ecma::{
        ast::*,
        utils::{quote_ident, ExprFactory},
    },
};

use crate::{config::ObjectiveSpec, directives};

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
    object
        .make_member(quote_ident!(name))
        .as_call(DUMMY_SP, args.into_iter().map(|a| a.as_arg()).collect())
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

/// `_call` and `_error`, shared by every `async` function of the file.
pub struct AsyncNames {
    pub call: Ident,
    pub error: Ident,
}

fn arrow(body: ArrowFunctionBody, is_async: bool) -> Expr {
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

/// `(_am || (_am = _instrument(…))).run(() => <inner>)`
fn run(handle: &Handle, inner: ArrowFunctionBody) -> Expr {
    method(handle.lazy(), "run", vec![arrow(inner, false)])
}

/// The `async` shape:
///
/// ```js
/// var _call = (_am || (_am = _instrument(…))).begin();
/// try {
///   return _am.end(_call, await _am.enter(async () => <inner>));
/// } catch (_error) {
///   throw _am.fail(_call, _error);
/// }
/// ```
fn async_shape(handle: &Handle, inner: ArrowFunctionBody, names: &AsyncNames) -> Vec<Stmt> {
    let am = || Expr::Ident(handle.am.clone());
    let call = || Expr::Ident(names.call.clone());
    let enter = method(am(), "enter", vec![arrow(inner, true)]);
    let awaited = Expr::Await(AwaitExpr { span: DUMMY_SP, arg: Box::new(enter) });
    let end = method(am(), "end", vec![call(), awaited]);
    let fail = method(am(), "fail", vec![call(), Expr::Ident(names.error.clone())]);
    let block = |stmts| BlockStmt { span: DUMMY_SP, ctxt: SyntaxContext::empty(), stmts };
    vec![
        var_stmt(&names.call, method(handle.lazy(), "begin", vec![])),
        Stmt::Try(Box::new(TryStmt {
            span: DUMMY_SP,
            block: block(vec![Stmt::Return(ReturnStmt { span: DUMMY_SP, arg: Some(Box::new(end)) })]),
            handler: Some(CatchClause {
                span: DUMMY_SP,
                param: Some(Pat::Ident(names.error.clone().into())),
                body: block(vec![Stmt::Throw(ThrowStmt { span: DUMMY_SP, arg: Box::new(fail) })]),
            }),
            finalizer: None,
        })),
    ]
}

/// Rewrites a block body so it runs through its handle, keeping its
/// directive prologue (`"use strict"`, …) in the function and moving the
/// rest, with the block's span, into the arrow.
pub fn wrap_block(body: &mut FunctionBody, is_async: bool, handle: &Handle, names: Option<&AsyncNames>) {
    let names = match (is_async, names) {
        (true, None) => return,
        (_, names) => names,
    };
    let at = directives::prologue_len(&body.stmts);
    let rest = body.stmts.split_off(at);
    let inner = ArrowFunctionBody::FunctionBody(FunctionBody { span: body.span, stmts: rest });
    body.span = DUMMY_SP;
    if let (true, Some(names)) = (is_async, names) {
        body.stmts.extend(async_shape(handle, inner, names));
    } else {
        body.stmts.push(Stmt::Return(ReturnStmt { span: DUMMY_SP, arg: Some(Box::new(run(handle, inner))) }));
    }
}

/// Rewrites an arrow function's body (a block or an expression).
pub fn wrap_arrow(arrow: &mut ArrowExpr, handle: &Handle, names: Option<&AsyncNames>) {
    match &mut *arrow.body {
        ArrowFunctionBody::FunctionBody(body) => wrap_block(body, arrow.is_async, handle, names),
        ArrowFunctionBody::Expr(_) if arrow.is_async && names.is_none() => {}
        ArrowFunctionBody::Expr(expr) => {
            let inner = ArrowFunctionBody::Expr(std::mem::replace(expr, Box::new(Expr::dummy())));
            *arrow.body = if let (true, Some(names)) = (arrow.is_async, names) {
                ArrowFunctionBody::FunctionBody(FunctionBody { span: DUMMY_SP, stmts: async_shape(handle, inner, names) })
            } else {
                ArrowFunctionBody::Expr(Box::new(run(handle, inner)))
            };
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

/// `(A || (A = f(…)))`, parentheses anywhere (select.ts `isLazyHandle`).
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

/// `<lazy handle>.<method>(…)` (select.ts `isHandleCall`).
fn is_handle_call(expr: &Expr, method: &str) -> bool {
    let Expr::Call(CallExpr { callee: Callee::Expr(callee), .. }) = unparen(expr) else {
        return false;
    };
    let Expr::Member(MemberExpr { obj, prop, .. }) = unparen(callee) else {
        return false;
    };
    let named = match prop {
        MemberProp::Ident(i) => i.sym == *method,
        // Babel reads `h[run]` as a property named by the identifier `run`.
        MemberProp::Computed(c) => matches!(&*c.expr, Expr::Ident(i) if i.sym == *method),
        _ => false,
    };
    named && is_lazy_handle(obj)
}

/// Whether a block body already has one of the two shapes the transform
/// writes (docs/transform.md, "Idempotence"), whatever its generated names
/// are called.
pub fn block_is_instrumented(stmts: &[Stmt]) -> bool {
    match &stmts[directives::prologue_len(stmts)..] {
        [Stmt::Return(ReturnStmt { arg: Some(arg), .. })] => is_handle_call(arg, "run"),
        [Stmt::Decl(decl), Stmt::Try(_)] => {
            let first = match decl {
                Decl::Var(v) => v.decls.first(),
                Decl::Using(u) => u.decls.first(),
                _ => None,
            };
            first.and_then(|d| d.init.as_deref()).is_some_and(|init| is_handle_call(init, "begin"))
        }
        _ => false,
    }
}

/// The same for an arrow function's expression body.
pub fn expr_is_instrumented(expr: &Expr) -> bool {
    is_handle_call(expr, "run")
}
