/**
 * `autometrics-runtime/internal`: what autometrics-register shares with the
 * runtime, so a load-hook problem is said once with the runtime's own, and the
 * hook skips Node's module-hooks thread as `init()` does. Not a public API.
 */
export { reportOnce } from "./report";
export { inModuleHooksThread } from "./hooks-thread";
