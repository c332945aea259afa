/**
 * The Babel plugin as an esbuild plugin (esbuild, and tsup's `esbuildPlugins`),
 * since esbuild has no slot for Babel plugins:
 * `import { autometrics } from "babel-plugin-autometrics/esbuild"`, then
 * `plugins: [autometrics({ include: ["src/**"] })]`.
 *
 * Babel runs our plugin alone, parsing TypeScript and JSX but compiling
 * nothing else, and hands esbuild the instrumented source with its source map
 * inline, which esbuild chains into the bundle's map. Every file the options
 * cannot select is left to esbuild: the load callback returns undefined and
 * esbuild reads the file itself, so it comes out exactly as without the plugin.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import type { Loader, PartialMessage, Plugin } from "esbuild";
import autometricsPlugin from "./index";
import { mayHaveDirective } from "./directives";
import { OptionError, type Options, parseOptions, selectsFile } from "./options";
import { paths } from "./paths";

/** The files esbuild loads as JavaScript or TypeScript by default. */
const SCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const DEFAULT_LOADERS: Record<string, Loader> = {
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
 * some character. esbuild then never calls into JavaScript for a dependency.
 */
function scriptsOutside(dir: string): RegExp {
  const other = "[^/\\\\]";
  const alternatives = [`${other}{0,${dir.length - 1}}`, `${other}{${dir.length + 1},}`];
  for (let i = 0; i < dir.length; i++) {
    alternatives.push(`${dir.slice(0, i)}[^/\\\\${dir[i]}]${other}{${dir.length - 1 - i}}`);
  }
  return new RegExp(`^(?:(?:${alternatives.join("|")})[/\\\\])*${other}*${SCRIPT.source}`);
}

/**
 * A Babel error as esbuild reports it: the message without Babel's file
 * prefix and code frame, at its line (a syntax error's `loc`, else the line
 * the code frame points at, as for a bad directive).
 */
function messageOf(error: unknown, file: string, code: string): PartialMessage {
  const text = stripVTControlCharacters(error instanceof Error ? error.message : String(error));
  const first = (text.split("\n")[0] ?? text).replace(`${file}: `, "");
  const framed = /^>\s*(\d+) \|/m.exec(text);
  const loc = (error as { loc?: { line: number; column: number } }).loc ?? (framed ? { line: Number(framed[1]), column: 0 } : undefined);
  if (loc === undefined) return { text: first, location: { file } };
  return { text: first, location: { file, line: loc.line, column: loc.column, lineText: code.split("\n")[loc.line - 1] ?? "" } };
}

/**
 * The esbuild plugin. `options` are the Babel plugin's (docs/transform.md),
 * checked when esbuild sets the plugin up: a bad option fails the build once,
 * naming it, before any file is read. `root` (which `include` globs and
 * `module` labels are relative to) defaults to esbuild's working directory
 * (`absWorkingDir`, else the process's).
 */
export function autometrics(options: Record<string, unknown> = {}): Plugin {
  return {
    name: "autometrics",
    async setup(build) {
      let parsed: Options;
      try {
        parsed = parseOptions(options);
      } catch (error) {
        if (!(error instanceof OptionError)) throw error;
        // Thrown from here, esbuild would show our own stack as the error's place;
        // reported when the build starts, it fails once with the message alone, before any file is read.
        build.onStart(() => ({ errors: [{ text: error.message }] }));
        return;
      }
      let babel: typeof import("@babel/core");
      try {
        // Babel 8 is an ECMAScript module: import() loads either major.
        babel = await import("@babel/core");
      } catch (error) {
        if ((error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
        build.onStart(() => ({
          errors: [{ text: "babel-plugin-autometrics/esbuild needs @babel/core: npm install --save-dev @babel/core" }],
        }));
        return;
      }
      const transformAsync = babel.transformAsync ?? (babel as unknown as { default: typeof babel }).default.transformAsync;
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      const root = parsed.root === undefined ? cwd : resolve(cwd, parsed.root);
      const loaders = { ...DEFAULT_LOADERS, ...build.initialOptions.loader };
      const maps = build.initialOptions.sourcemap !== undefined && build.initialOptions.sourcemap !== false;
      // The same array every time: Babel then builds the plugin once.
      const plugins = [[autometricsPlugin, options]];
      // Dependencies only when a glob names them, or the root itself is one (the filter sees whole paths).
      const withDependencies = /[/\\]node_modules(?:[/\\]|$)/.test(root) || parsed.include.patterns.some((p) => p.includes("node_modules"));
      const filter = withDependencies ? SCRIPT : scriptsOutside("node_modules");

      build.onLoad({ filter, namespace: "file" }, async (args) => {
        const loader = loaders[/\.[^.]+$/.exec(args.path)?.[0] ?? ""];
        if (loader !== "js" && loader !== "jsx" && loader !== "ts" && loader !== "tsx") return undefined;
        const code = await readFile(args.path, "utf8");
        if (!selectsFile(parsed, paths(args.path, root).file) && !mayHaveDirective(code)) return undefined;

        let result: Awaited<ReturnType<typeof transformAsync>>;
        try {
          result = await transformAsync(code, {
            filename: args.path,
            cwd,
            // Only our plugin: no babel.config.js, no presets; esbuild compiles.
            babelrc: false,
            configFile: false,
            sourceType: /\.m[jt]s$/.test(args.path) ? "module" : /\.c[jt]s$/.test(args.path) ? "script" : "unambiguous",
            parserOpts: {
              plugins: [
                ...(loader === "ts" || loader === "tsx" ? (["typescript"] as const) : []),
                ...(loader === "jsx" || loader === "tsx" ? (["jsx"] as const) : []),
                // esbuild compiles decorators too (TypeScript's and the standard ones).
                "decorators",
              ],
            },
            plugins,
            sourceMaps: maps ? "inline" : false,
            // Babel would print large files compactly, and say so on the console.
            compact: false,
          });
        } catch (error) {
          // The file's own syntax error, or a bad directive: the build fails at that file and line.
          return { errors: [messageOf(error, args.path, code)] };
        }
        const instrumented = (result?.metadata as { autometrics?: unknown[] } | undefined)?.autometrics?.length ?? 0;
        if (instrumented === 0 || typeof result?.code !== "string") return undefined;
        return { contents: result.code, loader };
      });
    },
  };
}
