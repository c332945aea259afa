import { setAsyncCallers } from "./context";
import { detach } from "./prometheus/tracker";
import { byKey, defaultSettings, functions, initialRuntime, reported, runtime, settings } from "./state";

/**
 * @internal Returns the runtime to a fresh process's state (state.ts): stops
 * what `init()` started, takes the metrics off their registry, forgets every
 * registered function and what was reported. Handles created before keep
 * working but are no longer scraped. For tests, which then need neither unique
 * function names nor a process each.
 */
export async function resetRuntime(): Promise<void> {
  const running = runtime.running;
  runtime.running = undefined;
  await running?.stop();
  detach();
  Object.assign(runtime, initialRuntime());
  functions.length = 0;
  byKey.clear();
  Object.assign(settings, defaultSettings());
  setAsyncCallers(true);
  reported.once.clear();
  reported.at.clear();
}
