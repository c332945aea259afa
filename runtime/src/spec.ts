/** The specification version this runtime implements (`autometrics_version`). */
export const AUTOMETRICS_SPEC_VERSION = "1.0.0";

// The specification's facts the SWC plugin reads too (it embeds the file when built).
const spec: { defaultBuckets: number[] } = require("../spec.json");

/** The specification's default buckets for `function_calls_duration_seconds`. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([...spec.defaultBuckets]);

/**
 * How objectives are written, for the plugins and the runtime alike: a
 * percentile, or a threshold given as a string, is a decimal (`"99.9"`,
 * `"0.25"`); a name must be more than white space (Unicode White_Space, as
 * the SWC plugin's `char::is_whitespace`).
 */
export const DECIMAL = /^\d+(\.\d+)?$/;
export const BLANK = /^\p{White_Space}*$/u;
