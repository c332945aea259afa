//! The autometrics transform (`docs/transform.md`) on the SWC AST: the same
//! contract as the Babel plugin (`babel-plugin/src`), decided the same way.
//!
//! This crate knows nothing of the plugin runtime: the `cdylib` beside it
//! reads the options and metadata from the host and calls [`autometrics`].
//!
//! The files are named as the Babel plugin's, concern for concern (the map
//! is in `docs/transform.md`, "Where each part of the contract lives").

// The `_` arms for AST nodes newer than the plugin (`--cfg=swc_ast_unknown`
// makes the enums non-exhaustive from AST 16 on) match nothing on AST 14.
#![cfg_attr(feature = "ast14", allow(unreachable_patterns))]

mod ast;
mod continuations;
mod declarations;
mod directives;
mod glob;
mod identifiers;
mod labels;
mod objectives;
mod options;
mod params;
mod paths;
mod walk;
mod wrap;

use swc_core::{
    common::{errors::HANDLER, Mark, SyntaxContext},
    ecma::{ast::*, visit::VisitMutWith},
};

use crate::options::ModuleSystem;
pub use crate::options::{OptionError, Options};
use crate::paths::{file_paths, FilePaths};
use crate::{
    directives::{directive_of, drop_use, prologue_len},
    objectives::{source_objectives, Placed},
    walk::Walker,
    wrap::{import_runtime, require_runtime, Handle, InstrumentArgs},
};

/// The transform as an SWC pass.
///
/// `filename` and `cwd` are what the host reports for the file being
/// compiled; `unresolved_mark` is the mark the resolver gave unresolved
/// (global) references, used for the `require` it injects.
pub fn autometrics(options: Options, filename: Option<&str>, cwd: Option<&str>, unresolved_mark: Mark) -> impl Pass {
    let paths = file_paths(filename, options.root.as_deref(), cwd);
    Autometrics { paths, filename: filename.unwrap_or_default().to_string(), unresolved_mark, options }
}

struct Autometrics {
    options: Options,
    paths: FilePaths,
    filename: String,
    unresolved_mark: Mark,
}

/// A warning through the host, when there is one to report to.
fn warn(message: &str) {
    if HANDLER.is_set() {
        HANDLER.with(|handler| handler.warn(message));
    }
}

/// An error through the host, which fails the build and shows where `span` is.
fn error(span: swc_core::common::Span, message: &str) {
    if HANDLER.is_set() {
        HANDLER.with(|handler| handler.struct_span_err(span, message).emit());
    }
}

/// `moduleSystem: "auto"`: an `import` or `export` declaration.
fn has_module_syntax(program: &Program) -> bool {
    let Program::Module(m) = program else {
        return false;
    };
    m.body.iter().any(|item| {
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
    })
}

impl Autometrics {
    /// The context of global references (`require`): computed only when
    /// used, as it is a call into the host.
    fn unresolved_ctxt(&self) -> SyntaxContext {
        SyntaxContext::empty().apply_mark(self.unresolved_mark)
    }

    /// docs/transform.md, "Bringing in the runtime": import for ECMAScript
    /// modules, require otherwise.
    fn is_esm(&self, program: &Program, uses_import_meta: bool) -> bool {
        match self.options.module_system {
            ModuleSystem::Esm => return true,
            ModuleSystem::Commonjs => return false,
            ModuleSystem::Auto => {}
        }
        let f = &self.filename;
        if f.ends_with(".mjs") || f.ends_with(".mts") {
            return true;
        }
        if f.ends_with(".cjs") || f.ends_with(".cts") {
            return false;
        }
        uses_import_meta || has_module_syntax(program)
    }
}

impl Pass for Autometrics {
    fn process(&mut self, program: &mut Program) {
        let module_directive = match program {
            Program::Module(m) => directive_of(&m.body),
            Program::Script(s) => directive_of(&s.body),
            #[cfg(swc_ast_unknown)]
            _ => return,
        };
        let file = self.paths.file.as_deref();
        let by_config = file.is_some_and(|f| {
            !self.options.include.is_empty() && self.options.include.matches(f) && !self.options.exclude.matches(f)
        });

        let module_kind = module_directive.as_ref().map(|d| d.kind);
        let mut walker = Walker::new(module_kind, by_config, &self.options.functions);
        program.visit_mut_with(&mut walker);

        // Objectives the directives declare; a bad one fails the build, pointing at it.
        let module_source = module_directive.and_then(|d| d.source);
        let module = &self.paths.module;
        let placed: Vec<Placed> = module_source
            .iter()
            .map(|source| Placed { source, place: format!("in the prologue of {module}") })
            .chain(
                walker
                    .declared
                    .iter()
                    .map(|d| Placed { source: &d.source, place: format!("in `{}` ({module})", d.label) }),
            )
            .collect();
        let declared = match source_objectives(&self.options, &placed) {
            Ok(specs) => specs,
            Err(e) => {
                error(e.span, &e.message);
                return;
            }
        };
        // Indexes into `declared`: the module's first, then the functions'.
        let offset = usize::from(module_source.is_some());
        let module_objective = if module_source.is_some() { declared.first() } else { None };

        // Source order; a label used twice in the file gets #2, #3, …
        let mut selected: Vec<usize> = (0..walker.infos.len()).filter(|&i| walker.infos[i].label.is_some()).collect();
        selected.sort_by_key(|&i| walker.infos[i].start);

        let esm = self.is_esm(program, walker.uses_import_meta);
        if esm && !selected.is_empty() && matches!(program, Program::Script(_)) {
            // The host gives a script back as a script, where an import
            // cannot go; a require would fail in an ECMAScript module.
            warn(&format!(
                "autometrics: {} is an ECMAScript module that SWC parsed as a script, so the runtime \
                 cannot be imported: it is left as it is. Parse it as a module (`isModule: true`) \
                 or set `moduleSystem: \"commonjs\"` if it really is CommonJS.",
                self.paths.module
            ));
            return;
        }

        match program {
            Program::Module(m) => drop_use(&mut m.body),
            Program::Script(s) => drop_use(&mut s.body),
            #[cfg(swc_ast_unknown)]
            _ => {}
        }
        if selected.is_empty() {
            if walker.infos.iter().any(|i| i.has_directive) {
                walker.rewrite(Vec::new());
                program.visit_mut_with(&mut walker);
            }
            return;
        }

        let names = &mut walker.names;
        let instrument = names.fresh("_instrument");
        let mut seen: std::collections::HashMap<String, u32> = Default::default();
        let mut handles: Vec<Option<Handle>> = vec![None; walker.infos.len()];
        let mut registrations = Vec::with_capacity(selected.len());
        for &i in &selected {
            let label = walker.infos[i].label.clone().unwrap_or_default();
            let n = seen.entry(label.clone()).or_insert(0);
            *n += 1;
            let label = if *n > 1 { format!("{label}#{n}") } else { label };
            // The nearest declaration wins: the function's directive, the module's, the options.
            let objective = walker.infos[i]
                .source
                .map(|k| &declared[k + offset])
                .or(module_objective)
                .or_else(|| self.options.objective_for(file, &label));
            let args = InstrumentArgs {
                objective: objective.cloned(),
                label,
                module: self.paths.module.clone(),
                track_concurrency: self.options.track_concurrency,
            };
            let handle = Handle { am: names.fresh("_am"), instrument: instrument.clone(), args };
            registrations.push(handle.registration());
            handles[i] = Some(handle);
        }
        walker.rewrite(handles);
        program.visit_mut_with(&mut walker);

        let runtime = &self.options.runtime;
        match program {
            Program::Module(m) => {
                let at = prologue_len(&m.body);
                let head = if esm {
                    import_runtime(&instrument, runtime)
                } else {
                    ModuleItem::Stmt(require_runtime(&instrument, runtime, self.unresolved_ctxt()))
                };
                let inserted = std::iter::once(head).chain(registrations.into_iter().map(ModuleItem::Stmt));
                m.body.splice(at..at, inserted);
            }
            Program::Script(s) => {
                let at = prologue_len(&s.body);
                let head = require_runtime(&instrument, runtime, self.unresolved_ctxt());
                s.body.splice(at..at, std::iter::once(head).chain(registrations));
            }
            #[cfg(swc_ast_unknown)]
            _ => {}
        }
    }
}

/// `fixtures/<path>` of the repository, above wherever these sources are
/// built from (`../ast27`, `../ast17` and `../ast14` build them too).
#[cfg(test)]
fn fixture(path: &str) -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let root =
        manifest.ancestors().find(|dir| dir.join("fixtures/contract").is_dir()).expect("the repository's fixtures/");
    root.join("fixtures").join(path)
}
