// ESM entry: re-exports the CommonJS build, so ESM and CommonJS importers share one state.
import runtime from "../dist/index.js";

export const {
  instrument,
  autometrics,
  init,
  flush,
  withFlush,
  metricsHandler,
  ingestHandler,
  metricsResponse,
  metricsRegistry,
  currentFrame,
  ObjectiveLatency,
  ObjectivePercentile,
  DEFAULT_BUCKETS,
  AutometricsConfigError,
  AUTOMETRICS_SPEC_VERSION,
  FunctionHandle,
  autometricsMetricProducer,
  AutometricsMetricProducer,
  queriesFor,
  prometheusLink,
  TRACING_CHANNEL,
} = runtime;
