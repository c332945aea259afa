// Per-call overhead of instrumentation: each variant in its own process, next
// to a bare function, in interleaved rounds so that machine noise hits both;
// recursion depth; heap growth.
//   node --expose-gc runtime.js [--quick] [--all-nodes] [--only=sync,async,depth,heap]
"use strict";
const os = require("node:os");
const { createRequire } = require("node:module");
const promClient = require("prom-client");
const am = require("autometrics-runtime");
const compiled = require("./compiled");

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 7;
// Processes per variant: the spread between fresh processes (JIT decisions,
// memory layout, the machine's other load) is larger than within one.
const PROCESSES = quick ? 1 : 3;
// Each round lasts about this long, whatever a call costs.
const ROUND_MS = quick ? 40 : 150;
const perf = performance;

// --- the variants -----------------------------------------------------------

function peerAutometrics() {
  // The peer's own copy of @opentelemetry/sdk-metrics, so its meter gets a reader.
  const peerRequire = createRequire(require.resolve("@autometrics/autometrics"));
  const { MetricReader } = peerRequire("@opentelemetry/sdk-metrics");
  class PullReader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const peer = require("@autometrics/autometrics");
  peer.registerExporter({ metricReader: new PullReader() });
  return peer;
}

function handWrittenPromClient(register) {
  const labelNames = ["function", "module", "service_name", "caller_function", "caller_module", "result"];
  const counter = new promClient.Counter({ name: "bench_calls_total", help: "h", labelNames, registers: [register] });
  const histogram = new promClient.Histogram({
    name: "bench_duration_seconds",
    help: "h",
    labelNames: ["function", "module", "service_name"],
    buckets: am.DEFAULT_BUCKETS,
    registers: [register],
  });
  return { counter, histogram };
}

// An APM listening on the runtime's tracing channel, doing nothing with the events.
function subscribeTracing() {
  const noop = () => {};
  require("node:diagnostics_channel")
    .tracingChannel(am.TRACING_CHANNEL)
    .subscribe({ start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop });
}

// What a server has done before the calls we time: instrumented calls that
// set the asynchronous context, which creates the runtime's AsyncLocalStorage
// (on Node 20 and 22 that switches on promise hooks for the whole process), so
// that a call with no synchronous caller reads it, as it does in a server.
async function afterAsyncActivity(fn) {
  compiled.load("babel").workScoped(0);
  await compiled.load("babel").workAsync(0);
  await new Promise((resolve) => setTimeout(resolve, 1));
  return fn;
}

// `nested(100)` makes 100 calls: timed against the same loop uncompiled, per inner call.
const INNER = 100;
function perInnerCall(nested, plainNested) {
  if (plainNested === undefined) return nested;
  const fn = () => nested(INNER);
  fn.bare = () => plainNested(INNER);
  fn.per = INNER;
  return fn;
}

// Each variant is set up lazily, so a child process loads only its own.
const syncVariants = {
  "clock floor (2× performance.now)": () => (x) => {
    const t = perf.now();
    const r = x + 1;
    return perf.now() - t > 1e9 ? r + 1 : r;
  },
  // What the plugins write (compiled.js).
  "autometrics-runtime": () => afterAsyncActivity(compiled.load("babel").work),
  "autometrics-runtime, called from an instrumented function": () =>
    afterAsyncActivity(perInnerCall(compiled.load("babel").nested, compiled.load("plain").nested)),
  "autometrics-runtime, scoped function": () => afterAsyncActivity(compiled.load("babel").workScoped),
  "autometrics-runtime, trackCallers: false": () => {
    am.init({ trackCallers: false, detectBuildInfo: false });
    return afterAsyncActivity(compiled.load("babel").work);
  },
  "autometrics-runtime, OpenTelemetry tracker": () => {
    am.init({ tracker: "opentelemetry", meterProvider: userMeterProvider(), detectBuildInfo: false });
    return afterAsyncActivity(compiled.load("babel").work);
  },
  "autometrics-runtime, tracing channel subscribed (no-op subscriber)": () => {
    subscribeTracing();
    return afterAsyncActivity(compiled.load("babel").work);
  },
  // The shape before this one: the body in an arrow, run by the handle in its frame.
  "previous shape (body in an arrow, run)": () => {
    const h = am.instrument("work", "bench/runtime.js");
    return afterAsyncActivity((x) => h.run(() => x + 1));
  },
  "OpenTelemetry SDK by hand (counter + histogram)": () => {
    const { counter, histogram, callAttributes, timeAttributes } = otelByHand();
    return (x) => {
      const t = perf.now();
      const r = x + 1;
      histogram.record((perf.now() - t) / 1000, timeAttributes);
      counter.add(1, callAttributes);
      return r;
    };
  },
  "prom-client by hand (counter + histogram)": () => {
    const { counter, histogram } = handWrittenPromClient(new promClient.Registry());
    return (x) => {
      const t = perf.now();
      const r = x + 1;
      histogram.observe(TIME_LABELS, (perf.now() - t) / 1000);
      counter.inc(CALL_LABELS);
      return r;
    };
  },
  "@autometrics/autometrics 1.0.1": () => peerAutometrics().autometrics({ functionName: "work", moduleName: "bench" }, (x) => x + 1),
};

const asyncVariants = {
  "autometrics-runtime": () => afterAsyncActivity(compiled.load("babel").workAsync),
  "autometrics-runtime, trackCallers: false": () => {
    am.init({ trackCallers: false, detectBuildInfo: false });
    return afterAsyncActivity(compiled.load("babel").workAsync);
  },
  "autometrics-runtime, OpenTelemetry tracker": () => {
    am.init({ tracker: "opentelemetry", meterProvider: userMeterProvider(), detectBuildInfo: false });
    return afterAsyncActivity(compiled.load("babel").workAsync);
  },
  "autometrics-runtime, tracing channel subscribed (no-op subscriber)": () => {
    subscribeTracing();
    return afterAsyncActivity(compiled.load("babel").workAsync);
  },
  "OpenTelemetry SDK by hand (counter + histogram)": () => {
    const { counter, histogram, callAttributes, timeAttributes } = otelByHand();
    const body = async (x) => x + 1;
    return async (x) => {
      const t = perf.now();
      const r = await body(x);
      histogram.record((perf.now() - t) / 1000, timeAttributes);
      counter.add(1, callAttributes);
      return r;
    };
  },
  "prom-client by hand (counter + histogram)": () => {
    const { counter, histogram } = handWrittenPromClient(new promClient.Registry());
    const body = async (x) => x + 1;
    return async (x) => {
      const t = perf.now();
      const r = await body(x);
      histogram.observe(TIME_LABELS, (perf.now() - t) / 1000);
      counter.inc(CALL_LABELS);
      return r;
    };
  },
  "@autometrics/autometrics 1.0.1": () =>
    peerAutometrics().autometrics({ functionName: "workAsync", moduleName: "bench" }, async (x) => x + 1),
};

function userMeterProvider() {
  const {
    MeterProvider,
    PeriodicExportingMetricReader,
    InMemoryMetricExporter,
    AggregationTemporality,
  } = require("@opentelemetry/sdk-metrics");
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  return new MeterProvider({ readers: [reader] });
}

function otelByHand() {
  const meter = userMeterProvider().getMeter("bench");
  const counter = meter.createCounter("function.calls");
  const histogram = meter.createHistogram("function.calls.duration", { unit: "s" });
  const callAttributes = {
    function: "work",
    module: "bench",
    "service.name": "bench",
    "caller.function": "",
    "caller.module": "",
    result: "ok",
  };
  const timeAttributes = { function: "work", module: "bench", "service.name": "bench" };
  return { counter, histogram, callAttributes, timeAttributes };
}

const CALL_LABELS = { function: "work", module: "bench", service_name: "bench", caller_function: "", caller_module: "", result: "ok" };
const TIME_LABELS = { function: "work", module: "bench", service_name: "bench" };

// --- measuring --------------------------------------------------------------

function timeSync(fn, calls) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink += fn(i);
  const ns = Number(process.hrtime.bigint() - start) / calls;
  if (sink === -1) console.log(sink);
  return ns;
}

async function timeAsync(fn, calls) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink += await fn(i);
  const ns = Number(process.hrtime.bigint() - start) / calls;
  if (sink === -1) console.log(sink);
  return ns;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// In a child: set up one variant, then time it and a bare function in
// alternating rounds. The bare function runs in the same process, so process-
// wide costs that the variant switches on (AsyncLocalStorage's promise hooks
// on Node 20) show up in the bare time too and are reported apart.
async function measureChild(kind, name) {
  const isAsync = kind === "async";
  const fn = await (isAsync ? asyncVariants : syncVariants)[name]();
  const bare = fn.bare ?? (isAsync ? async (x) => x + 1 : (x) => x + 1);
  const per = fn.per ?? 1;
  const timer = isAsync ? timeAsync : timeSync;
  // Warm up, then size the rounds from the warm cost.
  const warm = Math.max(await timer(fn, 20_000), await timer(fn, 20_000));
  await timer(bare, 200_000);
  const calls = Math.max(20_000, Math.round((ROUND_MS * 1e6) / warm));
  const mine = [];
  const bares = [];
  for (let round = 0; round < ROUNDS; round++) {
    mine.push(await timer(fn, calls));
    bares.push(await timer(bare, calls));
  }
  return { ns: median(mine) / per, bare: median(bares) / per };
}

function compare(kind, title) {
  const { execFileSync } = require("node:child_process");
  const set = kind === "async" ? asyncVariants : syncVariants;
  const floorName = "clock floor (2× performance.now)";
  const names = [floorName, ...Object.keys(set).filter((n) => n !== floorName)];
  console.log(
    `\n${title} (per variant, the median over ${PROCESSES} fresh processes of the median of ${ROUNDS} rounds of about ${ROUND_MS} ms each)`,
  );
  console.log("| variant | ns per call | bare call in the same process | overhead | × clock floor |");
  console.log("|---|---:|---:|---:|---:|");
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  // Variants take turns, so a slow spell of the machine spreads over all of them.
  for (let p = 0; p < PROCESSES; p++) {
    for (const name of names) {
      const k = name === floorName ? "sync" : kind;
      const args = [__filename, `--measure=${k}:${name}`, ...(quick ? ["--quick"] : [])];
      runs[name].push(JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8" })));
    }
  }
  const result = (name) => ({ ns: median(runs[name].map((r) => r.ns)), bare: median(runs[name].map((r) => r.bare)) });
  const clock = result(floorName);
  const floor = clock.ns - clock.bare;
  for (const name of names) {
    const { ns, bare } = result(name);
    console.log(`| ${name} | ${ns.toFixed(1)} | ${bare.toFixed(1)} | +${(ns - bare).toFixed(1)} | ${((ns - bare) / floor).toFixed(2)} |`);
  }
}

// How deep a recursion goes, plain and as each plugin compiled it: the
// deepest `depth(n)` that returns, by bisection, in a fresh process each.
// (Cold, in the interpreter, frames are larger for all: the corpus case
// behaviour/deep-recursion checks depth 5,000 there.)
const depthVariants = {
  plain: () => compiled.load("plain").depth,
  "Babel plugin": () => compiled.load("babel").depth,
  "SWC plugin": () => compiled.load("swc").depth,
  "previous shape (body in an arrow, run)": () => {
    const h = am.instrument("depth", "bench/runtime.js");
    const depth = (n) => h.run(() => (n === 0 ? 0 : 1 + depth(n - 1)));
    return depth;
  },
};

function deepest(fn) {
  let lo = 0;
  let hi = 1 << 17;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      fn(mid);
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

function depthTable() {
  const { execFileSync } = require("node:child_process");
  console.log("\nRecursion depth (deepest call that returns, default stack, fresh process each)");
  console.log("| variant | frames | × plain |");
  console.log("|---|---:|---:|");
  let plain;
  for (const name of Object.keys(depthVariants)) {
    const frames = Number(execFileSync(process.execPath, [__filename, `--depth=${name}`], { encoding: "utf8" }));
    plain ??= frames;
    console.log(`| ${name} | ${frames} | ${(frames / plain).toFixed(2)} |`);
  }
}

// Heap growth: 1,000 functions, each called from 6 callers (6 label sets),
// 1M calls. Each variant runs in a fresh process so neither sees the other's heap.
const FUNCTIONS = 1000;
const CALLERS = 6;
const HEAP_CALLS = 1_000_000;

// Collects until the heap stops shrinking: V8 releases start-up leftovers over
// several collections, which would otherwise read as negative growth.
function gcHeap() {
  let last = Infinity;
  for (let i = 0; i < 50; i++) {
    global.gc();
    const used = process.memoryUsage().heapUsed;
    if (last - used < 4096) return used;
    last = used;
  }
  return last;
}

// What a variant builds stays reachable until after the last measurement.
const retained = [];

const heapVariants = {
  "no instrumentation (the loop alone)"() {
    const fns = Array.from({ length: FUNCTIONS }, () => () => 1);
    retained.push(fns);
    const before = gcHeap();
    let sink = 0;
    for (let i = 0; i < HEAP_CALLS; i++) sink += fns[i % FUNCTIONS]();
    return gcHeap() - before + (sink === -1 ? 1 : 0);
  },
  "autometrics-runtime"() {
    am.init({ registry: new promClient.Registry(), detectBuildInfo: false });
    const callers = Array.from({ length: CALLERS }, (_, c) => am.instrument(`caller${c}`, "bench/heap.js"));
    const fns = Array.from({ length: FUNCTIONS }, (_, f) => am.instrument(`fn${f}`, "bench/heap.js"));
    const body = () => 1;
    retained.push(callers, fns);
    const before = gcHeap();
    // The calls as the plugins write them (docs/transform.md).
    for (let i = 0; i < HEAP_CALLS; i++) {
      const caller = callers[((i / FUNCTIONS) | 0) % CALLERS];
      const c = caller.enter();
      try {
        const fn = fns[i % FUNCTIONS];
        const f = fn.enter();
        try {
          body();
        } finally {
          fn.exit(f, 1);
        }
      } finally {
        caller.exit(c, 1);
      }
    }
    return gcHeap() - before;
  },
  "prom-client by hand"() {
    const { counter, histogram } = handWrittenPromClient(new promClient.Registry());
    retained.push(counter, histogram);
    const before = gcHeap();
    for (let i = 0; i < HEAP_CALLS; i++) {
      const f = i % FUNCTIONS;
      const c = ((i / FUNCTIONS) | 0) % CALLERS;
      const t = perf.now();
      histogram.observe({ function: `fn${f}`, module: "bench/heap.js", service_name: "bench" }, (perf.now() - t) / 1000);
      counter.inc({
        function: `fn${f}`,
        module: "bench/heap.js",
        service_name: "bench",
        caller_function: `caller${c}`,
        caller_module: "bench/heap.js",
        result: "ok",
      });
    }
    return gcHeap() - before;
  },
};

function heapGrowth() {
  const { execFileSync } = require("node:child_process");
  console.log(
    `\nHeap growth over ${HEAP_CALLS.toLocaleString("en")} calls to ${FUNCTIONS} functions × ${CALLERS} callers (after GC, fresh process each)`,
  );
  console.log("| variant | heap growth |");
  console.log("|---|---:|");
  for (const name of Object.keys(heapVariants)) {
    const bytes = Number(
      execFileSync(process.execPath, ["--expose-gc", "--no-flush-bytecode", __filename, `--heap=${name}`], { encoding: "utf8" }),
    );
    console.log(`| ${name} | ${(bytes / 1024 / 1024).toFixed(2)} MB |`);
  }
}

// Every table on this Node, or (`--all-nodes`) on it and on each line users run.
async function main() {
  if (process.argv.includes("--all-nodes")) {
    const { execFileSync } = require("node:child_process");
    const { nodeVersions } = await import("../fixtures/harness/isolated-install.mjs");
    compiled.compileAll();
    const args = process.argv.slice(2).filter((a) => a !== "--all-nodes");
    for (const node of [process.execPath, ...nodeVersions().map((v) => v.node)]) {
      execFileSync(node, ["--expose-gc", __filename, "--compiled", ...args], { stdio: "inherit" });
    }
    return;
  }
  if (typeof global.gc !== "function") throw new Error("run with node --expose-gc");
  if (!process.argv.includes("--compiled")) compiled.compileAll();
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`\n### Node ${process.version}, ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  // `--only=sync,depth`: some of the tables.
  const only = process.argv
    .find((a) => a.startsWith("--only="))
    ?.slice(7)
    .split(",");
  const tables = {
    sync: () => compare("sync", "Sync function"),
    async: () => compare("async", "Async function"),
    depth: depthTable,
    heap: heapGrowth,
  };
  for (const [name, table] of Object.entries(tables)) if (only === undefined || only.includes(name)) table();
}

(async () => {
  const measureArg = process.argv.find((a) => a.startsWith("--measure="));
  if (measureArg !== undefined) {
    const [kind, name] = [measureArg.slice(10, measureArg.indexOf(":")), measureArg.slice(measureArg.indexOf(":") + 1)];
    process.stdout.write(JSON.stringify(await measureChild(kind, name)));
    return;
  }
  const depthArg = process.argv.find((a) => a.startsWith("--depth="));
  if (depthArg !== undefined) {
    const fn = depthVariants[depthArg.slice(8)]();
    // Warm, as in a long-running program: optimized, with feedback for the
    // paths a stack overflow takes too (the first probe that overflows
    // deoptimizes it once), and the best of three, as the optimizing
    // compiler works in the background.
    for (let i = 0; i < 20_000; i++) fn(3);
    deepest(fn);
    for (let i = 0; i < 20_000; i++) fn(3);
    process.stdout.write(String(Math.max(deepest(fn), deepest(fn), deepest(fn))));
    return;
  }
  const heapArg = process.argv.find((a) => a.startsWith("--heap="));
  if (heapArg !== undefined) {
    process.stdout.write(String(heapVariants[heapArg.slice(7)]()));
    return;
  }
  await main();
})();
