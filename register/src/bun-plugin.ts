/**
 * The load hook's work under Bun, whose module loader takes no Node hooks
 * (no `module.registerHooks`, `module.register` or `Module.prototype._compile`):
 * a Bun plugin, for `Bun.plugin()` (at run time, from a preload) and for
 * `Bun.build({ plugins })`, with the same compilers, options and disk cache.
 */
import { existsSync, readFileSync } from "node:fs";
import Module from "node:module";
import { extname, join, sep } from "node:path";
import type { Format } from "./compilers";
import type { Instrumenter } from "./instrument";

/** The part of Bun's plugin interface used here (bun-types is not a dependency). */
export interface BunPlugin {
  name: string;
  setup(build: BunPluginBuild): void;
}

/** What the plugin's `setup` is given: Bun's builder, at run time or in `Bun.build`. */
export interface BunPluginBuild {
  /** Set by `Bun.build`, not at run time. */
  config?: unknown;
  onLoad(
    constraints: { filter: RegExp; namespace?: string },
    callback: (args: { path: string }) => { contents: string; loader: string } | undefined,
  ): void;
}

const LOADERS: Record<string, string> = {
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".jsx": "jsx",
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether the project's package.json says its `.js` files are ES modules. */
function moduleProject(root: string): boolean {
  const manifest = join(root, "package.json");
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type === "module";
  } catch {
    return false;
  }
}

/**
 * The files a plugin's `onLoad` takes: under the root, outside `node_modules`
 * unless the options take over `exclude`, with an extension in `extensions`.
 */
function filterFor(root: string, instrumenter: Instrumenter, extensions: string[]): RegExp {
  const prefix = escapeRegExp(root.endsWith(sep) ? root : root + sep);
  const outside = instrumenter.selectsNodeModules ? "" : `(?!(?:.*[\\\\/])?node_modules[\\\\/])`;
  return new RegExp(`^${prefix}${outside}.*(?:${extensions.map(escapeRegExp).join("|")})$`);
}

/** How the plugins read a file Bun loads: ES module unless its name says CommonJS. */
function formatOf(filename: string, bundling: boolean): Format {
  const ext = extname(filename);
  const typescript = ext === ".ts" || ext === ".mts" || ext === ".cts" || ext === ".tsx";
  const jsx = ext === ".jsx" || ext === ".tsx";
  if (ext === ".cjs" || ext === ".cts") return { esm: false, typescript, jsx };
  // At run time only ES modules reach the plugin; a bundle reads the syntax, as Bun does.
  return { esm: bundling && (ext === ".js" || ext === ".ts") ? undefined : true, typescript, jsx };
}

/**
 * The plugin. At run time Bun treats whatever `onLoad` returns as an ES module
 * (oven-sh/bun#19279: CommonJS returned there loses its exports), so `onLoad`
 * takes only files whose name makes them ES modules (`.mjs`, `.mts`, `.ts`,
 * `.tsx`, `.jsx`, and `.js` in a `"type": "module"` project); CommonJS files
 * are instrumented when `require`d, through `Module._extensions`, which Bun's
 * `require` honours. `Bun.build` reads every file's syntax itself, so there it
 * takes them all.
 */
export function bunPlugin(instrumenter: Instrumenter, root: string): BunPlugin {
  return {
    name: "autometrics",
    setup(build) {
      const bundling = build.config !== undefined;
      const extensions = bundling ? Object.keys(LOADERS) : [".mjs", ".mts", ".ts", ".tsx", ".jsx", ...(moduleProject(root) ? [".js"] : [])];
      build.onLoad({ filter: filterFor(root, instrumenter, extensions) }, ({ path }) => {
        const loader = LOADERS[extname(path)];
        if (loader === undefined) return undefined;
        const code = readFileSync(path, "utf8");
        const output = instrumenter.wants(path) ? instrumenter.instrument(code, path, formatOf(path, bundling)) : undefined;
        return { contents: output ?? code, loader };
      });
      if (!bundling) instrumentRequires(instrumenter, extensions);
    },
  };
}

type Extension = (module: { _compile(code: string, filename: string): unknown }, filename: string) => unknown;

/** CommonJS files `require`d at run time, those `onLoad` does not take: compiled with the instrumented text. */
function instrumentRequires(instrumenter: Instrumenter, taken: string[]): void {
  const extensions = (Module as unknown as { _extensions: Record<string, Extension> })._extensions;
  for (const ext of [".js", ".cjs"]) {
    if (taken.includes(ext)) continue;
    const previous = extensions[ext] ?? extensions[".js"];
    if (previous === undefined) continue;
    extensions[ext] = function (this: unknown, module, filename) {
      if (instrumenter.wants(filename)) {
        const output = instrumenter.instrument(readFileSync(filename, "utf8"), filename, { esm: false, typescript: false });
        if (output !== undefined) return module._compile(output, filename);
      }
      return previous.call(this, module, filename);
    };
  }
}
