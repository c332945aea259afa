//! The shared fixture corpus (`fixtures/<group>/<case>/`, docs/transform.md)
//! through the transform, natively, in the order @swc/core runs a plugin:
//! parse, resolver, TypeScript stripped, the plugin, JSX (pragma `h`),
//! hygiene, fixer, print.
//!
//! For every case:
//! - `<case>: output`: the printed result equals `output.swc.js` in the case
//!   folder (SWC's own spelling of Babel's `output.*`), or, for a case with
//!   an `error.txt`, the options are rejected with exactly that message, or
//!   the transform reports an error that contains it (a bad directive);
//! - `<case>: idempotent`: running the transform over that output again
//!   changes nothing.
//!
//! On AST 14 and 17 (`../ast14`, `../ast17`), whose printers place some
//! comments elsewhere, an output that differs from `output.swc.js` only in its
//! line comments passes.
//!
//! `UPDATE=1` rewrites the `output.swc.js` files (review the diff). A custom
//! harness (`harness = false`) so that every case on disk is a test without a
//! rebuild; arguments filter by substring, as libtest's do.

use std::{
    fs,
    panic::{catch_unwind, AssertUnwindSafe},
    path::{Path, PathBuf},
};

use autometrics_swc_transform::{autometrics, Options};
use serde_json::{Map, Value};
use swc_core::{
    common::{
        comments::SingleThreadedComments,
        errors::{Handler, HANDLER},
        sync::Lrc,
        FileName, Globals, Mark, SourceMap, GLOBALS,
    },
    ecma::{
        ast::Program,
        codegen::to_code_default,
        parser::{EsSyntax, Parser, StringInput, Syntax, TsSyntax},
        transforms::{
            base::{fixer::fixer, hygiene::hygiene, resolver},
            react::{self, Runtime},
            typescript::{self, TsxConfig},
        },
    },
};

const OUTPUT: &str = "output.swc.js";

struct Case {
    name: String,
    dir: PathBuf,
    entry: String,
    options: Value,
    error: Option<String>,
}

fn read_json(path: &Path) -> Map<String, Value> {
    match fs::read_to_string(path) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(Value::Object(map)) => map,
            _ => panic!("{} is not a JSON object", path.display()),
        },
        Err(_) => Map::new(),
    }
}

fn is_source(name: &str) -> bool {
    [".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".mts", ".cts"].iter().any(|e| name.ends_with(e))
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// As `loadCases` of fixtures/harness/corpus.ts: the case's options are
/// merged over its group's.
fn load_cases(corpus: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    for group_dir in sorted_dirs(corpus) {
        let group = group_dir.file_name().unwrap().to_string_lossy().to_string();
        if group == "harness" {
            continue;
        }
        let group_options = read_json(&group_dir.join("options.json"));
        for dir in sorted_dirs(&group_dir) {
            let name = format!("{group}/{}", dir.file_name().unwrap().to_string_lossy());
            let mut entries: Vec<String> = fs::read_dir(&dir)
                .unwrap()
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
                .filter(|f| f.starts_with("input.") && is_source(f))
                .collect();
            entries.sort();
            let entry = entries.into_iter().next().unwrap_or_else(|| panic!("fixture {name} has no input file"));
            let mut options = group_options.clone();
            for (k, v) in read_json(&dir.join("options.json")) {
                options.insert(k, v);
            }
            let error = fs::read_to_string(dir.join("error.txt")).ok().map(|s| s.trim().to_string());
            cases.push(Case { name, dir, entry, options: Value::Object(options), error });
        }
    }
    cases
}

/// What the host's error handler prints, kept for the test to read.
#[derive(Clone, Default)]
struct Printed(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Printed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Compiles one file as @swc/core would with the plugin (or without, when
/// `options` is `None`); an error the plugin reports through the host is
/// the `Err`, as the host prints it.
fn compile(code: &str, file: &Path, cwd: &Path, options: Option<&Options>) -> Result<String, String> {
    let name = file.to_string_lossy().to_string();
    let ts = [".ts", ".tsx", ".mts", ".cts"].iter().any(|e| name.ends_with(e));
    let jsx = name.ends_with(".tsx") || name.ends_with(".jsx");
    GLOBALS.set(&Globals::new(), || {
        let cm: Lrc<SourceMap> = Default::default();
        let fm = cm.new_source_file(Lrc::new(FileName::Real(file.to_path_buf())), code.to_string());
        let comments = SingleThreadedComments::default();
        let syntax = if ts {
            Syntax::Typescript(TsSyntax { tsx: jsx, ..Default::default() })
        } else {
            Syntax::Es(EsSyntax { jsx, ..Default::default() })
        };
        let mut parser = Parser::new(syntax, StringInput::from(&*fm), Some(&comments));
        // Unambiguous, as Babel's `sourceType`, except that `.mjs`/`.mts` are
        // modules (SWC cannot give back a script with an import in it).
        let program = if name.ends_with(".mjs") || name.ends_with(".mts") {
            parser.parse_module().map(Program::Module)
        } else {
            parser.parse_program()
        };
        let program = program.map_err(|e| format!("{name}: parse error {e:?}"))?;
        let unresolved_mark = Mark::new();
        let top_level_mark = Mark::new();
        let mut program = program.apply(resolver(unresolved_mark, top_level_mark, ts));
        let ts_config = typescript::Config { native_class_properties: true, ..Default::default() };
        if ts && jsx {
            let tsx_config = TsxConfig { pragma: Some("h".into()), pragma_frag: Some("Fragment".into()) };
            program = program.apply(typescript::tsx(
                cm.clone(),
                ts_config,
                tsx_config,
                &comments,
                unresolved_mark,
                top_level_mark,
            ));
        } else if ts {
            program = program.apply(typescript::typescript(ts_config, unresolved_mark, top_level_mark));
        }
        if let Some(options) = options {
            let cwd = cwd.to_string_lossy();
            let printed = Printed::default();
            let handler = Handler::with_emitter_writer(Box::new(printed.clone()), Some(cm.clone()));
            program = HANDLER.set(&handler, || {
                program.apply(autometrics(options.clone(), Some(&name), Some(&cwd), unresolved_mark))
            });
            if handler.has_errors() {
                return Err(String::from_utf8_lossy(&printed.0.lock().unwrap()).to_string());
            }
        }
        if jsx {
            let react_options = react::Options {
                runtime: Some(Runtime::Classic),
                pragma: Some("h".into()),
                pragma_frag: Some("Fragment".into()),
                ..Default::default()
            };
            program = program.apply(react::react(
                cm.clone(),
                Some(&comments),
                react_options,
                top_level_mark,
                unresolved_mark,
            ));
        }
        let program = program.apply((hygiene(), fixer(Some(&comments))));
        Ok(to_code_default(cm, Some(&comments), &program))
    })
}

/// `input.tsx` → `input.js`: what the entry is called once compiled.
fn compiled_name(entry: &str) -> String {
    let stem = entry.rsplit_once('.').map_or(entry, |(s, _)| s);
    match entry.rsplit_once('.').map(|(_, e)| e) {
        Some("mts") | Some("mjs") => format!("{stem}.mjs"),
        Some("cts") | Some("cjs") => format!("{stem}.cjs"),
        _ => format!("{stem}.js"),
    }
}

fn check_output(case: &Case, update: bool) -> Result<(), String> {
    let options = Options::from_json(Some(&case.options.to_string()));
    let code = fs::read_to_string(case.dir.join(&case.entry)).map_err(|e| e.to_string())?;
    if let Some(expected) = &case.error {
        // Bad options, or a bad directive in the file.
        return match options.map(|o| compile(&code, &case.dir.join(&case.entry), &case.dir, Some(&o))) {
            Err(e) if e.0 == *expected => Ok(()),
            Ok(Err(printed)) if printed.contains(expected.as_str()) => Ok(()),
            Err(e) => Err(format!("wrong error:\n  expected: {expected}\n  actual:   {}", e.0)),
            Ok(Err(printed)) => Err(format!("wrong error:\n  expected: {expected}\n  actual:   {printed}")),
            Ok(Ok(_)) => Err(format!("no error; expected: {expected}")),
        };
    }
    let options = options.map_err(|e| e.0)?;
    let actual = compile(&code, &case.dir.join(&case.entry), &case.dir, Some(&options))?;
    let file = case.dir.join(OUTPUT);
    if update {
        fs::write(&file, &actual).map_err(|e| e.to_string())?;
    }
    if !file.exists() {
        return Err(format!("no {OUTPUT} in {}: write it with UPDATE=1 and review it", case.dir.display()));
    }
    let expected = fs::read_to_string(&file).map_err(|e| e.to_string())?;
    if actual == expected {
        Ok(())
    } else if cfg!(any(feature = "ast14", feature = "ast17"))
        && without_comments(&actual) == without_comments(&expected)
    {
        // swc_core 35's and 46's printers put a module's leading comment above
        // the import the plugin adds, not below it (as Next 15 and @swc/core
        // 1.14 print it too).
        Ok(())
    } else {
        Err(diff(&expected, &actual))
    }
}

/// The code without its line comments and blank lines (compat/corpus-worker.ts's `withoutComments`).
fn without_comments(code: &str) -> Vec<&str> {
    code.lines().filter(|line| !(line.trim().is_empty() || line.trim_start().starts_with("//"))).collect()
}

fn check_idempotent(case: &Case) -> Result<(), String> {
    let options = Options::from_json(Some(&case.options.to_string())).map_err(|e| e.0)?;
    let code = fs::read_to_string(case.dir.join(&case.entry)).map_err(|e| e.to_string())?;
    let once = compile(&code, &case.dir.join(&case.entry), &case.dir, Some(&options))?;
    let twice = compile(&once, &case.dir.join(compiled_name(&case.entry)), &case.dir, Some(&options))?;
    if once == twice {
        Ok(())
    } else {
        Err(diff(&once, &twice))
    }
}

fn diff(expected: &str, actual: &str) -> String {
    let mut out = String::from("--- expected\n+++ actual\n");
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => out.push_str(&format!("  {x}\n")),
            (x, y) => {
                if let Some(x) = x {
                    out.push_str(&format!("- {x}\n"));
                }
                if let Some(y) = y {
                    out.push_str(&format!("+ {y}\n"));
                }
            }
        }
    }
    out
}

/// One named check of a case.
type Test<'a> = Box<dyn Fn() -> Result<(), String> + 'a>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let update = std::env::var("UPDATE").is_ok_and(|v| v == "1");
    // The repository's fixtures/, above wherever these sources are built from (../ast27, ../ast17
    // and ../ast14 build them too).
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("fixtures"))
        .find(|dir| dir.join("contract").is_dir())
        .expect("the repository's fixtures/");
    let cases = load_cases(&corpus);
    assert!(!cases.is_empty(), "no fixtures under {}", corpus.display());

    let mut tests: Vec<(String, Test<'_>)> = Vec::new();
    for case in &cases {
        tests.push((format!("{}: output", case.name), Box::new(move || check_output(case, update))));
        if case.error.is_none() {
            tests.push((format!("{}: idempotent", case.name), Box::new(move || check_idempotent(case))));
        }
    }
    let selected: Vec<_> =
        tests.iter().filter(|(name, _)| args.is_empty() || args.iter().any(|a| name.contains(a))).collect();
    println!("\nrunning {} tests ({} fixture cases)", selected.len(), cases.len());
    let mut failures = Vec::new();
    for (name, test) in &selected {
        let result = catch_unwind(AssertUnwindSafe(test)).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {message}"))
        });
        match result {
            Ok(()) => println!("test {name} ... ok"),
            Err(message) => {
                println!("test {name} ... FAILED");
                failures.push((name.clone(), message));
            }
        }
    }
    for (name, message) in &failures {
        println!("\n---- {name} ----\n{message}");
    }
    let passed = selected.len() - failures.len();
    let status = if failures.is_empty() { "ok" } else { "FAILED" };
    println!("\ntest result: {status}. {passed} passed; {} failed\n", failures.len());
    if !failures.is_empty() {
        std::process::exit(101);
    }
}
