//! The AST types that differ between the `swc_ecma_ast` versions the plugin
//! is built on: 29 (the default build), 27 (feature `ast27`, the build for
//! @swc/core 1.15 and Next.js 16.1 to 16.3; `../ast27/`), 17 (feature
//! `ast17`, which implies `ast27` and needs nothing else: the build for
//! @swc/core 1.14, before CBOR; `../ast17/`) and 14 (feature `ast14`, which
//! implies `ast27`: the build for Next.js 15.2 to 16.0 and @swc/core 1.12 and
//! 1.13, hosts before CBOR; `../ast14/`). The rest of the crate names these,
//! never the version's own types.

/// The value of a string literal and the cooked text of a template: WTF-8
/// (lone surrogates kept) from AST 17 on, a string before.
#[cfg(feature = "ast14")]
pub use swc_core::atoms::Atom as StrValue;
#[cfg(not(feature = "ast14"))]
pub use swc_core::atoms::Wtf8Atom as StrValue;
#[cfg(not(feature = "ast27"))]
pub use swc_core::ecma::ast::{
    ArrowFunctionBody as ArrowBody, ArrowFunctionBody::FunctionBody as ArrowBlock, FunctionBody as Body,
};
#[cfg(feature = "ast27")]
pub use swc_core::ecma::ast::{
    BlockStmt as Body, BlockStmtOrExpr as ArrowBody, BlockStmtOrExpr::BlockStmt as ArrowBlock,
};
use swc_core::{common::Span, ecma::ast::Stmt};

/// A function's body of `stmts`.
pub fn body(span: Span, stmts: Vec<Stmt>) -> Body {
    #[cfg(feature = "ast27")]
    return Body { span, ctxt: Default::default(), stmts };
    #[cfg(not(feature = "ast27"))]
    return Body { span, stmts };
}

/// A [`StrValue`] as text, a lone surrogate as U+FFFD.
pub fn text(value: &StrValue) -> std::borrow::Cow<'_, str> {
    #[cfg(feature = "ast14")]
    return std::borrow::Cow::Borrowed(value);
    #[cfg(not(feature = "ast14"))]
    return value.to_string_lossy();
}
