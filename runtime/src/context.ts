import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Which instrumented function is running, for the caller labels.
 *
 * Two layers, so the common case stays cheap:
 * - `current` is the innermost instrumented function on the *synchronous*
 *   stack. Every instrumented call sets it and restores it in `finally`, so it
 *   is `null` whenever the stack unwinds to the event loop. Nested synchronous
 *   calls read their caller from it without touching AsyncLocalStorage.
 * - AsyncLocalStorage carries the same value across `await`, promise
 *   callbacks, timers and event emitters. It is only read when `current` is
 *   null, i.e. once at the start of each asynchronous continuation.
 *
 * The storage is created lazily on the first instrumented call, so a process
 * that never calls an instrumented function pays nothing (on Node 20,
 * enabling AsyncLocalStorage installs promise hooks that slow every async
 * call in the process, a bare one from about 40 to 125 ns). With `trackCallers: false` it is never
 * created and only the synchronous layer runs.
 */
export interface Frame {
  readonly function: string;
  readonly module: string;
}

let current: Frame | null = null;
let storage: AsyncLocalStorage<Frame> | null = null;
let asyncCallers = true;

/** @internal */
export function setAsyncCallers(enabled: boolean): void {
  asyncCallers = enabled;
}

/** The nearest instrumented function on the logical call stack, if any. */
export function currentFrame(): Frame | null {
  if (current !== null) return current;
  return storage === null ? null : (storage.getStore() ?? null);
}

/** @internal Runs `fn` with `frame` as the current frame; `fn` is called with no `this`. */
export function runInFrame<T>(frame: Frame, fn: () => T): T {
  const previous = current;
  current = frame;
  try {
    if (asyncCallers) {
      if (storage === null) storage = new AsyncLocalStorage<Frame>();
      return storage.run(frame, fn);
    }
    return fn();
  } finally {
    current = previous;
  }
}
