/** The specification version this runtime implements (`autometrics_version`). */
export const AUTOMETRICS_SPEC_VERSION = "1.0.0";

/** The specification's default buckets for `function_calls_duration_seconds`. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);
