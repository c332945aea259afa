import { AUTOMETRICS_SPEC_VERSION } from "../spec";
import type { FunctionHandle } from "../function-handle";
import { type Attributes, buildInfoAttributes, callAttributes, functionAttributes } from "./attributes";
import { functions } from "../state";
import { getBuildInfo } from "../build-info";

export type { Attributes, FunctionAttributes } from "./attributes";

/**
 * @internal The values of the SDK's public enums this producer uses, spelled
 * out so that the runtime needs no particular @opentelemetry/sdk-metrics major
 * (nor the SDK at all with the prom-client tracker); a test holds them to the
 * SDK's own `DataPointType`, `AggregationTemporality` and `ValueType`, 2.x and 3.x.
 */
export const OTEL_ENUMS = { HISTOGRAM: 0, GAUGE: 2, SUM: 3, CUMULATIVE: 1, INT: 0, DOUBLE: 1 } as const;
const { HISTOGRAM, GAUGE, SUM, CUMULATIVE, INT, DOUBLE } = OTEL_ENUMS;

type HrTime = [number, number];

// The SDK's data model (`CollectionResult` and what it holds), spelled out so
// that these declarations need no SDK; test/otel-types.check.ts holds them to
// the SDK's own types.
interface Point<V> {
  startTime: HrTime;
  endTime: HrTime;
  attributes: Attributes;
  value: V;
}

interface HistogramValue {
  buckets: { boundaries: number[]; counts: number[] };
  sum: number;
  count: number;
}

interface Descriptor {
  name: string;
  description: string;
  unit: string;
  valueType: typeof INT | typeof DOUBLE;
}

type MetricData = { descriptor: Descriptor; aggregationTemporality: typeof CUMULATIVE } & (
  | { dataPointType: typeof SUM; isMonotonic: boolean; dataPoints: Point<number>[] }
  | { dataPointType: typeof GAUGE; dataPoints: Point<number>[] }
  | { dataPointType: typeof HISTOGRAM; dataPoints: Point<HistogramValue>[] }
);

/** What `collect()` gives a reader: the SDK's `CollectionResult`. */
export interface AutometricsCollection {
  resourceMetrics: {
    resource: EmptyResource;
    scopeMetrics: { scope: { name: string; version: string }; metrics: MetricData[] }[];
  };
  errors: unknown[];
}

function hrTime(ms: number): HrTime {
  return [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
}

/** Counting started when the runtime was loaded: the start of every cumulative point. */
const START = hrTime(Date.now());

/** The SDK's `Resource`, as the producer fills it in: no attributes of its own. */
interface EmptyResource {
  attributes: Record<string, never>;
  asyncAttributesPending: boolean;
  waitForAsyncAttributes(): Promise<void>;
  getRawAttributes(): [];
  merge(other: EmptyResource | null): EmptyResource;
}

const EMPTY_RESOURCE: EmptyResource = {
  attributes: {},
  asyncAttributesPending: false,
  waitForAsyncAttributes: async () => {},
  getRawAttributes: () => [],
  merge(other) {
    return other ?? this;
  },
};

export interface MetricProducerOptions {
  /**
   * Name the histogram `function.calls.duration.seconds`, for OpenTelemetry JS's
   * Prometheus exporter, which (unlike the Collector) does not append the unit:
   * the scraped name is then `function_calls_duration_seconds`, as the autometrics
   * queries expect.
   */
  prometheusNames?: boolean;
}

/** Each bounds array as the SDK's boundaries, copied once. */
const boundaries = new WeakMap<readonly number[], number[]>();

function histogramPoint(fn: FunctionHandle): HistogramValue {
  let copy = boundaries.get(fn.bounds);
  if (copy === undefined) boundaries.set(fn.bounds, (copy = [...fn.bounds]));
  return { buckets: { boundaries: copy, counts: Array.from(fn.counts) }, sum: fn.sum, count: fn.count };
}

/**
 * Hands the metrics to OpenTelemetry as a `MetricProducer`: a `MetricReader`
 * calls `collect()` when it exports, and gets the numbers the runtime keeps
 * (cumulative, like Prometheus). Nothing goes through the SDK's per-record
 * attribute hashing, so recording costs what it costs with prom-client, and no
 * SDK cardinality limit applies: the series are bounded by functions × callers.
 */
export class AutometricsMetricProducer {
  constructor(private readonly options: MetricProducerOptions = {}) {}

  async collect(): Promise<AutometricsCollection> {
    const end = hrTime(Date.now());
    const info = getBuildInfo();
    const service = info.serviceName;
    const calls: Point<number>[] = [];
    const durations: Point<HistogramValue>[] = [];
    const concurrent: Point<number>[] = [];
    for (const fn of functions) {
      const of = functionAttributes(fn, service);
      for (const s of fn.series) {
        const [ok, error] = callAttributes(fn, of, s);
        calls.push({ startTime: START, endTime: end, attributes: ok, value: s.ok });
        calls.push({ startTime: START, endTime: end, attributes: error, value: s.error });
      }
      durations.push({ startTime: START, endTime: end, attributes: of.duration, value: histogramPoint(fn) });
      if (fn.trackConcurrency) concurrent.push({ startTime: START, endTime: end, attributes: of.concurrent, value: fn.concurrent });
    }
    const descriptor = (name: string, description: string, unit: string, valueType: Descriptor["valueType"]) => ({
      name,
      description,
      unit,
      valueType,
    });
    const metrics: MetricData[] = [
      {
        descriptor: descriptor("function.calls", "Autometrics counter for tracking function calls", "", INT),
        aggregationTemporality: CUMULATIVE,
        dataPointType: SUM,
        isMonotonic: true,
        dataPoints: calls,
      },
      {
        descriptor: descriptor(
          this.options.prometheusNames ? "function.calls.duration.seconds" : "function.calls.duration",
          "Autometrics histogram for tracking function call duration",
          "s",
          DOUBLE,
        ),
        aggregationTemporality: CUMULATIVE,
        dataPointType: HISTOGRAM,
        dataPoints: durations,
      },
      {
        descriptor: descriptor("build_info", "Autometrics info metric for tracking software version and build details", "", INT),
        aggregationTemporality: CUMULATIVE,
        dataPointType: GAUGE,
        dataPoints: [
          {
            startTime: START,
            endTime: end,
            attributes: buildInfoAttributes(info),
            value: 1,
          },
        ],
      },
    ];
    if (concurrent.length > 0) {
      metrics.push({
        descriptor: descriptor("function.calls.concurrent", "Autometrics gauge for tracking concurrent function calls", "", INT),
        aggregationTemporality: CUMULATIVE,
        dataPointType: GAUGE,
        dataPoints: concurrent,
      });
    }
    return {
      resourceMetrics: {
        resource: EMPTY_RESOURCE,
        scopeMetrics: [{ scope: { name: "autometrics-runtime", version: AUTOMETRICS_SPEC_VERSION }, metrics }],
      },
      errors: [],
    };
  }
}

/** A `MetricProducer` to give your own `MetricReader`s: `new PeriodicExportingMetricReader({ exporter, metricProducers: [autometricsMetricProducer()] })`. */
export function autometricsMetricProducer(options?: MetricProducerOptions): AutometricsMetricProducer {
  return new AutometricsMetricProducer(options);
}
