/**
 * Failures inside metrics code are reported once per kind and swallowed:
 * instrumentation must never change what the user's program does.
 */
const reported = new Set<string>();

/** @internal */
export function reportOnce(key: string, message: string, error?: unknown): void {
  if (reported.has(key)) return;
  reported.add(key);
  const detail = error instanceof Error ? `: ${error.message}` : error === undefined ? "" : `: ${String(error)}`;
  try {
    console.warn(`[autometrics] ${message}${detail}`);
  } catch {
    // A broken console must not break the caller either.
  }
}

const lastReported = new Map<string, number>();

/** @internal Like `reportOnce`, for failures that recur (an exporter endpoint down): at most once per interval. */
export function reportThrottled(key: string, message: string, error?: unknown, intervalMs = 60_000): void {
  const now = Date.now();
  const last = lastReported.get(key);
  if (last !== undefined && now - last < intervalMs) return;
  lastReported.set(key, now);
  reported.delete(key);
  reportOnce(key, message, error);
}
