import { expect } from "chai";
import { find, one, parseExposition } from "../../fixtures/harness/exposition";
import { isolated } from "./helpers/isolated";

describe("exemplars", () => {
  it("attach the active span's trace_id and span_id, in OpenMetrics exposition", async () => {
    const out = await isolated(`
      const api = require("@opentelemetry/api");
      const { AsyncLocalStorageContextManager } = require("@opentelemetry/context-async-hooks");
      const { BasicTracerProvider } = require("@opentelemetry/sdk-trace-base");
      api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      api.trace.setGlobalTracerProvider(new BasicTracerProvider());
      const registry = am.init({ exemplars: true, detectBuildInfo: false }).registry;
      const fn = am.instrument("traced", "m.js");
      const untraced = am.instrument("untraced", "m.js");
      let ids;
      await api.trace.getTracer("t").startActiveSpan("request", async (span) => {
        ids = span.spanContext();
        await fn.runAsync(async () => { await null; });
        try { fn.run(() => { throw new Error("x"); }); } catch {}
        span.end();
      });
      untraced.run(() => 1);
      console.log(JSON.stringify({ contentType: registry.contentType, traceId: ids.traceId, spanId: ids.spanId, text: await registry.metrics() }));
    `);
    const { contentType, traceId, spanId, text } = JSON.parse(out);
    expect(contentType).to.equal("application/openmetrics-text; version=1.0.0; charset=utf-8");
    expect(text.trimEnd().endsWith("# EOF")).to.equal(true);
    const { samples } = parseExposition(text);
    const ok = one(samples, "function_calls_total", { function: "traced", result: "ok" });
    expect(ok.exemplar?.labels).to.deep.equal({ trace_id: traceId, span_id: spanId });
    expect(one(samples, "function_calls_total", { function: "traced", result: "error" }).exemplar?.labels).to.deep.equal({
      trace_id: traceId,
      span_id: spanId,
    });
    const withExemplar = find(samples, "function_calls_duration_seconds_bucket", { function: "traced" }).filter((s) => s.exemplar);
    expect(withExemplar).to.have.length.greaterThan(0);
    expect(withExemplar[0]!.exemplar!.labels.trace_id).to.equal(traceId);
    expect(withExemplar[0]!.exemplar!.value).to.be.lessThan(0.1);
    expect(find(samples, "function_calls_total", { function: "untraced" }).every((s) => s.exemplar === undefined)).to.equal(true);
  });

  it("explain a missing @opentelemetry/api at init()", async function () {
    // The package is hidden through Module._load, which Bun's require does not call.
    if (process.versions.bun !== undefined) this.skip();
    const out = await isolated(
      `
      const Module = require("node:module");
      const load = Module._load;
      Module._load = function (request, ...rest) {
        if (request === "@opentelemetry/api") throw Object.assign(new Error("Cannot find module"), { code: "MODULE_NOT_FOUND" });
        return load.call(this, request, ...rest);
      };
      try { am.init({ exemplars: true }); } catch (e) { console.log(e.message); }
    `,
    );
    expect(out).to.contain("`exemplars`: needs the package @opentelemetry/api");
  });
});
