// The runtime's own exporter, beside the /metrics route (the test gives it a port; builds run none).
export async function register() {
  const port = process.env.AUTOMETRICS_E2E_EXPORTER_PORT;
  if (process.env.NEXT_RUNTIME === "nodejs" && port) {
    const { init } = await import("autometrics-runtime");
    init({ exporter: { type: "prometheus", port: Number(port) } });
  }
}
