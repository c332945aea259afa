import type * as promClient from "prom-client";
import type { AggregatorRegistry } from "prom-client";
import type { FunctionHandle } from "./function-handle";

/**
 * The runtime's process-wide state: what `instrument` registered and what
 * `init` started. It holds data only, and `reset.ts` returns it to a fresh
 * process's.
 *
 * It lists the handles, so it sits above the core and below the exporters.
 * What the core itself reads is kept in the file that reads it, so that
 * nothing imports back up: the settings the handles record with
 * (function-handle.ts), build_info in use (build-info.ts), what was reported
 * (report.ts). Not here either: the calls in flight (the stack in context.ts, traced calls in
 * tracing.ts), which every call restores as it ends; the caller-tracking mode,
 * which context.ts keeps beside the stack for the hot path (`setAsyncCallers`);
 * and caches derived from values that do not change (bucket texts, scrapes
 * being written).
 */

/** @internal Every function registered, in registration order: what the trackers record and the scrapes write. */
export const functions: FunctionHandle[] = [];

/** @internal The handle of each (module, function) pair. */
export const byKey = new Map<string, FunctionHandle>();

/** @internal What `init()` set up and started, and what the trackers are attached to, before any. */
export const initialRuntime = () => ({
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
