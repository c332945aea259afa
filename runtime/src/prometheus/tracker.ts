import * as promClient from "prom-client";
import { reportOnce } from "../report";
import { createMetrics } from "./metrics";

const metrics = createMetrics();
// The registry renames counters in OpenMetrics mode, so remember the keys they were added under.
const keys = metrics.map((m) => m.name);
let current: promClient.Registry | null = null;

/** The prom-client registry the autometrics metrics are on (the default one unless `init()` said otherwise). */
export function metricsRegistry(): promClient.Registry {
  return current ?? attach(promClient.register);
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
  return registry;
}

/** @internal */
export function detach(): void {
  if (current === null) return;
  metrics.forEach((metric, i) => {
    if (current!.getSingleMetric(keys[i]!) === (metric as unknown)) current!.removeSingleMetric(keys[i]!);
  });
  current = null;
}
