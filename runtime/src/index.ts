export { instrument } from "./functions";
export { autometrics } from "./wrapper";
export { init } from "./init";
export { metricsHandler } from "./exporters/handler";
export { metricsRegistry } from "./prometheus/tracker";
export { currentFrame } from "./context";
export { ObjectiveLatency, ObjectivePercentile, DEFAULT_BUCKETS } from "./objectives";
export { AutometricsConfigError } from "./errors";
export { AUTOMETRICS_SPEC_VERSION } from "./build-info";
export { FunctionHandle } from "./function-handle";

export type { Objective } from "./objectives";
export type { FunctionOptions } from "./function-handle";
export type { AutometricsOptions } from "./wrapper";
export type { InitOptions, Autometrics } from "./init";
export type { BuildInfo } from "./build-info";
export type { Frame } from "./context";
export type { PrometheusExporterOptions, RunningExporter } from "./exporters/prometheus-server";
