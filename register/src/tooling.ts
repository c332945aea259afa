/**
 * `autometrics-register/tooling`: what the autometrics command shares with
 * the load hook: where a project's plugin options are, and the compilers that
 * instrument a file as the build would and list what they instrumented.
 */
export { type FoundConfig, findPluginOptions } from "./config";
export { type Compiler, chooseCompiler, problemOf } from "./compilers";
export type { Listed, Manifest } from "./manifest";
export { pluginOptionsFromJson } from "./settings";
