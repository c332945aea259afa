import { Registry } from "prom-client";
import { init, metricsRegistry } from "../../src";
import { parseExposition } from "../../../fixtures/harness/exposition";

/** Puts the metrics on a fresh registry with defaults and no detection, so tests see only what they set. */
export function freshInit(options: Parameters<typeof init>[0] = {}) {
  return init({ registry: new Registry(), detectBuildInfo: false, ...options });
}

export async function scrape() {
  return parseExposition(await metricsRegistry().metrics());
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What `console.warn` said while `body` ran, one line per warning (the runtime reports through it). */
export async function warnings(body: () => unknown): Promise<string> {
  const lines: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => lines.push(m);
  try {
    await body();
  } finally {
    console.warn = warn;
  }
  return lines.join("\n");
}
