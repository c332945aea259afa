//! The AST types that differ between the two `swc_ecma_ast` versions the
//! plugin is built on: 29 (the default build) and 27 (feature `ast27`, the
//! build for hosts before @swc/core 1.16 and Next.js 16.4; `../ast27/`).
//! The rest of the crate names these, never the version's own types.

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
