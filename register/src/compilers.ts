import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import type { Listed } from "./manifest";
import { listedInOutput } from "./swc-output";

/**
 * How a file is read: its module system (undefined: decided from the syntax,
 * as Node does), whether it has types, and whether it may hold JSX (for the
 * CLI and the editor; Node runs no JSX).
 */
export interface Format {
  esm: boolean | undefined;
  typescript: boolean;
  jsx?: boolean;
}

/** The plugins' `moduleSystem` for a format: Node's decision, else the same reading of the syntax. */
function moduleSystem(format: Format): "esm" | "commonjs" | "auto" {
  return format.esm === undefined ? "auto" : format.esm ? "esm" : "commonjs";
}

/** One of the two plugins with its compiler, as the load hook and the CLI use it. */
export interface Compiler {
  name: "babel" | "swc";
  /**
   * What a cached result depends on besides the file: the compiler's and the
   * plugin's versions, and the plugin's files as they are on disk (a plugin
   * rebuilt or relinked under the same version compiles again). Read when
   * asked: only the load hook's cache needs it.
   */
  identity(): string;
  /** Its output keeps TypeScript's types (for Node to strip), rather than compiling them away. */
  keepsTypes: boolean;
  /**
   * The file instrumented, with an inline source map, or undefined when the
   * plugin selected nothing in it (the file then runs as it is).
   */
  transform(code: string, filename: string, format: Format): string | undefined;
  /** What the plugin instruments in the file, as the Babel plugin's metadata says it. */
  list(code: string, filename: string, format: Format): Listed[];
}

const NAMES = { babel: ["@babel/core", "babel-plugin-autometrics"], swc: ["@swc/core", "swc-plugin-autometrics"] } as const;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface BabelCore {
  transformSync(code: string, options: object): { code?: string | null; metadata?: { autometrics?: Listed[] } } | null;
}

interface SwcCore {
  transformSync(code: string, options: object): { code: string };
  parseSync(code: string, options: object): unknown;
}

interface Found {
  path: string;
  version: string;
}

/** Finds a package the way the project would, else as this runtime would. */
function finder(root: string): (name: string) => Found | undefined {
  const requires = [createRequire(join(root, "package.json")), createRequire(__filename)];
  return (name) => {
    for (const req of requires) {
      try {
        const path = req.resolve(name);
        return { path, version: String(req(`${name}/package.json`).version) };
      } catch {
        // not from here
      }
    }
    return undefined;
  };
}

/** The JavaScript files of a folder. */
function filesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.[cm]?js$/.test(f))
    .map((f) => join(dir, f));
}

/** The versions of the compiler and the plugin, and the size and time of each of the plugin's `files`. */
function identity(host: Found, plugin: Found, files: string[]): string {
  const stamps = files.map((f) => {
    const { size, mtimeMs } = statSync(f);
    return `${f}:${size}:${mtimeMs}`;
  });
  return JSON.stringify([host.path, host.version, plugin.version, ...stamps]);
}

/** Loads a module the first time it is used: a start-up served from the cache never loads a compiler. */
function lazy<T>(path: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(path) as T);
}

function babelCompiler(host: Found, plugin: Found, root: string, options: Record<string, unknown>): Compiler {
  const babel = lazy<BabelCore>(host.path);
  const pluginModule = lazy<{ default?: unknown }>(plugin.path);
  const run = (code: string, filename: string, format: Format, output: object) =>
    babel().transformSync(code, {
      filename,
      cwd: root,
      babelrc: false,
      configFile: false,
      sourceType: format.esm === undefined ? "unambiguous" : format.esm ? "module" : "script",
      parserOpts: {
        allowReturnOutsideFunction: format.esm !== true,
        plugins: [...(format.typescript ? ["typescript"] : []), ...(format.jsx ? ["jsx"] : [])],
      },
      plugins: [[pluginModule().default ?? pluginModule(), { ...options, root: options.root ?? root, moduleSystem: moduleSystem(format) }]],
      ...output,
    });
  return {
    name: "babel",
    // The plugin's entry loads its siblings: any of them rebuilt changes the output.
    identity: () => identity(host, plugin, filesIn(dirname(plugin.path))),
    keepsTypes: true,
    transform(code, filename, format) {
      // The lines stay where they were: stack traces are right without source maps.
      const result = run(code, filename, format, { retainLines: true, sourceMaps: "inline" });
      const instrumented = (result?.metadata?.autometrics?.length ?? 0) > 0;
      return instrumented ? (result?.code ?? undefined) : undefined;
    },
    list(code, filename, format) {
      const listed = run(code, filename, format, { code: false })?.metadata?.autometrics ?? [];
      return listed.map(({ objective, ...f }) => (objective === undefined ? f : { ...f, objective }));
    },
  };
}

/**
 * The SWC plugin's package resolves to its default .wasm file; its
 * `compat` module names the build this @swc/core runs, or throws, saying
 * what to install, when none does.
 */
function swcCompiler(host: Found, plugin: Found, root: string, options: Record<string, unknown>): Compiler {
  const swc = lazy<SwcCore>(host.path);
  const compat = require(join(dirname(plugin.path), "compat", "host.js")) as { plugin(o: { version: string }): string };
  const wasm = compat.plugin({ version: host.version });
  const runtime = typeof options.runtime === "string" ? options.runtime : "autometrics-runtime";
  // What the plugin writes to bring in the runtime (docs/transform.md, "Bringing in the runtime").
  const quoted = escapeRegExp(JSON.stringify(runtime));
  const bringsIn = new RegExp(`\\binstrument as _instrument\\w* \\} from ${quoted}|require\\(${quoted}\\)\\.instrument\\b`, "g");
  const count = (text: string) => text.match(bringsIn)?.length ?? 0;
  return {
    name: "swc",
    identity: () => identity(host, plugin, [wasm]),
    keepsTypes: false,
    transform(code, filename, format) {
      const result = swc().transformSync(code, {
        filename,
        swcrc: false,
        configFile: false,
        isModule: format.esm ?? "unknown",
        sourceMaps: "inline",
        jsc: {
          target: "esnext",
          parser: format.typescript ? { syntax: "typescript", tsx: format.jsx } : { syntax: "ecmascript", jsx: format.jsx },
          experimental: { plugins: [[wasm, { ...options, root: options.root ?? root, moduleSystem: moduleSystem(format) }]] },
        },
      });
      // SWC prints every file again: keep the original unless the plugin brought in the runtime.
      return count(result.code) > count(code) ? result.code : undefined;
    },
    list(code, filename, format) {
      const output = this.transform(code, filename, format);
      return output === undefined ? [] : listedInOutput(swc(), output, runtime);
    },
  };
}

/** One of the plugins and its compiler, as the project has them. */
interface Installed {
  name: "babel" | "swc";
  host: Found;
  plugin: Found;
}

/**
 * The plugin to run: `choice` (`AUTOMETRICS_COMPILER`) when set, else Babel
 * when the project has it with the Babel plugin, else SWC with the Wasm
 * plugin. Throws, saying what to install for `purpose`, when neither is there.
 */
function findInstalled(root: string, choice: string | undefined, purpose: string): Installed {
  if (choice !== undefined && choice !== "babel" && choice !== "swc") {
    throw new Error(`AUTOMETRICS_COMPILER must be "babel" or "swc", got ${JSON.stringify(choice)}`);
  }
  const wanted: "babel" | "swc" | undefined = choice;
  const find = finder(root);
  for (const name of wanted === undefined ? (["babel", "swc"] as const) : [wanted]) {
    const [core, pluginName] = NAMES[name];
    const host = find(core);
    const plugin = host && find(pluginName);
    if (host !== undefined && plugin !== undefined) return { name, host, plugin };
  }
  const choices =
    wanted === undefined
      ? "babel-plugin-autometrics (with @babel/core) or swc-plugin-autometrics (with @swc/core)"
      : NAMES[wanted].join(" and ");
  throw new Error(`${purpose} needs ${choices}: npm install --save-dev ${(wanted === undefined ? NAMES.babel : NAMES[wanted]).join(" ")}`);
}

/** The compiler to use (`findInstalled`'s choice), for `purpose`. */
export function chooseCompiler(
  root: string,
  options: Record<string, unknown>,
  choice: string | undefined,
  purpose = "instrumenting at load time",
): Compiler {
  const { name, host, plugin } = findInstalled(root, choice, purpose);
  return (name === "babel" ? babelCompiler : swcCompiler)(host, plugin, root, options);
}

/**
 * What a compiler's error says is wrong, on one line: the plugin's own message
 * when it is one (Babel adds the file and the plugin it ran, SWC frames it),
 * else the first line; without colour codes (Babel colours its code frame
 * when it sees a terminal or CI set).
 */
export function problemOf(error: unknown): string {
  const text = stripVTControlCharacters(error instanceof Error ? error.message : String(error));
  const ours = /autometrics: [^\n]*/.exec(text)?.[0];
  if (ours !== undefined) return ours.replace(/ \(While processing: [^)]*\)$/, "");
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "") ?? text
  );
}
