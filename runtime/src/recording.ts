import { setAsyncCallers } from "./context";
import { AutometricsConfigError } from "./errors";
import { checkBuckets } from "./objectives";
import { settings } from "./function-handle";
import type { OptionType } from "./option-types";
import { functions } from "./state";

/** The `init()` options that decide how calls are recorded, the same on every platform. */
export interface RecordingOptions {
  /** Histogram buckets in seconds; default: the specification's. */
  buckets?: number[];
  /** `function_calls_concurrent` for every function (default false: only those that ask). */
  trackConcurrency?: boolean;
  /**
   * Caller labels across asynchronous boundaries (default true: set by the
   * calls that can register continuations themselves); `"exact"`: set by
   * every call, exact across schedulers the plugins do not see too, at the
   * cost of AsyncLocalStorage on every call; false: synchronous callers only.
   */
  trackCallers?: boolean | "exact";
}

/** @internal The types of the recording options, for `init()`'s check on every platform. */
export const RECORDING_OPTION_TYPES: Readonly<Record<keyof RecordingOptions, OptionType>> = {
  buckets: "array",
  trackConcurrency: "boolean",
  trackCallers: { is: (v) => typeof v === "boolean" || v === "exact", expected: 'true, false or "exact"' },
};

/**
 * @internal Checks the buckets against every registered function's objective
 * (throwing before anything changes); returns what applies them.
 */
export function prepareRecording(options: RecordingOptions): () => void {
  const buckets = options.buckets === undefined ? settings.buckets : checkBuckets(options.buckets);
  const sameBuckets = buckets.length === settings.buckets.length && buckets.every((b, i) => b === settings.buckets[i]);
  let setBuckets = () => {};
  if (!sameBuckets) {
    if (functions.some((fn) => fn.count > 0)) {
      throw new AutometricsConfigError(
        "buckets",
        "cannot change after calls were recorded: call init() before the first instrumented call",
      );
    }
    const objectives = functions.map((fn) => fn.objectiveFor(buckets));
    setBuckets = () => {
      for (const [i, fn] of functions.entries()) fn.setBuckets(buckets, objectives[i]);
      settings.buckets = buckets;
    };
  }
  return () => {
    setBuckets();
    settings.trackConcurrency = options.trackConcurrency === true;
    for (const fn of functions) fn.trackConcurrency = fn.options.trackConcurrency ?? settings.trackConcurrency;
    setAsyncCallers(options.trackCallers === false ? false : options.trackCallers === "exact" ? "exact" : true);
  };
}
