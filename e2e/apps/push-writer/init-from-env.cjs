// Preloaded (`node -r`) into a real package's test run: a plain init(), so the
// OTEL_* variables decide where its calls are pushed, as an app's would.
require("autometrics-runtime").init({ detectBuildInfo: false });
