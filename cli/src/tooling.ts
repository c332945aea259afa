/**
 * What editor tooling (autometrics-typescript-plugin) shares with the CLI:
 * where a project's plugin options are, what the plugins would instrument in
 * a file, and the queries and links for a function.
 */
export { findPluginOptions, type FoundConfig, type Listed } from "autometrics-register/tooling";
export { listSource } from "./list";
export { queriesFor, prometheusLink } from "autometrics-runtime/queries";
