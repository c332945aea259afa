import type { Format } from "./compilers";
import type { Instrumenter } from "./instrument";

/** What a module hook's `load` gives: how Node runs the module, and its text. */
export interface LoadResult {
  format?: string;
  source?: string | ArrayBuffer | Uint8Array | null;
}

/** Node's formats the plugins can take: what Node runs them as. */
export function formatOf(format: string | undefined): Format | undefined {
  switch (format) {
    case "module":
      return { esm: true, typescript: false };
    case "commonjs":
      return { esm: false, typescript: false };
    case "module-typescript":
      return { esm: true, typescript: true };
    case "commonjs-typescript":
      return { esm: false, typescript: true };
    default:
      return undefined;
  }
}

/** A module `require` loads before Node has settled its format: what its name says, else Node reads the syntax. */
function formatOfFile(filename: string): Format | undefined {
  const typescript = /\.[cm]?ts$/.test(filename);
  if (/\.m[jt]s$/.test(filename)) return { esm: true, typescript };
  if (/\.c[jt]s$/.test(filename)) return { esm: false, typescript };
  return /\.[jt]s$/.test(filename) ? { esm: undefined, typescript } : undefined;
}

/** The load hook's work on one module: its result, with the source instrumented when there is something to. */
export function instrumentLoaded(instrumenter: Instrumenter, url: string, result: LoadResult): LoadResult {
  if (result.source == null || !url.startsWith("file:")) return result;
  const filename = decodeURIComponent(new URL(url).pathname);
  const format = result.format === undefined ? formatOfFile(filename) : formatOf(result.format);
  if (format === undefined || !instrumenter.wants(filename)) return result;
  const code = typeof result.source === "string" ? result.source : Buffer.from(result.source as Uint8Array).toString("utf8");
  const output = instrumenter.instrument(code, filename, format);
  if (output === undefined) return result;
  if (result.format === undefined) return { ...result, source: output };
  // SWC compiles the types away; Node strips what Babel keeps.
  const typescript = format.typescript && instrumenter.compiler.keepsTypes;
  return { ...result, format: `${format.esm ? "module" : "commonjs"}${typescript ? "-typescript" : ""}`, source: output };
}
