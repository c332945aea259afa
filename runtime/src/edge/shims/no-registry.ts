/** The Prometheus tracker in the edge and browser bundles: there is no prom-client registry to join. */
export function metricsRegistry(): void {}
