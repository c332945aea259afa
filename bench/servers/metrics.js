// The one line an instrumented app adds: serve its metrics. TRACK_CALLERS=false
// is the benchmark's diagnostic variant without callers across async boundaries.
require("autometrics-runtime").init({
  trackCallers: process.env.TRACK_CALLERS !== "false",
  exporter: { type: "prometheus", hostname: "127.0.0.1", port: Number(process.env.METRICS_PORT) },
});
