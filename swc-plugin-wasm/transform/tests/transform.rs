//! What the corpus cannot show: the transform as a pass on its own (no
//! host), hygiene keeping every user name, scripts that are ES modules,
//! inputs that must not make it panic.

use autometrics_swc_transform::{autometrics, Options};
use swc_core::{
    common::{sync::Lrc, FileName, Globals, Mark, SourceMap, GLOBALS},
    ecma::{
        ast::Program,
        codegen::to_code_default,
        parser::{EsSyntax, Parser, StringInput, Syntax, TsSyntax},
        transforms::base::{fixer::fixer, hygiene::hygiene, resolver},
    },
};

fn transform(src: &str, filename: Option<&str>, options: &str, module: Option<bool>) -> String {
    GLOBALS.set(&Globals::new(), || {
        let cm: Lrc<SourceMap> = Default::default();
        let name = filename.unwrap_or("anonymous.js");
        let fm = cm.new_source_file(Lrc::new(FileName::Real(name.into())), src.to_string());
        let ts = name.ends_with(".ts");
        let syntax = if ts { Syntax::Typescript(TsSyntax::default()) } else { Syntax::Es(EsSyntax::default()) };
        let mut parser = Parser::new(syntax, StringInput::from(&*fm), None);
        let program = match module {
            Some(true) => parser.parse_module().map(Program::Module),
            Some(false) => parser.parse_script().map(Program::Script),
            None => parser.parse_program(),
        }
        .expect("input parses");
        let unresolved_mark = Mark::new();
        let top_level_mark = Mark::new();
        let options = Options::from_json(Some(options)).expect("valid options");
        let program = program.apply((
            resolver(unresolved_mark, top_level_mark, ts),
            autometrics(options, filename, Some("/app"), unresolved_mark),
            hygiene(),
            fixer(None),
        ));
        to_code_default(cm, None, &program)
    })
}

fn registered(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| {
            l.strip_prefix("var ").and_then(|l| l.split_once(" = _instrument")).map(|(_, rest)| rest.to_string())
        })
        .collect()
}

#[test]
fn generated_names_avoid_every_name_of_the_file_and_hygiene_renames_nothing() {
    let src = r#""use autometrics";
const _instrument = 1, _am = 2, _am2 = 3, _c = 4, _e = 5, _r = 6;
async function f(_am3) {
  let _c2;
  try { await 0; } catch (_e2) { return _e2; }
  return _instrument + _am + _am2 + _c + _e + _r + _am3 + _c2;
}
function g(_r2) { return _r2; }
"#;
    let out = transform(src, Some("/app/src/a.js"), "{}", None);
    for name in [
        "_instrument = 1",
        "_am = 2",
        "_am2 = 3",
        "_c = 4",
        "_e = 5",
        "_r = 6",
        "f(_am3)",
        "let _c2",
        "catch (_e2)",
        "g(_r2)",
    ] {
        assert!(out.contains(name), "{name} was renamed:\n{out}");
    }
    assert!(out.contains("var _instrument2 = require(\"autometrics-runtime\").instrument;"), "{out}");
    assert!(out.contains("var _am4 = _instrument2(\"f\", \"src/a.js\");"), "{out}");
    assert!(out.contains("var _c3 = (_am4 || (_am4 = _instrument2(\"f\", \"src/a.js\"))).start(), _r3;"), "{out}");
    assert!(out.contains("_c3.resume(await _c3.pause(0));") && out.contains("_c3.resume();"), "{out}");
    assert!(out.contains("catch (_e3) {") && out.contains("_c3.failed = true;") && out.contains("throw _e3;"), "{out}");
    // Each function's locals have names of their own.
    assert!(out.contains("var _c4 = (_am5 || (_am5 = _instrument2(\"g\", \"src/a.js\"))).enter(), _r4;"), "{out}");
    assert!(out.contains("return _r4 = _r2;") && out.contains("_am5.exit(_c4, _r4);"), "{out}");
}

/// Names the walk meets outside plain identifier positions: declared
/// functions and classes, named function and class expressions.
#[test]
fn generated_names_avoid_the_names_of_declarations_and_named_expressions() {
    let src = r#""use autometrics";
function _am() {}
class _am2 {}
const k = class _am3 {};
const g = function _am4() {};
export default function _am5() {}
"#;
    let out = transform(src, Some("/app/src/a.mjs"), "{}", None);
    for name in ["function _am()", "class _am2", "class _am3", "function _am4()", "function _am5()"] {
        assert!(out.contains(name), "{name} was renamed:\n{out}");
    }
    let handles: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("var "))
        .filter_map(|l| l.split_once(" = _instrument("))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(handles, ["_am6", "_am7", "_am8"], "{out}");
}

/// The injected `require` is the module system's, not a function of the
/// file that happens to be called so: hygiene renames the file's own.
#[test]
fn the_injected_require_is_the_global_one() {
    let src = "\"use autometrics\";\nfunction require(x) { return x; }\nmodule.exports = { require };\n";
    let out = transform(src, Some("/app/src/a.js"), "{}", None);
    assert!(out.contains("var _instrument = require(\"autometrics-runtime\").instrument;"), "{out}");
    assert!(out.contains("function require1(x)") && out.contains("require: require1"), "{out}");
}

#[test]
fn the_module_label_is_unknown_without_a_file_name() {
    let out = transform("\"use autometrics\";\nfunction f() {}\n", None, "{}", None);
    assert_eq!(registered(&out), ["(\"f\", \"unknown\");"]);
}

#[test]
fn a_script_that_is_an_es_module_is_left_as_it_is() {
    let src = "\"use autometrics\";\nfunction f() {}\n";
    let out = transform(src, Some("/app/a.mjs"), "{}", Some(false));
    assert_eq!(out.trim(), "\"use autometrics\";\nfunction f() {}");
    let out = transform(src, Some("/app/a.js"), r#"{ "moduleSystem": "esm" }"#, Some(false));
    assert_eq!(out.trim(), "\"use autometrics\";\nfunction f() {}");
    // As a module, it is instrumented; as CommonJS, a script is too.
    let out = transform(src, Some("/app/a.mjs"), "{}", Some(true));
    assert!(out.starts_with("import { instrument as _instrument } from \"autometrics-runtime\";"), "{out}");
    let out = transform(src, Some("/app/a.js"), "{}", Some(false));
    assert!(out.starts_with("var _instrument = require(\"autometrics-runtime\").instrument;"), "{out}");
}

#[test]
fn root_decides_the_module_label_and_what_include_matches() {
    let src = "function f() {}\n";
    let out = transform(src, Some("/app/src/a.js"), r#"{ "include": ["a.js"], "root": "src" }"#, None);
    assert_eq!(registered(&out), ["(\"f\", \"a.js\");"]);
    let out = transform(src, Some("src/a.js"), r#"{ "include": ["src/*.js"] }"#, None);
    assert_eq!(registered(&out), ["(\"f\", \"src/a.js\");"]);
    // Outside root: never selected by include, labelled relative all the same.
    let out = transform(
        "function f() {}\nfunction g() { \"use autometrics\"; }\n",
        Some("/lib/b.js"),
        r#"{ "include": ["**"] }"#,
        None,
    );
    assert_eq!(registered(&out), ["(\"g\", \"../lib/b.js\");"]);
}

/// Odd but valid inputs, every function selected: no panic, and a second
/// run adds nothing.
#[test]
fn odd_inputs_neither_panic_nor_change_on_a_second_run() {
    let inputs = [
        "",
        "\"use autometrics\";",
        "'use autometrics'; 'use no autometrics';",
        "function f() { 'use autometrics'; 'use autometrics'; }",
        "(function () {})(); (() => {})(); !function () {}();",
        "label: { const f = () => { label2: for (;;) break label2; }; }",
        "const f = async () => ({ ...(await g()) }); const h = () => function () { return this; };",
        "class A extends (class {}) { static #x = () => 1; static { this.y = () => 2; } [`k`] = function () {}; }",
        "var a = { [(() => 'k')()]: () => 1, __proto__: { m() { return super.m; } } };",
        "export default async function* g() { yield* [1]; }",
        "export default class extends Object { constructor() { super(); } }",
        "export const { a = () => 1, b: [c = function () {}] } = {};",
        "for (var i = 0, f = () => i; i < 1; i++) f();",
        "with ({}) { var w = function () {}; }",
        "function f(a, a) { var a = 1; return arguments; }",
        "function f(a = function g() { var a; }) {}",
        "new.target; import.meta;",
        "x = y => z => w => 1;",
        "module.exports.prototype.x = {}.y = function () {};",
        "a?.b(() => 1); a?.[b] ?? (() => 2);",
        "async () => { for await (var a of b) {} };",
        "using_ = 1; { using x = null; }",
    ];
    for input in inputs {
        let module = input.contains("export") || input.contains("import.meta") || input.contains("using x");
        let options =
            r#"{ "include": ["**"], "trackConcurrency": true, "objectives": [{ "name": "o", "successRate": "99" }] }"#;
        let once = transform(input, Some("/app/x.js"), options, Some(module));
        let twice = transform(&once, Some("/app/x.js"), options, Some(module));
        assert_eq!(once, twice, "second run changed:\n{input}");
    }
}

#[test]
fn typescript_seen_by_the_plugin() {
    let src = r#""use autometrics";
function over(x: number): number;
function over(x: any): any { return x; }
declare function ambient(): void;
abstract class Shape { abstract area(): number; describe(): string { return ""; } }
const a = (() => 1) as () => number;
const b = <any>(function () {});
const o = { k: (() => 1)! satisfies unknown };
class K { constructor(private x: number) {} field = (() => 1) as any; }
"#;
    let out = transform(src, Some("/app/t.ts"), "{}", None);
    let labels: Vec<String> =
        registered(&out).into_iter().map(|r| r.split('"').nth(1).unwrap_or("").to_string()).collect();
    assert_eq!(labels, ["over", "Shape.describe", "a", "b", "o.k", "K.field"]);
}

/// Parentheses and type-only wrappers name nothing and hide nothing
/// (docs/transform.md): around an assignment's target, any object of its
/// member chain, a computed key or a callee, the labels and shapes are those
/// of the code with its types stripped, as the host strips them by default.
#[test]
fn type_wrappers_seen_by_the_plugin_are_looked_through() {
    let src = r#""use autometrics";
x!.a = function () {};
(x as any).b = () => {};
(<any>x).c = () => {};
(x satisfies object).d = () => {};
((x as any).p! as any).q = () => {};
(x as any).prototype.m = function () {};
(x as any) = () => {};
((module as any).exports as any).e = () => {};
(this as any).t = () => {};
x[("k" as const)] = () => {};
const o = { [("s" as const)]: () => {} };
obj.f = (function () {}) as Handler;
function s1() { (setTimeout as any)(f); }
function s2() { new (<any>Promise)(f); }
function s3() { setTimeout!(f); }
"#;
    let out = transform(src, Some("/app/t.ts"), "{}", None);
    let labels: Vec<String> =
        registered(&out).into_iter().map(|r| r.split('"').nth(1).unwrap_or("").to_string()).collect();
    let expected = ["x.a", "x.b", "x.c", "x.d", "x.p.q", "x.m", "x", "e", "t", "x.k", "o.s", "obj.f", "s1", "s2", "s3"];
    assert_eq!(labels, expected);
    assert_eq!(out.matches(".enterScoped()").count(), 3, "{out}");
}

/// A `var` that redeclares a parameter (or `arguments`) in a body that moves
/// into an arrow (a scoped `async` function's), in the positions and shapes the
/// corpus does not show (`keepParameterRedeclarations` of
/// babel-plugin/src/wrap.ts): the other names in the order Babel's
/// `getBindingIdentifiers` lists them (breadth first), single statements,
/// labels, loop heads, TypeScript annotations (the plugin sees them with
/// `runPluginFirst`).
#[test]
fn var_redeclaring_a_parameter() {
    let src = r#""use autometrics";
async function b1(a) { queueMicrotask(f); var [[x], y, a] = [[1], 2, 3], { p = 1, q: [r], a: s, ...t } = {}; }
async function b2(a) { queueMicrotask(f); if (a) var a = 1, b; else var a; l: var a; m: var a = 2, c = 3; }
async function b3(a) { queueMicrotask(f); var a = 1, x = 1, x = 2; while (0) var a = 4, z; }
async function b4(a) { queueMicrotask(f); if (a) for (var [a, z] of [[1, 2]]); k: for (var {a, w} in {}); }
async function b5(a) { queueMicrotask(f); for (var q, a = 1, r;;) break; for (var a;;) break; do var a = 1; while (0); }
async function b6() { queueMicrotask(f); var arguments = [1], u; }
"#;
    let out = transform(src, Some("/app/x.js"), "{}", None);
    let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "scope(async ()=>{ queueMicrotask(f); var y, x, s, t, p, r; [[x], y, a] = [ [ 1 ], 2, 3 ]; ({ p = 1, q: [r], a: s, ...t } = {}); })",
        "scope(async ()=>{ queueMicrotask(f); if (a) { var b; a = 1; } else {} l: {} m: { var c; a = 2; c = 3; } })",
        "scope(async ()=>{ queueMicrotask(f); var x, x; a = 1; x = 1; x = 2; while(0){ var z; a = 4; } })",
        "scope(async ()=>{ queueMicrotask(f); if (a) { var z; for ([a, z] of [ [ 1, 2 ] ]); } var w; k: for({ a, w } in {}); })",
        "scope(async ()=>{ queueMicrotask(f); var q, r; for(a = 1;;)break; for(;;)break; do a = 1; while (0) })",
        "scope(async ()=>{ queueMicrotask(f); var u; arguments = [ 1 ]; })",
    ] {
        assert!(flat.contains(expected), "{expected}\n{out}");
    }
    // With the types still there, the assignments lose them.
    let src = "\"use autometrics\";\nasync function t(a: number, b?: string) { queueMicrotask(f); var a: number = 1, c: string = \"\"; for (var [b] of []); }\n";
    let out = transform(src, Some("/app/t.ts"), "{}", None);
    let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("scope(async ()=>{ queueMicrotask(f); var c; a = 1; c = \"\"; for ([b] of []); })"), "{out}");
}
