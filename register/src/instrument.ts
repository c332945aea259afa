import { extname, sep } from "node:path";
import { reportOnce } from "autometrics-runtime/internal";
import { type Cached, DiskCache } from "./cache";
import { type Compiler, type Format, chooseCompiler, problemOf } from "./compilers";

/** What the load hook is set up with, in the main thread and (Node 20) the hooks thread alike. */
export interface Setup {
  root: string;
  options: Record<string, unknown>;
  compiler: string | undefined;
  cacheDir: string;
  /** Also `.jsx` and `.tsx` files, which Bun runs (Node runs no JSX). */
  jsx?: boolean;
}

const EXTENSIONS = new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]);
const WITH_JSX = new Set([...EXTENSIONS, ".jsx", ".tsx"]);

/**
 * Instruments the files Node loads, as the plugins would at build time:
 * each file under the project's root is compiled with the plugin (from the
 * disk cache when it was before), except `node_modules` unless the options
 * take over `exclude`. A file the plugin cannot handle runs as it is, with
 * one warning.
 */
export class Instrumenter {
  readonly compiler: Compiler;
  private readonly cache: DiskCache;
  private readonly byConfig: boolean;
  private readonly ownExclude: boolean;
  private readonly prefix: string;
  private readonly extensions: Set<string>;
  /** Compiling loads the compiler's own modules, which must not come back here. */
  private busy = false;

  constructor(setup: Setup) {
    this.compiler = chooseCompiler(setup.root, setup.options, setup.compiler);
    const include = setup.options.include;
    this.byConfig = include !== undefined && !(Array.isArray(include) && include.length === 0);
    this.ownExclude = setup.options.exclude !== undefined;
    this.prefix = setup.root.endsWith(sep) ? setup.root : setup.root + sep;
    this.extensions = setup.jsx ? WITH_JSX : EXTENSIONS;
    const salt = JSON.stringify([1, this.compiler.name, this.compiler.identity(), setup.root, setup.options]);
    this.cache = new DiskCache(setup.cacheDir, salt);
  }

  /** Whether the options take over `exclude`, so that files in `node_modules` may be selected too. */
  get selectsNodeModules(): boolean {
    return this.ownExclude;
  }

  /** Whether a file may hold something to instrument, before reading it. */
  wants(filename: string): boolean {
    if (this.busy || !filename.startsWith(this.prefix) || !this.extensions.has(extname(filename))) return false;
    return this.ownExclude || !filename.includes(`${sep}node_modules${sep}`);
  }

  /** The instrumented text of a file Node is loading, or undefined to run it as it is. */
  instrument(code: string, filename: string, format: Format): string | undefined {
    // Without `include`, only a directive selects: most files need no parse at all.
    if (!this.byConfig && !code.includes("use autometrics")) return undefined;
    const kind = `${format.esm === undefined ? "auto" : format.esm ? "esm" : "cjs"}${format.typescript ? "-ts" : ""}`;
    let result = this.cache.get(filename, code, kind);
    if (result === undefined) {
      result = this.compile(code, filename, format);
      this.cache.set(filename, code, kind, result);
    }
    if (result !== null && typeof result === "object") {
      // Said at every start, from the cache too, until the file is fixed.
      reportOnce(
        `register:${filename}`,
        `${filename} runs uninstrumented: ${this.compiler.name} could not instrument it: ${result.failed}`,
      );
      return undefined;
    }
    return result ?? undefined;
  }

  private compile(code: string, filename: string, format: Format): Cached {
    this.busy = true;
    try {
      return this.compiler.transform(code, filename, format) ?? null;
    } catch (error) {
      return { failed: problemOf(error) };
    } finally {
      this.busy = false;
    }
  }

  /** Fails, with the plugin's own message, when the options are wrong (once: a pass is cached with the options). */
  check(): void {
    const probe = `${this.prefix}autometrics-options-check.js`;
    if (this.cache.get(probe, "", "check") !== undefined) return;
    this.compiler.transform("", probe, { esm: false, typescript: false });
    this.cache.set(probe, "", "check", null);
  }
}
