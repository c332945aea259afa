import { tracingChannel } from "node:diagnostics_channel";
import type { Frame } from "./context";

/**
 * Every instrumented call on one `diagnostics_channel` TracingChannel, so an
 * APM (dd-trace, Sentry, New Relic, OpenTelemetry) can make spans from the
 * same wrap points the metrics come from. Published only while `start` has a
 * subscriber (as `tracingChannel(name).subscribe(…)` gives it), so without one
 * a call pays a property read.
 */
export const TRACING_CHANNEL = "autometrics:function";

/** What the events carry: the call's labels, its caller, and, once known, its result or what it threw. */
export interface CallContext {
  function: string;
  module: string;
  caller: Frame | null;
  result?: unknown;
  error?: unknown;
}

const channel = tracingChannel<CallContext>(TRACING_CHANNEL);
/** @internal Read per call: whether anything listens. */
export const startChannel = channel.start;

/** Traced synchronous calls in flight, by stack slot (a Map: no index reaches `Object.prototype`). */
const bySlot = new Map<number, CallContext>();

/** @internal Traced synchronous calls in flight: zero for nearly every call, which then skips the lookup. */
export let tracedInFlight = 0;

const apply = Reflect.apply;
const promiseThen = Promise.prototype.then;

// A subscriber that throws does not throw into the call: Node reports its error as uncaught, on the next tick.

/** @internal `start`: a call of `frame` from `caller` begins. */
export function traceStart(frame: Frame, caller: Frame | null): CallContext {
  const context: CallContext = { function: frame.function, module: frame.module, caller };
  channel.start.publish(context);
  return context;
}

/** @internal Keeps a synchronous call's context until its `exit`. */
export function keepTrace(slot: number, context: CallContext): void {
  bySlot.set(slot, context);
  tracedInFlight++;
}

/** @internal The context of the synchronous call in `slot`, if it was traced. */
export function takeTrace(slot: number): CallContext | undefined {
  const context = bySlot.get(slot);
  if (context !== undefined) {
    bySlot.delete(slot);
    tracedInFlight--;
  }
  return context;
}

/** Notes how the call went: its `result`, or its `error`, which is published. */
function outcome(context: CallContext, ok: boolean, value: unknown): void {
  if (ok) context.result = value;
  else {
    context.error = value;
    channel.error.publish(context);
  }
}

/**
 * @internal A call returned `result` (`ok`) or threw it: `error` if it threw,
 * then `end`; a returned promise then gets `asyncStart` and `asyncEnd` when it
 * settles (`error` first if it rejects), as `tracePromise` publishes them.
 */
export function traceEnd(context: CallContext, ok: boolean, result: unknown, isPromise: boolean): void {
  outcome(context, ok, result);
  channel.end.publish(context);
  if (!isPromise) return;
  apply(promiseThen, result, [
    (value: unknown) => traceSettled(context, true, value),
    (error: unknown) => traceSettled(context, false, error),
  ]);
}

/** @internal An asynchronous call settled with `value` (`ok`) or rejected with it: (`error`), `asyncStart`, `asyncEnd`. */
export function traceSettled(context: CallContext, ok: boolean, value: unknown): void {
  outcome(context, ok, value);
  channel.asyncStart.publish(context);
  channel.asyncEnd.publish(context);
}

/**
 * @internal An asynchronous call whose return was not seen (the body ran in an
 * arrow the function awaits) settled: (`error`), `end`, `asyncStart`, `asyncEnd`.
 */
export function traceCompleted(context: CallContext, ok: boolean, value: unknown): void {
  outcome(context, ok, value);
  channel.end.publish(context);
  channel.asyncStart.publish(context);
  channel.asyncEnd.publish(context);
}
