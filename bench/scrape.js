// Scrape cost with many functions, each called from 7 callers:
//   - one scrape of 100, 1,000 and 10,000 functions (each side in a process of
//     its own, one after the other): the runtime writing it
//     (metricsHandler, into memory), registry.metrics() on the registry the
//     runtime's metrics are on (which has the runtime write them), prom-client's
//     own writing of the runtime's samples (what registry.metrics() did before,
//     and what a registry the runtime does not know of, such as one made by
//     Registry.merge, still does) and prom-client writing the same series
//     recorded by hand; with the longest the event loop waited during the scrapes;
//   - 20 concurrent scrapers for 5 s over HTTP against one process, and the
//     latency an instrumented handler of that process sees meanwhile, for the
//     runtime's handler, for one that calls registry.metrics() per scrape and
//     for one that has prom-client write the runtime's samples per scrape;
//   - heap per (function, caller) series, and after 10 million more calls.
// Each case runs in a fresh process.
//   node --expose-gc scrape.js [--quick] [--all-nodes]
"use strict";
const { execFileSync, spawn } = require("node:child_process");
const http = require("node:http");
const promClient = require("prom-client");

const quick = process.argv.includes("--quick");
const CALLERS = 7;
const perf = performance;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

/** N functions, each called once from each of 7 callers: 7 counter series (ok and error lines) and a histogram each. */
function instrumentedApp(n) {
  const am = require("autometrics-runtime");
  const registry = new promClient.Registry();
  am.init({ registry, detectBuildInfo: false });
  const callers = Array.from({ length: CALLERS }, (_, c) => am.instrument(`caller${c}`, "src/routes.js"));
  const fns = Array.from({ length: n }, (_, f) => am.instrument(`function${f}`, `src/module${f % 50}.js`));
  for (const fn of fns) for (const caller of callers) caller.run(() => fn.run(() => 1));
  return { am, registry, fns, callers };
}

/** The same series recorded by hand with prom-client, with the same labels. */
function handWritten(n) {
  const registry = new promClient.Registry();
  const counter = new promClient.Counter({
    name: "function_calls_total",
    help: "Autometrics counter for tracking function calls",
    labelNames: [
      "function",
      "module",
      "service_name",
      "caller_function",
      "caller_module",
      "objective_name",
      "objective_percentile",
      "result",
    ],
    registers: [registry],
  });
  const histogram = new promClient.Histogram({
    name: "function_calls_duration_seconds",
    help: "Autometrics histogram for tracking function call duration",
    labelNames: ["function", "module", "service_name", "objective_name", "objective_percentile", "objective_latency_threshold"],
    buckets: require("autometrics-runtime").DEFAULT_BUCKETS,
    registers: [registry],
  });
  for (let f = 0; f < n; f++) {
    const base = { function: `function${f}`, module: `src/module${f % 50}.js`, service_name: "bench" };
    for (let c = 0; c < CALLERS; c++) {
      const labels = {
        ...base,
        caller_function: `caller${c}`,
        caller_module: "src/routes.js",
        objective_name: "",
        objective_percentile: "",
      };
      counter.inc({ ...labels, result: "ok" });
      counter.inc({ ...labels, result: "error" }, 0);
      histogram.observe({ ...base, objective_name: "", objective_percentile: "", objective_latency_threshold: "" }, 0.001);
    }
  }
  return registry;
}

/** Runs `write` while a 1 ms timer ticks; resolves to the longest gap between ticks (how long the event loop waited). */
async function longestWait(write) {
  let last = perf.now();
  let longest = 0;
  let ticking = true;
  const tick = () => {
    const now = perf.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (ticking) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  await write();
  await new Promise((r) => setTimeout(r, 5));
  ticking = false;
  return longest;
}

/** Median ms of each writer over interleaved rounds, then the longest event-loop wait during one more scrape. */
async function timed(writers, rounds) {
  const times = Object.fromEntries(Object.keys(writers).map((k) => [k, []]));
  for (const name of Object.keys(writers)) await writers[name](); // warm up
  for (let r = 0; r < rounds; r++) {
    for (const [name, write] of Object.entries(writers)) {
      const start = perf.now();
      await write();
      times[name].push(perf.now() - start);
    }
  }
  const result = {};
  for (const name of Object.keys(writers)) result[name] = { ms: median(times[name]), blockedMs: await longestWait(writers[name]) };
  return result;
}

/**
 * What prom-client's own `registry.metrics()` writes for `registry`: the
 * registry seen through an object whose `getMetricsAsString` is prom-client's,
 * as it is on a registry the runtime did not put its metrics on.
 */
function promClientWriting(registry) {
  const own = Object.create(registry);
  own.getMetricsAsString = promClient.Registry.prototype.getMetricsAsString;
  return () => own.metrics();
}

/** The runtime's handler answering a scrape into memory: what it writes to a socket, without the socket. */
function scrapeInto(am, headers = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    am.metricsHandler(
      { method: "GET", headers },
      {
        headersSent: false,
        writeHead() {},
        write: (chunk) => chunks.push(chunk),
        end: (chunk) => {
          if (chunk) chunks.push(chunk);
          resolve(chunks);
        },
      },
    );
  });
}

/** The same series recorded by hand with the OpenTelemetry SDK, and a reader to collect them (no cardinality limit). */
function sdkRecorded(n) {
  const { MeterProvider, MetricReader } = require("@opentelemetry/sdk-metrics");
  class PullReader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const reader = new PullReader({ cardinalitySelector: () => 1e7 });
  const meter = new MeterProvider({ readers: [reader] }).getMeter("bench");
  const calls = meter.createCounter("function.calls");
  const duration = meter.createHistogram("function.calls.duration", {
    unit: "s",
    advice: { explicitBucketBoundaries: require("autometrics-runtime").DEFAULT_BUCKETS },
  });
  for (let f = 0; f < n; f++) {
    const base = { function: `function${f}`, module: `src/module${f % 50}.js`, "service.name": "bench" };
    for (let c = 0; c < CALLERS; c++) {
      const attributes = {
        ...base,
        "caller.function": `caller${c}`,
        "caller.module": "src/routes.js",
        "objective.name": "",
        "objective.percentile": "",
      };
      calls.add(1, { ...attributes, result: "ok" });
      calls.add(0, { ...attributes, result: "error" });
      duration.record(0.001, { ...base, "objective.name": "", "objective.percentile": "", "objective.latency_threshold": "" });
    }
  }
  return reader;
}

/**
 * One side of a render case, in a process of its own (each side's series live
 * in its own heap, which a collector walks): `ours` (the runtime's handler,
 * registry.metrics(), prom-client's own writing of the runtime's samples and
 * the MetricProducer, on the same handles), `prom-client`
 * or `sdk` (the same series recorded by hand).
 */
async function renderCase(n, side) {
  const rounds = quick ? 3 : n >= 10_000 ? 5 : 11;
  if (side === "prom-client") {
    const byHand = handWritten(n);
    return timed({ promClient: () => byHand.metrics() }, rounds);
  }
  if (side === "sdk") {
    const sdk = sdkRecorded(n);
    return timed({ otelSdk: () => sdk.collect() }, rounds);
  }
  const { am, registry } = instrumentedApp(n);
  const producer = am.autometricsMetricProducer();
  const text = Buffer.concat(await scrapeInto(am)).toString();
  const before = promClientWriting(registry);
  if ((await registry.metrics()) !== text || (await before()) !== text) throw new Error("the writings differ");
  const gzipped = Buffer.concat(await scrapeInto(am, { "accept-encoding": "gzip" }));
  const result = await timed(
    {
      runtime: () => scrapeInto(am),
      registry: () => registry.metrics(),
      before,
      otelProducer: () => producer.collect(),
    },
    rounds,
  );
  return { n, lines: text.split("\n").length, bytes: Buffer.byteLength(text), gzipBytes: gzipped.byteLength, ...result };
}

/** The server of the concurrent case: the runtime's handler, registry.metrics(), prom-client's own writing, and an instrumented handler to probe. */
async function serveCase(n) {
  const { am, registry, fns, callers } = instrumentedApp(n);
  const serve = (metrics) => async (_req, res) => {
    const body = await metrics();
    res.writeHead(200, { "Content-Type": registry.contentType, "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  };
  const viaRegistry = serve(() => registry.metrics());
  const before = serve(promClientWriting(registry));
  const handle = am.instrument("handle", "src/server.js");
  let i = 0;
  const server = http.createServer((req, res) => {
    if (req.url === "/metrics") return am.metricsHandler(req, res);
    if (req.url === "/registry") return void viaRegistry(req, res);
    if (req.url === "/before") return void before(req, res);
    handle.run(() => callers[i % CALLERS].run(() => fns[i++ % fns.length].run(() => 1)));
    res.end("ok");
  });
  server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
}

function get(port, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const start = perf.now();
    http
      .get({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve(perf.now() - start));
      })
      .on("error", reject);
  });
}

/** 20 scrapers (as Prometheus asks: gzip) on `path` for `ms`, and a probe of the instrumented handler every 10 ms. */
async function load(port, path, ms) {
  const end = perf.now() + ms;
  const scrapes = [];
  const probes = [];
  const scraper = async () => {
    while (perf.now() < end) scrapes.push(await get(port, path, { "accept-encoding": "gzip" }));
  };
  const probe = async () => {
    while (perf.now() < end) {
      probes.push(await get(port, "/work"));
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await Promise.all([...(path ? Array.from({ length: 20 }, scraper) : []), probe()]);
  return {
    scrapes: scrapes.length,
    scrapeP50: scrapes.length ? median(scrapes) : 0,
    probeP50: median(probes),
    probeP99: quantile(probes, 0.99),
    probeMax: Math.max(...probes),
  };
}

async function concurrentCase(n) {
  const child = spawn(process.execPath, [__filename, `--serve=${n}`], { stdio: ["ignore", "pipe", "inherit"] });
  const port = Number(await new Promise((resolve) => child.stdout.once("data", (d) => resolve(String(d).trim()))));
  const ms = quick ? 1500 : 5000;
  await load(port, "/metrics", 500); // warm up each path
  await load(port, "/registry", 500);
  await load(port, "/before", 500);
  const rows = {
    idle: await load(port, null, ms),
    runtime: await load(port, "/metrics", ms),
    registry: await load(port, "/registry", ms),
    before: await load(port, "/before", ms),
  };
  child.kill();
  return rows;
}

function heapUsed() {
  let last = Infinity;
  for (;;) {
    global.gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= last) return used;
    last = used;
  }
}

/** Drops the label text scrapes keep (prometheus/render.ts), to weigh it. */
function dropLabelText(fns) {
  for (const fn of fns) {
    fn.labelText = undefined;
    for (const s of fn.series) s.labelText = s.labelTextOf = undefined;
  }
}

async function heapCase(n) {
  const am = require("autometrics-runtime");
  am.init({ registry: new promClient.Registry(), detectBuildInfo: false });
  const callers = Array.from({ length: CALLERS }, (_, c) => am.instrument(`caller${c}`, "src/routes.js"));
  const fns = Array.from({ length: n }, (_, f) => am.instrument(`function${f}`, `src/module${f % 50}.js`));
  const scrape = () => scrapeInto(am);
  const before = heapUsed();
  for (const fn of fns) for (const caller of callers) caller.run(() => fn.run(() => 1));
  const series = heapUsed();
  // A first scrape leaves V8 heap behind whatever wrote it (a string as large does too): weigh the label text as what dropping it frees.
  await scrape();
  const scraped = heapUsed();
  dropLabelText([...fns, ...callers]);
  const labelText = scraped - heapUsed();
  await scrape();
  const steady = heapUsed();
  const calls = quick ? 1_000_000 : 10_000_000;
  for (let i = 0; i < calls; i++) callers[i % CALLERS].run(() => fns[i % n].run(() => 1));
  await scrape();
  const after = heapUsed();
  return { n, perSeries: (series - before) / (n * CALLERS), labelTextPerSeries: labelText / (n * CALLERS), calls, growth: after - steady };
}

function inChild(...flags) {
  return JSON.parse(execFileSync(process.execPath, ["--expose-gc", __filename, ...flags], { encoding: "utf8" }));
}

async function main() {
  if (process.argv.includes("--all-nodes")) {
    // The machine's Node, then each line users run (installed from the npm registry on first use).
    const { nodeVersions } = await import("../fixtures/harness/isolated-install.mjs");
    const args = process.argv.slice(2).filter((a) => a !== "--all-nodes");
    for (const node of [process.execPath, ...nodeVersions().map((v) => v.node)]) {
      execFileSync(node, ["--expose-gc", __filename, ...args], { stdio: "inherit" });
      console.log();
    }
    return;
  }
  const sizes = quick ? [100, 1000] : [100, 1000, 10_000];
  console.log(`## Scrapes (Node ${process.versions.node}; median ms of one scrape, the longest event-loop delay during them)\n`);
  console.log(
    "| functions × 7 callers | lines | text | gzipped | runtime | registry.metrics() | prom-client writing the runtime's samples (before) | prom-client by hand | runtime / by hand | registry.metrics() / by hand | before / by hand | longest wait: runtime | registry.metrics() | before |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  const renders = [];
  for (const n of sizes) {
    const r = { ...inChild(`--render=${n}`), ...inChild(`--render=${n}`, "--side=prom-client"), ...inChild(`--render=${n}`, "--side=sdk") };
    renders.push(r);
    const mib = (b) => `${(b / 1048576).toFixed(2)} MiB`;
    const ratio = (side) => (side.ms / r.promClient.ms).toFixed(2);
    console.log(
      `| ${n.toLocaleString("en")} | ${r.lines.toLocaleString("en")} | ${mib(r.bytes)} | ${mib(r.gzipBytes)} | ${r.runtime.ms.toFixed(1)} | ${r.registry.ms.toFixed(1)} | ${r.before.ms.toFixed(1)} | ${r.promClient.ms.toFixed(1)} | ${ratio(r.runtime)} | ${ratio(r.registry)} | ${ratio(r.before)} | ${r.runtime.blockedMs.toFixed(1)} ms | ${r.registry.blockedMs.toFixed(1)} ms | ${r.before.blockedMs.toFixed(1)} ms |`,
    );
  }
  console.log("\n## OpenTelemetry: one collection of the same series (median ms)\n");
  console.log("| functions × 7 callers | the runtime's MetricProducer | the SDK, recording them itself | producer / SDK |");
  console.log("|---|---|---|---|");
  for (const r of renders)
    console.log(
      `| ${r.n.toLocaleString("en")} | ${r.otelProducer.ms.toFixed(1)} | ${r.otelSdk.ms.toFixed(1)} | ${(r.otelProducer.ms / r.otelSdk.ms).toFixed(2)} |`,
    );
  console.log("\n## 20 concurrent scrapers (gzip) on 1,000 functions × 7 callers, and an instrumented handler probed every 10 ms\n");
  const c = await concurrentCase(1000);
  const ENDPOINTS = {
    idle: "no scrapes",
    runtime: "metricsHandler",
    registry: "registry.metrics() per scrape",
    before: "prom-client writing the runtime's samples per scrape (before)",
  };
  console.log("| endpoint | scrapes | scrape p50 | handler p50 | handler p99 | handler max |");
  console.log("|---|---|---|---|---|---|");
  for (const [name, row] of Object.entries(c)) {
    const ms = (x) => `${x.toFixed(1)} ms`;
    console.log(
      `| ${ENDPOINTS[name]} | ${row.scrapes} | ${row.scrapes ? ms(row.scrapeP50) : "–"} | ${ms(row.probeP50)} | ${ms(row.probeP99)} | ${ms(row.probeMax)} |`,
    );
  }
  console.log("\n## Heap\n");
  const h = inChild(`--heap=1000`);
  console.log(
    "| functions × 7 callers | per (function, caller) series | label text kept for scrapes, per series | then calls | heap growth after them (GC'd) |",
  );
  console.log("|---|---|---|---|---|");
  console.log(
    `| 1,000 | ${Math.round(h.perSeries)} B | ${Math.round(h.labelTextPerSeries)} B | ${h.calls.toLocaleString("en")} | ${(h.growth / 1024).toFixed(0)} KiB |`,
  );
}

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (arg("render")) renderCase(Number(arg("render")), arg("side") ?? "ours").then((r) => console.log(JSON.stringify(r)));
else if (arg("serve")) serveCase(Number(arg("serve")));
else if (arg("heap")) heapCase(Number(arg("heap"))).then((r) => console.log(JSON.stringify(r)));
else main();
