import type { Plugin } from "esbuild";

/**
 * This Wasm plugin as an esbuild plugin (esbuild, tsup's `esbuildPlugins`):
 * `plugins: [autometrics({ include: ["src/**"] })]`. `options` are the
 * plugin's (docs/transform.md), checked when esbuild sets it up; `root`
 * defaults to esbuild's working directory. Needs @swc/core 1.15 or later.
 */
export declare function autometrics(options?: Record<string, unknown>): Plugin;
