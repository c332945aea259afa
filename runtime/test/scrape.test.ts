import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { isolated } from "./helpers/isolated";

/**
 * A process with functions of every kind (escaped labels, objectives, callers,
 * concurrency), a user's own metrics on the same registry before and after
 * ours, and default labels, one of them named like one of ours. `setup`
 * chooses the registry; the script prints what it is asked to.
 */
function app(setup: string, print: string): string {
  return `
    const prom = require("prom-client");
    ${setup}
    const before = new prom.Counter({ name: "app_requests_total", help: "Requests", labelNames: ["route"], registers: [registry] });
    const a = am.instrument('say "hi"\\\\ now\\nplease', "src/odd.js", { trackConcurrency: true });
    const b = am.instrument("load", "src/db.js", { objective: { name: "api", successRate: "99.9", latency: [0.1, "99"] } });
    const c = am.instrument("render", "src/ü.js");
    a.run(() => b.run(() => 1));
    c.run(() => b.run(() => 2));
    try { b.run(() => { throw new Error("x"); }); } catch {}
    await b.runAsync(async () => { await new Promise((r) => setTimeout(r, 3)); });
    before.inc({ route: "/" }, 2);
    new prom.Histogram({ name: "app_seconds", help: "Latency", buckets: [0.5, 1], registers: [registry] }).observe(0.7);
    new prom.Gauge({ name: "app_up", help: "Up", registers: [registry] }).set(1);
    ${print}
  `;
}

/**
 * In the scripts: what prom-client itself writes for a registry, the registry
 * seen through an object with prom-client's own getMetricsAsString (which
 * the runtime replaces on the registries its metrics are on).
 */
const PROM_CLIENT = `
  const promClientWrites = (registry) => {
    const own = Object.create(registry);
    own.getMetricsAsString = prom.Registry.prototype.getMetricsAsString;
    return own.metrics();
  };
`;

const REGISTRY = `
  const registry = new prom.Registry();
  registry.setDefaultLabels({ region: 'eu "west"', service_name: "shadowed" });
  am.init({ registry, detectBuildInfo: false, buildInfo: { version: "1.2.3", commit: "abc" } });
`;

describe("scrapes written by the runtime", function () {
  this.timeout(20_000);

  it("are what prom-client writes for the same registry, byte for byte, in the Prometheus text format", async () => {
    const out = JSON.parse(
      await isolated(
        app(
          REGISTRY,
          `${PROM_CLIENT}
           console.log(JSON.stringify({ ours: await (await am.metricsResponse()).text(), registry: await registry.metrics(), theirs: await promClientWrites(registry) }));`,
        ),
      ),
    );
    expect(out.ours).to.contain('function_calls_total{function="say \\"hi\\"\\\\ now\\nplease"');
    expect(out.ours).to.contain('region="eu \\"west\\""');
    expect(out.ours).to.contain("app_requests_total{route=");
    expect(out.ours).to.equal(out.theirs);
    expect(out.registry).to.equal(out.theirs);
  });

  it("are what prom-client writes in OpenMetrics, exemplars included", async () => {
    const setup = `
      const api = require("@opentelemetry/api");
      const { AsyncLocalStorageContextManager } = require("@opentelemetry/context-async-hooks");
      const { BasicTracerProvider } = require("@opentelemetry/sdk-trace-base");
      api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      api.trace.setGlobalTracerProvider(new BasicTracerProvider());
      const registry = new prom.Registry();
      registry.setDefaultLabels({ pod: "p-1" });
      am.init({ registry, exemplars: true, detectBuildInfo: false });
    `;
    const print = `
      await api.trace.getTracer("t").startActiveSpan("request", async (span) => { b.run(() => 3); span.end(); });
      const ours = await (await am.metricsResponse()).text();
      ${PROM_CLIENT}
      console.log(JSON.stringify({ contentType: registry.contentType, ours, registry: await registry.metrics(), theirs: await promClientWrites(registry) }));
    `;
    const out = JSON.parse(await isolated(app(setup, print)));
    expect(out.contentType).to.match(/^application\/openmetrics-text/);
    expect(out.ours).to.match(/function_calls_total\{[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\} 1 \d/);
    expect(out.ours.endsWith("\n# EOF\n")).to.equal(true);
    expect(out.ours).to.equal(out.theirs);
    expect(out.registry).to.equal(out.theirs);
  });

  it("pass promtool's check in both formats", async () => {
    const texts = JSON.parse(
      await isolated(
        app(
          `const registry = new prom.Registry(); am.init({ registry, detectBuildInfo: false });`,
          `const prometheus = await (await am.metricsResponse()).text();
           registry.setContentType(prom.Registry.OPENMETRICS_CONTENT_TYPE);
           console.log(JSON.stringify({ prometheus, openMetrics: await (await am.metricsResponse()).text() }));`,
        ),
      ),
    );
    for (const text of [texts.prometheus, texts.openMetrics]) {
      // promtool lints too (help texts, counter names); a failure of the format itself exits 1 with "error while linting".
      let report = "";
      try {
        report = execFileSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8", stdio: "pipe" });
      } catch (error) {
        const failed = error as { code?: string; stdout?: string; stderr?: string };
        if (failed.code === "ENOENT") throw new Error("promtool is not installed: apt-get install -y prometheus (.ci/setup does)");
        report = `${failed.stdout ?? ""}${failed.stderr ?? ""}`;
      }
      expect(report).not.to.match(/error while linting|error parsing|unexpected/i);
    }
  });

  it("share one writing among the scrapes that arrive while it is written", async () => {
    const out = JSON.parse(
      await isolated(
        app(
          REGISTRY,
          `let probes = 0;
           const write = registry.getMetricsAsString;
           registry.getMetricsAsString = function (metric) { if (metric.get && !metric.name) probes++; return write.call(this, metric); };
           const together = await Promise.all([1, 2, 3, 4, 5].map(() => am.metricsResponse().then((r) => r.text())));
           const probesTogether = probes;
           await am.metricsResponse(); await am.metricsResponse();
           console.log(JSON.stringify({ same: together.every((t) => t === together[0]), probesTogether, probesAfter: probes - probesTogether }));`,
        ),
      ),
    );
    expect(out.same).to.equal(true);
    // One writing probes the default labels once per label set (5); two scrapes one after the other, twice.
    expect(out.probesTogether).to.equal(5);
    expect(out.probesAfter).to.equal(10);
  });

  it("are gzipped over HTTP for a scraper that accepts it, and left to the host to compress as a fetch Response", async () => {
    const out = JSON.parse(
      await isolated(
        app(
          REGISTRY,
          `const http = require("node:http");
           const zlib = require("node:zlib");
           const server = http.createServer(am.metricsHandler).listen(0);
           await new Promise((r) => server.once("listening", r));
           const get = (headers, method = "GET") => new Promise((resolve) => {
             http.request({ port: server.address().port, headers, method }, (res) => {
               const parts = []; res.on("data", (d) => parts.push(d));
               res.on("end", () => resolve({ encoding: res.headers["content-encoding"] ?? "", length: Number(res.headers["content-length"]), body: Buffer.concat(parts) }));
             }).end();
           });
           const plain = await get({});
           const zipped = await get({ "accept-encoding": "gzip, deflate" });
           const refused = await get({ "accept-encoding": "gzip;q=0, identity" });
           const head = await get({}, "HEAD");
           const response = await am.metricsResponse();
           const fetched = await response.text();
           server.close();
           ${PROM_CLIENT}
           console.log(JSON.stringify({
             theirs: await promClientWrites(registry),
             plain: plain.body.toString(), plainLength: plain.length, plainBytes: plain.body.length,
             zipped: zlib.gunzipSync(zipped.body).toString(), zippedEncoding: zipped.encoding, zippedLength: zipped.length, zippedBytes: zipped.body.length,
             refusedEncoding: refused.encoding, headLength: head.length, headBytes: head.body.length,
             fetched, fetchedEncoding: response.headers.get("content-encoding"),
           }));`,
        ),
      ),
    );
    expect(out.plain).to.equal(out.theirs);
    expect(out.plainLength).to.equal(out.plainBytes);
    expect(out.zippedEncoding).to.equal("gzip");
    expect(out.zipped).to.equal(out.theirs);
    expect(out.zippedLength).to.equal(out.zippedBytes).and.to.be.lessThan(out.plainBytes);
    expect(out.refusedEncoding).to.equal("");
    expect(out.headLength).to.equal(out.plainBytes);
    expect(out.headBytes).to.equal(0);
    expect(out.fetchedEncoding).to.equal(null);
    expect(out.fetched).to.equal(out.theirs);
  });
});
