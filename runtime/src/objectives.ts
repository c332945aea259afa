import { AutometricsConfigError } from "./errors";
import { reportOnce } from "./report";
import { BLANK, ObjectiveValueError, checkPercentile, checkThreshold } from "./spec";

/** The percentiles the autometrics recording and alerting rules cover. */
export enum ObjectivePercentile {
  P90 = "90",
  P95 = "95",
  P99 = "99",
  P99_9 = "99.9",
}

/** Latency thresholds in seconds: the specification's default histogram buckets. */
export enum ObjectiveLatency {
  Ms5 = "0.005",
  Ms10 = "0.01",
  Ms25 = "0.025",
  Ms50 = "0.05",
  Ms75 = "0.075",
  Ms100 = "0.1",
  Ms250 = "0.25",
  Ms500 = "0.5",
  Ms750 = "0.75",
  Ms1000 = "1",
  Ms2500 = "2.5",
  Ms5000 = "5",
  Ms7500 = "7.5",
  Ms10000 = "10",
}

/**
 * A service-level objective shared by one or more functions, as in
 * `@autometrics/autometrics`: a success rate, a latency, or both.
 */
export interface Objective {
  name: string;
  successRate?: ObjectivePercentile | `${number}`;
  /** `[threshold in seconds, percentile]`; the threshold must be a histogram bucket. */
  latency?: [ObjectiveLatency | `${number}` | number, ObjectivePercentile | `${number}`];
}

/** @internal An objective checked and rendered once, at registration. */
export interface ResolvedObjective {
  name: string;
  successPercentile: string;
  latencyPercentile: string;
  /** Rendered exactly as the matching histogram bucket's `le` label; "" without a latency objective. */
  latencyThreshold: string;
}

const SUPPORTED_PERCENTILES = new Set<string>(Object.values(ObjectivePercentile));

/**
 * Renders a bucket bound the way the `le` label is rendered, so the
 * `objective_latency_threshold` label can be compared to `le` byte for byte.
 */
export function formatBound(bound: number): string {
  return String(bound);
}

/** `checkPercentile`, naming `option` in its error, and saying once when the shared rules do not cover it. */
function percentileOf(value: unknown, option: string, objectiveName: string): string {
  const text = within(option, () => checkPercentile(value));
  if (!SUPPORTED_PERCENTILES.has(text)) {
    reportOnce(
      `percentile:${text}`,
      `objective "${objectiveName}" uses percentile ${text}; the shared autometrics rules only cover ` +
        `${[...SUPPORTED_PERCENTILES].join(", ")}: \`npx autometrics rules\` writes the rules for it`,
    );
  }
  return text;
}

/** Runs `check`, naming `option` in the error it throws. */
function within<T>(option: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw e instanceof ObjectiveValueError ? new AutometricsConfigError(option, e.message) : e;
  }
}

/**
 * @internal Validates an objective against the histogram buckets in use;
 * without `buckets`, the threshold is taken as already checked against the
 * buckets it was built for (a plugin's `buckets` option).
 */
export function resolveObjective(
  objective: Objective | undefined,
  buckets: readonly number[] | undefined,
  option = "objective",
): ResolvedObjective | undefined {
  if (objective === undefined || objective === null) return undefined;
  if (typeof objective !== "object") {
    throw new AutometricsConfigError(option, `expected an object, got ${typeof objective}`);
  }
  for (const key of Object.keys(objective)) {
    if (key !== "name" && key !== "successRate" && key !== "latency") {
      throw new AutometricsConfigError(`${option}.${key}`, "unknown objective field (expected name, successRate, latency)");
    }
  }
  const { name } = objective;
  if (typeof name !== "string" || BLANK.test(name)) {
    throw new AutometricsConfigError(`${option}.name`, "an objective needs a non-empty name");
  }
  if (objective.successRate === undefined && objective.latency === undefined) {
    throw new AutometricsConfigError(option, `objective "${name}" has neither successRate nor latency`);
  }
  const resolved: ResolvedObjective = {
    name,
    successPercentile: "",
    latencyPercentile: "",
    latencyThreshold: "",
  };
  if (objective.successRate !== undefined) {
    resolved.successPercentile = percentileOf(objective.successRate, `${option}.successRate`, name);
  }
  if (objective.latency !== undefined) {
    const latency = objective.latency;
    if (!Array.isArray(latency) || latency.length !== 2) {
      throw new AutometricsConfigError(`${option}.latency`, "expected [threshold in seconds, percentile]");
    }
    const [threshold, percentile] = latency;
    const bound = within(`${option}.latency`, () => checkThreshold(threshold));
    if (buckets !== undefined && !buckets.includes(bound)) {
      throw new AutometricsConfigError(
        `${option}.latency`,
        `threshold ${formatBound(bound)}s of objective "${name}" is not a histogram bucket ` +
          `(buckets: ${buckets.map(formatBound).join(", ")}); add it to \`buckets\` or pick one of them`,
      );
    }
    resolved.latencyThreshold = formatBound(bound);
    resolved.latencyPercentile = percentileOf(percentile, `${option}.latency`, name);
  }
  return resolved;
}

/** @internal Validates a bucket list: finite, positive, strictly increasing. */
export function checkBuckets(buckets: unknown): readonly number[] {
  const option = "buckets";
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new AutometricsConfigError(option, "expected a non-empty array of numbers (seconds)");
  }
  let previous = -Infinity;
  for (const b of buckets) {
    if (typeof b !== "number" || !Number.isFinite(b) || b <= 0) {
      throw new AutometricsConfigError(option, `bucket ${JSON.stringify(b)} is not a positive finite number`);
    }
    if (b <= previous) {
      throw new AutometricsConfigError(option, "buckets must be strictly increasing");
    }
    previous = b;
  }
  return Object.freeze([...buckets]);
}
