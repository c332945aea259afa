/** The specification version this runtime implements (`autometrics_version`). */
export const AUTOMETRICS_SPEC_VERSION = "1.0.0";

/** The specification's default buckets for `function_calls_duration_seconds`. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

/**
 * How objectives are written, for the plugins and the runtime alike: a
 * percentile, or a threshold given as a string, is a decimal (`"99.9"`,
 * `"0.25"`); a name must be more than white space (Unicode White_Space, as
 * the SWC plugin's `char::is_whitespace`).
 */
export const DECIMAL = /^\d+(\.\d+)?$/;
export const BLANK = /^\p{White_Space}*$/u;
