import * as swc from "@swc/core";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Case, type Compile, type RunResult, compileAndRun } from "../../fixtures/harness/corpus";

/** The plugin as `npm run build` leaves it (the package's `main`). */
export const WASM = join(__dirname, "..", "swc_plugin_autometrics.wasm");
/** The build on swc_ecma_ast 27, for older hosts (`node build.mjs --ast=27`). */
export const WASM_AST27 = join(__dirname, "..", "swc_plugin_autometrics_ast27.wasm");
/** The build on swc_ecma_ast 17, for @swc/core 1.14 (`node build.mjs --ast=17`). */
export const WASM_AST17 = join(__dirname, "..", "swc_plugin_autometrics_ast17.wasm");
/** The build on swc_ecma_ast 14, for hosts before CBOR (`node build.mjs --ast=14`). */
export const WASM_AST14 = join(__dirname, "..", "swc_plugin_autometrics_ast14.wasm");
for (const wasm of [WASM, WASM_AST27, WASM_AST17, WASM_AST14])
  if (!existsSync(wasm)) throw new Error(`${wasm} is missing: build it first (npm run build, or npm test)`);

export const RUN_DIR = join(__dirname, ".run");

/** Where @swc/core keeps the plugin compiled to native code (else `.swc/` in the working directory). */
export const CACHE_ROOT = join(RUN_DIR, ".swc");

/**
 * @swc/core options for one file of the corpus: TypeScript, TSX and JSX parsed
 * by extension, JSX with the pragma `h` (as the Babel side's preset-react),
 * ES2022 so that arrows and classes stay as written, and the program's kind
 * left to the parser (`isModule: "unknown"`, Babel's `sourceType:
 * "unambiguous"`) except for `.mjs`/`.mts`, which are modules: SWC hands a
 * plugin a script as a script, and a script cannot take an import.
 */
export function swcOptions(file: string, plugins: [string, Record<string, unknown>][], javascript = false, downlevel = false): swc.Options {
  const ts = !javascript && /\.(ts|tsx|mts|cts)$/.test(file);
  const jsx = !javascript && /\.(jsx|tsx)$/.test(file);
  return {
    filename: file,
    swcrc: false,
    configFile: false,
    isModule: /\.m[jt]s$/.test(file) ? true : "unknown",
    sourceMaps: false,
    ...(downlevel ? { env: { targets: { node: "6" } } } : {}),
    jsc: {
      ...(downlevel ? {} : { target: "es2022" as const }),
      parser: ts ? { syntax: "typescript", tsx: jsx } : { syntax: "ecmascript", jsx },
      transform: { react: { runtime: "classic", pragma: "h", pragmaFrag: "Fragment" } },
      experimental: { plugins, cacheRoot: CACHE_ROOT },
    },
  };
}

/**
 * The plugin's options for a corpus case. Babel is given the case folder as
 * its `cwd`; SWC's plugins see the process's working directory instead, so
 * the case folder becomes `root` (a relative `root` is taken from it).
 */
export function caseOptions(caseDir: string, options: Record<string, unknown>): Record<string, unknown> {
  const root = typeof options.root === "string" ? resolve(caseDir, options.root) : caseDir;
  return { ...options, root };
}

/** The corpus' compiler, with @swc/core and the Wasm plugin. */
export const compileWithSwc: Compile = async (code, file, caseDir, withPlugin, options) => {
  const plugins: [string, Record<string, unknown>][] = withPlugin ? [[WASM, caseOptions(caseDir, options)]] : [];
  const result = await swc.transform(code, swcOptions(join(caseDir, file), plugins));
  return `${result.code}\n`;
};

/** The same, for code that is already plain JavaScript (named as the original file). */
export const compileJavaScriptWithSwc: Compile = async (code, file, caseDir, withPlugin, options) => {
  const plugins: [string, Record<string, unknown>][] = withPlugin ? [[WASM, caseOptions(caseDir, options)]] : [];
  const result = await swc.transform(code, swcOptions(join(caseDir, file), plugins, true));
  return `${result.code}\n`;
};

/**
 * The same, then compiled down for Node 6 by SWC itself (arrows, classes,
 * async functions, private methods rewritten after the plugin), as the Babel
 * side runs the corpus through preset-env.
 */
export const compileDownWithSwc: Compile = async (code, file, caseDir, withPlugin, options) => {
  const plugins: [string, Record<string, unknown>][] = withPlugin ? [[WASM, caseOptions(caseDir, options)]] : [];
  const result = await swc.transform(code, swcOptions(join(caseDir, file), plugins, false, true));
  return `${result.code}\n`;
};

const runs = new Map<string, Promise<RunResult>>();

/** A case compiled by SWC and run, once per process (the corpus and parity suites share it). */
export function runWithSwc(c: Case, withPlugin: boolean): Promise<RunResult> {
  const key = `${c.name}:${withPlugin}`;
  let run = runs.get(key);
  if (run === undefined) {
    run = compileAndRun(c, compileWithSwc, withPlugin, join(RUN_DIR, "swc", c.name, withPlugin ? "instrumented" : "original"));
    runs.set(key, run);
  }
  return run;
}
