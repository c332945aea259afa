import { createRequire } from "node:module";
import { AutometricsConfigError } from "../errors";
import { reportOnce, reportThrottled } from "../report";
import { scrapeUrl } from "../exporters/prometheus-server";
import { AutometricsMetricProducer } from "./producer";

export interface OtlpExporterOptions {
  type: "otlp-http" | "otlp-proto" | "otlp-grpc";
  /** Default: the exporter's own (http://localhost:4318/v1/metrics, or localhost:4317 for gRPC). */
  url?: string;
  headers?: Record<string, string>;
  /** How often to export; default 60000. */
  intervalMs?: number;
  /** Per export; default 30000 (at most intervalMs). */
  timeoutMs?: number;
}

export interface OtelPrometheusOptions {
  type: "prometheus";
  hostname?: string;
  port?: number;
}

/** @internal A running OpenTelemetry pipeline (our MeterProvider and its reader). */
export interface OtelPipeline {
  url: Promise<string> | undefined;
  close(): Promise<void>;
  /** Exports now (the periodic reader's forceFlush); never rejects. */
  flush(): Promise<void>;
}

/** @internal An optional package, or an error naming the option that needs it. */
export const load = (name: string, option: string) => {
  try {
    return createRequire(__filename)(name);
  } catch {
    throw new AutometricsConfigError(option, `needs the package ${name} (npm install ${name})`);
  }
};

const EXPORTER_PACKAGES = {
  "otlp-http": "@opentelemetry/exporter-metrics-otlp-http",
  "otlp-proto": "@opentelemetry/exporter-metrics-otlp-proto",
  "otlp-grpc": "@opentelemetry/exporter-metrics-otlp-grpc",
} as const;

/** Failed exports are reported (at most once a minute), never thrown: the SDK drops them and goes on. */
function reportFailures(
  exporter: { export: (metrics: unknown, done: (result: { code: number; error?: Error }) => void) => void },
  where: string,
) {
  const original = exporter.export.bind(exporter);
  exporter.export = (metrics, done) =>
    original(metrics, (result) => {
      if (result.code !== 0) reportThrottled(`otlp:${where}`, `exporting metrics to ${where} failed`, result.error);
      done(result);
    });
}

/**
 * Puts the producer on every reader of a user's MeterProvider. The SDK gives
 * readers their producers at construction, so this reaches into the reader;
 * when the SDK's shape is not the expected one, it says how to do it by hand.
 * @internal
 */
export function attachToMeterProvider(meterProvider: unknown, producer: AutometricsMetricProducer): () => void {
  const collectors = (meterProvider as { _sharedState?: { metricCollectors?: { _metricReader?: { _metricProducers?: unknown[] } }[] } })
    ?._sharedState?.metricCollectors;
  const readers = Array.isArray(collectors) ? collectors.map((c) => c._metricReader) : [];
  if (readers.length === 0 || readers.some((r) => !Array.isArray(r?._metricProducers))) {
    throw new AutometricsConfigError(
      "meterProvider",
      "could not find its metric readers; give them the producer yourself: " +
        "new PeriodicExportingMetricReader({ exporter, metricProducers: [autometricsMetricProducer()] })",
    );
  }
  for (const reader of readers) reader!._metricProducers!.push(producer);
  return () => {
    for (const reader of readers) {
      const list = reader!._metricProducers!;
      const i = list.indexOf(producer);
      if (i >= 0) list.splice(i, 1);
    }
  };
}

/** @internal Our own MeterProvider with one reader, for the exporter asked for. */
export function startOtelPipeline(exporter: OtlpExporterOptions | OtelPrometheusOptions, serviceName: string): OtelPipeline {
  const sdk = load("@opentelemetry/sdk-metrics", "tracker");
  const resources = load("@opentelemetry/resources", "tracker");
  const resource = resources.resourceFromAttributes({ "service.name": serviceName });
  let reader: unknown;
  let url: Promise<string> | undefined;
  if (exporter.type === "prometheus") {
    const { PrometheusExporter } = load("@opentelemetry/exporter-prometheus", "exporter.type");
    const host = exporter.hostname ?? "0.0.0.0";
    const port = exporter.port ?? 9464;
    url = new Promise<string>((resolve, reject) => {
      reader = new PrometheusExporter(
        { host, port, withoutScopeInfo: true, metricProducers: [new AutometricsMetricProducer({ prometheusNames: true })] },
        (error?: Error) => {
          if (error) reject(error);
          else resolve(scrapeUrl(host, port));
        },
      );
    });
  } else {
    const pkg = load(EXPORTER_PACKAGES[exporter.type], "exporter.type");
    const config: Record<string, unknown> = { url: exporter.url, timeoutMillis: exporter.timeoutMs };
    if (exporter.headers !== undefined) {
      if (exporter.type === "otlp-grpc") {
        const grpc = load("@grpc/grpc-js", "exporter.headers");
        const metadata = new grpc.Metadata();
        for (const [k, v] of Object.entries(exporter.headers)) metadata.set(k, v);
        config.metadata = metadata;
      } else config.headers = exporter.headers;
    }
    const otlp = new pkg.OTLPMetricExporter(config);
    reportFailures(otlp, exporter.url ?? exporter.type);
    const interval = exporter.intervalMs ?? 60_000;
    reader = new sdk.PeriodicExportingMetricReader({
      exporter: otlp,
      exportIntervalMillis: interval,
      exportTimeoutMillis: Math.min(exporter.timeoutMs ?? 30_000, interval),
      metricProducers: [new AutometricsMetricProducer()],
    });
  }
  const provider = new sdk.MeterProvider({ resource, readers: [reader] });
  // A short-lived process exports what it recorded before it ends.
  const flushOnExit = () => void provider.forceFlush().catch((e: unknown) => reportOnce("otlp-flush", "the final export failed", e));
  if (exporter.type !== "prometheus") process.once("beforeExit", flushOnExit);
  return {
    url,
    flush: () => provider.forceFlush().catch((e: unknown) => reportThrottled("otlp-flush", "exporting metrics failed", e)),
    close: async () => {
      process.off("beforeExit", flushOnExit);
      await provider.shutdown();
    },
  };
}
