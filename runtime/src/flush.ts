import { runtime } from "./state";

/**
 * Sends what is recorded now through the exporter `init()` started, when it
 * pushes (`otlp`, `push-gateway`, OpenTelemetry's OTLP); resolves when it is
 * delivered, failed or timed out (each push is bounded by its `timeoutMs`).
 * Never rejects, and resolves at once when nothing pushes. A serverless
 * function awaits it before its response is done, or hands it to the
 * platform's `waitUntil` (docs/where-code-runs.md).
 */
export async function flush(): Promise<void> {
  try {
    await runtime.running?.flush();
  } catch {
    // each exporter reports its own failures
  }
}
