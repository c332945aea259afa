/**
 * The runtime where metrics can be neither kept nor served: browser bundles,
 * edge and worker runtimes (docs/transform.md, "Where the code runs").
 * Bundlers pick it through the package's `browser`, `edge-light`, `worker` and
 * `workerd` export conditions; Node gets the full runtime. It has the full
 * runtime's surface and records nothing: instrumented code runs exactly as it
 * would uninstrumented, and nothing here needs Node's built-ins or prom-client.
 */
import { AutometricsConfigError } from "./errors";
import type { FunctionOptions } from "./function-handle";
import { ObjectiveLatency, ObjectivePercentile } from "./objectives";
import { AUTOMETRICS_SPEC_VERSION, DEFAULT_BUCKETS } from "./spec";
import { prometheusLink as linkWithBase, queriesFor } from "./queries";

export { AUTOMETRICS_SPEC_VERSION, AutometricsConfigError, DEFAULT_BUCKETS, ObjectiveLatency, ObjectivePercentile, queriesFor };

/** An `async` call that records nothing: `pause` and `resume` hand their argument back. */
const inertCall = {
  failed: false,
  pause: <T>(value: T): T => value,
  resume: <T>(value?: T): T | undefined => value,
  end: (_result?: unknown): void => {},
};

/** A function handle that records nothing, with every method the plugins' shapes call. */
export class FunctionHandle {
  readonly function: string;
  readonly module: string;
  readonly options: FunctionOptions;
  constructor(name: string, module: string, options: FunctionOptions = {}) {
    this.function = name;
    this.module = module;
    this.options = options;
  }
  enter(): number {
    return 0;
  }
  enterScoped(): number {
    return 0;
  }
  exit(_slot: number, _result?: unknown): void {}
  start(): typeof inertCall {
    return inertCall;
  }
  begin(): null {
    return null;
  }
  scope<T>(body: () => T): T {
    return body();
  }
  end<T>(_call: unknown, value: T): T {
    return value;
  }
  fail(_call: unknown, error: unknown): unknown {
    return error;
  }
  run<T>(body: () => T): T {
    return body();
  }
  runAsync<T>(body: () => Promise<T>): Promise<T> {
    return body();
  }
}

export function instrument(name: string, module: string, options?: FunctionOptions): FunctionHandle {
  return new FunctionHandle(name, module, options);
}

/** The manual wrapper: here, the function itself. */
export function autometrics<F extends (...args: any[]) => any>(optionsOrFn: F | object, maybeFn?: F): F {
  const fn = typeof optionsOrFn === "function" ? optionsOrFn : maybeFn;
  if (typeof fn !== "function") throw new TypeError(`autometrics: expected a function to instrument, got ${typeof fn}`);
  return fn as F;
}

/** Nothing to set up: the calls are not recorded here. */
export function init(_options: object = {}): {
  registry: undefined;
  exporter: undefined;
  push(): Promise<void>;
  shutdown(): Promise<void>;
} {
  return { registry: undefined, exporter: undefined, push: async () => {}, shutdown: async () => {} };
}

/** Nothing recorded, nothing to send. */
export async function flush(): Promise<void> {}

export function currentFrame(): null {
  return null;
}

export function prometheusLink(expr: string, base = "http://localhost:9090"): string {
  return linkWithBase(expr, base);
}

function nodeOnly(name: string): () => never {
  return () => {
    throw new Error(
      `autometrics: ${name} serves or exports metrics, which only the Node runtime keeps; this bundle has the browser and edge one`,
    );
  };
}

/** The name the full runtime publishes calls under (nothing is published here). */
export const TRACING_CHANNEL = "autometrics:function";

export const metricsHandler = nodeOnly("metricsHandler");
export const metricsResponse = nodeOnly("metricsResponse");
export const metricsRegistry = nodeOnly("metricsRegistry");
export const autometricsMetricProducer = nodeOnly("autometricsMetricProducer");
export const AutometricsMetricProducer = nodeOnly("AutometricsMetricProducer");
