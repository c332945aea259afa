import type * as promClient from "prom-client";
import type { AggregatorRegistry } from "prom-client";
import type { ResolvedBuildInfo } from "./build-info";
import type { FunctionHandle } from "./function-handle";
import { DEFAULT_BUCKETS } from "./spec";

/**
 * The runtime's process-wide state: what `instrument` registered, what `init`
 * configured and started, and what was already reported. It holds data only
 * (nothing here imports back), and `reset.ts` returns it to a fresh process's.
 *
 * Not here: the calls in flight (the stack in context.ts, traced calls in
 * tracing.ts), which every call restores as it ends; the caller-tracking mode,
 * which context.ts keeps beside the stack for the hot path (`setAsyncCallers`);
 * and caches derived from values that do not change (bucket texts, scrapes
 * being written).
 */

/** @internal Every function registered, in registration order: what the trackers record and the scrapes write. */
export const functions: FunctionHandle[] = [];

/** @internal The handle of each (module, function) pair. */
export const byKey = new Map<string, FunctionHandle>();

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

/** @internal Run-time settings that the hot path reads; changed only by `init()`. */
export const settings = defaultSettings();

/** @internal What `init()` set up and started, and what the trackers are attached to, before any. */
export const initialRuntime = () => ({
  /** build_info, detected on first use unless `init()` set it. */
  buildInfo: undefined as ResolvedBuildInfo | undefined,
  /** The exporters and producers of the last `init()`, stopped by the next one. */
  running: undefined as { stop(): Promise<void>; flush(): Promise<void> } | undefined,
  /** The registry the Prometheus tracker put the metrics on. */
  registry: null as promClient.Registry | null,
  /** Set by `init({ tracker: "opentelemetry" })`: the metrics then stay off every registry. */
  detached: false,
  /** With `cluster: true`, in the primary: sums the workers' metrics. */
  aggregator: null as AggregatorRegistry<any> | null,
});

/** @internal */
export const runtime = initialRuntime();

/** @internal What was reported, so each failure is said once (or once per interval). */
export const reported = {
  once: new Set<string>(),
  at: new Map<string, number>(),
};
