/** @internal What was reported, so each failure is said once (or once per interval). */
export const reported = {
  once: new Set<string>(),
  at: new Map<string, number>(),
};

/**
 * Failures inside metrics code are reported once per kind and swallowed:
 * instrumentation must never change what the user's program does.
 */
export function reportOnce(key: string, message: string, error?: unknown): void {
  if (reported.once.has(key)) return;
  reported.once.add(key);
  const detail = error instanceof Error ? `: ${withCode(error)}` : error === undefined ? "" : `: ${String(error)}`;
  try {
    console.warn(`[autometrics] ${message}${detail}`);
  } catch {
    // A broken console must not break the caller either.
  }
}

/** An error's message, with its code when the message does not name it (Bun's: "Failed to start server. Is port 9464 in use?"). */
function withCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
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
