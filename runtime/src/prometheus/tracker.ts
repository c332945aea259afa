import * as promClient from "prom-client";
import { reportOnce } from "../report";
import { createMetrics } from "./metrics";

const metrics = createMetrics();
// The registry renames counters in OpenMetrics mode, so remember the keys they were added under.
const keys = metrics.map((m) => m.name);
let current: promClient.Registry | null = null;
// Set by `init({ tracker: "opentelemetry" })`: the metrics then stay off every prom-client registry.
let detached = false;

/**
 * The prom-client registry the autometrics metrics are on: the default one
 * unless `init()` said otherwise (and, with the OpenTelemetry tracker, the
 * default one without them).
 */
export function metricsRegistry(): promClient.Registry {
  return current ?? (detached ? promClient.register : attach(promClient.register));
}

/** @internal Moves the autometrics metrics onto `registry`. */
export function attach(registry: promClient.Registry): promClient.Registry {
  if (current === registry) return registry;
  if (current !== null) detach();
  for (const metric of metrics) {
    try {
      registry.registerMetric(metric as unknown as promClient.Metric);
    } catch (error) {
      reportOnce(`register:${metric.name}`, `could not add ${metric.name} to the prom-client registry`, error);
    }
  }
  current = registry;
  detached = false;
  return registry;
}

/** @internal Takes the metrics off their registry and keeps them off. */
export function detach(): void {
  detached = true;
  if (current === null) return;
  metrics.forEach((metric, i) => {
    if (current!.getSingleMetric(keys[i]!) === (metric as unknown)) current!.removeSingleMetric(keys[i]!);
  });
  current = null;
}
