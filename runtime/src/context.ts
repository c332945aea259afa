import { AsyncLocalStorage } from "node:async_hooks";
import { defineSlots } from "./array-slots";

/**
 * Which instrumented function is running, for the caller labels.
 *
 * Two layers, so the common case stays cheap:
 * - the *synchronous* stack of instrumented calls in flight: `current` is its
 *   top, and every call restores it when it returns or throws, so it is `null`
 *   whenever the stack unwinds to the event loop. Nested synchronous calls read
 *   their caller from it without touching AsyncLocalStorage.
 * - AsyncLocalStorage carries a function across `await`, promise callbacks,
 *   timers and event emitters. It is read only when `current` is null, i.e.
 *   once at the start of each asynchronous continuation, and set only by the
 *   calls that can register such continuations themselves: `async` functions
 *   and the synchronous functions the plugins mark as scoped
 *   (docs/transform.md, "Callers across asynchronous boundaries"). Setting it
 *   copies a map on Node 24 and later, which is most of a call's cost there.
 *
 * The storage is created lazily on the first call that sets it, so a process
 * that never does pays nothing (on Node 20, enabling AsyncLocalStorage installs
 * promise hooks that slow every async call in the process, a bare one from
 * about 40 to 125 ns). With `trackCallers: false` it is never created and only
 * the synchronous layer runs.
 */
export interface Frame {
  readonly function: string;
  readonly module: string;
}

let current: Frame | null = null;
let storage: AsyncLocalStorage<Frame> | null = null;
let asyncCallers = true;
/** `trackCallers: "exact"`: every call sets the storage, as scoped ones do. */
let everyCall = false;

/**
 * The synchronous calls in flight, by depth: the frame each one interrupted,
 * when it started and, for scoped calls, the storage's value before it. A
 * call's slot is its depth, kept by the caller in a local, so a call that ends
 * restores the stack to its own depth whatever happened above it (a deeper
 * call that could not end, on stack overflow).
 *
 * Every slot is an own property, defined before use: reading or writing a
 * missing index would reach accessors that code may define on
 * `Object.prototype` (test262 does), from the hot path.
 */
let depth = 0;
const outer: (Frame | null)[] = [];
const stores: (Frame | undefined)[] = [];
let starts = new Float64Array(0);

function grow(capacity: number): void {
  defineSlots(outer, outer.length, capacity, null);
  defineSlots(stores, stores.length, capacity, undefined);
  const bigger = new Float64Array(capacity);
  bigger.set(starts);
  starts = bigger;
}
grow(64);

/** Added to the slot of a scoped call; a slot that threw is `~slot` (negative). */
export const SCOPED = 1 << 28;

const perf = performance;

/** @internal */
export function setAsyncCallers(mode: boolean | "exact"): void {
  asyncCallers = mode !== false;
  everyCall = mode === "exact";
}

/** The nearest instrumented function on the logical call stack, if any. */
export function currentFrame(): Frame | null {
  return current ?? asyncCaller();
}

/**
 * @internal Pushes `frame` on the synchronous stack, without a clock read;
 * returns its slot. Used as it is by each segment of an `async` call whose
 * body stays in place (from its start or a resumption to its next `await` or
 * its end).
 */
export function pushFrame(frame: Frame): number {
  const slot = depth;
  if (slot === starts.length) grow(slot * 2);
  outer[slot] = current;
  depth = slot + 1;
  current = frame;
  return slot;
}

/** @internal Pops the frame in `slot` (decoded: not negative, without `SCOPED`); returns the frame it had interrupted. */
export function pop(slot: number): Frame | null {
  const interrupted = outer[slot]!;
  current = interrupted;
  depth = slot;
  return interrupted;
}

/** @internal Whether a call sets the storage: scoped ones, or every one with `trackCallers: "exact"`. */
export function setsStore(scoped: boolean): boolean {
  return (scoped || everyCall) && asyncCallers;
}

/** @internal Sets the storage to `frame`; returns the value to restore. */
export function setStore(frame: Frame): Frame | undefined {
  if (storage === null) storage = new AsyncLocalStorage<Frame>();
  const before = storage.getStore();
  storage.enterWith(frame);
  return before;
}

/** @internal */
export function restoreStore(before: Frame | undefined): void {
  storage!.enterWith(before as Frame);
}

/**
 * @internal Starts a synchronous call: reads the clock, then pushes `frame`
 * (nothing is set before the clock is read, so a throw there, on stack
 * overflow, leaves no trace); returns its slot, plus `SCOPED` if it set the storage.
 */
export function push(frame: Frame, scoped: boolean): number {
  const start = perf.now();
  const slot = pushFrame(frame);
  starts[slot] = start;
  if (setsStore(scoped)) {
    stores[slot] = setStore(frame);
    return slot + SCOPED;
  }
  return slot;
}

/** @internal `pop` for a scoped call, which restores the storage too; returns its caller. */
export function popScoped(slot: number): Frame | null {
  const interrupted = pop(slot);
  const before = stores[slot];
  restoreStore(before);
  return interrupted ?? before ?? null;
}

/** @internal When the call in `slot` started. */
export function startOf(slot: number): number {
  return starts[slot]!;
}

let reading = false;

/**
 * The storage's value, for a call with no synchronous caller. Node 20 and 22
 * read array holes while looking it up, which reaches index accessors defined
 * on `Object.prototype`: an instrumented one called from there gets no caller
 * instead of asking again, forever.
 */
export function asyncCaller(): Frame | null {
  if (storage === null || reading) return null;
  reading = true;
  try {
    return storage.getStore() ?? null;
  } finally {
    reading = false;
  }
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
