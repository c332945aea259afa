import { expect } from "chai";
import { OTEL_ENUMS } from "../src/opentelemetry/producer";
import { readFileSync } from "node:fs";
import { DEFAULT_BUCKETS, init, instrument } from "../src";
import { freshInit, sleep } from "./helpers/runtime";
import { type Receiver, attributes, grpcReceiver, httpReceiver, metricsByName } from "./helpers/otlp-receiver";

const CUMULATIVE = 2; // AGGREGATION_TEMPORALITY_CUMULATIVE in the OTLP protobuf

async function until<T>(what: string, check: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const num = (v: unknown) => Number(v ?? 0);

describe("OpenTelemetry tracker over OTLP, against real receivers", function () {
  this.timeout(30_000);
  afterEach(() => freshInit());

  const transports = [
    { type: "otlp-http", start: httpReceiver, transport: "http-json" },
    { type: "otlp-proto", start: httpReceiver, transport: "http-proto" },
    { type: "otlp-grpc", start: grpcReceiver, transport: "grpc" },
  ] as const;

  for (const { type, start, transport } of transports) {
    it(`exports names, attributes, buckets and temporality over ${type}`, async () => {
      const receiver: Receiver = await start();
      const am = init({
        tracker: "opentelemetry",
        serviceName: "otlp-svc",
        detectBuildInfo: false,
        buildInfo: { version: "9.9.9" },
        exporter: { type, url: receiver.url, headers: { "x-tenant": "acme" }, intervalMs: 100 },
      });
      try {
        const outer = instrument("outer", "src/outer.js", { objective: { name: "api", latency: ["0.25", "99"] } });
        const inner = instrument("inner", "src/inner.js");
        for (let i = 0; i < 3; i++) outer.run(() => inner.run(() => i));
        await outer
          .runAsync(async () => {
            await sleep(1);
            throw new Error("x");
          })
          .catch(() => {});

        const calls = await until("an export with the calls", () => {
          const points = (metricsByName(receiver.received).get("function.calls") ?? []).flatMap((m) => m.sum.dataPoints);
          const mine = points.filter((p: any) => attributes(p.attributes).function === inner.function && num(p.asInt) === 3);
          return mine.length > 0 ? metricsByName(receiver.received) : undefined;
        });
        expect(receiver.received.every((r) => r.transport === transport)).to.equal(true);
        expect(String(receiver.received[0]!.headers["x-tenant"])).to.equal("acme");

        const sum = calls.get("function.calls")!.at(-1)!;
        expect(sum.sum.isMonotonic).to.equal(true);
        expect(sum.sum.aggregationTemporality).to.equal(CUMULATIVE);
        const innerPoint = sum.sum.dataPoints.find(
          (p: any) => attributes(p.attributes).function === inner.function && attributes(p.attributes).result === "ok" && num(p.asInt) > 0,
        );
        expect(attributes(innerPoint.attributes)).to.deep.equal({
          function: inner.function,
          module: "src/inner.js",
          "service.name": "otlp-svc",
          "caller.function": outer.function,
          "caller.module": "src/outer.js",
          "objective.name": "",
          "objective.percentile": "",
          result: "ok",
        });
        expect(attributes(sum.resource.attributes)["service.name"]).to.equal("otlp-svc");

        const histogram = calls.get("function.calls.duration")!.at(-1)!;
        expect(histogram.unit).to.equal("s");
        expect(histogram.histogram.aggregationTemporality).to.equal(CUMULATIVE);
        const outerHist = histogram.histogram.dataPoints.find((p: any) => attributes(p.attributes).function === outer.function);
        expect(outerHist.explicitBounds).to.deep.equal(DEFAULT_BUCKETS);
        expect(num(outerHist.count)).to.equal(4);
        expect(outerHist.bucketCounts.map(num).reduce((a: number, b: number) => a + b, 0)).to.equal(4);
        expect(attributes(outerHist.attributes)).to.include({
          "objective.name": "api",
          "objective.percentile": "99",
          "objective.latency_threshold": "0.25",
        });

        const info = calls.get("build_info")!.at(-1)!;
        expect(info.gauge.dataPoints).to.have.length(1);
        expect(num(info.gauge.dataPoints[0].asInt)).to.equal(1);
        expect(attributes(info.gauge.dataPoints[0].attributes)).to.include({
          version: "9.9.9",
          "autometrics.version": "1.0.0",
          "service.name": "otlp-svc",
        });
      } finally {
        await am.shutdown();
        await receiver.close();
      }
    });
  }

  it("reports an unreachable endpoint, rate-limited, and never throws into the app", async () => {
    const receiver = await httpReceiver();
    const url = receiver.url;
    await receiver.close(); // nothing listens there now
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    const am = init({
      tracker: "opentelemetry",
      detectBuildInfo: false,
      exporter: { type: "otlp-http", url, intervalMs: 50, timeoutMs: 50 },
    });
    try {
      const fn = instrument("unreachable", "m.js");
      for (let i = 0; i < 100; i++) expect(fn.run(() => i)).to.equal(i);
      await sleep(600);
    } finally {
      await am.shutdown().catch(() => {});
      console.warn = warn;
    }
    const mine = warnings.filter((w) => w.includes(`exporting metrics to ${url} failed`));
    expect(mine).to.have.length(1);
  });

  // The user's SDK: 2.x here, 3.x in the runs on newer Node lines (test/newer-node), which points AUTOMETRICS_USER_OTEL_SDK at it.
  const userSdk = (): typeof import("@opentelemetry/sdk-metrics") =>
    require(require.resolve("@opentelemetry/sdk-metrics", { paths: [process.env.AUTOMETRICS_USER_OTEL_SDK ?? __dirname] }));

  it("puts the metrics on the readers of the user's own MeterProvider", async () => {
    const sdk = userSdk();
    const { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } = sdk;
    const main = require.resolve("@opentelemetry/sdk-metrics", { paths: [process.env.AUTOMETRICS_USER_OTEL_SDK ?? __dirname] });
    const root = main.slice(
      0,
      main.lastIndexOf("/node_modules/@opentelemetry/sdk-metrics/") + "/node_modules/@opentelemetry/sdk-metrics".length,
    );
    const { version } = JSON.parse(readFileSync(`${root}/package.json`, "utf8"));
    expect(version.split(".")[0]).to.equal(process.env.AUTOMETRICS_USER_OTEL_SDK ? "3" : "2");
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ readers: [reader] });
    provider.getMeter("app").createCounter("app.requests").add(1);
    const am = init({ tracker: "opentelemetry", meterProvider: provider, detectBuildInfo: false });
    try {
      const fn = instrument("viaUserProvider", "m.js");
      fn.run(() => 1);
      await reader.forceFlush();
      const names = exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.descriptor.name)));
      expect(names).to.include.members(["app.requests", "function.calls", "function.calls.duration", "build_info"]);
    } finally {
      await am.shutdown();
      await provider.shutdown();
    }
  });

  it("hands the SDK its own enum values (data point type, temporality, value type)", () => {
    const sdk = userSdk();
    const api = require(require.resolve("@opentelemetry/api", { paths: [process.env.AUTOMETRICS_USER_OTEL_SDK ?? __dirname] }));
    expect(OTEL_ENUMS).to.deep.equal({
      HISTOGRAM: sdk.DataPointType.HISTOGRAM,
      GAUGE: sdk.DataPointType.GAUGE,
      SUM: sdk.DataPointType.SUM,
      CUMULATIVE: sdk.AggregationTemporality.CUMULATIVE,
      INT: api.ValueType.INT,
      DOUBLE: api.ValueType.DOUBLE,
    });
  });

  it("explains what to do when a MeterProvider's readers cannot be found", () => {
    expect(() => init({ tracker: "opentelemetry", meterProvider: {} })).to.throw(
      /`meterProvider`: could not find its metric readers; give them the producer yourself/,
    );
  });
});
