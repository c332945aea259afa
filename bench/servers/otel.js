// The alternative a user would pick: OpenTelemetry's Node SDK with only its
// http instrumentation and the framework's (express's, or @fastify/otel),
// spans batched to an exporter that drops them (the cost of making spans,
// not of sending them) and a metric reader collecting every 10 s.
const { NodeSDK } = require("@opentelemetry/sdk-node");
const { BatchSpanProcessor } = require("@opentelemetry/sdk-trace");
const { PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } = require("@opentelemetry/sdk-metrics");
const { HttpInstrumentation } = require("@opentelemetry/instrumentation-http");
const { ExpressInstrumentation } = require("@opentelemetry/instrumentation-express");
const { FastifyOtelInstrumentation } = require("@fastify/otel");

const dropped = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const sdk = new NodeSDK({
  spanProcessors: [new BatchSpanProcessor({ exporter: dropped })],
  metricReader: new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 10_000,
  }),
  instrumentations: [
    new HttpInstrumentation(),
    new ExpressInstrumentation(),
    new FastifyOtelInstrumentation({ registerOnInitialization: true }),
  ],
});
sdk.start();
