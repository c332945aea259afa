//! The transform on small inputs, run as the host runs a plugin: resolver,
//! the pass, then hygiene and fixer, then printed.

use autometrics_swc_transform::{autometrics, Config};
use swc_core::{
    common::{sync::Lrc, FileName, Globals, Mark, SourceMap, GLOBALS},
    ecma::{
        codegen::to_code_default,
        parser::{EsSyntax, Parser, StringInput, Syntax},
        transforms::base::{fixer::fixer, hygiene::hygiene, resolver},
    },
};

fn transform(src: &str, filename: &str, options: &str) -> String {
    GLOBALS.set(&Globals::new(), || {
        let cm: Lrc<SourceMap> = Default::default();
        let fm = cm.new_source_file(Lrc::new(FileName::Real(filename.into())), src.to_string());
        let mut parser = Parser::new(
            Syntax::Es(EsSyntax::default()),
            StringInput::from(&*fm),
            None,
        );
        let program = parser.parse_program().expect("input parses");
        let unresolved_mark = Mark::new();
        let top_level_mark = Mark::new();
        let config = Config::from_json(options).expect("valid options");
        let mut passes = (
            resolver(unresolved_mark, top_level_mark, false),
            autometrics(config, Some(filename), Some("/app"), unresolved_mark),
            hygiene(),
            fixer(None),
        );
        let program = program.apply(&mut passes);
        to_code_default(cm, None, &program)
    })
}

fn assert_output(actual: &str, expected: &str) {
    let normalize = |s: &str| {
        s.trim()
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        normalize(actual),
        normalize(expected),
        "\n--- actual:\n{actual}"
    );
}

#[test]
fn module_directive_selects_function_declarations_commonjs() {
    let out = transform(
        r#""use strict";
"use autometrics";
function add(a, b) {
  return a + b;
}
function greet(name) {
  "use strict";
  function add() { return name; }
  return "hello " + add();
}
"#,
        "/app/src/a.js",
        "{}",
    );
    assert_output(
        &out,
        r#"
"use strict";
var _instrument = require("autometrics-runtime").instrument;
var _am = _instrument("add", "src/a.js");
var _am2 = _instrument("greet", "src/a.js");
var _am3 = _instrument("add#2", "src/a.js");
function add(a, b) {
    return (_am || (_am = _instrument("add", "src/a.js"))).run(()=>{
        return a + b;
    });
}
function greet(name) {
    "use strict";
    return (_am2 || (_am2 = _instrument("greet", "src/a.js"))).run(()=>{
        function add() {
            return (_am3 || (_am3 = _instrument("add#2", "src/a.js"))).run(()=>{
                return name;
            });
        }
        return "hello " + add();
    });
}
"#,
    );
}

#[test]
fn esm_import_and_generated_names_do_not_clash() {
    let out = transform(
        r#""use autometrics";
import { x } from "./x.js";
const _instrument = 1, _am = 2;
function f() {
  const require = () => 0;
  return x + _instrument + _am + require();
}
export default function () {}
"#,
        "/app/src/b.js",
        r#"{ "runtime": "my-runtime", "trackConcurrency": true }"#,
    );
    assert_output(
        &out,
        r#"
import { instrument as _instrument2 } from "my-runtime";
var _am2 = _instrument2("f", "src/b.js", {
    trackConcurrency: true
});
var _am3 = _instrument2("default", "src/b.js", {
    trackConcurrency: true
});
import { x } from "./x.js";
const _instrument = 1, _am = 2;
function f() {
    return (_am2 || (_am2 = _instrument2("f", "src/b.js", {
        trackConcurrency: true
    }))).run(()=>{
        const require = ()=>0;
        return x + _instrument + _am + require();
    });
}
export default function() {
    return (_am3 || (_am3 = _instrument2("default", "src/b.js", {
        trackConcurrency: true
    }))).run(()=>{});
}
"#,
    );
}

#[test]
fn opt_out_directives_and_unselected_files() {
    let src = r#""use no autometrics";
function a() {
  "use autometrics";
  return 1;
}
function b() {
  "use strict";
  return 2;
}
function* c() {
  "use autometrics";
}
"#;
    assert_output(
        &transform(src, "/app/src/c.js", "{}"),
        r#"
var _instrument = require("autometrics-runtime").instrument;
var _am = _instrument("a", "src/c.js");
function a() {
    return (_am || (_am = _instrument("a", "src/c.js"))).run(()=>{
        return 1;
    });
}
function b() {
    "use strict";
    return 2;
}
function* c() {}
"#,
    );
    let plain = "function f() {\n    return 1;\n}\n";
    assert_output(&transform(plain, "/app/src/d.js", "{}"), plain);
}

#[test]
fn second_run_adds_nothing() {
    let once = transform(
        "\"use autometrics\";\nexport function f(x) { return x; }\n",
        "/app/src/e.js",
        "{}",
    );
    assert!(once.contains(".run("), "{once}");
    assert_output(&transform(&once, "/app/src/e.js", "{}"), &once);
}

#[test]
fn unknown_option_is_an_error() {
    let err = Config::from_json(r#"{ "trackConcurency": true }"#).unwrap_err();
    assert!(err.contains("trackConcurency"), "{err}");
    assert!(Config::from_json("{}").is_ok());
}
