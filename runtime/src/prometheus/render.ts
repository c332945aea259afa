import type { Registry } from "prom-client";
import type { CallerSeries, Exemplar, FunctionHandle } from "../function-handle";
import { functions } from "../state";
import { formatBound } from "../objectives";
import { getBuildInfo } from "../build-info";
import { BUILD_INFO_LABELS, type CollectedMetric, type MetricKind, buildInfoLabels } from "./metrics";

/**
 * The autometrics metrics written as text straight from the function handles:
 * byte for byte what prom-client's registry writes for the same samples (a
 * test holds them equal, in both formats, with default labels and exemplars),
 * at a fraction of the cost, since the labels of each function and each caller
 * are escaped once and kept. The text comes in slices (a few hundred functions
 * each), between which the caller lets the event loop run.
 */

/** How one registry writes: its format, and what its default labels add to each label set of a metric. */
export interface Format {
  openMetrics: boolean;
  serviceName: string;
  /** Per label-name list (a metric's samples): `,name="value"…` of the default labels it does not have itself. */
  defaults: (names: readonly string[]) => string;
}

const FUNCTION = ["function", "module", "service_name"] as const;
const OBJECTIVE = ["objective_name", "objective_percentile"] as const;
const COUNTER_LABELS = [...FUNCTION, "caller_function", "caller_module", ...OBJECTIVE, "result"];
const HISTOGRAM_LABELS = [...FUNCTION, ...OBJECTIVE, "objective_latency_threshold"];
const BUCKET_LABELS = [...HISTOGRAM_LABELS, "le"];
const GAUGE_LABELS = [...FUNCTION];

/**
 * Functions per slice: with 7 callers each, about 0.4 MB of counter lines or
 * of histogram lines, a few milliseconds of writing between two turns of the
 * event loop.
 */
const SLICE = 125;

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/**
 * Makes V8 store `text` as one flat string (a number conversion flattens it
 * in place), so a kept label text does not hold the pieces it was built from.
 */
export function flat(text: string): string {
  void ((text as unknown as number) | 0);
  return text;
}

function label(name: string, value: string): string {
  return `${name}="${escapeLabelValue(value)}"`;
}

/** prom-client's rendering of a sample value. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return "Nan";
  if (!Number.isFinite(value)) return value < 0 ? "-Inf" : "+Inf";
  return `${value}`;
}

function exemplarText(format: Format, exemplar: Exemplar | undefined): string {
  if (!format.openMetrics || exemplar === undefined) return "";
  const labels = Object.entries(exemplar.labelSet).map(([k, v]) => label(k, v));
  return ` # {${labels.join(",")}} ${formatValue(exemplar.value)} ${exemplar.timestamp}`;
}

/** A function's labels as text, kept on the handle while the service name and objective stay the same. */
export interface LabelText {
  serviceName: string;
  objective: FunctionHandle["objective"];
  /** `function="…",module="…",service_name="…"` */
  base: string;
  /** `,objective_name="…",objective_percentile="…"` of the success-rate objective. */
  counterObjective: string;
  /** The histogram's labels, without `le`. */
  histogram: string;
}

function labelText(fn: FunctionHandle, serviceName: string): LabelText {
  const cached = fn.labelText as LabelText | undefined; // only this function writes it
  if (cached !== undefined && cached.serviceName === serviceName && cached.objective === fn.objective) return cached;
  const base = `${label("function", fn.function)},${label("module", fn.module)},${label("service_name", serviceName)}`;
  const success = fn.objective?.successPercentile ? fn.objective : undefined;
  const latency = fn.objective?.latencyThreshold ? fn.objective : undefined;
  const text: LabelText = {
    serviceName,
    objective: fn.objective,
    base: flat(base),
    counterObjective: flat(
      `,${label("objective_name", success?.name ?? "")},${label("objective_percentile", success?.successPercentile ?? "")}`,
    ),
    histogram: flat(
      `${base},${label("objective_name", latency?.name ?? "")},${label("objective_percentile", latency?.latencyPercentile ?? "")},` +
        label("objective_latency_threshold", latency?.latencyThreshold ?? ""),
    ),
  };
  fn.labelText = text;
  return text;
}

/** A caller's counter labels up to `result`, kept on the series while its function's label text stays. */
function seriesText(s: CallerSeries, fn: LabelText): string {
  if (s.labelTextOf === fn && s.labelText !== undefined) return s.labelText;
  const text = flat(
    `${fn.base},${label("caller_function", s.caller?.function ?? "")},${label("caller_module", s.caller?.module ?? "")}${fn.counterObjective}`,
  );
  s.labelText = text;
  s.labelTextOf = fn;
  return text;
}

/** The `le` labels of a set of bounds, `+Inf` last. */
const leTexts = new WeakMap<readonly number[], string[]>();
function leText(bounds: readonly number[]): string[] {
  let texts = leTexts.get(bounds);
  if (texts === undefined) {
    texts = [...bounds.map((b) => `,${label("le", formatBound(b))}`), `,le="+Inf"`];
    leTexts.set(bounds, texts);
  }
  return texts;
}

// The two loops below write one function's lines straight into the slice:
// a callback per function returning its lines cost up to a fifth more (1,000
// functions, Node 20).

function* counterLines(format: Format): Generator<string> {
  const ok = `,result="ok"${format.defaults(COUNTER_LABELS)}} `;
  const error = `,result="error"${format.defaults(COUNTER_LABELS)}} `;
  let out = "";
  for (let i = 0; i < functions.length; i++) {
    const fn = functions[i]!;
    const text = labelText(fn, format.serviceName);
    for (const s of fn.series) {
      const labels = seriesText(s, text);
      out += `\nfunction_calls_total{${labels}${ok}${formatValue(s.ok)}${exemplarText(format, s.okExemplar)}`;
      out += `\nfunction_calls_total{${labels}${error}${formatValue(s.error)}${exemplarText(format, s.errorExemplar)}`;
    }
    if (i % SLICE === SLICE - 1) {
      yield out;
      out = "";
    }
  }
  yield out;
}

function* histogramLines(format: Format): Generator<string> {
  const bucketEnd = `${format.defaults(BUCKET_LABELS)}} `;
  const end = `${format.defaults(HISTOGRAM_LABELS)}} `;
  let out = "";
  for (let i = 0; i < functions.length; i++) {
    const fn = functions[i]!;
    const labels = labelText(fn, format.serviceName).histogram;
    const le = leText(fn.bounds);
    let cumulative = 0;
    for (let b = 0; b < fn.counts.length; b++) {
      cumulative += fn.counts[b]!;
      out += `\nfunction_calls_duration_seconds_bucket{${labels}${le[b]}${bucketEnd}${formatValue(cumulative)}${exemplarText(format, fn.exemplars?.[b])}`;
    }
    out += `\nfunction_calls_duration_seconds_sum{${labels}${end}${formatValue(fn.sum)}`;
    out += `\nfunction_calls_duration_seconds_count{${labels}${end}${formatValue(fn.count)}`;
    if (i % SLICE === SLICE - 1) {
      yield out;
      out = "";
    }
  }
  yield out;
}

function* gaugeLines(format: Format): Generator<string> {
  const end = `${format.defaults(GAUGE_LABELS)}} `;
  let out = "";
  for (const fn of functions) {
    if (fn.trackConcurrency)
      out += `\nfunction_calls_concurrent{${labelText(fn, format.serviceName).base}${end}${formatValue(fn.concurrent)}`;
  }
  yield out;
}

function* buildInfoLines(format: Format): Generator<string> {
  const labels = buildInfoLabels(getBuildInfo());
  const names = labels.clearmode === undefined ? BUILD_INFO_LABELS : [...BUILD_INFO_LABELS, "clearmode"];
  const text = names.map((n) => label(n, labels[n]!)).join(",");
  yield `\nbuild_info{${text}${format.defaults(BUILD_INFO_LABELS)}} 1`;
}

const LINES: Record<MetricKind, (format: Format) => Generator<string>> = {
  counter: counterLines,
  histogram: histogramLines,
  gauge: gaugeLines,
  info: buildInfoLines,
};

/** One of the autometrics metrics: its `# HELP` and `# TYPE` lines, then its samples, in slices. */
export function* renderMetric(metric: CollectedMetric, format: Format): Generator<string> {
  // OpenMetrics names a counter's family without `_total` (as prom-client does); the text format with
  // it, even after the registry renamed the metric for an OpenMetrics scrape.
  const family = format.openMetrics && metric.type === "counter" ? metric.key.replace(/_total$/, "") : metric.key;
  yield `# HELP ${family} ${metric.help}\n# TYPE ${family} ${metric.type}`;
  yield* LINES[metric.kind](format);
}

/** The label-name lists each kind of metric writes samples with. */
const LABEL_LISTS: Record<MetricKind, readonly (readonly string[])[]> = {
  counter: [COUNTER_LABELS],
  histogram: [BUCKET_LABELS, HISTOGRAM_LABELS],
  gauge: [GAUGE_LABELS],
  info: [BUILD_INFO_LABELS],
};

/** The label-name lists of `kinds`' samples, each once. */
export function labelListsOf(kinds: readonly MetricKind[]): readonly (readonly string[])[] {
  return [...new Set(kinds.flatMap((kind) => LABEL_LISTS[kind]))];
}

/**
 * What the default labels of `registry` add to a sample with each label-name
 * list in `lists` (by default all of the autometrics metrics'), asked of
 * prom-client itself with one probe sample per list, so the text is its own.
 * Null when this prom-client cannot be asked.
 */
export async function probeDefaults(
  registry: Registry,
  lists: readonly (readonly string[])[] = labelListsOf(["counter", "histogram", "gauge", "info"]),
): Promise<Format["defaults"] | null> {
  const write = (registry as unknown as { getMetricsAsString?: (metric: unknown) => Promise<string> }).getMetricsAsString;
  if (typeof write !== "function") return null;
  const added = new Map<readonly string[], string>();
  for (const names of lists) {
    const labels = Object.fromEntries(names.map((n) => [n, ""]));
    const text = await write.call(registry, { get: () => ({ name: "probe", help: "", type: "gauge", values: [{ labels, value: 0 }] }) });
    const own = names.map((n) => `${n}=""`).join(",");
    const sample = text.slice(text.lastIndexOf("\nprobe") + "\nprobe".length);
    const inside = sample.startsWith("{") ? sample.slice(1, sample.lastIndexOf("}")) : "";
    if (!inside.startsWith(own)) return null;
    added.set(names, inside.slice(own.length));
  }
  return (names) => {
    const text = added.get(names);
    if (text === undefined) throw new Error(`no probe for the labels ${names.join(",")}`);
    return text;
  };
}
