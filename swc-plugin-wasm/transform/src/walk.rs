//! One walk over the program, run twice: first to decide which functions are
//! instrumented and under which labels (nothing changes), then, with the
//! labels numbered and the handles named, to rewrite them. Both runs take the
//! same path through the tree and count the function-like nodes they meet,
//! so the n-th function of the second run is the n-th of the first.
//!
//! Labels follow `babel-plugin/src/labels.ts`. Babel asks each function for
//! its parent; here the parent that names something (a variable, an
//! assignment, `export default`, an object property, a class field) hands
//! the name down to the function, object or class that is its value, looking
//! through parentheses and type assertions as Babel does. Everything else
//! is visited with no name to give.

use swc_core::{
    common::{BytePos, Spanned},
    ecma::{
        ast::*,
        visit::{VisitMut, VisitMutWith},
    },
};

use crate::{
    ast::{ArrowBlock, ArrowBody, Body},
    continuations::schedules,
    directives::{directive_of, drop_use, Directive, Kind, SourceDirective},
    glob::GlobSet,
    identifiers::Names,
    labels::{assign_target_name, is_cache_wrapper, is_server_function, key_name, member_label, private_name},
    params::param_names,
    wrap::{block_is_instrumented, expr_is_instrumented, wrap_arrow, wrap_block, Facts, Handle, Locals},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Collect,
    Rewrite,
}

/// What the first run learns about one function-like node.
#[derive(Debug, Clone, Default)]
pub struct FnInfo {
    /// Where it starts: selected functions are numbered in this order.
    pub start: BytePos,
    /// `Some(label)` when it is instrumented (the label before `#2`, …).
    pub label: Option<String>,
    /// Its own body can register asynchronous continuations (`continuations.rs`).
    pub scoped: bool,
    /// It awaits where no call can go: `for await`, `await using`.
    pub unpausable: bool,
    /// It has an autometrics directive of its own (`"use autometrics"` goes).
    pub has_directive: bool,
    /// Its own directive's fields, when it has some: an index into `Walker::declared`.
    pub source: Option<usize>,
}

/// A directive with fields, and the function it is in (its label,
/// `anonymous` when it has none).
#[derive(Debug, Clone)]
pub struct Declared {
    pub source: SourceDirective,
    pub label: String,
}

/// What an expression is the value of, as far as labels go.
#[derive(Debug, Clone)]
enum Named {
    /// Nothing that gives a name.
    Nothing,
    /// A variable, an assignment target, `export default` (`Some("default")`);
    /// `None` for one that names nothing (`const { a } = …`, `a[k] = …`).
    Binding(Option<String>),
    /// The value of an object property: its key (when static) and the
    /// prefix of the object it is in.
    ObjectProp { key: Option<String>, prefix: String },
    /// The value of a class field: its key and the class's name.
    ClassField { key: Option<String>, owner: Option<String> },
}

impl Named {
    /// The label of a function or arrow expression in this position, given
    /// its own name (a named function expression).
    fn function_label(&self, own: Option<String>) -> Option<String> {
        match self {
            Named::ObjectProp { key: Some(k), prefix } => Some(member_label(Some(prefix), k)),
            Named::ClassField { key: Some(k), owner } => Some(member_label(owner.as_deref(), k)),
            Named::Binding(Some(name)) if is_server_function(name) => own.or_else(|| Some(name.clone())),
            Named::Binding(Some(name)) => Some(name.clone()),
            _ => own,
        }
    }

    /// The prefix for the members of an object literal in this position.
    fn object_prefix(&self) -> String {
        match self {
            Named::ObjectProp { key: Some(k), prefix } => member_label(Some(prefix), k),
            Named::Binding(Some(name)) if name != "default" => name.clone(),
            _ => String::new(),
        }
    }

    /// The name of an anonymous class in this position.
    fn class_name(&self) -> Option<String> {
        match self {
            Named::Binding(name) => name.clone(),
            _ => None,
        }
    }
}

/// Parentheses and TypeScript assertions: not parents that name anything
/// ([`crate::labels::bare`], for a mutable expression).
fn transparent(e: &mut Expr) -> &mut Expr {
    match e {
        Expr::Paren(p) => transparent(&mut p.expr),
        Expr::TsAs(x) => transparent(&mut x.expr),
        Expr::TsSatisfies(x) => transparent(&mut x.expr),
        Expr::TsNonNull(x) => transparent(&mut x.expr),
        Expr::TsTypeAssertion(x) => transparent(&mut x.expr),
        Expr::TsConstAssertion(x) => transparent(&mut x.expr),
        other => other,
    }
}

/// What `Walker::block_function` needs to know of a function besides its body.
struct Shape {
    start: BytePos,
    is_async: bool,
    is_generator: bool,
    /// Instrumented only when asked for (accessors, constructors).
    on_request: bool,
}

fn accessor_key(kind: MethodKind, key: String) -> String {
    match kind {
        MethodKind::Getter => format!("get {key}"),
        MethodKind::Setter => format!("set {key}"),
        _ => key,
    }
}

fn decorated_start(span_lo: BytePos, decorators: &[Decorator]) -> BytePos {
    decorators.iter().map(|d| d.span.lo).filter(|lo| !lo.is_dummy()).fold(span_lo, |a, b| a.min(b))
}

fn constructor_param_names(params: &[ParamOrTsParamProp]) -> Vec<swc_core::atoms::Atom> {
    let pats = params.iter().filter_map(|p| match p {
        ParamOrTsParamProp::Param(p) => Some(&p.pat),
        ParamOrTsParamProp::TsParamProp(tp) => match &tp.param {
            TsParamPropParam::Assign(a) => Some(&*a.left),
            _ => None,
        },
        #[cfg(swc_ast_unknown)]
        _ => None,
    });
    let mut names = param_names(pats);
    for p in params {
        if let ParamOrTsParamProp::TsParamProp(tp) = p {
            if let TsParamPropParam::Ident(b) = &tp.param {
                if !names.contains(&b.id.sym) {
                    names.push(b.id.sym.clone());
                }
            }
        }
    }
    names
}

pub struct Walker<'a> {
    pub mode: Mode,
    module_directive: Option<Kind>,
    by_config: bool,
    functions: &'a GlobSet,
    pub infos: Vec<FnInfo>,
    /// The directives with fields of functions, in the order the walk meets them.
    pub declared: Vec<Declared>,
    next: usize,
    pub uses_import_meta: bool,
    /// The identifiers of the file, noted by the first run.
    pub names: Names,
    /// The first run's functions that enclose the node it is at, innermost last.
    enclosing: Vec<usize>,
    /// For the second run: the handle of each instrumented function, by index.
    pub handles: Vec<Option<Handle>>,
}

impl<'a> Walker<'a> {
    pub fn new(module_directive: Option<Kind>, by_config: bool, functions: &'a GlobSet) -> Self {
        Walker {
            mode: Mode::Collect,
            module_directive,
            by_config,
            functions,
            infos: Vec::new(),
            declared: Vec::new(),
            next: 0,
            uses_import_meta: false,
            names: Names::default(),
            enclosing: Vec::new(),
            handles: Vec::new(),
        }
    }

    /// Switches to the second run.
    pub fn rewrite(&mut self, handles: Vec<Option<Handle>>) {
        self.mode = Mode::Rewrite;
        self.next = 0;
        self.handles = handles;
    }

    /// The generated locals of one function: names of its own, so that no
    /// two functions share one (Next's `"use cache"` transform moves a
    /// function's body out and reads a name declared in another as free).
    fn locals(&mut self) -> Locals {
        Locals { call: self.names.fresh("_c"), result: self.names.fresh("_r"), error: self.names.fresh("_e") }
    }

    /// The first run: what the node it is at says of the innermost enclosing function.
    fn mark_enclosing(&mut self, mark: fn(&mut FnInfo)) {
        if let (Mode::Collect, Some(&i)) = (self.mode, self.enclosing.last()) {
            mark(&mut self.infos[i]);
        }
    }

    /// It can register asynchronous continuations itself (`continuations.rs`).
    fn scoped(&mut self) {
        self.mark_enclosing(|info| info.scoped = true);
    }

    /// It awaits where no call can go.
    fn unpausable(&mut self) {
        self.mark_enclosing(|info| info.unpausable = true);
    }

    /// The first run visits a function's children with it enclosing them.
    fn collect_children<N: VisitMutWith<Self>>(&mut self, index: usize, node: &mut N) {
        self.enclosing.push(index);
        node.visit_mut_children_with(self);
        self.enclosing.pop();
    }

    /// The second run: rewrites a block body through its handle.
    fn wrap(&mut self, index: usize, body: &mut Body, is_async: bool, params: &[swc_core::atoms::Atom]) {
        if let Some(handle) = self.handle(index) {
            let locals = self.locals();
            let info = &self.infos[index];
            let facts = Facts { is_async, scoped: info.scoped, unpausable: info.unpausable, params };
            wrap_block(body, &facts, &handle, &locals);
        }
    }

    /// `walk.ts` (`enterFunction`): which functions are
    /// instrumented, in the contract's order of precedence.
    fn decide(
        &mut self,
        start: BytePos,
        label: Option<String>,
        own: Option<Directive>,
        generator: bool,
        instrumented: bool,
        on_request: bool,
    ) -> FnInfo {
        let mut info = FnInfo { start, has_directive: own.is_some(), ..FnInfo::default() };
        let kind = own.as_ref().map(|d| d.kind);
        if let Some(source) = own.and_then(|d| d.source) {
            info.source = Some(self.declared.len());
            let label = label.clone().unwrap_or_else(|| "anonymous".to_string());
            self.declared.push(Declared { source, label });
        }
        if kind == Some(Kind::UseNo) || generator || instrumented {
            return info;
        }
        if kind == Some(Kind::Use) {
            info.label = Some(label.unwrap_or_else(|| "anonymous".to_string()));
            return info;
        }
        let Some(label) = label else {
            return info;
        };
        if on_request || self.module_directive == Some(Kind::UseNo) {
            return info;
        }
        if self.module_directive == Some(Kind::Use)
            || (self.by_config && (self.functions.is_empty() || self.functions.matches(&label)))
        {
            info.label = Some(label);
        }
        info
    }

    fn handle(&mut self, index: usize) -> Option<Handle> {
        self.handles.get_mut(index).and_then(Option::take)
    }

    /// The first run notes the identifiers a node's visitor does not reach.
    fn note(&mut self, ident: Option<&Ident>) {
        if let (Mode::Collect, Some(ident)) = (self.mode, ident) {
            self.names.note(&ident.sym);
        }
    }

    /// Function declarations and expressions, methods, accessors.
    fn function(&mut self, label: Option<String>, f: &mut Function, on_request: bool, start: BytePos) {
        let Function { params, decorators, body, is_async, is_generator, type_params, return_type, .. } = f;
        let shape = Shape { start, is_async: *is_async, is_generator: *is_generator, on_request };
        self.block_function(label, shape, body, |walk| {
            params.visit_mut_with(walk);
            decorators.visit_mut_with(walk);
            type_params.visit_mut_with(walk);
            return_type.visit_mut_with(walk);
            walk.rewriting(|| param_names(params.iter().map(|p| &p.pat)))
        });
    }

    /// The parameters' names, which only the second run uses.
    fn rewriting(&self, names: impl FnOnce() -> Vec<swc_core::atoms::Atom>) -> Vec<swc_core::atoms::Atom> {
        if self.mode == Mode::Rewrite {
            names()
        } else {
            Vec::new()
        }
    }

    /// Anything whose body is a block: functions, methods, constructors and
    /// (AST 27) object literals' accessors. `head` visits what comes before
    /// the body (parameters, decorators, types; not the key) and gives the
    /// parameters' names (`rewriting`).
    fn block_function(
        &mut self,
        label: Option<String>,
        shape: Shape,
        body: &mut Option<Body>,
        head: impl FnOnce(&mut Self) -> Vec<swc_core::atoms::Atom>,
    ) {
        let index = self.next;
        self.next += 1;
        match self.mode {
            Mode::Collect => {
                let info = match &*body {
                    Some(b) => self.decide(
                        shape.start,
                        label,
                        directive_of(&b.stmts),
                        shape.is_generator,
                        block_is_instrumented(&b.stmts),
                        shape.on_request,
                    ),
                    // Overloads, `declare`, abstract methods: nothing to run.
                    None => FnInfo { start: shape.start, ..FnInfo::default() },
                };
                if body.is_some() {
                    self.scoped();
                }
                self.infos.push(info);
                self.enclosing.push(index);
                head(self);
                body.visit_mut_with(self);
                self.enclosing.pop();
            }
            Mode::Rewrite => {
                let has_directive = self.infos.get(index).is_some_and(|i| i.has_directive);
                if let (true, Some(b)) = (has_directive, body.as_mut()) {
                    drop_use(&mut b.stmts);
                }
                let params = head(self);
                body.visit_mut_with(self);
                if let Some(b) = body.as_mut() {
                    self.wrap(index, b, shape.is_async, &params);
                }
            }
        }
    }

    fn arrow(&mut self, label: Option<String>, a: &mut ArrowExpr) {
        let index = self.next;
        self.next += 1;
        match self.mode {
            Mode::Collect => {
                let (own, instrumented) = match &*a.body {
                    ArrowBlock(b) => (directive_of(&b.stmts), block_is_instrumented(&b.stmts)),
                    ArrowBody::Expr(e) => (None, expr_is_instrumented(e)),
                    #[cfg(swc_ast_unknown)]
                    _ => (None, true),
                };
                let info = self.decide(a.span.lo, label, own, a.is_generator, instrumented, false);
                self.scoped();
                self.infos.push(info);
                self.collect_children(index, a);
            }
            Mode::Rewrite => {
                let has_directive = self.infos.get(index).is_some_and(|i| i.has_directive);
                if let (true, ArrowBlock(body)) = (has_directive, &mut *a.body) {
                    drop_use(&mut body.stmts);
                }
                a.visit_mut_children_with(self);
                if let Some(handle) = self.handle(index) {
                    let locals = self.locals();
                    let params = param_names(&a.params);
                    let info = &self.infos[index];
                    let facts = Facts {
                        is_async: a.is_async,
                        scoped: info.scoped,
                        unpausable: info.unpausable,
                        params: &params,
                    };
                    wrap_arrow(a, &facts, &handle, &locals);
                }
            }
        }
    }

    fn constructor(&mut self, label: Option<String>, c: &mut Constructor) {
        let shape = Shape { start: c.span.lo, is_async: false, is_generator: false, on_request: true };
        let Constructor { key, params, body, .. } = c;
        self.block_function(label, shape, body, |walk| {
            key.visit_mut_with(walk);
            params.visit_mut_with(walk);
            walk.rewriting(|| constructor_param_names(params))
        });
    }

    fn fn_expr(&mut self, f: &mut FnExpr, named: &Named) {
        self.note(f.ident.as_ref());
        let own = f.ident.as_ref().map(|i| i.sym.to_string());
        let label = named.function_label(own);
        let start = f.function.span.lo;
        self.function(label, &mut f.function, false, start);
    }

    /// The call initialising `$$RSC_SERVER_CACHE_<n>`: its function argument
    /// is Next's wrapper around the cached function, labelled by nothing.
    fn next_cache_wrapper(&mut self, call: &mut CallExpr) {
        call.callee.visit_mut_with(self);
        call.type_args.visit_mut_with(self);
        for arg in &mut call.args {
            match transparent(&mut arg.expr) {
                Expr::Fn(f) => {
                    self.note(f.ident.as_ref());
                    let start = f.function.span.lo;
                    self.function(None, &mut f.function, false, start);
                }
                _ => arg.visit_mut_with(self),
            }
        }
    }

    /// An expression in a position that names it.
    fn value(&mut self, expr: &mut Expr, named: Named) {
        match transparent(expr) {
            Expr::Fn(f) => self.fn_expr(f, &named),
            Expr::Arrow(a) => {
                let label = named.function_label(None);
                self.arrow(label, a);
            }
            Expr::Class(c) => {
                self.note(c.ident.as_ref());
                let name = c.ident.as_ref().map(|i| i.sym.to_string()).or_else(|| named.class_name());
                self.class(&mut c.class, name);
            }
            Expr::Object(o) => self.object(o, named.object_prefix()),
            other => other.visit_mut_with(self),
        }
    }

    fn object(&mut self, o: &mut ObjectLit, prefix: String) {
        for prop in &mut o.props {
            let PropOrSpread::Prop(prop) = prop else {
                prop.visit_mut_with(self);
                continue;
            };
            match &mut **prop {
                Prop::KeyValue(kv) => {
                    kv.key.visit_mut_with(self);
                    let key = key_name(&kv.key);
                    self.value(&mut kv.value, Named::ObjectProp { key, prefix: prefix.clone() });
                }
                Prop::Method(m) => {
                    m.key.visit_mut_with(self);
                    let label = key_name(&m.key).map(|k| member_label(Some(&prefix), &k));
                    let start = m.key.span().lo.min(m.function.span.lo);
                    self.function(label, &mut m.function, false, start);
                }
                #[cfg(not(feature = "ast27"))]
                Prop::Getter(g) => {
                    g.key.visit_mut_with(self);
                    let label = key_name(&g.key).map(|k| member_label(Some(&prefix), &format!("get {k}")));
                    self.function(label, &mut g.function, true, g.span.lo);
                }
                #[cfg(not(feature = "ast27"))]
                Prop::Setter(s) => {
                    s.key.visit_mut_with(self);
                    let label = key_name(&s.key).map(|k| member_label(Some(&prefix), &format!("set {k}")));
                    self.function(label, &mut s.function, true, s.span.lo);
                }
                #[cfg(feature = "ast27")]
                Prop::Getter(g) => {
                    g.key.visit_mut_with(self);
                    let label = key_name(&g.key).map(|k| member_label(Some(&prefix), &format!("get {k}")));
                    // AST 27 gives object accessors no `Function`, only their parts.
                    let GetterProp { span, type_ann, body, .. } = g;
                    let shape = Shape { start: span.lo, is_async: false, is_generator: false, on_request: true };
                    self.block_function(label, shape, body, |walk| {
                        type_ann.visit_mut_with(walk);
                        vec![]
                    });
                }
                #[cfg(feature = "ast27")]
                Prop::Setter(s) => {
                    s.key.visit_mut_with(self);
                    let label = key_name(&s.key).map(|k| member_label(Some(&prefix), &format!("set {k}")));
                    let SetterProp { span, this_param, param, body, .. } = s;
                    let shape = Shape { start: span.lo, is_async: false, is_generator: false, on_request: true };
                    self.block_function(label, shape, body, |walk| {
                        this_param.visit_mut_with(walk);
                        param.visit_mut_with(walk);
                        walk.rewriting(|| param_names(this_param.iter().chain(std::iter::once(&**param))))
                    });
                }
                other => other.visit_mut_with(self),
            }
        }
    }

    fn class(&mut self, class: &mut Class, name: Option<String>) {
        self.scoped();
        class.decorators.visit_mut_with(self);
        class.type_params.visit_mut_with(self);
        if let Some(super_class) = &mut class.super_class {
            super_class.visit_mut_with(self);
        }
        class.super_type_params.visit_mut_with(self);
        class.implements.visit_mut_with(self);
        let owner = name.as_deref();
        for member in &mut class.body {
            match member {
                ClassMember::Method(m) => {
                    m.key.visit_mut_with(self);
                    let label = key_name(&m.key).map(|k| member_label(owner, &accessor_key(m.kind, k)));
                    let on_request = m.kind != MethodKind::Method;
                    let start = decorated_start(m.span.lo, &m.function.decorators);
                    self.function(label, &mut m.function, on_request, start);
                }
                ClassMember::PrivateMethod(m) => {
                    let key = accessor_key(m.kind, private_name(&m.key));
                    let label = Some(member_label(owner, &key));
                    // Private getters and setters too, like public ones.
                    let on_request = m.kind != MethodKind::Method;
                    let start = decorated_start(m.span.lo, &m.function.decorators);
                    self.function(label, &mut m.function, on_request, start);
                }
                ClassMember::Constructor(c) => {
                    let label = Some(member_label(owner, "constructor"));
                    self.constructor(label, c);
                }
                ClassMember::ClassProp(p) => {
                    p.decorators.visit_mut_with(self);
                    p.key.visit_mut_with(self);
                    p.type_ann.visit_mut_with(self);
                    let key = key_name(&p.key);
                    if let Some(value) = &mut p.value {
                        self.value(value, Named::ClassField { key, owner: name.clone() });
                    }
                }
                ClassMember::PrivateProp(p) => {
                    p.decorators.visit_mut_with(self);
                    p.type_ann.visit_mut_with(self);
                    let key = Some(private_name(&p.key));
                    if let Some(value) = &mut p.value {
                        self.value(value, Named::ClassField { key, owner: name.clone() });
                    }
                }
                other => other.visit_mut_with(self),
            }
        }
    }
}

impl VisitMut for Walker<'_> {
    fn visit_mut_fn_decl(&mut self, n: &mut FnDecl) {
        self.note(Some(&n.ident));
        let label = Some(n.ident.sym.to_string());
        let start = n.function.span.lo;
        self.function(label, &mut n.function, false, start);
    }

    fn visit_mut_fn_expr(&mut self, n: &mut FnExpr) {
        self.fn_expr(n, &Named::Nothing);
    }

    fn visit_mut_arrow_expr(&mut self, n: &mut ArrowExpr) {
        self.arrow(None, n);
    }

    fn visit_mut_class_decl(&mut self, n: &mut ClassDecl) {
        self.note(Some(&n.ident));
        let name = Some(n.ident.sym.to_string());
        self.class(&mut n.class, name);
    }

    fn visit_mut_class_expr(&mut self, n: &mut ClassExpr) {
        self.note(n.ident.as_ref());
        let name = n.ident.as_ref().map(|i| i.sym.to_string());
        self.class(&mut n.class, name);
    }

    fn visit_mut_object_lit(&mut self, n: &mut ObjectLit) {
        self.object(n, String::new());
    }

    /// `export default function () {}` is `default`, a named one keeps its
    /// name, as for a declaration; so does `export default class {}`.
    fn visit_mut_export_default_decl(&mut self, n: &mut ExportDefaultDecl) {
        match &mut n.decl {
            DefaultDecl::Fn(f) => {
                self.note(f.ident.as_ref());
                let label = Some(f.ident.as_ref().map_or_else(|| "default".to_string(), |i| i.sym.to_string()));
                let start = f.function.span.lo;
                self.function(label, &mut f.function, false, start);
            }
            DefaultDecl::Class(c) => {
                self.note(c.ident.as_ref());
                let name = Some(c.ident.as_ref().map_or_else(|| "default".to_string(), |i| i.sym.to_string()));
                self.class(&mut c.class, name);
            }
            _ => n.visit_mut_children_with(self),
        }
    }

    fn visit_mut_export_default_expr(&mut self, n: &mut ExportDefaultExpr) {
        self.value(&mut n.expr, Named::Binding(Some("default".to_string())));
    }

    fn visit_mut_var_declarator(&mut self, n: &mut VarDeclarator) {
        n.name.visit_mut_with(self);
        let name = match &n.name {
            Pat::Ident(b) => Some(b.id.sym.to_string()),
            _ => None,
        };
        let Some(init) = &mut n.init else {
            return;
        };
        if name.as_deref().is_some_and(is_cache_wrapper) {
            if let Expr::Call(call) = transparent(init) {
                return self.next_cache_wrapper(call);
            }
        }
        self.value(init, Named::Binding(name));
    }

    fn visit_mut_assign_expr(&mut self, n: &mut AssignExpr) {
        n.left.visit_mut_with(self);
        let name = assign_target_name(&n.left);
        self.value(&mut n.right, Named::Binding(name));
    }

    fn visit_mut_ident(&mut self, n: &mut Ident) {
        self.note(Some(n));
    }

    fn visit_mut_call_expr(&mut self, n: &mut CallExpr) {
        if let Callee::Expr(callee) = &n.callee {
            if schedules(callee) {
                self.scoped();
            }
        }
        n.visit_mut_children_with(self);
    }

    fn visit_mut_new_expr(&mut self, n: &mut NewExpr) {
        if schedules(&n.callee) {
            self.scoped();
        }
        n.visit_mut_children_with(self);
    }

    fn visit_mut_opt_call(&mut self, n: &mut OptCall) {
        if schedules(&n.callee) {
            self.scoped();
        }
        n.visit_mut_children_with(self);
    }

    fn visit_mut_for_of_stmt(&mut self, n: &mut ForOfStmt) {
        if n.is_await {
            self.unpausable();
        }
        n.visit_mut_children_with(self);
    }

    fn visit_mut_using_decl(&mut self, n: &mut UsingDecl) {
        if n.is_await {
            self.unpausable();
        }
        n.visit_mut_children_with(self);
    }

    fn visit_mut_meta_prop_expr(&mut self, n: &mut MetaPropExpr) {
        if n.kind == MetaPropKind::ImportMeta {
            self.uses_import_meta = true;
        }
    }
}
