import { AUTOMETRICS_SPEC_VERSION } from "../spec";
import type { Exemplar } from "../function-handle";
import { functions } from "../state";
import { formatBound } from "../objectives";
import { getBuildInfo } from "../build-info";

/** One exposed sample, in the shape prom-client's registry formats and aggregates. */
interface Sample {
  labels: Record<string, string>;
  value: number;
  metricName?: string;
  exemplar?: Exemplar;
}

type Aggregator = "sum" | "first" | "max";

/** Which of the four autometrics metrics: what render.ts writes for it. */
export type MetricKind = "counter" | "histogram" | "gauge" | "info";

/**
 * A metric that prom-client's `Registry` can hold: the registry calls `get()`
 * at scrape time, so the samples are built from the function handles only
 * then, never on the call path. The same objects work with prom-client's
 * `AggregatorRegistry` for Node `cluster`.
 */
export class CollectedMetric {
  /** The name it was made with: prom-client's registry renames a counter in OpenMetrics mode (`name` loses `_total`). */
  readonly key: string;

  constructor(
    public name: string,
    readonly help: string,
    readonly type: "counter" | "histogram" | "gauge",
    readonly kind: MetricKind,
    readonly aggregator: Aggregator,
    private readonly collect: (serviceName: string) => Sample[],
    private readonly zero: () => void = () => {},
  ) {
    this.key = name;
  }

  get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values: this.collect(getBuildInfo().serviceName),
      aggregator: this.aggregator,
    };
  }

  reset(): void {
    this.zero();
  }
}

function counterSamples(serviceName: string): Sample[] {
  const samples: Sample[] = [];
  for (const fn of functions) {
    const objectiveName = fn.objective?.successPercentile ? fn.objective.name : "";
    const percentile = fn.objective?.successPercentile ?? "";
    for (const s of fn.series) {
      const base = {
        function: fn.function,
        module: fn.module,
        service_name: serviceName,
        caller_function: s.caller?.function ?? "",
        caller_module: s.caller?.module ?? "",
        objective_name: objectiveName,
        objective_percentile: percentile,
      };
      samples.push({ labels: { ...base, result: "ok" }, value: s.ok, exemplar: s.okExemplar });
      samples.push({ labels: { ...base, result: "error" }, value: s.error, exemplar: s.errorExemplar });
    }
  }
  return samples;
}

function histogramSamples(serviceName: string): Sample[] {
  const samples: Sample[] = [];
  for (const fn of functions) {
    const latency = fn.objective?.latencyThreshold ? fn.objective : undefined;
    const labels = {
      function: fn.function,
      module: fn.module,
      service_name: serviceName,
      objective_name: latency?.name ?? "",
      objective_percentile: latency?.latencyPercentile ?? "",
      objective_latency_threshold: latency?.latencyThreshold ?? "",
    };
    let cumulative = 0;
    for (let i = 0; i < fn.counts.length; i++) {
      cumulative += fn.counts[i]!;
      const le = i < fn.bounds.length ? formatBound(fn.bounds[i]!) : "+Inf";
      samples.push({
        labels: { ...labels, le },
        value: cumulative,
        metricName: "function_calls_duration_seconds_bucket",
        exemplar: fn.exemplars?.[i],
      });
    }
    samples.push({ labels, value: fn.sum, metricName: "function_calls_duration_seconds_sum" });
    samples.push({ labels, value: fn.count, metricName: "function_calls_duration_seconds_count" });
  }
  return samples;
}

function concurrencySamples(serviceName: string): Sample[] {
  return functions
    .filter((fn) => fn.trackConcurrency)
    .map((fn) => ({
      labels: { function: fn.function, module: fn.module, service_name: serviceName },
      value: fn.concurrent,
    }));
}

/** The labels of `build_info`, in the order they are written. */
export function buildInfoLabels(info: ReturnType<typeof getBuildInfo>): Record<string, string> {
  const labels: Record<string, string> = {
    version: info.version,
    commit: info.commit,
    branch: info.branch,
    service_name: info.serviceName,
    repository_url: info.repositoryUrl,
    repository_provider: info.repositoryProvider,
    autometrics_version: AUTOMETRICS_SPEC_VERSION,
  };
  // Not a label of the specification: there only when set (an aggregating gateway's).
  if (info.clearmode) labels.clearmode = info.clearmode;
  return labels;
}

/** The specification's labels of `build_info` (`clearmode`, when set, comes after them). */
export const BUILD_INFO_LABELS = Object.keys(buildInfoLabels({} as ReturnType<typeof getBuildInfo>));

function buildInfoSamples(): Sample[] {
  return [{ labels: buildInfoLabels(getBuildInfo()), value: 1 }];
}

const resetAll = () => {
  for (const fn of functions) fn.reset();
};

/** @internal The four autometrics metrics, as registry entries. */
export function createMetrics(): CollectedMetric[] {
  return [
    new CollectedMetric(
      "function_calls_total",
      "Autometrics counter for tracking function calls",
      "counter",
      "counter",
      "sum",
      counterSamples,
      resetAll,
    ),
    new CollectedMetric(
      "function_calls_duration_seconds",
      "Autometrics histogram for tracking function call duration",
      "histogram",
      "histogram",
      "sum",
      histogramSamples,
    ),
    new CollectedMetric(
      "function_calls_concurrent",
      "Autometrics gauge for tracking concurrent function calls",
      "gauge",
      "gauge",
      "sum",
      concurrencySamples,
    ),
    new CollectedMetric(
      "build_info",
      "Autometrics info metric for tracking software version and build details",
      "gauge",
      "info",
      "first",
      buildInfoSamples,
    ),
  ];
}
