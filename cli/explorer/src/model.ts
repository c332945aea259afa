import type { Listed, Manifest } from "autometrics-register/tooling";
import type { Sample } from "./prometheus";

/** A function on the page: from the code, from Prometheus, or both. */
export interface Fn {
  key: string;
  function: string;
  module: string;
  listed?: Listed;
  /** Calls and errors per second over the window; undefined when Prometheus has no series of it. */
  rate?: number;
  errors?: number;
}

/** Calls from one function (or from outside any: `caller` ""), to another. */
export interface Edge {
  caller: string;
  callee: string;
  rate: number;
  errors: number;
}

export const keyOf = (module: string, fn: string) => `${module}\u0000${fn}`;

export interface Model {
  functions: Map<string, Fn>;
  /** Functions Prometheus has series of that the code does not list. */
  unlisted: Fn[];
  /** Where calls ran other than the server (the `runtime` label's values: "browser", "edge"). */
  runtimes: string[];
}

/** The functions and their calls, from the manifest and the calls query. */
export function buildModel(manifest: Manifest, samples: Sample[]): Model {
  const functions = new Map<string, Fn>();
  for (const listed of manifest.functions) {
    const key = keyOf(listed.module, listed.function);
    functions.set(key, { key, function: listed.function, module: listed.module, listed });
  }
  const runtimes = new Set<string>();
  for (const { metric, value } of samples) {
    if (!Number.isFinite(value)) continue;
    if (metric.runtime) runtimes.add(metric.runtime);
    const key = keyOf(metric.module ?? "", metric.function ?? "");
    let fn = functions.get(key);
    if (fn === undefined) {
      fn = { key, function: metric.function ?? "", module: metric.module ?? "" };
      functions.set(key, fn);
    }
    fn.rate = (fn.rate ?? 0) + value;
    fn.errors = (fn.errors ?? 0) + (metric.result === "error" ? value : 0);
  }
  const unlisted = [...functions.values()].filter((f) => f.listed === undefined);
  return { functions, unlisted, runtimes: [...runtimes].sort() };
}

/** The edges of the edges query; one with no calls in the window is a series from before it, and left out. */
export function edgesOf(samples: Sample[]): Edge[] {
  const edges = new Map<string, Edge>();
  for (const { metric, value } of samples) {
    if (!Number.isFinite(value)) continue;
    const callee = keyOf(metric.module ?? "", metric.function ?? "");
    const caller = metric.caller_function ? keyOf(metric.caller_module ?? "", metric.caller_function) : "";
    const id = `${caller}\u0001${callee}`;
    const edge = edges.get(id) ?? { caller, callee, rate: 0, errors: 0 };
    edge.rate += value;
    edge.errors += metric.result === "error" ? value : 0;
    edges.set(id, edge);
  }
  return [...edges.values()].filter((e) => e.rate > 0);
}
