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

/** @internal Clears the once-only memory; used by tests. */
export function resetReports(): void {
  reported.clear();
}
