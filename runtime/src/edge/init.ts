import { type BuildInfo, type ResolvedBuildInfo, inUse, resolveBuildInfo } from "../build-info";
import { AutometricsConfigError } from "../errors";
import { checkBuildInfo, checkExporter } from "../exporter-options";
import { exporterFromEnv, resolvePush } from "../push/options";
import type { OtlpPushOptions, Pusher } from "../push/pusher";
import { type OptionType, checkOptionTypes } from "../option-types";
import { RECORDING_OPTION_TYPES, type RecordingOptions, prepareRecording } from "../recording";
import { reportOnce } from "../report";
import { runtime } from "../state";

type Env = Record<string, string | undefined>;

/** `init()` where there is no Node process: recording as on Node, and an OTLP push. */
export interface PlatformInit extends RecordingOptions {
  /** Where to push; default: as `OTEL_METRICS_EXPORTER=otlp` and the `OTEL_EXPORTER_OTLP_*` variables say, if set. */
  exporter?: OtlpPushOptions;
  /** Service name; AUTOMETRICS_SERVICE_NAME and OTEL_SERVICE_NAME take precedence. */
  serviceName?: string;
  /** build_info labels (nothing is read from files here). */
  buildInfo?: Omit<BuildInfo, "serviceName">;
  /** The variables to read, where they are not on `process.env` (a Worker's `env`). */
  env?: Env;
}

const OPTION_TYPES: Record<keyof PlatformInit, OptionType> = {
  exporter: "object",
  serviceName: "string",
  buildInfo: "object",
  env: "object",
  ...RECORDING_OPTION_TYPES,
};

/** @internal `init()` of the edge and browser entries; `start` starts their push. */
export function initOn(
  options: PlatformInit,
  where: string,
  /** The platform's defaults and readings of the options (a page's relative URL). */
  adapt: (spec: OtlpPushOptions) => OtlpPushOptions,
  start: (spec: OtlpPushOptions, env: Env, info: () => ResolvedBuildInfo) => Pusher,
): { flush(): Promise<void>; shutdown(): Promise<void> } {
  if (typeof options !== "object" || options === null) throw new AutometricsConfigError("init", "expected an options object");
  checkOptionTypes(options, OPTION_TYPES, (option, problem) => new AutometricsConfigError(option, `${problem}, here (${where})`));
  checkBuildInfo(options.buildInfo);
  const env: Env = options.env ?? (globalThis as { process?: { env?: Env } }).process?.env ?? {};
  let spec: OtlpPushOptions | undefined = options.exporter;
  if (spec !== undefined) {
    if (spec.type !== "otlp") {
      throw new AutometricsConfigError(
        "exporter.type",
        `${JSON.stringify(spec.type)} needs a Node process; here (${where}) metrics are pushed: "otlp"`,
      );
    }
  } else {
    // The server's variables may reach this bundle too: anything but "otlp" is for the server.
    let fromEnv: ReturnType<typeof exporterFromEnv>;
    try {
      fromEnv = exporterFromEnv(env);
    } catch (error) {
      reportOnce("edge-env", `OTEL_METRICS_EXPORTER is ignored here (${where})`, error);
    }
    if (fromEnv?.type === "otlp") spec = fromEnv;
  }
  if (spec !== undefined) {
    spec = adapt(spec);
    checkExporter(spec, "prometheus");
    resolvePush(spec, env); // throws on a bad option or variable, before anything changes
  }
  const applyRecording = prepareRecording(options);
  applyRecording();
  const info = resolveBuildInfo({ ...options.buildInfo, serviceName: options.serviceName }, env, false, "");
  inUse.buildInfo = info;

  const previous = runtime.running;
  runtime.running = undefined;
  if (previous !== undefined) void previous.stop();
  // `recordBuildInfo` may replace build_info later: the push reads the one in use.
  const pusher = spec === undefined ? undefined : start(spec, env, () => inUse.buildInfo ?? info);
  const instance = {
    stop: async () => pusher?.close(),
    flush: async () => pusher?.flush(),
  };
  runtime.running = instance;
  return {
    flush: instance.flush,
    shutdown: async () => {
      if (runtime.running === instance) runtime.running = undefined;
      await instance.stop();
    },
  };
}
