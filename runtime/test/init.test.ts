import { expect } from "chai";
import { Counter, Gauge, Registry, register as defaultRegistry } from "prom-client";
import { AutometricsConfigError, init, instrument, metricsRegistry } from "../src";
import { freshInit } from "./helpers/runtime";

describe("init()", () => {
  it("rejects bad options with an error that names the option", () => {
    const cases: [unknown, RegExp][] = [
      [{ trackConcurency: true }, /`trackConcurency`: unknown option \(known: .*trackConcurrency/],
      [{ trackConcurrency: "yes" }, /`trackConcurrency`: expected a boolean, got string/],
      [{ tracker: "statsd" }, /`tracker`: unsupported tracker "statsd"/],
      [{ registry: {} }, /`registry`: expected a prom-client Registry/],
      [{ buckets: [0.1, 0.05] }, /`buckets`: buckets must be strictly increasing/],
      [{ buckets: [] }, /`buckets`: expected a non-empty array/],
      [{ buckets: [0.1, Infinity] }, /`buckets`: bucket null is not a positive finite number/],
      [{ exporter: { type: "otel" } }, /`exporter.type`: unsupported exporter "otel"/],
      [{ exporter: { type: "prometheus", port: 70000 } }, /`exporter.port`: expected an integer from 0 to 65535, got 70000/],
      [{ exporter: { type: "prometheus", prot: 1 } }, /`exporter.prot`: unknown field/],
      [{ buildInfo: { version: 1 } }, /`buildInfo.version`: expected a string, got number/],
      [{ buildInfo: { sha: "x" } }, /`buildInfo.sha`: unknown field/],
      [null, /`init`: expected an options object, got null/],
      [
        { tracker: "opentelemetry", exporter: { type: "prometheus", port: 0 } },
        /`exporter.port`: 0 \(any free port\) is not supported by OpenTelemetry's PrometheusExporter/,
      ],
      [{ exporter: { type: "otlp-grpc" } }, /`exporter.type`: "otlp-grpc" needs tracker: "opentelemetry"/],
      [
        { exporter: { type: "push-gateway", url: "http://gw", intervalMs: -1 } },
        /`exporter.intervalMs`: expected a positive number of milliseconds, got -1/,
      ],
      [
        { exporter: { type: "push-gateway", url: "http://gw", groupings: { instance: 1 } } },
        /`exporter.groupings.instance`: expected a string, got number/,
      ],
      [{ tracker: "opentelemetry", registry: new Registry() }, /`registry`: is for tracker "prometheus"/],
      [{ meterProvider: {} }, /`meterProvider`: needs tracker: "opentelemetry"/],
      [
        { tracker: "opentelemetry", meterProvider: {}, exporter: { type: "otlp-http" } },
        /`exporter`: the metrics already go through the readers of your meterProvider/,
      ],
    ];
    for (const [options, message] of cases) {
      expect(() => init(options as never), JSON.stringify(options)).to.throw(AutometricsConfigError, message);
    }
  });

  it("puts the metrics on the registry it is given, and only there", async () => {
    const mine = new Registry();
    const name = "onMine";
    init({ registry: mine, detectBuildInfo: false });
    instrument(name, "m.js").run(() => 1);
    expect(metricsRegistry()).to.equal(mine);
    expect(await mine.metrics()).to.contain(`function="${name}"`);
    expect(await defaultRegistry.metrics()).not.to.contain("function_calls_total");
  });

  it("uses prom-client's default registry otherwise, next to the user's own metrics", async () => {
    new Counter({ name: "app_requests_total", help: "user metric" }).inc();
    instrument("f", "m.js").run(() => 1);
    const out = await defaultRegistry.metrics();
    defaultRegistry.removeSingleMetric("app_requests_total");
    expect(out).to.contain("app_requests_total 1");
    expect(out).to.contain('function_calls_total{function="f"');
    expect(out).to.contain("build_info{");
  });

  it("does not break the app when a metric name is already taken, and says so", async () => {
    const theirs = new Gauge({ name: "build_info", help: "the app's own" });
    const warn = console.warn;
    const seen: string[] = [];
    console.warn = (m: string) => seen.push(m);
    let text: string;
    try {
      instrument("f", "m.js").run(() => 1);
      text = await defaultRegistry.metrics();
    } finally {
      console.warn = warn;
      if (defaultRegistry.getSingleMetric("build_info") === theirs) defaultRegistry.removeSingleMetric("build_info");
    }
    expect(text).to.contain('function_calls_total{function="f"');
    expect(seen).to.have.length(1);
    expect(seen[0]).to.contain("could not add build_info");
  });

  it("enables function_calls_concurrent for every function with trackConcurrency", async () => {
    freshInit({ trackConcurrency: true });
    instrument("f", "m.js").run(() => 1);
    instrument("g", "m.js", { trackConcurrency: false });
    const out = await metricsRegistry().metrics();
    expect(out).to.match(/function_calls_concurrent\{function="f",module="m.js",service_name="[^"]*"\} 0/);
    expect(out).not.to.match(/function_calls_concurrent\{function="g"/);
  });
});
