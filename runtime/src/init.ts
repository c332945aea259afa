import * as promClient from "prom-client";
import { type BuildInfo, inUse, resolveBuildInfo } from "./build-info";
import { type OptionType, checkOptionTypes } from "./option-types";
import { AutometricsConfigError } from "./errors";
import { disableCluster, enableCluster } from "./exporters/cluster";
import { type PrometheusExporterOptions, type RunningExporter, startPrometheusExporter } from "./exporters/prometheus-server";
import { type PushGatewayOptions, type RunningPush, startPushGateway } from "./exporters/push-gateway";
import { type OtlpExporterOptions, attachToMeterProvider, load, startOtelPipeline } from "./opentelemetry/pipeline";
import { AutometricsMetricProducer } from "./opentelemetry/producer";
import { RECORDING_OPTION_TYPES, type RecordingOptions, prepareRecording } from "./recording";
import { afterEachRequest, flushesAfterRequest } from "./push/after-request";
import { exporterFromEnv, resolvePush } from "./push/options";
import { checkBuildInfo, checkExporter } from "./exporter-options";
import type { OtlpPushOptions, Pusher } from "./push/pusher";
import { startPush } from "./push/start";
import { attach, detach } from "./prometheus/tracker";
import { settings } from "./function-handle";
import { inModuleHooksThread } from "./hooks-thread";
import { reportOnce } from "./report";
import { runtime } from "./state";

export type ExporterOptions = PrometheusExporterOptions | OtlpPushOptions | OtlpExporterOptions | PushGatewayOptions;

export interface InitOptions extends RecordingOptions {
  /**
   * How the metrics leave the process: "prometheus" (default) puts them on a
   * prom-client registry; "opentelemetry" hands them to OpenTelemetry metric
   * readers (yours, through `meterProvider`, or ours, through `exporter`).
   * Recording is the same either way.
   */
  tracker?: "prometheus" | "opentelemetry";
  /** The prom-client registry to put the metrics on; default: prom-client's default `register`. */
  registry?: promClient.Registry;
  /** With the OpenTelemetry tracker: your `MeterProvider` (@opentelemetry/sdk-metrics 2.x or 3.x); its readers export the metrics. */
  meterProvider?: object;
  /**
   * Where to send the metrics: a Prometheus scrape endpoint (both trackers), an
   * OTLP push to a collector (`"otlp"`, both trackers, with `flush()` for
   * serverless functions), OTLP through OpenTelemetry's exporters over
   * HTTP/JSON, HTTP/protobuf or gRPC (OpenTelemetry tracker), or a push gateway
   * (both). Omit it to serve the registry yourself (see `metricsHandler`), or
   * to follow `OTEL_METRICS_EXPORTER` (`otlp`, `prometheus`, `none`).
   */
  exporter?: ExporterOptions;
  /** Aggregate over Node `cluster` workers: call `init` in the primary and in every worker. */
  cluster?: boolean;
  /** Exemplars (trace_id, span_id) from the active OpenTelemetry span; switches the registry to OpenMetrics. */
  exemplars?: boolean;
  /** Service name; AUTOMETRICS_SERVICE_NAME and OTEL_SERVICE_NAME take precedence. */
  serviceName?: string;
  /** build_info labels; they take precedence over environment variables and detection. */
  buildInfo?: Omit<BuildInfo, "serviceName">;
  /** Read version, commit, branch and repository from package.json and .git (default true). */
  detectBuildInfo?: boolean;
}

/** What `init()` started. */
export interface Autometrics {
  readonly registry: promClient.Registry;
  /** The scrape endpoint, when `exporter` asked for one. */
  readonly exporter: RunningExporter | undefined;
  /** Pushes to the push gateway now, when `exporter` is one. */
  push(): Promise<void>;
  /** Sends what is recorded now, with the push exporter (`otlp`, `push-gateway`, OpenTelemetry's); resolves when done. Never rejects. */
  flush(): Promise<void>;
  /** Stops the exporter; metrics keep being recorded. */
  shutdown(): Promise<void>;
}

const OPTION_TYPES: Record<keyof InitOptions, OptionType> = {
  tracker: "string",
  registry: "object",
  meterProvider: "object",
  exporter: "object",
  cluster: "boolean",
  ...RECORDING_OPTION_TYPES,
  exemplars: "boolean",
  serviceName: "string",
  buildInfo: "object",
  detectBuildInfo: "boolean",
};
function checkOptions(options: InitOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new AutometricsConfigError("init", `expected an options object, got ${options === null ? "null" : typeof options}`);
  }
  checkOptionTypes(options, OPTION_TYPES, (option, problem) => new AutometricsConfigError(option, problem));
  if (options.registry !== undefined && !(options.registry instanceof promClient.Registry)) {
    throw new AutometricsConfigError(
      "registry",
      "expected a prom-client Registry from the same prom-client the app uses (is a second copy of prom-client installed?)",
    );
  }
  checkBuildInfo(options.buildInfo);
  if (options.tracker !== undefined && options.tracker !== "prometheus" && options.tracker !== "opentelemetry") {
    throw new AutometricsConfigError(
      "tracker",
      `unsupported tracker ${JSON.stringify(options.tracker)} (supported: "prometheus", "opentelemetry")`,
    );
  }
  const tracker = options.tracker ?? "prometheus";
  if (tracker === "opentelemetry" && options.registry !== undefined) {
    throw new AutometricsConfigError(
      "registry",
      'is for tracker "prometheus"; the OpenTelemetry tracker exports through meterProvider or exporter',
    );
  }
  if (tracker !== "opentelemetry" && options.meterProvider !== undefined) {
    throw new AutometricsConfigError("meterProvider", 'needs tracker: "opentelemetry"');
  }
  if (options.exporter !== undefined) {
    if (typeof options.exporter !== "object" || options.exporter === null)
      throw new AutometricsConfigError("exporter", "expected an object");
    checkExporter(options.exporter, tracker);
    if (options.meterProvider !== undefined && options.exporter.type !== "push-gateway") {
      throw new AutometricsConfigError(
        "exporter",
        "the metrics already go through the readers of your meterProvider: give one or the other",
      );
    }
  }
}

function exemplarSource(): () => Record<string, string> | undefined {
  const api: typeof import("@opentelemetry/api") = load("@opentelemetry/api", "exemplars");
  return () => {
    const span = api.trace.getSpanContext(api.context.active());
    if (span === undefined || !api.isSpanContextValid(span)) return undefined;
    return { trace_id: span.traceId, span_id: span.spanId };
  };
}

/**
 * Configures the runtime; call it once at start-up, before serving traffic.
 * Instrumented functions work without it (defaults apply). Invalid options
 * throw an `AutometricsConfigError` naming the option; nothing is changed then.
 */
export function init(options: InitOptions = {}): Autometrics {
  checkOptions(options);
  const wanted = options.exporter ?? exporterFromEnv(process.env);
  // Checked there as everywhere, but nothing is exported from a thread where the app is not.
  const spec = inModuleHooksThread() ? undefined : wanted;
  let afterRequest = false;
  if (wanted?.type === "otlp") {
    resolvePush(wanted, process.env); // throws on a bad option or variable, before anything changes
    afterRequest = flushesAfterRequest((wanted as OtlpPushOptions).flushAfterRequest, process.env);
  }
  const exemplar = options.exemplars === true ? exemplarSource() : null;
  // Every objective is checked against new buckets before anything changes.
  const applyRecording = prepareRecording(options);

  const tracker = options.tracker ?? "prometheus";
  const otelProducer = tracker === "opentelemetry" ? new AutometricsMetricProducer() : undefined;
  // Attaching to the user's MeterProvider can fail (unknown SDK shape): do it before changing anything.
  const detachProducer = options.meterProvider !== undefined ? attachToMeterProvider(options.meterProvider, otelProducer!) : undefined;

  const registry = tracker === "prometheus" ? attach(options.registry ?? promClient.register) : promClient.register;
  if (tracker === "opentelemetry") detach();
  settings.exemplar = exemplar;
  if (exemplar !== null && tracker === "prometheus") registry.setContentType(promClient.Registry.OPENMETRICS_CONTENT_TYPE as never);
  applyRecording();
  const info = resolveBuildInfo({ ...options.buildInfo, serviceName: options.serviceName }, process.env, options.detectBuildInfo !== false);
  inUse.buildInfo = info;
  if (options.cluster === true) enableCluster();
  else disableCluster();

  const previous = runtime.running;
  runtime.running = undefined;
  if (previous !== undefined) void previous.stop();

  let exporter: RunningExporter | undefined;
  let pusher: RunningPush | undefined;
  let otlp: Pusher | undefined;
  let entryEnded: (() => void) | null = null;
  let otel: { close(): Promise<void>; flush?(): Promise<void> } | undefined;
  if (spec?.type === "otlp") {
    const started = startPush(spec, process.env, () => inUse.buildInfo ?? info, { unref: (timer) => (timer as NodeJS.Timeout).unref() });
    otlp = started;
    if (afterRequest) entryEnded = afterEachRequest(() => started.flush(), process.env, process.cwd()) ?? null;
  } else if (spec?.type === "push-gateway") {
    pusher = startPushGateway(spec, info.serviceName);
  } else if (spec !== undefined && tracker === "opentelemetry") {
    const pipeline = startOtelPipeline(spec, info.serviceName);
    if (pipeline.url !== undefined) exporter = { url: pipeline.url, close: () => pipeline.close() };
    else otel = pipeline;
  } else if (spec?.type === "prometheus") {
    exporter = startPrometheusExporter(spec);
  }
  // Either tracker's Prometheus endpoint: a port in use is reported, not thrown.
  const port = spec?.type === "prometheus" ? (spec.port ?? 9464) : undefined;
  exporter?.url.catch((error) => reportOnce(`listen:${port}`, "the Prometheus exporter could not start", error));
  // A short-lived process pushes what it recorded before it ends.
  const onBeforeExit = () => void otlp?.flush();
  if (otlp !== undefined) process.once("beforeExit", onBeforeExit);
  settings.entryEnded = entryEnded;
  const stop = async () => {
    if (settings.entryEnded === entryEnded) settings.entryEnded = null;
    detachProducer?.();
    process.off("beforeExit", onBeforeExit);
    await Promise.all([exporter?.close(), pusher?.close(), otel?.close(), otlp?.close()]);
  };
  const flush = async () => {
    await Promise.all([pusher?.push(), otlp?.flush(), otel?.flush?.()]);
  };
  const instance = { stop, flush };
  runtime.running = instance;
  return {
    registry,
    exporter,
    push: async () => pusher?.push(),
    flush,
    shutdown: async () => {
      if (runtime.running === instance) runtime.running = undefined;
      await stop();
    },
  };
}
