import * as promClient from "prom-client";
import { reportOnce } from "../report";
import { createMetrics } from "./metrics";
import { release, writeThrough } from "./registry";
import { runtime } from "../state";

const metrics = createMetrics();

/**
 * The prom-client registry the autometrics metrics are on: the default one
 * unless `init()` said otherwise (and, with the OpenTelemetry tracker, the
 * default one without them).
 */
export function metricsRegistry(): promClient.Registry {
  return runtime.registry ?? (runtime.detached ? promClient.register : attach(promClient.register));
}

/** @internal Moves the autometrics metrics onto `registry`. */
export function attach(registry: promClient.Registry): promClient.Registry {
  if (runtime.registry === registry) return registry;
  if (runtime.registry !== null) detach();
  for (const metric of metrics) {
    try {
      registry.registerMetric(metric as unknown as promClient.Metric);
    } catch (error) {
      reportOnce(`register:${metric.name}`, `could not add ${metric.name} to the prom-client registry`, error);
    }
  }
  writeThrough(registry);
  runtime.registry = registry;
  runtime.detached = false;
  return registry;
}

/** @internal Takes the metrics off their registry and keeps them off. */
export function detach(): void {
  runtime.detached = true;
  const registry = runtime.registry;
  if (registry === null) return;
  for (const metric of metrics) {
    // Under the key it was added with: the registry renames counters in OpenMetrics mode (and the name comes back here).
    if (registry.getSingleMetric(metric.key) === (metric as unknown)) registry.removeSingleMetric(metric.key);
    metric.name = metric.key;
  }
  release(registry);
  runtime.registry = null;
}
