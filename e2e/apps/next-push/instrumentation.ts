// The Node.js runtime's metrics: init() with no options follows the OpenTelemetry
// variables (OTEL_METRICS_EXPORTER=otlp, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
// OTEL_SERVICE_NAME), pushing every minute, after each request where
// AUTOMETRICS_FLUSH_AFTER_REQUEST or a serverless platform says so, and whenever
// code calls flush().
// Edge code (middleware.ts, app/api/edge) calls init() itself.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { init } = await import("autometrics-runtime");
    init();
  }
}
