import { FunctionHandle, type FunctionOptions } from "./function-handle";
import { byKey, functions } from "./state";
import { metricsRegistry } from "./prometheus/tracker";
import { append } from "./array-slots";
import { reportOnce } from "./report";

/**
 * The entry point instrumented code calls, once per function at module load:
 * `instrument("handleRequest", "src/server.js", { objective })`. The series of
 * the function appear at once, with zero counts. Registering the same function
 * and module again (a module evaluated twice, a bundle with duplicates) returns
 * the first handle, so its numbers stay in one place.
 */
export function instrument(name: string, module: string, options?: FunctionOptions): FunctionHandle {
  const key = `${module}\u0000${name}`;
  const existing = byKey.get(key);
  if (existing !== undefined) {
    if (options?.objective?.name !== existing.options.objective?.name) {
      reportOnce(`conflict:${key}`, `${name} in ${module} was registered twice with different objectives; keeping the first`);
    }
    return existing;
  }
  const handle = new FunctionHandle(name, module, options);
  if (functions.length === 0) metricsRegistry(); // the metrics join the registry with the first function
  byKey.set(key, handle);
  append(functions, handle);
  return handle;
}
