//! Generated names that no name in the file uses.
//!
//! Every generated identifier also gets a fresh mark (as `private_ident!`
//! does), so the host's hygiene pass keeps it apart from anything else. Its
//! spelling is chosen beforehand so that hygiene has nothing to rename: left
//! to itself, hygiene keeps the name for the binding declared first, which is
//! ours, and renames the user's (`_am` would become `_am1`). As Babel's uid
//! generator does, the names are `_am`, `_am2`, `_am3`, …

use std::collections::HashSet;

use swc_core::ecma::{
    ast::{Ident, Program},
    atoms::Atom,
    utils::private_ident,
    visit::{Visit, VisitWith},
};

#[derive(Default)]
pub struct Names {
    taken: HashSet<Atom>,
}

impl Names {
    /// Every identifier spelled in `program` (bindings and references).
    pub fn of(program: &Program) -> Names {
        let mut names = Names::default();
        program.visit_with(&mut names);
        names
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
        private_ident!(candidate)
    }
}

impl Visit for Names {
    fn visit_ident(&mut self, n: &Ident) {
        self.taken.insert(n.sym.clone());
    }
}
