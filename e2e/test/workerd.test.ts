import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { type Metafile, build } from "esbuild";
import { parseExposition } from "../../fixtures/harness/exposition";
import { freePort, listening } from "../../fixtures/harness/ports";
import { type Collector, startCollector } from "../harness/collector";
import { Processes } from "../harness/processes";

const ROOT = join(__dirname, "..", "..");
const WORKER = join(__dirname, "..", "apps", "edge-worker", "worker.js");
const LOGS = join(__dirname, "..", ".logs", "workerd");

/** The workerd binary of the npm package, and the newest compatibility date it knows (what a Worker created today gets). */
const workerd = require("workerd") as { default: string; compatibilityDate: string; version: string };

/** The Workers under test: one made today, where nodejs_compat is on by default (a `process` global), and one from before (none). */
const WORKERS = [
  { service: "workerd-newest", compatibilityDate: workerd.compatibilityDate },
  { service: "workerd-2024", compatibilityDate: "2024-01-01" },
];

/** worker.js bundled as Wrangler bundles a Worker: ES module output, the `workerd` condition first, no Node platform. */
async function bundle(outfile: string): Promise<Metafile> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [WORKER],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    target: "es2022",
    metafile: true,
    logLevel: "silent",
  });
  return result.metafile;
}

/**
 * A workerd configuration, to be written beside the bundle (`embed` reads paths
 * relative to it): each Worker on its own loopback socket, its fetch() going
 * out through a network service that may reach the collector on 127.0.0.1.
 */
function config(bundleFile: string, otlpUrl: string, ports: number[]): string {
  const worker = (w: (typeof WORKERS)[number]) => `(
    modules = [ (name = "worker.js", esModule = embed ${JSON.stringify(basename(bundleFile))}) ],
    compatibilityDate = ${JSON.stringify(w.compatibilityDate)},
    bindings = [
      (name = "OTLP_URL", text = ${JSON.stringify(otlpUrl)}),
      (name = "SERVICE_NAME", text = ${JSON.stringify(w.service)}),
    ],
    globalOutbound = "internet",
  )`;
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    ${WORKERS.map((w) => `(name = "${w.service}", worker = ${worker(w)}),`).join("\n    ")}
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
    ${WORKERS.map((w, k) => `(name = "${w.service}", address = "127.0.0.1:${ports[k]}", http = (), service = "${w.service}"),`).join("\n    ")}
  ],
);
`;
}

/** What the collector's exporter holds for `service`: calls by "function caller result", histogram counts by function. */
async function pushed(collector: Collector, service: string) {
  const calls = new Map<string, number>();
  const durations = new Map<string, number>();
  for (const s of parseExposition(await collector.scrape()).samples) {
    if (s.labels.service_name !== service) continue;
    expect(s.labels.runtime, `${s.name} ${JSON.stringify(s.labels)}`).to.equal("edge");
    if (s.name === "function_calls_total") calls.set(`${s.labels.function} ${s.labels.caller_function ?? ""} ${s.labels.result}`, s.value);
    if (s.name === "function_calls_duration_seconds_count") durations.set(s.labels.function!, s.value);
  }
  return { calls, durations };
}

const nonZero = (m: Map<string, number>) => JSON.stringify([...m].filter(([, v]) => v !== 0).sort(([a], [b]) => a.localeCompare(b)));

describe(`a Cloudflare Worker in workerd ${workerd.version}, pushing to a real collector`, function () {
  this.timeout(120_000);
  const processes = new Processes(LOGS);
  const dir = mkdtempSync(join(tmpdir(), "am-workerd-"));
  const bundleFile = join(dir, "worker.bundle.js");
  let collector: Collector;
  let ports: number[];
  let metafile: Metafile;

  before(async () => {
    collector = await startCollector(processes, "collector");
    metafile = await bundle(bundleFile);
    ports = await Promise.all(WORKERS.map(() => freePort()));
    const configFile = join(dir, "config.capnp");
    writeFileSync(configFile, config(bundleFile, collector.otlpUrl, ports));
    // Fails (not skips) when workerd cannot run: a missing binary, a bad config, or a bundle it rejects at startup.
    processes.start("workerd", workerd.default, ["serve", "--verbose", configFile]);
    await processes.waitFor("workerd", async () => (await Promise.all(ports.map(listening))).every(Boolean));
  });
  after(() => processes.stopAll());

  it("bundles the Worker with the runtime's workerd entry: no Node built-in, no prom-client, no require", () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((f) => f.startsWith("runtime/")).sort()).to.deep.equal(["runtime/dist/edge.js", "runtime/esm/edge.mjs"]);
    expect(inputs.filter((f) => /prom-client|@opentelemetry|node:/.test(f))).to.deep.equal([]);
    expect(Object.values(metafile.outputs).flatMap((o) => o.imports)).to.deep.equal([]); // nothing left for workerd to resolve
    const code = readFileSync(bundleFile, "utf8");
    // esbuild wraps the runtime's CommonJS in a function it names `__require`; a call of require itself would throw on workerd.
    expect(code).not.to.match(/(?<![\w$])require\(|__require\(["'`]|["'`](node:[\w/]+|prom-client)["'`]/);
  });

  for (const [k, w] of WORKERS.entries()) {
    it(`counts 30 requests exactly (compatibility date ${w.compatibilityDate})`, async () => {
      // 30 requests, all at once as a busy isolate gets them: lookup throws for every third i, the handler answers 404 then.
      const responses = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const response = await fetch(`http://127.0.0.1:${ports[k]}/?i=${i}`);
          return { i, status: response.status, body: await response.json() };
        }),
      );
      for (const { i, status, body } of responses) {
        expect(status, JSON.stringify(body)).to.equal(i % 3 === 0 ? 404 : 200);
      }

      // lookup is called after an `await` in handler, and callers do not cross
      // `await` on workerd: it has no global AsyncLocalStorage (only
      // `node:async_hooks` under nodejs_compat, which the runtime's edge bundle
      // does not import), so the runtime keeps the synchronous stack only and the
      // call has no caller (one made before handler's first `await` would get "handler").
      const expected = new Map([
        ["handler  ok", 30],
        ["lookup  ok", 20],
        ["lookup  error", 10],
      ]);
      // The flushes run in each request's waitUntil after its answer; the collector batches for 200 ms.
      let got = await pushed(collector, w.service);
      for (let n = 0; n < 100 && nonZero(got.calls) !== nonZero(expected); n++) {
        await new Promise((r) => setTimeout(r, 100));
        got = await pushed(collector, w.service);
      }
      expect(nonZero(got.calls)).to.equal(nonZero(expected));
      expect(got.calls.get("handler  error") ?? 0).to.equal(0);
      expect(Object.fromEntries(got.durations)).to.deep.equal({ handler: 30, lookup: 30 });
      // Exact, not just reached: pushes still under way (every request flushes) and the next batch add nothing.
      await new Promise((r) => setTimeout(r, 1000));
      const later = await pushed(collector, w.service);
      expect(nonZero(later.calls)).to.equal(nonZero(expected));
      expect(Object.fromEntries(later.durations)).to.deep.equal({ handler: 30, lookup: 30 });
      // No push failed or was refused, and nothing threw in the Worker (the runtime reports to the console).
      const log = readFileSync(join(LOGS, "workerd.log"), "utf8");
      expect(log.split("\n").filter((line) => /\[autometrics\]|Uncaught|Error/.test(line))).to.deep.equal([]);
    });
  }
});
