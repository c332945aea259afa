//! The autometrics transform (`docs/transform.md`) on the SWC AST.
//!
//! This crate knows nothing of the plugin runtime: the `cdylib` beside it
//! reads the options and metadata from the host and calls [`autometrics`].
//!
//! Implemented so far: the module and function directives on function
//! declarations (including `export default function`), the non-`async` body
//! shape, the runtime import/require and the registrations.

mod config;
mod directives;
mod names;
mod paths;
mod wrap;

use std::collections::HashMap;

use swc_core::{
    common::{util::take::Take, Mark, SyntaxContext},
    ecma::{
        ast::*,
        visit::{Visit, VisitMut, VisitMutWith, VisitWith},
    },
};

pub use crate::config::{Config, ModuleSystem, Objective, OneOrMany, Threshold, DEFAULT_RUNTIME};
pub use crate::paths::module_label;
use crate::{
    directives::{take_directives, Directive},
    names::Names,
};

/// The transform as an SWC pass.
///
/// `filename` and `cwd` are what the host reports for the file being
/// compiled; `unresolved_mark` is the mark the resolver gave unresolved
/// (global) references, used for the `require` it injects.
pub fn autometrics(
    config: Config,
    filename: Option<&str>,
    cwd: Option<&str>,
    unresolved_mark: Mark,
) -> impl Pass {
    let module = module_label(filename, config.root.as_deref(), cwd);
    Autometrics {
        filename_esm: filename.is_some_and(|f| f.ends_with(".mjs") || f.ends_with(".mts")),
        module,
        unresolved_ctxt: SyntaxContext::empty().apply_mark(unresolved_mark),
        names: Names::default(),
        instrument: Ident::dummy(),
        module_directive: None,
        registrations: Vec::new(),
        labels: HashMap::new(),
        config,
    }
}

struct Autometrics {
    config: Config,
    module: String,
    filename_esm: bool,
    unresolved_ctxt: SyntaxContext,
    /// Where generated names come from.
    names: Names,
    /// The local name of the runtime's `instrument`, one per file.
    instrument: Ident,
    /// `"use autometrics"` / `"use no autometrics"` in the module prologue.
    module_directive: Option<Directive>,
    /// `var _am = _instrument(…)`, one per instrumented function, in source order.
    registrations: Vec<Stmt>,
    /// How often each `function` label was used, for `#2`, `#3`, …
    labels: HashMap<String, u32>,
}

impl Pass for Autometrics {
    fn process(&mut self, program: &mut Program) {
        self.module_directive = match program {
            Program::Module(m) => take_directives(&mut m.body, module_item_as_stmt),
            Program::Script(s) => take_directives(&mut s.body, directives::stmt),
            #[cfg(swc_ast_unknown)]
            _ => return,
        };

        self.names = Names::of(program);
        self.instrument = self.names.fresh("_instrument");
        program.visit_mut_with(self);

        if self.registrations.is_empty() {
            return;
        }
        let esm = match self.config.module_system {
            ModuleSystem::Esm => true,
            ModuleSystem::Commonjs => false,
            ModuleSystem::Auto => self.filename_esm || looks_like_esm(program),
        };
        if esm {
            if let Program::Script(script) = program {
                // An import needs a module; everything else stays as it was.
                let script = std::mem::take(script);
                *program = Program::Module(Module {
                    span: script.span,
                    body: script.body.into_iter().map(ModuleItem::Stmt).collect(),
                    shebang: script.shebang,
                });
            }
        }
        let runtime = self.config.runtime().to_string();
        let registrations = std::mem::take(&mut self.registrations);
        match program {
            Program::Module(m) => {
                let at = directives::prologue_len(&m.body, module_item_as_stmt);
                let head = if esm {
                    wrap::import_runtime(&self.instrument, &runtime)
                } else {
                    ModuleItem::Stmt(wrap::require_runtime(
                        &self.instrument,
                        &runtime,
                        self.unresolved_ctxt,
                    ))
                };
                let inserted =
                    std::iter::once(head).chain(registrations.into_iter().map(ModuleItem::Stmt));
                m.body.splice(at..at, inserted);
            }
            Program::Script(s) => {
                let at = directives::prologue_len(&s.body, directives::stmt);
                let head = wrap::require_runtime(&self.instrument, &runtime, self.unresolved_ctxt);
                s.body
                    .splice(at..at, std::iter::once(head).chain(registrations));
            }
            #[cfg(swc_ast_unknown)]
            _ => {}
        }
    }
}

fn module_item_as_stmt(item: &ModuleItem) -> Option<&Stmt> {
    match item {
        ModuleItem::Stmt(s) => Some(s),
        _ => None,
    }
}

impl Autometrics {
    /// Decides whether `function` (labelled `label`) is instrumented, then
    /// visits its body, then rewrites it.
    fn function(&mut self, label: &str, function: &mut Function) {
        let Some(body) = function.body.as_mut() else {
            function.visit_mut_children_with(self);
            return;
        };
        let own_directive = take_directives(&mut body.stmts, directives::stmt);
        let selected = match own_directive.or(self.module_directive) {
            Some(Directive::Use) => true,
            Some(Directive::UseNo) => false,
            // Selection by `include`/`exclude`/`functions`: not yet.
            None => false,
        };
        // Generators are never eligible; `async` bodies are not written yet.
        let eligible = !function.is_generator && !function.is_async;
        let handle = (selected && eligible && !wrap::is_instrumented(&body.stmts))
            .then(|| self.register(label));

        function.visit_mut_children_with(self);

        if let Some((am, args)) = handle {
            if let Some(body) = function.body.as_mut() {
                wrap::wrap_sync_body(body, &am, &self.instrument, args);
            }
        }
    }

    /// Adds the registration for a newly selected function and returns its
    /// handle variable and the arguments of its `_instrument(…)` call.
    fn register(&mut self, label: &str) -> (Ident, Vec<ExprOrSpread>) {
        let count = self.labels.entry(label.to_string()).or_insert(0);
        *count += 1;
        let label = if *count == 1 {
            label.to_string()
        } else {
            format!("{label}#{count}")
        };
        let am = self.names.fresh("_am");
        let args = wrap::instrument_args(&label, &self.module, self.config.track_concurrency);
        self.registrations
            .push(wrap::registration(&am, &self.instrument, args.clone()));
        (am, args)
    }
}

impl VisitMut for Autometrics {
    fn visit_mut_fn_decl(&mut self, n: &mut FnDecl) {
        let label = n.ident.sym.to_string();
        self.function(&label, &mut n.function);
    }

    fn visit_mut_export_default_decl(&mut self, n: &mut ExportDefaultDecl) {
        match &mut n.decl {
            DefaultDecl::Fn(f) => {
                let label = f
                    .ident
                    .as_ref()
                    .map_or_else(|| "default".to_string(), |i| i.sym.to_string());
                self.function(&label, &mut f.function);
            }
            _ => n.visit_mut_children_with(self),
        }
    }
}

/// `moduleSystem: "auto"`: an `import` or `export` declaration, or `import.meta`.
fn looks_like_esm(program: &Program) -> bool {
    let Program::Module(m) = program else {
        return false;
    };
    let has_decl = m.body.iter().any(|item| {
        matches!(
            item,
            ModuleItem::ModuleDecl(
                ModuleDecl::Import(_)
                    | ModuleDecl::ExportDecl(_)
                    | ModuleDecl::ExportNamed(_)
                    | ModuleDecl::ExportDefaultDecl(_)
                    | ModuleDecl::ExportDefaultExpr(_)
                    | ModuleDecl::ExportAll(_)
            )
        )
    });
    has_decl || {
        let mut finder = ImportMetaFinder(false);
        m.visit_with(&mut finder);
        finder.0
    }
}

struct ImportMetaFinder(bool);

impl Visit for ImportMetaFinder {
    fn visit_meta_prop_expr(&mut self, n: &MetaPropExpr) {
        if n.kind == MetaPropKind::ImportMeta {
            self.0 = true;
        }
    }
}
