import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

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
 * next.config.{js,mjs} (`experimental.swcPlugins`).
 */
export async function findPluginOptions(root: string): Promise<FoundConfig | undefined> {
  const projectRequire = createRequire(join(root, "package.json"));
  let babel: typeof import("@babel/core") | undefined;
  try {
    babel = projectRequire("@babel/core");
  } catch {
    babel = undefined;
  }
  if (babel !== undefined) {
    const config = babel.loadPartialConfig({ cwd: root, root, filename: join(root, "autometrics-list.js") });
    for (const item of config?.options.plugins ?? []) {
      const plugin = item as { file?: { request?: string; resolved?: string }; options?: Record<string, unknown> };
      if (/(^|[\\/])(babel-plugin-)?autometrics$/.test(plugin.file?.request ?? "") || /babel-plugin-autometrics/.test(plugin.file?.resolved ?? "")) {
        return { source: config?.config ?? config?.babelrc ?? "Babel configuration", options: plugin.options ?? {} };
      }
    }
  }
  const swcrc = join(root, ".swcrc");
  if (existsSync(swcrc)) {
    const options = fromPluginList(JSON.parse(readFileSync(swcrc, "utf8"))?.jsc?.experimental?.plugins, /swc-plugin-autometrics/);
    if (options !== undefined) return { source: swcrc, options };
  }
  for (const name of ["next.config.js", "next.config.mjs", "next.config.cjs"]) {
    const file = join(root, name);
    if (!existsSync(file)) continue;
    const loaded = await import(pathToFileURL(file).href);
    let config = loaded.default ?? loaded;
    if (typeof config === "function") config = await config("phase-production-build", { defaultConfig: {} });
    const options = fromPluginList(config?.experimental?.swcPlugins, /swc-plugin-autometrics/);
    if (options !== undefined) return { source: file, options };
  }
  return undefined;
}
