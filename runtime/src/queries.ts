import { type Objective, resolveObjective } from "./objectives";

/** PromQL for one function, in the forms the autometrics dashboards use. */
export interface FunctionQueries {
  /** Calls per second, with version and commit joined from build_info. */
  requestRate: string;
  /** Share of calls that failed. */
  errorRatio: string;
  /** Latency percentiles in seconds. */
  latency: { p50: string; p95: string; p99: string };
  /** Calls per second by caller (`caller_function`, `caller_module`). */
  callers: string;
  /** How fast each objective's error budget burns (1 = exactly on budget), when the function has one. */
  successRateBurn?: string;
  latencyBurn?: string;
}

const CALLS = "function_calls(_count)?(_total)?";
const BUCKETS = "function_calls_duration(_seconds)?_bucket";
const COUNTS = "function_calls_duration(_seconds)?_count";

/** A PromQL string literal. */
function literal(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function withBuildInfo(expr: string, window: string): string {
  return `${expr} * on(instance, job) group_left(version, commit) (last_over_time(build_info[${window}]) or on (instance, job) up)`;
}

/**
 * The queries for a function, as labelled by the plugins (`function`, `module`),
 * over `window` (default 5m). With an objective (the same object the function
 * was instrumented with), the burn-rate queries for it.
 */
export function queriesFor(fn: string, module: string, options: { objective?: Objective; window?: string } = {}): FunctionQueries {
  const window = options.window ?? "5m";
  const select = `function=${literal(fn)}, module=${literal(module)}`;
  const by = "function, module, service_name, version, commit";
  const rate = (filter: string) => withBuildInfo(`rate({__name__=~"${CALLS}", ${select}${filter}}[${window}])`, window);
  const percentile = (q: number, label: string) =>
    `label_replace(histogram_quantile(${q}, sum by (le, ${by}) (${withBuildInfo(`rate({__name__=~"${BUCKETS}", ${select}}[${window}])`, window)})), "percentile_latency", "${label}", "", "")`;
  const queries: FunctionQueries = {
    requestRate: `sum by (${by}) (${rate("")})`,
    errorRatio: `sum by (${by}) (${rate(', result="error"')}) / sum by (${by}) (${rate("")})`,
    latency: { p50: percentile(0.5, "50"), p95: percentile(0.95, "95"), p99: percentile(0.99, "99") },
    callers: `sum by (caller_function, caller_module) (rate({__name__=~"${CALLS}", ${select}}[${window}]))`,
  };
  // Checked against its buckets where it was attached: this process's may differ (the CLI's are the default).
  const objective = resolveObjective(options.objective, undefined);
  if (objective?.successPercentile) {
    const name = `objective_name=${literal(objective.name)}, objective_percentile=${literal(objective.successPercentile)}`;
    const budget = Number((1 - Number(objective.successPercentile) / 100).toFixed(6));
    queries.successRateBurn =
      `(sum(rate({__name__=~"${CALLS}", ${name}, result="error"}[${window}])) or on() vector(0))` +
      ` / sum(rate({__name__=~"${CALLS}", ${name}}[${window}])) / ${budget}`;
  }
  if (objective?.latencyThreshold) {
    const name = `objective_name=${literal(objective.name)}, objective_percentile=${literal(objective.latencyPercentile)}`;
    const budget = Number((1 - Number(objective.latencyPercentile) / 100).toFixed(6));
    queries.latencyBurn =
      `(1 - (sum(rate({__name__=~"${BUCKETS}", ${name}, le=${literal(objective.latencyThreshold)}}[${window}])) or on() vector(0))` +
      ` / sum(rate({__name__=~"${COUNTS}", ${name}}[${window}]))) / ${budget}`;
  }
  return queries;
}

/** A link that opens `expr` in Prometheus's graph page, at `PROMETHEUS_URL` (default http://localhost:9090). */
export function prometheusLink(expr: string, base = process.env.PROMETHEUS_URL || "http://localhost:9090"): string {
  const url = new URL("graph", base.endsWith("/") ? base : `${base}/`);
  url.searchParams.set("g0.expr", expr);
  url.searchParams.set("g0.tab", "0");
  url.searchParams.set("g0.range_input", "1h");
  return url.toString();
}
