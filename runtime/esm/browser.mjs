// ESM entry of the runtime for browsers (src/browser/index.ts).
import runtime from "../dist/browser.js";

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
