import { inUse } from "./build-info";
import { setAsyncCallers } from "./context";
import { defaultSettings, settings } from "./function-handle";
import { detach } from "./prometheus/tracker";
import { reported } from "./report";
import { byKey, functions, initialRuntime, runtime } from "./state";

/**
 * @internal Returns the runtime to a fresh process's state (state.ts, and
 * what the core keeps beside it): stops what `init()` started, takes the
 * metrics off their registry, forgets every registered function, build_info
 * and what was reported. Handles created before keep working but are no
 * longer scraped. For tests, which then need neither unique function names
 * nor a process each.
 */
export async function resetRuntime(): Promise<void> {
  const running = runtime.running;
  runtime.running = undefined;
  await running?.stop();
  detach();
  Object.assign(runtime, initialRuntime());
  inUse.buildInfo = undefined;
  functions.length = 0;
  byKey.clear();
  Object.assign(settings, defaultSettings());
  setAsyncCallers(true);
  reported.once.clear();
  reported.at.clear();
}
