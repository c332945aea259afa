import { isPromise } from "node:util/types";
import {
  type Frame,
  SCOPED,
  asyncCaller,
  currentFrame,
  pop,
  popScoped,
  push,
  pushFrame,
  restoreStore,
  runInFrame,
  setStore,
  setsStore,
  startOf,
} from "./context";
import { isControlFlow } from "./control-flow";
import { type Objective, type ResolvedObjective, resolveObjective } from "./objectives";
import { append, defineSlots } from "./array-slots";
import { reportOnce } from "./report";
import { DEFAULT_BUCKETS } from "./spec";
import {
  type CallContext,
  keepTrace,
  startChannel,
  takeTrace,
  traceCompleted,
  traceEnd,
  traceSettled,
  traceStart,
  tracedInFlight,
} from "./tracing";

/** @internal The settings before any `init()`. */
export const defaultSettings = () => ({
  buckets: DEFAULT_BUCKETS as readonly number[],
  /** Track `function_calls_concurrent` for every function, not only those that ask. */
  trackConcurrency: false,
  /** Returns exemplar labels for the active trace, or undefined; null when exemplars are off. */
  exemplar: null as null | (() => Record<string, string> | undefined),
  /** Called when a call with no instrumented caller ends (a request's handler): the push after each request; null when off. */
  entryEnded: null as null | (() => void),
});

/** @internal Run-time settings that the handles read, on the hot path too; changed only by `init()`. */
export const settings = defaultSettings();

/** Per-function options, shared by the plugins' output and the manual wrapper. */
export interface FunctionOptions {
  objective?: Objective;
  /** Also report `function_calls_concurrent` for this function. */
  trackConcurrency?: boolean;
  /** Called with the return (or resolved) value: return true to count the call as an error. */
  recordErrorIf?: (result: any) => boolean;
  /** Called with the thrown (or rejection) value: return true to count the call as ok. */
  recordSuccessIf?: (error: unknown) => boolean;
}

/** @internal An exemplar as prom-client renders it. */
export interface Exemplar {
  labelSet: Record<string, string>;
  value: number;
  timestamp: number;
}

/** @internal The `function_calls_total` series of one function for one caller. */
export class CallerSeries {
  ok = 0;
  error = 0;
  okExemplar: Exemplar | undefined = undefined;
  errorExemplar: Exemplar | undefined = undefined;
  // The exporters' caches are kept here, so that a collection finds them with
  // no lookup, and typed where they are made: the core does not import the
  // exporters that read them.
  /** The series' labels as a scrape writes them, and the function's label text they were written with (prometheus/render.ts). */
  labelText: string | undefined = undefined;
  labelTextOf: unknown = undefined;
  /** Its `ok` and `error` attributes as the OpenTelemetry producer hands them over, and its function's they were made with (opentelemetry/attributes.ts). */
  attributes: unknown = undefined;
  attributesOf: unknown = undefined;
  constructor(readonly caller: Frame | null) {}
}

/**
 * One call of an `async` function whose body stays in place
 * (docs/transform.md, "The function"): the function writes
 * `_c.resume(await _c.pause(x))` for each of its own `await`s, and
 * `_c.resume()` first in each of its `catch` and `finally` blocks, so the
 * synchronous layer has it as the current function exactly while its own
 * code runs. `pause` and `resume` hand their argument back untouched: the
 * awaits are the original ones, tick for tick.
 */
export class AsyncCall {
  /** Set by the function's `catch` clause: the body threw (what `end` is then given). */
  failed = false;
  /** The stack slot of the running segment; -1 while paused. */
  private slot: number;
  private readonly caller: Frame | null;
  private readonly start: number;
  /** `trackCallers: "exact"`: each segment sets the storage too, and restores this. */
  private readonly scoped: boolean;
  private before: Frame | undefined = undefined;
  /** Its events' context, when the tracing channel has a subscriber; `returned`: `end` was published. */
  private readonly trace: CallContext | undefined;
  private returned = false;

  constructor(private readonly handle: FunctionHandle) {
    this.caller = currentFrame();
    this.trace = startChannel.hasSubscribers ? traceStart(handle, this.caller) : undefined;
    this.start = perf.now();
    this.scoped = setsStore(false);
    this.slot = this.enterSegment();
  }

  private enterSegment(): number {
    if (this.scoped) this.before = setStore(this.handle);
    return pushFrame(this.handle);
  }

  /** Leaves the function before it awaits `value`; returns `value`. */
  pause<T>(value: T): T {
    if (this.slot >= 0) {
      pop(this.slot);
      if (this.scoped) restoreStore(this.before);
      this.slot = -1;
      // The first await hands the caller its promise: the call has returned.
      if (this.trace !== undefined && !this.returned) {
        this.returned = true;
        traceEnd(this.trace, true, undefined, false);
      }
    }
    return value;
  }

  /** Re-enters the function when it resumes (with `value`, which it returns); a no-op while it runs. */
  resume<T>(value?: T): T | undefined {
    if (this.slot < 0) this.slot = this.enterSegment();
    return value;
  }

  /** Ends the call, which returned `result` unless it failed; a returned promise is timed to its settlement. */
  end(result?: unknown): void {
    this.pause(undefined);
    this.handle.settle(this.caller, this.start, perf.now(), result, !this.failed);
    if (this.trace !== undefined) traceSettled(this.trace, !this.failed, result);
  }
}

/** @internal One call in flight. */
export class Call {
  constructor(
    readonly caller: Frame | null,
    readonly start: number,
    /** Its events' context, when the tracing channel has a subscriber. */
    readonly trace: CallContext | undefined,
  ) {}
}

const perf = performance;
/** `Promise.prototype.then`, called without reading `call` off it, and a check that runs no user code (no proxy traps). */
const apply = Reflect.apply;
const promiseThen = Promise.prototype.then;
const isPromiseObject = (value: unknown): value is Promise<unknown> => typeof value === "object" && value !== null && isPromise(value);

/**
 * One instrumented function: its labels, resolved once, and every number
 * recorded for it. A call costs two clock reads, a context swap and a few
 * in-place increments; the caller's series is found by identity, with a
 * one-entry cache in front of a Map, so no label is hashed or built per call.
 */
export class FunctionHandle implements Frame {
  /** @internal */
  objective: ResolvedObjective | undefined;
  /** @internal */
  trackConcurrency: boolean;
  /** @internal */
  concurrent = 0;
  /** @internal Every caller seen so far, the entry point (no caller) first. */
  readonly series: CallerSeries[];
  private readonly byCaller = new Map<Frame, CallerSeries>();
  private lastCaller: Frame | null = null;
  private lastSeries: CallerSeries;
  /** @internal Histogram: per-bucket (not cumulative) counts, the last slot for +Inf. */
  bounds: readonly number[] = settings.buckets;
  /** @internal */
  counts: Float64Array;
  /** @internal */
  sum = 0;
  /** @internal */
  count = 0;
  /** @internal */
  exemplars: (Exemplar | undefined)[] | null = null;
  /** @internal The labels as a scrape writes them, typed in prometheus/render.ts (see CallerSeries). */
  labelText: unknown = undefined;
  /** @internal The attributes as the OpenTelemetry producer hands them over, typed in opentelemetry/attributes.ts. */
  attributes: unknown = undefined;
  private readonly recordErrorIf: ((result: any) => boolean) | undefined;
  private readonly recordSuccessIf: ((error: unknown) => boolean) | undefined;

  readonly function: string;
  readonly module: string;
  readonly options: FunctionOptions;

  constructor(name: string, module: string, options: FunctionOptions = {}) {
    this.function = name;
    this.module = module;
    this.options = options;
    this.objective = resolveObjective(options.objective, settings.buckets);
    this.trackConcurrency = options.trackConcurrency ?? settings.trackConcurrency;
    this.recordErrorIf = options.recordErrorIf;
    this.recordSuccessIf = options.recordSuccessIf;
    this.lastSeries = new CallerSeries(null);
    this.series = [this.lastSeries];
    this.counts = new Float64Array(this.bounds.length + 1);
  }

  /**
   * Starts a call of a synchronous function whose body stays in place
   * (docs/transform.md, "The function"): returns the call's slot, which the
   * function hands back to `exit` (as `~slot` when its body threw).
   */
  enter(): number {
    if (this.trackConcurrency) this.concurrent++;
    if (startChannel.hasSubscribers) return this.enterTraced(false);
    return push(this, false);
  }

  /** `enter` for a function that can register asynchronous continuations itself: they see it as their caller. */
  enterScoped(): number {
    if (this.trackConcurrency) this.concurrent++;
    if (startChannel.hasSubscribers) return this.enterTraced(true);
    return push(this, true);
  }

  /** `enter` while the tracing channel has a subscriber: `start` goes out before the call is timed. */
  private enterTraced(scoped: boolean): number {
    const context = traceStart(this, currentFrame());
    const slot = push(this, scoped);
    keepTrace(slot >= SCOPED ? slot - SCOPED : slot, context);
    return slot;
  }

  /** Ends the call in `slot`, which returned `result` (or, as `~slot`, threw it); a promise is timed to its settlement. */
  exit(slot: number, result?: unknown): void {
    const end = perf.now();
    let ok = true;
    if (slot < 0) {
      slot = ~slot;
      ok = false;
    }
    let caller: Frame | null;
    if (slot >= SCOPED) {
      slot -= SCOPED;
      caller = popScoped(slot);
    } else {
      caller = pop(slot) ?? asyncCaller();
    }
    const start = startOf(slot);
    if (tracedInFlight !== 0) {
      this.exitTraced(slot, caller, start, end, result, ok);
      return;
    }
    // The common case records at once: a call through `settle` here costs the
    // hot path its inlining (measured on Node 24).
    if (!ok || this.recordErrorIf !== undefined || isPromiseObject(result)) {
      this.settle(caller, start, end, result, ok);
      return;
    }
    this.record(caller, (end - start) / 1000, true);
  }

  private exitTraced(slot: number, caller: Frame | null, start: number, end: number, result: unknown, ok: boolean): void {
    this.settle(caller, start, end, result, ok);
    const context = takeTrace(slot);
    if (context !== undefined) traceEnd(context, ok, result, ok && isPromiseObject(result));
  }

  /** Starts a call of an `async` function whose body stays in place. */
  start(): AsyncCall {
    if (this.trackConcurrency) this.concurrent++;
    return new AsyncCall(this);
  }

  /**
   * @internal Records a call that ended at `end` with `result` (`ok`: it
   * returned it; otherwise it threw it), or, if it returned a promise, at its
   * settlement (the caller gets the very same promise back).
   */
  settle(caller: Frame | null, start: number, end: number, result: unknown, ok: boolean): void {
    if (!ok) {
      this.record(caller, (end - start) / 1000, this.isSuccess(result));
      return;
    }
    if (isPromiseObject(result)) {
      apply(promiseThen, result, [
        (value: unknown) => this.finish(caller, start, !this.isError(value)),
        (error: unknown) => this.finish(caller, start, this.isSuccess(error)),
      ]);
      return;
    }
    this.record(caller, (end - start) / 1000, this.recordErrorIf === undefined || !this.isError(result));
  }

  /** Calls `body` (the function's original body) as this function, timing it. */
  run<T>(body: () => T): T {
    const caller = currentFrame();
    const trace = startChannel.hasSubscribers ? traceStart(this, caller) : undefined;
    const start = perf.now();
    if (this.trackConcurrency) this.concurrent++;
    let result: T;
    try {
      result = runInFrame(this, body);
    } catch (error) {
      this.finish(caller, start, this.isSuccess(error));
      if (trace !== undefined) traceEnd(trace, false, error, false);
      throw error;
    }
    this.settle(caller, start, perf.now(), result, true);
    if (trace !== undefined) traceEnd(trace, true, result, isPromiseObject(result));
    return result;
  }

  /**
   * Calls `body`, an async function, as this function, timing it to settlement.
   * The plugins inline the same steps into the async function itself
   * (`begin`, `scope`, `end`, `fail`), which saves a promise per call.
   */
  async runAsync<T>(body: () => Promise<T>): Promise<T> {
    const call = this.begin();
    try {
      return this.end(call, await this.scope(body));
    } catch (error) {
      throw this.fail(call, error);
    }
  }

  /** Starts a call: notes the caller and the time. */
  begin(): Call {
    if (this.trackConcurrency) this.concurrent++;
    const caller = currentFrame();
    const trace = startChannel.hasSubscribers ? traceStart(this, caller) : undefined;
    return new Call(caller, perf.now(), trace);
  }

  /** Runs an async body in this function's frame, so what it calls sees it as the caller. */
  scope<T>(body: () => T): T {
    return runInFrame(this, body);
  }

  /** Ends a call that returned `value`; returns `value`. */
  end<T>(call: Call, value: T): T {
    this.finish(call.caller, call.start, this.recordErrorIf === undefined || !this.isError(value));
    if (call.trace !== undefined) traceCompleted(call.trace, true, value);
    return value;
  }

  /** Ends a call that threw `error`; returns `error`, for the caller to rethrow. */
  fail(call: Call, error: unknown): unknown {
    this.finish(call.caller, call.start, this.isSuccess(error));
    if (call.trace !== undefined) traceCompleted(call.trace, false, error);
    return error;
  }

  private isError(result: unknown): boolean {
    if (this.recordErrorIf === undefined) return false;
    try {
      return this.recordErrorIf(result) === true;
    } catch (e) {
      reportOnce(`recordErrorIf:${this.module}:${this.function}`, `recordErrorIf of ${this.function} threw`, e);
      return false;
    }
  }

  private isSuccess(error: unknown): boolean {
    if (isControlFlow(error)) return true;
    if (this.recordSuccessIf === undefined) return false;
    try {
      return this.recordSuccessIf(error) === true;
    } catch (e) {
      reportOnce(`recordSuccessIf:${this.module}:${this.function}`, `recordSuccessIf of ${this.function} threw`, e);
      return false;
    }
  }

  private finish(caller: Frame | null, start: number, ok: boolean): void {
    this.record(caller, (perf.now() - start) / 1000, ok);
  }

  private record(caller: Frame | null, seconds: number, ok: boolean): void {
    if (this.trackConcurrency) this.concurrent--;
    const series = caller === this.lastCaller ? this.lastSeries : this.seriesFor(caller);
    if (ok) series.ok++;
    else series.error++;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    this.counts[i]++;
    this.sum += seconds;
    this.count++;
    if (settings.exemplar !== null) this.exemplify(series, ok, i, seconds);
    if (caller === null && settings.entryEnded !== null) settings.entryEnded();
  }

  private seriesFor(caller: Frame | null): CallerSeries {
    let series = caller === null ? this.series[0]! : this.byCaller.get(caller);
    if (series === undefined) {
      series = new CallerSeries(caller);
      this.byCaller.set(caller!, series);
      append(this.series, series);
    }
    this.lastCaller = caller;
    this.lastSeries = series;
    return series;
  }

  private exemplify(series: CallerSeries, ok: boolean, bucket: number, seconds: number): void {
    let labelSet: Record<string, string> | undefined;
    try {
      labelSet = settings.exemplar!();
    } catch (e) {
      reportOnce("exemplar", "could not read the active trace for exemplars", e);
    }
    if (labelSet === undefined) return;
    const timestamp = Date.now() / 1000;
    let exemplars = this.exemplars;
    if (exemplars === null) defineSlots((exemplars = this.exemplars = []), 0, this.counts.length, undefined);
    exemplars[bucket] = { labelSet, value: seconds, timestamp };
    const counterExemplar = { labelSet, value: 1, timestamp };
    if (ok) series.okExemplar = counterExemplar;
    else series.errorExemplar = counterExemplar;
  }

  /** @internal Checks this function's objective against other buckets; throws if it would not fit. */
  objectiveFor(bounds: readonly number[]): ResolvedObjective | undefined {
    return resolveObjective(this.options.objective, bounds, `objective of ${this.function} (${this.module})`);
  }

  /** @internal Switches to new histogram buckets; only valid before any call was recorded. */
  setBuckets(bounds: readonly number[], objective: ResolvedObjective | undefined): void {
    this.objective = objective;
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
    this.exemplars = null;
  }

  /** @internal Zeroes every number, keeping the series (prom-client's `resetMetrics`). */
  reset(): void {
    for (const s of this.series) {
      s.ok = 0;
      s.error = 0;
      s.okExemplar = s.errorExemplar = undefined;
    }
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
    this.exemplars = null;
  }
}
