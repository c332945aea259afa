//! Which calls can register an asynchronous continuation
//! (docs/transform.md, "Callers across asynchronous boundaries";
//! `babel-plugin/src/continuations.ts`): promise reactions, timers, the
//! microtask and next-tick queues, event listeners, and the `Promise`
//! constructor. A function whose own body makes one, or holds a nested
//! function or class, is scoped.

use swc_core::ecma::ast::*;

use crate::labels::bare;

const SCHEDULERS: [&str; 15] = [
    "then",
    "catch",
    "finally",
    "setTimeout",
    "setInterval",
    "setImmediate",
    "queueMicrotask",
    "nextTick",
    "on",
    "once",
    "addListener",
    "prependListener",
    "prependOnceListener",
    "addEventListener",
    "Promise",
];

/// Whether a call or `new` with this callee can register a continuation:
/// an identifier, or a member with a static name, from the list (looking
/// through parentheses and type-only wrappers).
pub fn schedules(callee: &Expr) -> bool {
    let name = match bare(callee) {
        Expr::Ident(i) => &i.sym,
        Expr::Member(MemberExpr { prop: MemberProp::Ident(p), .. }) => &p.sym,
        Expr::OptChain(OptChainExpr { base, .. }) => match &**base {
            OptChainBase::Member(MemberExpr { prop: MemberProp::Ident(p), .. }) => &p.sym,
            _ => return false,
        },
        _ => return false,
    };
    SCHEDULERS.iter().any(|s| name == *s)
}
