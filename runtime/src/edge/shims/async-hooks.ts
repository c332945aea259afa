/**
 * `node:async_hooks` in the edge and browser bundles: the runtime's own
 * AsyncLocalStorage where it has one (Vercel's edge runtime, Next.js
 * middleware, Deno), else one that carries nothing, so callers are tracked
 * through synchronous calls only (a browser, a Worker without nodejs_als).
 */
class SynchronousOnly<T> {
  getStore(): T | undefined {
    return undefined;
  }
  run<R>(_store: T, fn: (...args: unknown[]) => R, ...args: unknown[]): R {
    return fn(...args);
  }
  enterWith(_store: T): void {}
}

const platform = (globalThis as { AsyncLocalStorage?: typeof SynchronousOnly }).AsyncLocalStorage;

export const AsyncLocalStorage: typeof SynchronousOnly = typeof platform === "function" ? platform : SynchronousOnly;
