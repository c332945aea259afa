"use strict";
// autometrics(options): this Wasm plugin as an esbuild plugin (esbuild, and
// tsup's `esbuildPlugins`), since esbuild has no slot for SWC plugins. @swc/core
// runs the plugin alone on each script esbuild loads outside node_modules,
// parsing TypeScript and JSX and targeting esnext, so that esbuild still does
// the compiling (SWC does strip TypeScript's types: it cannot print them).
// A file the plugin instrumented reaches esbuild with its source map inline,
// which esbuild chains into the bundle's map; any other file is left to esbuild,
// which reads it itself, so it comes out exactly as without the plugin.

const { readFile } = require("node:fs/promises");
const { join, resolve } = require("node:path");
const { plugin: wasmFor } = require("./compat/host.js");

/** The files esbuild loads as JavaScript or TypeScript by default. */
const SCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const DEFAULT_LOADERS = {
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".jsx": "jsx",
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
};

/**
 * esbuild's filters are Go regular expressions, which have no lookahead, so
 * "a script with no `node_modules` segment in its path" is spelled out: each
 * directory is shorter or longer than `node_modules`, or differs from it at
 * some character (as babel-plugin-autometrics/esbuild does).
 */
function scriptsOutside(dir) {
  const other = "[^/\\\\]";
  const alternatives = [`${other}{0,${dir.length - 1}}`, `${other}{${dir.length + 1},}`];
  for (let i = 0; i < dir.length; i++) {
    alternatives.push(`${dir.slice(0, i)}[^/\\\\${dir[i]}]${other}{${dir.length - 1 - i}}`);
  }
  return new RegExp(`^(?:(?:${alternatives.join("|")})[/\\\\])*${other}*${SCRIPT.source}`);
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * An SWC error as esbuild reports it: the plugin's own message when it is one,
 * else the first line (SWC frames both with the file and a code frame), at the
 * line and column of SWC's frame.
 */
function messageOf(error, file, code) {
  const text = String(error instanceof Error ? error.message : error);
  const ours = /autometrics: [^\n]*/.exec(text)?.[0];
  const first =
    ours ??
    text
      .split("\n")
      .map((l) => l.replace(/^\s*x\s+/, "").trim())
      .find((l) => l !== "") ??
    text;
  const at = /,-\[[^\n]*:(\d+):\d+\]/.exec(text);
  if (at === null) return { text: first, location: { file } };
  const line = Number(at[1]);
  // The frame's caret line ("   :    ^") gives the column: the spaces after its bar, less the one after every bar.
  const caret = /\n\s*:( *)\^/.exec(text);
  const column = caret ? Math.max(0, caret[1].length - 1) : 0;
  return { text: first, location: { file, line, column, lineText: code.split("\n")[line - 1] ?? "" } };
}

/** Where `name` resolves from the first of `paths` that has it; throws saying what to install when none does. */
function needed(name, paths) {
  try {
    return require.resolve(name, { paths });
  } catch {
    throw new Error(`swc-plugin-autometrics/esbuild needs ${name}: npm install --save-dev ${name}`);
  }
}

function autometrics(options = {}) {
  return {
    name: "autometrics",
    async setup(build) {
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      let swc;
      let wasm;
      try {
        // The build the project's @swc/core runs (or an error saying what to install), and the
        // options checked once, on an empty program, before any file is read.
        wasm = wasmFor({ from: cwd });
        swc = require(needed("@swc/core", [cwd, __dirname]));
        await swc.transform("", {
          filename: join(cwd, "autometrics-options.js"),
          cwd,
          swcrc: false,
          configFile: false,
          jsc: { target: "esnext", experimental: { plugins: [[wasm, options]] } },
        });
      } catch (error) {
        // Thrown from here, esbuild would show a stack as the error's place; reported when the
        // build starts, it fails once with the message alone.
        const text = String(error instanceof Error ? error.message : error);
        build.onStart(() => ({ errors: [{ text: /autometrics: [^\n]*/.exec(text)?.[0] ?? text.split("\n")[0] }] }));
        return;
      }
      const loaders = { ...DEFAULT_LOADERS, ...build.initialOptions.loader };
      const maps = build.initialOptions.sourcemap !== undefined && build.initialOptions.sourcemap !== false;
      // The plugin takes its root from SWC's working directory, the process's: name esbuild's.
      const root = resolve(cwd, typeof options.root === "string" ? options.root : ".");
      const plugins = [[wasm, { ...options, root }]];
      // Dependencies only when a glob names them, or the root itself is one (the filter sees whole paths).
      const includes = typeof options.include === "string" ? [options.include] : (options.include ?? []);
      const withDependencies = /(?:^|[/\\])node_modules(?:[/\\]|$)/.test(root) || includes.some((p) => p.includes("node_modules"));
      const filter = withDependencies ? SCRIPT : scriptsOutside("node_modules");
      // What the plugin writes to bring in the runtime (docs/transform.md, "Bringing in the runtime"):
      // SWC prints every file again, so this is how a file it instrumented is told from the others.
      const quoted = escapeRegExp(JSON.stringify(typeof options.runtime === "string" ? options.runtime : "autometrics-runtime"));
      const bringsIn = new RegExp(`\\binstrument as _instrument\\w* \\} from ${quoted}|require\\(${quoted}\\)\\.instrument\\b`, "g");
      const count = (text) => text.match(bringsIn)?.length ?? 0;

      build.onLoad({ filter, namespace: "file" }, async (args) => {
        const loader = loaders[/\.[^.]+$/.exec(args.path)?.[0] ?? ""];
        if (loader !== "js" && loader !== "jsx" && loader !== "ts" && loader !== "tsx") return undefined;
        const code = await readFile(args.path, "utf8");
        // Globs are matched in the Wasm plugin, so every file goes through SWC, but for one thing:
        // with no `include`, only a directive can select a function.
        if (includes.length === 0 && !code.includes("use autometrics") && !code.includes("use no autometrics")) return undefined;
        const typescript = loader === "ts" || loader === "tsx";
        const jsx = loader === "jsx" || loader === "tsx";
        let result;
        try {
          result = await swc.transform(code, {
            filename: args.path,
            cwd,
            // Only our plugin: no .swcrc; esbuild compiles.
            swcrc: false,
            configFile: false,
            isModule: /\.m[jt]s$/.test(args.path) ? true : "unknown",
            sourceMaps: maps ? "inline" : false,
            jsc: {
              target: "esnext",
              parser: typescript ? { syntax: "typescript", tsx: jsx, decorators: true } : { syntax: "ecmascript", jsx, decorators: true },
              // JSX stays JSX, for esbuild's JSX settings.
              transform: { react: { runtime: "preserve" } },
              preserveAllComments: true,
              experimental: { plugins },
            },
          });
        } catch (error) {
          // The file's own syntax error, or a bad directive: the build fails at that file and line.
          return { errors: [messageOf(error, args.path, code)] };
        }
        if (count(result.code) <= count(code)) return undefined;
        // The types are gone; the JSX is still there.
        return { contents: result.code, loader: jsx ? "jsx" : "js" };
      });
    },
  };
}

module.exports = { autometrics };
