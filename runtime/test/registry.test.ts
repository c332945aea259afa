import { expect } from "chai";
import { Counter, Registry } from "prom-client";
import { init, instrument, metricsRegistry } from "../src";
import { parseExposition } from "../../fixtures/harness/exposition";
import { freshInit } from "./helpers/runtime";

/** What prom-client itself writes for `registry`: the registry seen through an object with prom-client's own getMetricsAsString. */
function promClientWrites(registry: Registry): Promise<string> {
  const own = Object.create(registry) as Registry & { getMetricsAsString: unknown };
  own.getMetricsAsString = Registry.prototype.getMetricsAsString;
  return own.metrics();
}

/** How many times a setImmediate ticker ran while `body` ran: the turns of the event loop it let through. */
async function turnsDuring(body: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let on = true;
  const tick = () => {
    if (!on) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  await body();
  on = false;
  return turns;
}

/** Functions × callers, each called once, on the runtime's registry. */
function calls(functions: number, callers: number) {
  const from = Array.from({ length: callers }, (_, c) => instrument(`caller${c}`, "src/routes.js"));
  for (let f = 0; f < functions; f++) {
    const fn = instrument(`function${f}`, `src/module${f % 7}.js`);
    for (const caller of from) caller.run(() => fn.run(() => f));
  }
}

const ownWriter = (registry: Registry) => Object.hasOwn(registry, "getMetricsAsString");

describe("registry.metrics() on the registry the metrics are on", () => {
  it("is what prom-client writes, byte for byte, with the user's metrics, default labels and both formats", async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ region: 'eu "west"', module: "shadowed" });
    const before = new Counter({ name: "app_requests_total", help: "Requests", labelNames: ["route"], registers: [registry] });
    freshInit({ registry, trackConcurrency: true, serviceName: "svc" });
    before.inc({ route: "/" });
    const odd = instrument('say "hi"\\ now\nplease', "src/ü.js", {
      objective: { name: "api", successRate: "99.9", latency: [0.1, "99"] },
    });
    odd.run(() => 1);
    calls(30, 3);
    const text = await registry.metrics();
    expect(text).to.contain('function_calls_total{function="say \\"hi\\"\\\\ now\\nplease"');
    expect(text).to.contain("app_requests_total{route=");
    expect(text).to.equal(await promClientWrites(registry));
    expect(await registry.getSingleMetricAsString("function_calls_duration_seconds")).to.equal(
      await Registry.prototype.getSingleMetricAsString.call(
        Object.assign(Object.create(registry), { getMetricsAsString: Registry.prototype.getMetricsAsString }),
        "function_calls_duration_seconds",
      ),
    );
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const openMetrics = await registry.metrics();
    expect(openMetrics).to.contain("# TYPE function_calls counter");
    expect(openMetrics).to.equal(await promClientWrites(registry));
  });

  it("lets the event loop run between slices of a large registry, where prom-client writes it in one go", async () => {
    const registry = new Registry();
    freshInit({ registry });
    calls(1000, 3);
    let ours = "";
    const turns = await turnsDuring(async () => {
      ours = await registry.metrics();
    });
    let theirs = "";
    const theirTurns = await turnsDuring(async () => {
      theirs = await promClientWrites(registry);
    });
    expect(ours).to.equal(theirs);
    // 1,000 functions: a slice is 125 of them, for the counter and for the histogram.
    expect(turns).to.be.at.least(10);
    expect(theirTurns).to.be.at.most(1);
  });

  it("shares one writing among the calls that arrive while it is written, each answer whole", async () => {
    const registry = new Registry();
    freshInit({ registry });
    calls(300, 2);
    // The default labels are probed through the registry's writer: once per label set and writing (5 per scrape).
    let probes = 0;
    const target = registry as unknown as { getMetricsAsString: (metric: { name?: string; get?: unknown }) => Promise<string> };
    const write = target.getMetricsAsString;
    target.getMetricsAsString = function (this: Registry, metric) {
      if (metric.get !== undefined && metric.name === undefined) probes++;
      return write.call(this, metric);
    };
    const texts = await Promise.all([registry.metrics(), registry.metrics(), registry.metrics()]);
    const together = probes;
    const theirs = await promClientWrites(registry);
    await registry.metrics();
    expect(texts.every((text) => text === theirs)).to.equal(true);
    expect(together).to.equal(5);
    expect(probes - together).to.equal(5);
  });

  it("keeps getMetricsAsJSON(), registries merged from it, and a writer the user had put on the registry", async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ pod: "p-1" });
    const users = async function (this: Registry, metric: unknown) {
      return Registry.prototype.getMetricsAsString.call(this, metric as never);
    };
    (registry as unknown as { getMetricsAsString: unknown }).getMetricsAsString = users;
    freshInit({ registry, serviceName: "svc" });
    instrument("load", "src/db.js").run(() => 1);
    const json = await registry.getMetricsAsJSON();
    const counter = json.find((m) => m.name === "function_calls_total")!;
    expect(counter.values.map((v) => v.labels)).to.deep.include({
      function: "load",
      module: "src/db.js",
      service_name: "svc",
      caller_function: "",
      caller_module: "",
      objective_name: "",
      objective_percentile: "",
      result: "ok",
      pod: "p-1",
    });
    // A registry the runtime does not know of writes the same metrics through prom-client's own writing.
    const other = new Registry();
    new Counter({ name: "other_total", help: "Other", registers: [other] }).inc();
    const merged = Registry.merge([registry, other]);
    expect(ownWriter(merged)).to.equal(false);
    const samples = parseExposition(await merged.metrics()).samples;
    expect(samples.some((s) => s.name === "function_calls_total" && s.labels.function === "load")).to.equal(true);
    expect(samples.some((s) => s.name === "other_total")).to.equal(true);
    // Moving the metrics elsewhere gives the registry back the writer it had.
    const next = new Registry();
    init({ registry: next });
    expect((registry as unknown as { getMetricsAsString: unknown }).getMetricsAsString).to.equal(users);
    expect(await registry.metrics()).not.to.contain("function_calls_total");
    expect(ownWriter(next)).to.equal(true);
    expect(await next.metrics()).to.equal(await promClientWrites(next));
    init({ tracker: "opentelemetry" });
    expect(ownWriter(next)).to.equal(false);
    expect(metricsRegistry()).not.to.equal(next);
  });
});
