import { isMainThread, parentPort } from "node:worker_threads";

/**
 * Whether this is Node's module-hooks thread: the worker that runs
 * `module.register` hooks (the load hook's path before Node 22.15). Node runs
 * the process's `--require` preloads there too, so an app's `init()` (and the
 * load hook itself) would run a second time, in a thread where the app is not.
 * A worker the app starts always has a parent port; that one has none.
 */
export function inModuleHooksThread(): boolean {
  return !isMainThread && parentPort === null;
}
