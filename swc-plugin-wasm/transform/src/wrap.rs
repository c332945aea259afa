//! The code the transform adds (docs/transform.md, "Output"). Every node
//! built here has no location (`DUMMY_SP`); the original body's nodes keep
//! theirs.

use swc_core::{
    common::{SyntaxContext, DUMMY_SP},
    ecma::{
        ast::*,
        utils::{quote_ident, ExprFactory},
    },
};

use crate::directives;

fn str_lit(value: &str) -> Expr {
    Expr::Lit(Lit::Str(Str {
        span: DUMMY_SP,
        value: value.into(),
        raw: None,
    }))
}

/// `"label", "module"` and, when there is something in it, the options object.
pub fn instrument_args(label: &str, module: &str, track_concurrency: bool) -> Vec<ExprOrSpread> {
    let mut args = vec![str_lit(label).as_arg(), str_lit(module).as_arg()];
    if track_concurrency {
        let options = ObjectLit {
            span: DUMMY_SP,
            props: vec![PropOrSpread::Prop(Box::new(Prop::KeyValue(KeyValueProp {
                key: PropName::Ident(quote_ident!("trackConcurrency")),
                value: Box::new(Expr::Lit(Lit::Bool(Bool {
                    span: DUMMY_SP,
                    value: true,
                }))),
            })))],
        };
        args.push(Expr::Object(options).as_arg());
    }
    args
}

fn instrument_call(instrument: &Ident, args: Vec<ExprOrSpread>) -> Expr {
    Expr::Call(CallExpr {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        callee: instrument.clone().as_callee(),
        args,
        type_args: None,
    })
}

fn paren(expr: Expr) -> Expr {
    Expr::Paren(ParenExpr {
        span: DUMMY_SP,
        expr: Box::new(expr),
    })
}

/// `var _am = _instrument("label", "module");`
pub fn registration(am: &Ident, instrument: &Ident, args: Vec<ExprOrSpread>) -> Stmt {
    var_stmt(am, instrument_call(instrument, args))
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
            imported: Some(ModuleExportName::Ident(Ident::new_no_ctxt(
                "instrument".into(),
                DUMMY_SP,
            ))),
            is_type_only: false,
        })],
        src: Box::new(Str {
            span: DUMMY_SP,
            value: runtime.into(),
            raw: None,
        }),
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
    var_stmt(
        instrument,
        call.make_member(quote_ident!("instrument")).into(),
    )
}

/// `(_am || (_am = _instrument("label", "module")))`
fn handle(am: &Ident, instrument: &Ident, args: Vec<ExprOrSpread>) -> Expr {
    let assign = Expr::Assign(AssignExpr {
        span: DUMMY_SP,
        op: AssignOp::Assign,
        left: AssignTarget::Simple(SimpleAssignTarget::Ident(am.clone().into())),
        right: Box::new(instrument_call(instrument, args)),
    });
    paren(Expr::Bin(BinExpr {
        span: DUMMY_SP,
        op: BinaryOp::LogicalOr,
        left: Box::new(Expr::Ident(am.clone())),
        right: Box::new(paren(assign)),
    }))
}

/// Rewrites a non-`async` function body to
/// `return (_am || (_am = _instrument(…))).run(() => { <body> });`,
/// keeping its directive prologue (`"use strict"`, …) in the function.
pub fn wrap_sync_body(
    body: &mut FunctionBody,
    am: &Ident,
    instrument: &Ident,
    args: Vec<ExprOrSpread>,
) {
    let at = directives::prologue_len(&body.stmts, directives::stmt);
    let original = body.stmts.split_off(at);
    let arrow = ArrowExpr {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        params: vec![],
        body: Box::new(ArrowFunctionBody::FunctionBody(FunctionBody {
            span: DUMMY_SP,
            stmts: original,
        })),
        is_async: false,
        is_generator: false,
        type_params: None,
        return_type: None,
    };
    let run = handle(am, instrument, args)
        .make_member(quote_ident!("run"))
        .as_call(DUMMY_SP, vec![arrow.as_arg()]);
    body.stmts.push(Stmt::Return(ReturnStmt {
        span: DUMMY_SP,
        arg: Some(Box::new(run)),
    }));
}

/// Whether a body already has one of the two shapes the transform writes
/// (docs/transform.md, "Idempotence"), whatever its generated names are
/// called: `return (A || (A = f(…))).run(…)` or
/// `var c = (A || (A = f(…))).begin(); try { … }`.
pub fn is_instrumented(stmts: &[Stmt]) -> bool {
    let rest = &stmts[directives::prologue_len(stmts, directives::stmt)..];
    match rest {
        [Stmt::Return(ReturnStmt { arg: Some(arg), .. })] => is_method_call_on_handle(arg, "run"),
        [Stmt::Decl(Decl::Var(var)), Stmt::Try(_)] => {
            matches!(&var.decls[..], [VarDeclarator { init: Some(init), .. }]
                if is_method_call_on_handle(init, "begin"))
        }
        _ => false,
    }
}

fn is_method_call_on_handle(expr: &Expr, method: &str) -> bool {
    let Expr::Call(CallExpr {
        callee: Callee::Expr(callee),
        ..
    }) = expr
    else {
        return false;
    };
    let Expr::Member(MemberExpr {
        obj,
        prop: MemberProp::Ident(prop),
        ..
    }) = &**callee
    else {
        return false;
    };
    prop.sym == *method && is_handle(obj)
}

/// `(A || (A = f(…)))`, parentheses optional.
fn is_handle(expr: &Expr) -> bool {
    let Expr::Bin(BinExpr {
        op: BinaryOp::LogicalOr,
        left,
        right,
        ..
    }) = unparen(expr)
    else {
        return false;
    };
    let Expr::Ident(var) = unparen(left) else {
        return false;
    };
    let Expr::Assign(AssignExpr {
        op: AssignOp::Assign,
        left: AssignTarget::Simple(SimpleAssignTarget::Ident(target)),
        right,
        ..
    }) = unparen(right)
    else {
        return false;
    };
    target.id.sym == var.sym
        && target.id.ctxt == var.ctxt
        && matches!(unparen(right), Expr::Call(_))
}

fn unparen(mut expr: &Expr) -> &Expr {
    while let Expr::Paren(p) = expr {
        expr = &p.expr;
    }
    expr
}
