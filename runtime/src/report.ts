import { reported } from "./state";

/**
 * Failures inside metrics code are reported once per kind and swallowed:
 * instrumentation must never change what the user's program does.
 * @internal
 */
export function reportOnce(key: string, message: string, error?: unknown): void {
  if (reported.once.has(key)) return;
  reported.once.add(key);
  const detail = error instanceof Error ? `: ${error.message}` : error === undefined ? "" : `: ${String(error)}`;
  try {
    console.warn(`[autometrics] ${message}${detail}`);
  } catch {
    // A broken console must not break the caller either.
  }
}

/** @internal Like `reportOnce`, for failures that recur (an exporter endpoint down): at most once per interval. */
export function reportThrottled(key: string, message: string, error?: unknown, intervalMs = 60_000): void {
  const now = Date.now();
  const last = reported.at.get(key);
  if (last !== undefined && now - last < intervalMs) return;
  reported.at.set(key, now);
  reported.once.delete(key);
  reportOnce(key, message, error);
}
