import * as promClient from "prom-client";
import { reportOnce } from "../report";
import { createMetrics } from "./metrics";
import { runtime } from "../state";

const metrics = createMetrics();
// The registry renames counters in OpenMetrics mode, so remember the keys they were added under.
const keys = metrics.map((m) => m.name);

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
  runtime.registry = registry;
  runtime.detached = false;
  return registry;
}

/** @internal Takes the metrics off their registry and keeps them off. */
export function detach(): void {
  runtime.detached = true;
  const registry = runtime.registry;
  if (registry === null) return;
  metrics.forEach((metric, i) => {
    if (registry.getSingleMetric(keys[i]!) === (metric as unknown)) registry.removeSingleMetric(keys[i]!);
  });
  runtime.registry = null;
}
