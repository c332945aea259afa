// Type-checked by `tsc -p test` (the SDK 2.x of this repository) and `tsc -p
// test/newer-node` (SDK 3.x): the runtime's producer, declared without the SDK,
// is what the SDK's readers take in `metricProducers`, by the SDK's own types.
import type { MetricProducer } from "@opentelemetry/sdk-metrics";
import { AutometricsMetricProducer } from "../src";

export const producer: MetricProducer = new AutometricsMetricProducer();
