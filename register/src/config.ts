import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** Where the plugin options were found, and the options themselves. */
export interface FoundConfig {
  source: string;
  options: Record<string, unknown>;
}

type PluginEntry = [string, Record<string, unknown>?] | string;

function fromPluginList(list: unknown, name: RegExp): Record<string, unknown> | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const entry of list as PluginEntry[]) {
    const [id, options] = Array.isArray(entry) ? entry : [entry, {}];
    if (typeof id === "string" && name.test(id)) return options ?? {};
  }
  return undefined;
}

/**
 * The autometrics plugin options of a project, read the way its build reads
 * them: babel.config.js / .babelrc through Babel itself, `.swcrc`, or
 * next.config.{ts,mts,js,mjs,cjs} (`experimental.swcPlugins`).
 */
export async function findPluginOptions(root: string): Promise<FoundConfig | undefined> {
  const found = findCompilerOptions(root);
  if (found !== undefined) return found;
  const next = ["next.config.ts", "next.config.mts", "next.config.js", "next.config.mjs", "next.config.cjs"]
    .map((n) => join(root, n))
    .find(existsSync);
  if (next !== undefined) {
    const config = await loadNextConfig(root, next, createRequire(join(root, "package.json")));
    const options = fromPluginList(config?.experimental?.swcPlugins, /swc-plugin-autometrics/);
    if (options !== undefined) return { source: next, options };
  }
  return undefined;
}

const BABEL_CONFIGS = ["babel.config", ".babelrc"].flatMap((name) =>
  ["", ".js", ".cjs", ".mjs", ".json", ".ts", ".cts", ".mts"].map((ext) => name + ext),
);

/** Whether Babel would find a configuration for a file at the root: without one, Babel need not be loaded. */
function hasBabelConfig(root: string): boolean {
  if (BABEL_CONFIGS.some((name) => name !== "babel.config" && existsSync(join(root, name)))) return true;
  try {
    return JSON.parse(readFileSync(join(root, "package.json"), "utf8")).babel !== undefined;
  } catch {
    return false;
  }
}

/** The plugin options a project gives Babel (babel.config.js, .babelrc) or SWC (.swcrc), read synchronously. */
export function findCompilerOptions(root: string): FoundConfig | undefined {
  const projectRequire = createRequire(join(root, "package.json"));
  let babel: typeof import("@babel/core") | undefined;
  try {
    babel = hasBabelConfig(root) ? projectRequire("@babel/core") : undefined;
  } catch {
    babel = undefined;
  }
  if (babel !== undefined) {
    const config = babel.loadPartialConfig({ cwd: root, root, filename: join(root, "autometrics-list.js") });
    for (const item of config?.options.plugins ?? []) {
      const plugin = item as { file?: { request?: string; resolved?: string }; options?: Record<string, unknown> };
      if (
        /(^|[\\/])(babel-plugin-)?autometrics$/.test(plugin.file?.request ?? "") ||
        /babel-plugin-autometrics/.test(plugin.file?.resolved ?? "")
      ) {
        return { source: config?.config ?? config?.babelrc ?? "Babel configuration", options: plugin.options ?? {} };
      }
    }
  }
  const swcrc = join(root, ".swcrc");
  if (existsSync(swcrc)) {
    const options = fromPluginList(JSON.parse(readFileSync(swcrc, "utf8"))?.jsc?.experimental?.plugins, /swc-plugin-autometrics/);
    if (options !== undefined) return { source: swcrc, options };
  }
  return undefined;
}

interface NextConfigShape {
  experimental?: { swcPlugins?: unknown };
}

/**
 * A Next.js config as `next build` sees it, through the project's own Next
 * (which compiles next.config.ts and applies wrappers such as
 * `withAutometrics` or `withMDX`), and only so: that runs the file, as a build
 * would. Without Next installed it is not read.
 */
async function loadNextConfig(root: string, file: string, projectRequire: NodeRequire): Promise<NextConfigShape | undefined> {
  let loadConfig: ((phase: string, dir: string, options: { silent: boolean }) => Promise<NextConfigShape>) | undefined;
  try {
    loadConfig = projectRequire("next/dist/server/config").default;
  } catch {
    loadConfig = undefined;
  }
  if (loadConfig !== undefined) return loadConfig("phase-production-build", root, { silent: true });
  // Read only as Next itself reads it: without Next, running the file would be ours to answer for.
  throw new Error(
    `${file} is read through the project's Next.js, which is not installed (npm install); or give the options without reading it: --include GLOB, or --options FILE`,
  );
}
