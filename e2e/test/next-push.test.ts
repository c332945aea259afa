import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseExposition } from "../../fixtures/harness/exposition";
import { freePort } from "../../fixtures/harness/ports";
import { type Collector, startCollector } from "../harness/collector";
import { installPacked } from "../harness/pack";
import { Processes } from "../harness/processes";

const APP = join(__dirname, "..", "apps", "next-push");
const NEXT = require.resolve("next/dist/bin/next");
const SERVICE = "next-push-shop";
const NAMES = ["ada", "bob", "cy", "dee", "eve"];

/** `function (module) <- caller (caller module): result` and where it ran, for each series of the app's service the collector holds. */
function pushed(text: string) {
  const calls = new Map<string, number>();
  const durations = new Map<string, number>();
  const where = new Map<string, string>();
  const buildInfo: string[] = [];
  for (const s of parseExposition(text).samples) {
    if (s.labels.service_name !== SERVICE) continue;
    const runtime = s.labels.runtime ?? "node";
    if (s.name === "build_info") buildInfo.push(runtime);
    const fn = `${s.labels.function} (${s.labels.module})`;
    if (s.name === "function_calls_total") {
      where.set(fn, runtime);
      if (s.value > 0) {
        const caller = s.labels.caller_function ? `${s.labels.caller_function} (${s.labels.caller_module})` : "";
        calls.set(`${fn} <- ${caller}: ${s.labels.result}`, s.value);
      }
    }
    if (s.name === "function_calls_duration_seconds_count") durations.set(fn, s.value);
  }
  const sorted = <T>(m: Map<string, T>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
  return { calls: sorted(calls), durations: sorted(durations), where: sorted(where), buildInfo: buildInfo.sort() };
}

describe("e2e: Next.js 16 middleware, edge and Node.js route handlers pushing to a real OpenTelemetry Collector (Turbopack)", function () {
  this.timeout(300_000);
  const processes = new Processes(join(__dirname, "..", ".logs", "next-push"));
  let collector: Collector;
  let base: string;
  const answers: string[] = [];

  before(async () => {
    installPacked(APP, "runtime");
    installPacked(APP, "swc-plugin-wasm");
    collector = await startCollector(processes, "collector");
    rmSync(join(APP, ".next"), { recursive: true, force: true });
    const built = spawnSync(process.execPath, [NEXT, "build"], {
      cwd: APP,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      encoding: "utf8",
    });
    if (built.status !== 0) throw new Error(`next build failed:\n${built.stdout}\n${built.stderr}`);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // What instrumentation.ts (Node.js) and the edge code's init() read: the OpenTelemetry variables.
    const env = {
      NEXT_TELEMETRY_DISABLED: "1",
      OTEL_METRICS_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: collector.otlpUrl,
      OTEL_SERVICE_NAME: SERVICE,
      AUTOMETRICS_FLUSH_AFTER_REQUEST: "1", // the Node.js route does not flush: the runtime does, after each request
    };
    processes.start("next", process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], env, APP);
    // "/" is outside the middleware's matcher and runs none of the app's code.
    await processes.waitFor("next", async () => (await fetch(`${base}/`)).status === 404, 30_000);

    const answer = async (path: string) => {
      const response = await fetch(`${base}${path}`);
      answers.push(`${path} ${response.status} ${response.headers.get("x-tagged")} ${await response.text()}`);
    };
    // Edge: five at once, so flushes meet pushes in flight. Node.js: ids 3, 6 and 9 are missing.
    await Promise.all(NAMES.map((name) => answer(`/api/edge?name=${name}`)));
    for (let id = 1; id <= 9; id++) await answer(`/api/items/${id}`);
    // The last request comes alone, with no push in flight: only its own flush can carry its middleware call.
    await new Promise((r) => setTimeout(r, 500));
    await answer("/api/items/10");
  });
  after(() => processes.stopAll());

  it("answers as the app is written: the middleware tags every request", () => {
    expect(answers.slice(0, 5).sort()).to.deep.equal(
      NAMES.map(
        (name) =>
          `/api/edge?name=${name} 200 GET /api/edge ${JSON.stringify({ text: `hello, ${name[0]!.toUpperCase()}${name.slice(1)}` })}`,
      ),
    );
    expect(answers.slice(5)).to.deep.equal(
      Array.from({ length: 10 }, (_, k) => {
        const id = k + 1;
        const body = id % 3 === 0 ? { error: `no item ${id}` } : { id, name: `item ${id}`, price: id * 100 };
        return `/api/items/${id} ${id % 3 === 0 ? 404 : 200} GET /api/items/${id} ${JSON.stringify(body)}`;
      }),
    );
  });

  it("holds exactly the calls of the middleware, the edge route and the Node.js route, with callers, once they are pushed", async () => {
    const expected = {
      // Node.js, through the runtime instrumentation.ts started (no runtime label).
      "GET (app/api/items/[id]/route.ts) <- : ok": 10,
      "findItem (lib/items.ts) <- GET (app/api/items/[id]/route.ts): error": 3,
      "findItem (lib/items.ts) <- GET (app/api/items/[id]/route.ts): ok": 7,
      "priceOf (lib/items.ts) <- findItem (lib/items.ts): ok": 7,
      // Edge: the middleware ran for all 15 requests.
      "middleware (middleware.ts) <- : ok": 15,
      "tagRequest (middleware.ts) <- middleware (middleware.ts): ok": 15,
      "GET (app/api/edge/route.ts) <- : ok": 5,
      "greet (lib/greeting.ts) <- GET (app/api/edge/route.ts): ok": 5,
      // Called after a timer in greet: the caller crossed it.
      "capitalize (lib/greeting.ts) <- greet (lib/greeting.ts): ok": 5,
    };
    const deadline = Date.now() + 20_000;
    let got = pushed(await collector.scrape());
    const same = (a: object, b: object) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
    while (!same(got.calls, expected) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      got = pushed(await collector.scrape());
    }
    expect(got.calls).to.deep.equal(expected);
    // And no more: nothing counted twice arrives later (the collector batches for 200 ms).
    await new Promise((r) => setTimeout(r, 1000));
    expect(pushed(await collector.scrape()).calls).to.deep.equal(expected);
  });

  it("labels where each function ran: runtime=edge for the middleware and the edge route, none for Node.js; one histogram count per call", async () => {
    const got = pushed(await collector.scrape());
    expect(got.where).to.deep.equal({
      "GET (app/api/edge/route.ts)": "edge",
      "GET (app/api/items/[id]/route.ts)": "node",
      "capitalize (lib/greeting.ts)": "edge",
      "findItem (lib/items.ts)": "node",
      "greet (lib/greeting.ts)": "edge",
      "middleware (middleware.ts)": "edge",
      "priceOf (lib/items.ts)": "node",
      "tagRequest (middleware.ts)": "edge",
    });
    expect(got.durations).to.deep.equal({
      "GET (app/api/edge/route.ts)": 5,
      "GET (app/api/items/[id]/route.ts)": 10,
      "capitalize (lib/greeting.ts)": 5,
      "findItem (lib/items.ts)": 10,
      "greet (lib/greeting.ts)": 5,
      "middleware (middleware.ts)": 15,
      "priceOf (lib/items.ts)": 7,
      "tagRequest (middleware.ts)": 15,
    });
    // build_info from Node.js and from the edge (the middleware's and the route's, merged by the collector).
    expect(got.buildInfo).to.deep.equal(["edge", "node"]);
  });
});
