import { findCompilerOptions } from "./config";
import { defaultCacheDir } from "./cache";
import type { Setup } from "./instrument";

/** What the environment says to the load hook, each variable checked. */
export interface EnvSetup {
  /** Merged over the options found in the project's Babel or SWC configuration. */
  options: Record<string, unknown>;
  compiler: string | undefined;
  cacheDir: string | undefined;
}

/**
 * `AUTOMETRICS_OPTIONS` (a JSON object of plugin options), `AUTOMETRICS_INCLUDE`
 * (comma-separated globs, for `include`), `AUTOMETRICS_COMPILER` (`babel` or
 * `swc`) and `AUTOMETRICS_CACHE_DIR`. A value that cannot be read is an error
 * naming the variable.
 */
export function envSetup(env: NodeJS.ProcessEnv): EnvSetup {
  const options: Record<string, unknown> = {};
  const json = env.AUTOMETRICS_OPTIONS;
  if (json !== undefined && json.trim() !== "") Object.assign(options, pluginOptionsFromJson(json, "AUTOMETRICS_OPTIONS"));
  const include = env.AUTOMETRICS_INCLUDE;
  if (include !== undefined && include.trim() !== "") {
    options.include = include
      .split(",")
      .map((g) => g.trim())
      .filter((g) => g !== "");
  }
  const compiler = env.AUTOMETRICS_COMPILER?.trim() || undefined;
  return { options, compiler, cacheDir: env.AUTOMETRICS_CACHE_DIR?.trim() || undefined };
}

/**
 * Plugin options written as JSON (`AUTOMETRICS_OPTIONS`, the CLI's `--options`
 * file): an object, without `__proto__`, which would be dropped without a word.
 */
export function pluginOptionsFromJson(json: string, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source} is not JSON (${(error as Error).message}): ${json.slice(0, 200)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${source} must be a JSON object of plugin options, got ${json.slice(0, 200)}`);
  }
  if (Object.hasOwn(parsed, "__proto__")) throw new Error(`${source}: "__proto__" is not a plugin option`);
  return { ...parsed };
}

/**
 * The load hook's setup for the project at `root`: the options of its Babel or
 * SWC configuration, then `given` (the Bun plugin's argument), then the
 * environment's over them.
 */
export function projectSetup(root: string, given: Record<string, unknown> = {}, jsx = false): Setup {
  const env = envSetup(process.env);
  const found = findCompilerOptions(root);
  const options = { ...found?.options, ...given, ...env.options };
  return { root, options, compiler: env.compiler, cacheDir: env.cacheDir ?? defaultCacheDir(root), jsx };
}
