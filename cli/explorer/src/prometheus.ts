/** Prometheus's HTTP API, reached through the Explorer's server (`/api/prometheus/…`). */

export type Labels = Record<string, string>;
export interface Sample {
  metric: Labels;
  value: number;
}
export interface Series {
  metric: Labels;
  values: [number, number][];
}

/** Prometheus could not answer: unreachable, or it refused the query. The message says which, in its words. */
export class PrometheusError extends Error {}

let sent = 0;
/** How many requests the page has sent to Prometheus (the bench and the tests read it). */
export function requestsSent(): number {
  return sent;
}

async function api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  sent++;
  // Queries go as a form (they can be long); the other endpoints take GET only.
  const post = Object.keys(params).length > 0;
  let response: Response;
  try {
    response = await fetch(`api/prometheus/api/v1/${path}`, post ? { method: "POST", body: new URLSearchParams(params) } : {});
  } catch (error) {
    throw new PrometheusError(
      `The Explorer's server cannot be reached (${(error as Error).message}): is \`autometrics start\` still running?`,
    );
  }
  const text = await response.text();
  let answer: { status: string; data?: T; error?: string; errorType?: string };
  try {
    answer = JSON.parse(text);
  } catch {
    throw new PrometheusError(`Prometheus answered ${response.status} with something that is not its API: ${text.slice(0, 200)}`);
  }
  if (answer.status !== "success") throw new PrometheusError(answer.error ?? `Prometheus answered ${response.status}`);
  return answer.data as T;
}

const number = (v: string) => (v === "NaN" ? Number.NaN : Number(v));

/** An instant query's vector. */
export async function query(expr: string): Promise<Sample[]> {
  const data = await api<{ resultType: string; result: { metric: Labels; value: [number, string] }[] }>("query", { query: expr });
  return data.result.map((r) => ({ metric: r.metric, value: number(r.value[1]) }));
}

/** A range query's matrix, from `start` to `end` (seconds) every `step` seconds. */
export async function queryRange(expr: string, start: number, end: number, step: number): Promise<Series[]> {
  const data = await api<{ result: { metric: Labels; values: [number, string][] }[] }>("query_range", {
    query: expr,
    start: String(start),
    end: String(end),
    step: String(step),
  });
  return data.result.map((r) => ({ metric: r.metric, values: r.values.map(([t, v]) => [t, number(v)]) }));
}

export interface Target {
  scrapeUrl: string;
  health: string;
  lastError: string;
}
export async function targets(): Promise<Target[]> {
  return (await api<{ activeTargets: Target[] }>("targets")).activeTargets;
}
