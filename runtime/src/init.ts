import { createRequire } from "node:module";
import * as promClient from "prom-client";
import { type BuildInfo, resolveBuildInfo } from "./build-info";
import { setAsyncCallers } from "./context";
import { AutometricsConfigError } from "./errors";
import { disableCluster, enableCluster } from "./exporters/cluster";
import { type PrometheusExporterOptions, type RunningExporter, startPrometheusExporter } from "./exporters/prometheus-server";
import { functions } from "./functions";
import { checkBuckets } from "./objectives";
import { attach } from "./prometheus/tracker";
import { reportOnce } from "./report";
import { setBuildInfo, settings } from "./settings";

export interface InitOptions {
  /** Where metrics are recorded. Only "prometheus" (prom-client) for now. */
  tracker?: "prometheus";
  /** The prom-client registry to put the metrics on; default: prom-client's default `register`. */
  registry?: promClient.Registry;
  /** Scrape endpoint to start. Omit it to serve the registry yourself (see `metricsHandler`). */
  exporter?: PrometheusExporterOptions;
  /** Aggregate over Node `cluster` workers: call `init` in the primary and in every worker. */
  cluster?: boolean;
  /** Histogram buckets in seconds; default: the specification's. */
  buckets?: number[];
  /** `function_calls_concurrent` for every function (default false: only those that ask). */
  trackConcurrency?: boolean;
  /** Caller labels across asynchronous boundaries (default true); false keeps them for synchronous calls only. */
  trackCallers?: boolean;
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
  /** Stops the exporter; metrics keep being recorded. */
  shutdown(): Promise<void>;
}

const OPTION_TYPES: Record<keyof InitOptions, string> = {
  tracker: "string",
  registry: "object",
  exporter: "object",
  cluster: "boolean",
  buckets: "object",
  trackConcurrency: "boolean",
  trackCallers: "boolean",
  exemplars: "boolean",
  serviceName: "string",
  buildInfo: "object",
  detectBuildInfo: "boolean",
};
const BUILD_INFO_KEYS = ["version", "commit", "branch", "repositoryUrl", "repositoryProvider"];
const EXPORTER_KEYS = ["type", "hostname", "port"];

function checkOptions(options: InitOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new AutometricsConfigError("init", `expected an options object, got ${options === null ? "null" : typeof options}`);
  }
  for (const [key, value] of Object.entries(options)) {
    const type = OPTION_TYPES[key as keyof InitOptions];
    if (type === undefined) {
      throw new AutometricsConfigError(key, `unknown option (known: ${Object.keys(OPTION_TYPES).join(", ")})`);
    }
    if (value !== undefined && (typeof value !== type || value === null)) {
      throw new AutometricsConfigError(key, `expected a ${type}, got ${value === null ? "null" : typeof value}`);
    }
  }
  if (options.tracker !== undefined && options.tracker !== "prometheus") {
    throw new AutometricsConfigError("tracker", `unsupported tracker ${JSON.stringify(options.tracker)} (supported: "prometheus")`);
  }
  if (options.registry !== undefined && !(options.registry instanceof promClient.Registry)) {
    throw new AutometricsConfigError(
      "registry",
      "expected a prom-client Registry from the same prom-client the app uses (is a second copy of prom-client installed?)",
    );
  }
  for (const [key, value] of Object.entries(options.buildInfo ?? {})) {
    if (!BUILD_INFO_KEYS.includes(key)) {
      throw new AutometricsConfigError(`buildInfo.${key}`, `unknown field (known: ${BUILD_INFO_KEYS.join(", ")})`);
    }
    if (value !== undefined && typeof value !== "string") {
      throw new AutometricsConfigError(`buildInfo.${key}`, `expected a string, got ${typeof value}`);
    }
  }
  const exporter = options.exporter;
  if (exporter !== undefined) {
    for (const key of Object.keys(exporter)) {
      if (!EXPORTER_KEYS.includes(key)) {
        throw new AutometricsConfigError(`exporter.${key}`, `unknown field (known: ${EXPORTER_KEYS.join(", ")})`);
      }
    }
    if (exporter.type !== "prometheus") {
      throw new AutometricsConfigError("exporter.type", `unsupported exporter ${JSON.stringify(exporter.type)} (supported: "prometheus")`);
    }
    if (exporter.port !== undefined && !(Number.isInteger(exporter.port) && exporter.port >= 0 && exporter.port <= 65535)) {
      throw new AutometricsConfigError("exporter.port", `expected an integer from 0 to 65535, got ${JSON.stringify(exporter.port)}`);
    }
    if (exporter.hostname !== undefined && (typeof exporter.hostname !== "string" || exporter.hostname === "")) {
      throw new AutometricsConfigError("exporter.hostname", "expected a non-empty string");
    }
  }
}

function exemplarSource(): () => Record<string, string> | undefined {
  let api: typeof import("@opentelemetry/api");
  try {
    api = createRequire(__filename)("@opentelemetry/api");
  } catch {
    throw new AutometricsConfigError("exemplars", "needs the package @opentelemetry/api (npm install @opentelemetry/api)");
  }
  return () => {
    const span = api.trace.getSpanContext(api.context.active());
    if (span === undefined || !api.isSpanContextValid(span)) return undefined;
    return { trace_id: span.traceId, span_id: span.spanId };
  };
}

let running: RunningExporter | undefined;

/**
 * Configures the runtime; call it once at start-up, before serving traffic.
 * Instrumented functions work without it (defaults apply). Invalid options
 * throw an `AutometricsConfigError` naming the option; nothing is changed then.
 */
export function init(options: InitOptions = {}): Autometrics {
  checkOptions(options);
  const exemplar = options.exemplars === true ? exemplarSource() : null;
  const buckets = options.buckets === undefined ? settings.buckets : checkBuckets(options.buckets);
  const sameBuckets = buckets.length === settings.buckets.length && buckets.every((b, i) => b === settings.buckets[i]);
  if (!sameBuckets) {
    if (functions.some((fn) => fn.count > 0)) {
      throw new AutometricsConfigError("buckets", "cannot change after calls were recorded: call init() before the first instrumented call");
    }
    // Every objective is checked against the new buckets before anything changes.
    const objectives = functions.map((fn) => fn.objectiveFor(buckets));
    functions.forEach((fn, i) => fn.setBuckets(buckets, objectives[i]));
    settings.buckets = buckets;
  }

  const registry = attach(options.registry ?? promClient.register);
  settings.exemplar = exemplar;
  if (exemplar !== null) registry.setContentType(promClient.Registry.OPENMETRICS_CONTENT_TYPE as never);
  settings.trackConcurrency = options.trackConcurrency === true;
  for (const fn of functions) fn.trackConcurrency = fn.options.trackConcurrency ?? settings.trackConcurrency;
  setAsyncCallers(options.trackCallers !== false);
  setBuildInfo(
    resolveBuildInfo({ ...options.buildInfo, serviceName: options.serviceName }, process.env, options.detectBuildInfo !== false),
  );
  if (options.cluster === true) enableCluster();
  else disableCluster();

  const previous = running;
  running = undefined;
  if (previous !== undefined) void previous.close();
  if (options.exporter !== undefined) {
    const exporter = startPrometheusExporter(options.exporter);
    exporter.url.catch((error) => reportOnce(`listen:${options.exporter?.port}`, "the Prometheus exporter could not start", error));
    running = exporter;
  }
  const exporter = running;
  return {
    registry,
    exporter,
    shutdown: async () => {
      if (exporter !== undefined) {
        if (running === exporter) running = undefined;
        await exporter.close();
      }
    },
  };
}
