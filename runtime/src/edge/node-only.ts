/** What only the Node runtime can do (serve or hand over a registry), as functions that say so. */
function nodeOnly(name: string): () => never {
  return () => {
    throw new Error(
      `autometrics: ${name} serves or exports metrics from a Node process; here, push them: init({ exporter: { type: "otlp" } }) and flush()`,
    );
  };
}

export const metricsHandler = nodeOnly("metricsHandler");
export const metricsResponse = nodeOnly("metricsResponse");
export const metricsRegistry = nodeOnly("metricsRegistry");
export const ingestHandler = nodeOnly("ingestHandler");
export const autometricsMetricProducer = nodeOnly("autometricsMetricProducer");
export const AutometricsMetricProducer = nodeOnly("AutometricsMetricProducer");
