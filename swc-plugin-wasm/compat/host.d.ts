/** The SWC hosts this build of the plugin runs in, by package name. */
export declare const HOSTS: Record<"@swc/core" | "next", { name: string; minimum: string }>;
/** The `swc_core` and `swc_ecma_ast` major versions the Wasm plugin is built on. */
export declare const BUILD: { swcCore: string; ast: string };
/** The path of the Wasm plugin. */
export declare const wasm: string;
/** Why this build cannot run in `host` at `version`, in words; undefined when it can. */
export declare function incompatibility(host: "@swc/core" | "next", version: string | undefined): string | undefined;
/** The version of `host` that `from` (default: the working directory) resolves, or undefined. */
export declare function installedVersion(host: "@swc/core" | "next", from?: string): string | undefined;
/** Throws (code AUTOMETRICS_INCOMPATIBLE_HOST) when `host`, as installed or at `version`, cannot run this build. */
export declare function checkHost(host: "@swc/core" | "next", version?: string): void;
/** The Wasm plugin's path for @swc/core's JS API, after checking the @swc/core installed (or `swcCoreVersion`). */
export declare function plugin(options?: { swcCoreVersion?: string; from?: string }): string;
