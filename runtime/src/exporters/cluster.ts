import cluster from "node:cluster";
import { AggregatorRegistry } from "prom-client";
import { metricsRegistry } from "../prometheus/tracker";
import { runtime } from "../state";

/**
 * Node `cluster` support, built on prom-client's aggregation: in workers the
 * registry answers the primary's requests; in the primary, scrapes return the
 * sum over all workers (build_info once).
 * @internal
 */
export function enableCluster(): void {
  AggregatorRegistry.setRegistries([metricsRegistry()]);
  runtime.aggregator ??= new AggregatorRegistry();
}

/** @internal */
export function disableCluster(): void {
  runtime.aggregator = null;
}

/** @internal The workers' metrics summed, when this is a cluster primary with cluster mode on; else null. */
export async function clusterMetrics(): Promise<string | null> {
  const aggregator = runtime.aggregator;
  if (aggregator === null || !cluster.isPrimary) return null;
  return aggregator.clusterMetrics();
}
