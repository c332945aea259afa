/** What the edge and browser entries export besides their own `init`: the Node runtime's surface, recording as it does. */
export { instrument } from "../functions";
export { autometrics } from "../wrapper";
export { Autometrics, AutometricsLegacy } from "../decorators";
export { recordBuildInfo } from "../build-info";
export { flush, withFlush } from "../flush";
export { currentFrame } from "../context";
export { ObjectiveLatency, ObjectivePercentile } from "../objectives";
export { AUTOMETRICS_SPEC_VERSION, DEFAULT_BUCKETS } from "../spec";
export { AutometricsConfigError } from "../errors";
export { FunctionHandle } from "../function-handle";
export { queriesFor, prometheusLink } from "../queries";
export { TRACING_CHANNEL } from "../tracing";
export {
  ingestHandler,
  metricsHandler,
  metricsResponse,
  metricsRegistry,
  autometricsMetricProducer,
  AutometricsMetricProducer,
} from "./node-only";
