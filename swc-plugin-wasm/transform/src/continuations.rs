//! Which calls can register an asynchronous continuation
//! (docs/transform.md, "Callers across asynchronous boundaries";
//! `babel-plugin/src/continuations.ts`): promise reactions, timers, the
//! microtask and next-tick queues, event listeners, and the `Promise`
//! constructor. A function whose own body makes one, or holds a nested
//! function or class, is scoped.

use std::sync::OnceLock;

use swc_core::ecma::ast::*;

use crate::labels::bare;

/// The callees: the Babel plugin's list, embedded, so that both plugins read one file.
fn schedulers() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let list: serde_json::Value =
            serde_json::from_str(include_str!("../../../babel-plugin/src/schedulers.json")).expect("schedulers.json");
        let names = list.as_array().expect("schedulers.json: a list");
        names.iter().map(|n| n.as_str().expect("schedulers.json: a name").to_string()).collect()
    })
}

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
    schedulers().iter().any(|s| name == s.as_str())
}
