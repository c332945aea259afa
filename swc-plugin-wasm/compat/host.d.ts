export type Host = "@swc/core" | "next" | "@rspack/core";

/**
 * A Wasm build the package ships: its swc_core, module request and file, the
 * oldest release of each host it runs in, and for a build on a host's own AST
 * (before @swc/core 1.15 and Next 16.1) the last one ("1.13.x": any patch).
 */
export interface Build {
  swcCore: string;
  ast: string;
  request: string;
  file: string;
  minimum: Partial<Record<Host, string>>;
  last?: Partial<Record<Host, string>>;
}

/** The builds, newest first. */
export declare const BUILDS: readonly Build[];
/** The build `host` at `version` runs (the newest when the version is unknown), or undefined. */
export declare function buildFor(host: Host, version: string | undefined): Build | undefined;
/** Why no build runs in `host` at `version`, in words; undefined when one does. */
export declare function incompatibility(host: Host, version: string | undefined): string | undefined;
/** The version of `host` that `from` (default: the working directory) resolves, or undefined. */
export declare function installedVersion(host: Host, from?: string): string | undefined;
/** The build for `host` (as installed, or at `version`); throws (code AUTOMETRICS_INCOMPATIBLE_HOST) when none runs there. */
export declare function checkHost(host: Host, version?: string): Build;
/** The module request for Next's `experimental.swcPlugins`: the build the project's Next runs (checked). */
export declare function nextPluginRequest(from?: string): string;
/** The Wasm plugin's path for `jsc.experimental.plugins`: the build the installed `host` (default @swc/core, or `version`) runs, checked. */
export declare function plugin(options?: { host?: Host; version?: string; from?: string }): string;
