import { expect } from "chai";
import { AsyncLocalStorage } from "node:async_hooks";
import { join } from "node:path";
import { EdgeRuntime } from "edge-runtime";
import { buildSync } from "esbuild";
import { parseExposition } from "../../fixtures/harness/exposition";
import { type Collector, startCollector } from "../harness/collector";
import { Processes } from "../harness/processes";

const HANDLER = join(__dirname, "..", "apps", "edge-function", "handler.js");

/** The handler bundled as Next.js and Vercel bundle edge code: the `edge-light` condition, no Node. */
function bundle(): string {
  const result = buildSync({
    entryPoints: [HANDLER],
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    conditions: ["edge-light", "worker", "browser"],
    mainFields: ["module", "main"],
  });
  return result.outputFiles[0]!.text;
}

/** What the collector's exporter holds for the service, by "function caller result" and "function" (histogram counts). */
async function pushed(collector: Collector, service: string) {
  const calls = new Map<string, number>();
  const durations = new Map<string, number>();
  for (const s of parseExposition(await collector.scrape()).samples) {
    if (s.labels.service_name !== service) continue;
    expect(s.labels.runtime).to.equal("edge");
    if (s.name === "function_calls_total") calls.set(`${s.labels.function} ${s.labels.caller_function} ${s.labels.result}`, s.value);
    if (s.name === "function_calls_duration_seconds_count") durations.set(s.labels.function!, s.value);
  }
  return { calls, durations };
}

describe("an edge function in Vercel's edge runtime, pushing to a real collector", function () {
  this.timeout(60_000);
  const processes = new Processes(join(__dirname, "..", ".logs", "edge-runtime"));
  let collector: Collector;
  before(async () => {
    collector = await startCollector(processes, "collector");
  });
  after(() => processes.stopAll());

  const code = bundle();

  it("bundles without Node built-ins or prom-client", () => {
    expect(code).not.to.match(/\brequire\(["'`]|\bimport\(["'`]|from ["'`]|["'`](node:\w+|prom-client)["'`]/);
  });

  for (const { name, als } of [
    { name: "with AsyncLocalStorage, as Next.js gives middleware", als: true },
    { name: "without AsyncLocalStorage", als: false },
  ]) {
    it(`counts every call exactly, ${name}`, async () => {
      const runtime = new EdgeRuntime({
        extend: (context) => Object.assign(context, { OTLP_URL: collector.otlpUrl }, als ? { AsyncLocalStorage } : {}),
      });
      runtime.evaluate(code.replace('"edge-shop"', `"edge-shop-${als ? "als" : "sync"}"`));
      for (let id = 0; id < 20; id++) {
        const response = await runtime.dispatchFetch(`http://localhost/products?id=${id}`);
        expect(response.status).to.equal(id % 5 === 4 ? 404 : 200);
        await response.waitUntil();
      }
      const service = `edge-shop-${als ? "als" : "sync"}`;
      // lookup is called after an `await` in handle: the caller is known there only where the runtime has AsyncLocalStorage.
      const caller = als ? "handle" : "";
      const expected = new Map([
        ["handle  ok", 20],
        ["handle  error", 0],
        [`lookup ${caller} ok`, 16],
        [`lookup ${caller} error`, 4],
      ]);
      let got = await pushed(collector, service);
      for (
        let i = 0;
        i < 40 && JSON.stringify([...got.calls].filter(([, v]) => v > 0)) !== JSON.stringify([...expected].filter(([, v]) => v > 0));
        i++
      ) {
        await new Promise((r) => setTimeout(r, 100));
        got = await pushed(collector, service);
      }
      for (const [key, value] of expected) expect(got.calls.get(key) ?? 0, key).to.equal(value);
      expect(got.durations.get("handle")).to.equal(20);
      expect(got.durations.get("lookup")).to.equal(20);
    });
  }
});
