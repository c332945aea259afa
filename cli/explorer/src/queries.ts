/**
 * The PromQL the page runs: a handful of batched queries per refresh, each
 * for every function at once or for one chart, never one per function.
 */

const CALLS = '__name__=~"function_calls(_count)?(_total)?"';
const BUCKETS = '__name__=~"function_calls_duration(_seconds)?_bucket"';

/** A PromQL string literal. */
export function literal(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** The matcher for where the calls ran: `undefined` for everywhere, "" for the server (no `runtime` label). */
export function runtimeMatcher(runtime: string | undefined): string {
  return runtime === undefined ? "" : `, runtime=${literal(runtime)}`;
}

/** Calls per second of each function, by result and where the calls ran: the function list and the runtime filter's choices. */
export function calls(window: string, runtime?: string): string {
  return `sum by (function, module, result, runtime) (rate({${CALLS}${runtimeMatcher(runtime)}}[${window}]))`;
}

/** Calls per second on each caller → function edge, by result: the whole service's, or those to and from one function. */
export function edges(window: string, runtime?: string, around?: { fn: string; module: string }): string {
  const rate = (matchers: string) => `rate({${CALLS}${matchers}${runtimeMatcher(runtime)}}[${window}])`;
  const selected =
    around === undefined
      ? rate("")
      : `${rate(`, function=${literal(around.fn)}, module=${literal(around.module)}`)} or ${rate(`, caller_function=${literal(around.fn)}, caller_module=${literal(around.module)}`)}`;
  return `sum by (function, module, caller_function, caller_module, result) (${selected})`;
}

function select(fn: string, module: string, runtime?: string): string {
  return `function=${literal(fn)}, module=${literal(module)}${runtimeMatcher(runtime)}`;
}

/** The four charts of one function. */
export function charts(fn: string, module: string, window: string, runtime?: string) {
  const sel = select(fn, module, runtime);
  const percentile = (q: string) =>
    `label_replace(histogram_quantile(${q}, sum by (le) (rate({${BUCKETS}, ${sel}}[${window}]))), "percentile", "p${Number(q) * 100}", "", "")`;
  return {
    rate: `sum by (result) (rate({${CALLS}, ${sel}}[${window}]))`,
    errorRatio: `(sum(rate({${CALLS}, ${sel}, result="error"}[${window}])) or vector(0)) / sum(rate({${CALLS}, ${sel}}[${window}]))`,
    latency: ["0.5", "0.95", "0.99"].map(percentile).join(" or "),
    concurrency: `sum(function_calls_concurrent{${sel}})`,
  };
}

/** The error ratio of each window of one objective's recording rules (the shipped rules' `slo:sli_error:ratio_rate*`). */
export function objectiveRatios(name: string): string {
  return `{__name__=~"slo:sli_error:ratio_rate(5m|30m|1h|2h|6h|1d|3d)", objective_name=${literal(name)}}`;
}
