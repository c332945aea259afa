import { runtime } from "./state";

/**
 * Sends what is recorded now through the exporter `init()` started, when it
 * pushes (`otlp`, `push-gateway`, OpenTelemetry's OTLP); resolves when it is
 * delivered, failed or timed out (each push is bounded by its `timeoutMs`).
 * Never rejects, and resolves at once when nothing pushes. A serverless
 * function awaits it before its response is done, or hands it to the
 * platform's `waitUntil` (docs/where-code-runs.md).
 */
export async function flush(): Promise<void> {
  try {
    await runtime.running?.flush();
  } catch {
    // each exporter reports its own failures
  }
}

/**
 * Wraps a serverless function's handler (AWS Lambda's `(event, context)`, or
 * any function returning a promise) so that it flushes before it returns: the
 * platform may freeze or end the instance right after, and nothing recorded
 * is lost then. The handler's result, error, `this` and arguments pass
 * through untouched; the flush is bounded by the exporter's `timeoutMs` and
 * never throws. `export const handler = withFlush(async (event) => { … })`.
 */
export function withFlush<A extends unknown[], R>(handler: (...args: A) => R): (...args: A) => Promise<Awaited<R>> {
  if (typeof handler !== "function") throw new TypeError(`withFlush: expected a handler function, got ${typeof handler}`);
  const wrapped = async function (this: unknown, ...args: A): Promise<Awaited<R>> {
    try {
      return await handler.apply(this, args);
    } finally {
      await flush();
    }
  };
  Object.defineProperty(wrapped, "name", { value: handler.name, configurable: true });
  Object.defineProperty(wrapped, "length", { value: handler.length, configurable: true });
  return wrapped;
}
