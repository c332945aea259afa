import { SPEC_DATA } from "./spec-data";

/** The specification version this runtime implements (`autometrics_version`). */
export const AUTOMETRICS_SPEC_VERSION = "1.0.0";

/** The specification's default buckets for `function_calls_duration_seconds` (spec.json, which the SWC plugin reads too). */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([...SPEC_DATA.defaultBuckets]);

/**
 * How objectives are written, for the plugins and the runtime alike: a
 * percentile, or a threshold given as a string, is a decimal (`"99.9"`,
 * `"0.25"`); a name must be more than white space (Unicode White_Space, as
 * the SWC plugin's `char::is_whitespace`).
 */
export const DECIMAL = /^\d+(\.\d+)?$/;
export const BLANK = /^\p{White_Space}*$/u;

/** What is wrong with an objective's value, in words; the caller says where it was written. */
export class ObjectiveValueError extends Error {}

/** A percentile as written (`"99.9"`, or 99.9), strictly between 0 and 100. */
export function checkPercentile(value: unknown): string {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !DECIMAL.test(text)) {
    throw new ObjectiveValueError(`expected a percentile such as "99.9", got ${JSON.stringify(value)}`);
  }
  const n = Number(text);
  if (!(n > 0 && n < 100)) throw new ObjectiveValueError(`percentile ${text} is not between 0 and 100`);
  return text;
}

/** A latency threshold in seconds: a positive number, or a decimal string such as `"0.25"`. */
export function checkThreshold(value: unknown): number {
  const bound = typeof value === "string" ? (DECIMAL.test(value) ? Number(value) : Number.NaN) : value;
  if (typeof bound !== "number" || !Number.isFinite(bound) || bound <= 0) {
    throw new ObjectiveValueError(`threshold ${JSON.stringify(value)} is not a positive number of seconds`);
  }
  return bound;
}
