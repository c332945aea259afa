/**
 * What editor tooling (autometrics-typescript-plugin) shares with the CLI:
 * where a project's plugin options are, what the plugins would instrument in
 * a file, and the queries and links for a function.
 */
export { findPluginOptions, type FoundConfig } from "./config";
export { listSource, type Listed } from "./list";
export { queriesFor, prometheusLink } from "../queries";
