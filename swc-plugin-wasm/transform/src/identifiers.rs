//! Generated names that no name in the file uses.
//!
//! The generated identifiers share one fresh mark (`private_ident!` makes
//! one per identifier; each costs two calls into the host), so the host's
//! hygiene pass keeps them apart from anything of the user's. Their
//! spelling is chosen beforehand so that hygiene has nothing to rename: left
//! to itself, hygiene keeps the name for the binding declared first, which is
//! ours, and renames the user's (`_am` would become `_am1`). As Babel's uid
//! generator does, the names are `_am`, `_am2`, `_am3`, …
//!
//! The walk that decides what to instrument notes the identifiers it meets
//! (`walk.rs`); only those starting with `_` can be taken by ours.

use swc_core::{
    common::{Mark, SyntaxContext, DUMMY_SP},
    ecma::{ast::Ident, atoms::Atom},
};

#[derive(Default)]
pub struct Names {
    taken: std::collections::HashSet<Atom>,
    ctxt: Option<SyntaxContext>,
}

impl Names {
    /// An identifier spelled in the file (a binding or a reference).
    pub fn note(&mut self, sym: &Atom) {
        if sym.starts_with('_') && !self.taken.contains(sym) {
            self.taken.insert(sym.clone());
        }
    }

    /// `base`, else `base2`, `base3`, …: the first that is not taken.
    pub fn fresh(&mut self, base: &str) -> Ident {
        let mut candidate: Atom = base.into();
        let mut n = 1u32;
        while self.taken.contains(&candidate) {
            n += 1;
            candidate = format!("{base}{n}").into();
        }
        self.taken.insert(candidate.clone());
        let ctxt = *self.ctxt.get_or_insert_with(|| SyntaxContext::empty().apply_mark(Mark::new()));
        Ident::new(candidate, DUMMY_SP, ctxt)
    }
}
