// Pushing from wherever the code runs (docs/where-code-runs.md):
// - the size of the edge and browser entries, minified and gzipped, next to
//   the OpenTelemetry SDK bundled for the same job;
// - the per-call cost of the edge and browser entries next to the Node
//   runtime's (the plugins' own output, resolved through each export
//   condition with `node --conditions`), fresh processes taking turns;
// - one push of 1,000 functions × 7 callers: the time to take and encode it,
//   and the bytes on the wire, protobuf and JSON, first (every series) and
//   after one more call of each function (what changed), with a scrape of the
//   same series for comparison.
"use strict";
const { execFileSync } = require("node:child_process");
const { join } = require("node:path");
const { gzipSync } = require("node:zlib");
const { compileAll } = require("./compiled");

const RUNTIME = join(__dirname, "..", "runtime");
const PROCESSES = 3;

async function sizes() {
  const esbuild = require("esbuild");
  const { bundle } = await import(join(RUNTIME, "bundle.mjs"));
  const measure = (bytes) => ({ min: bytes.length, gz: gzipSync(bytes, { level: 9 }).length });
  const rows = [];
  for (const entry of ["edge", "browser"]) {
    const result = await bundle(entry, { write: false, minify: true });
    rows.push([`autometrics-runtime, ${entry} entry`, measure(result.outputFiles[0].contents)]);
  }
  // What a page or an isolate would bundle to push the same metrics with OpenTelemetry JS.
  const sdk = await esbuild.build({
    stdin: {
      contents:
        'export { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";\n' +
        'export { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";\n' +
        'export { resourceFromAttributes } from "@opentelemetry/resources";\n',
      resolveDir: RUNTIME,
    },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "browser",
    logLevel: "silent",
  });
  rows.push(["OpenTelemetry JS: sdk-metrics + exporter-metrics-otlp-http + resources", measure(sdk.outputFiles[0].contents)]);
  console.log("\nBundle size (esbuild, minified; gzip -9)");
  console.log("| bundle | minified | gzipped |\n|---|---:|---:|");
  for (const [name, { min, gz }] of rows) console.log(`| ${name} | ${(min / 1024).toFixed(1)} KiB | ${(gz / 1024).toFixed(1)} KiB |`);
}

/** Child: ns per call of the plugins' sync and async shapes, through whichever entry the conditions give. */
async function perCallChild() {
  const plain = require("./.compiled/plain.js");
  const instrumented = require("./.compiled/babel.js");
  const time = (fn, n) => {
    const start = process.hrtime.bigint();
    let sink = 0;
    for (let i = 0; i < n; i++) sink += fn(i);
    if (sink === -1) console.log(sink);
    return Number(process.hrtime.bigint() - start) / n;
  };
  const timeAsync = async (fn, n) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn(i);
    return Number(process.hrtime.bigint() - start) / n;
  };
  const clock = (i) => performance.now() - performance.now() + i;
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rounds = { plain: [], floor: [], sync: [], async: [], asyncPlain: [] };
  for (let r = 0; r < 15; r++) {
    rounds.plain.push(time(plain.work, 1_000_000));
    rounds.floor.push(time(clock, 1_000_000));
    rounds.sync.push(time(instrumented.work, 1_000_000));
    rounds.asyncPlain.push(await timeAsync(plain.workAsync, 200_000));
    rounds.async.push(await timeAsync(instrumented.workAsync, 200_000));
  }
  const entry = require.resolve("autometrics-runtime").replace(/.*runtime[\\/]/, "");
  console.log(JSON.stringify({ entry, ...Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, median(v.slice(3))])) }));
}

/** The per-call table on this Node and on each line users run (22, 24, 26), each in processes of that Node. */
async function perCallAllNodes() {
  compileAll();
  const { nodeVersions } = await import("../fixtures/harness/isolated-install.mjs");
  for (const node of [process.execPath, ...nodeVersions().map((v) => v.node)]) perCall(node);
}

function perCall(node) {
  const variants = [
    ["Node runtime (default conditions)", []],
    ["edge entry (edge-light)", ["--conditions=edge-light"]],
    ["browser entry (browser)", ["--conditions=browser"]],
  ];
  const results = new Map(variants.map(([name]) => [name, []]));
  for (let p = 0; p < PROCESSES; p++) {
    for (let v = 0; v < variants.length; v++) {
      const [name, flags] = variants[(v + p) % variants.length];
      const out = execFileSync(node, [...flags, __filename, "--child"], { encoding: "utf8" });
      results.get(name).push(JSON.parse(out.trim().split("\n").at(-1)));
    }
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `\nPer call on Node ${execFileSync(node, ["--version"], { encoding: "utf8" }).trim()}, ns (median of ${PROCESSES} fresh processes, taking turns, of the median of 12 rounds); overhead = instrumented − plain, and as a multiple of the clock floor`,
  );
  console.log(
    "| entry | resolved to | plain sync | clock floor | sync | sync overhead × floor | plain async | async | async overhead × floor |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const [name] of variants) {
    const rs = results.get(name);
    const m = (k) => median(rs.map((r) => r[k]));
    const floor = m("floor");
    console.log(
      `| ${name} | ${rs[0].entry} | ${m("plain").toFixed(1)} | ${floor.toFixed(1)} | ${m("sync").toFixed(1)} | ${((m("sync") - m("plain")) / floor).toFixed(2)} | ${m("asyncPlain").toFixed(1)} | ${m("async").toFixed(1)} | ${((m("async") - m("asyncPlain")) / floor).toFixed(2)} |`,
    );
  }
}

async function pushSize() {
  const { instrument, metricsResponse, init } = require("autometrics-runtime");
  init({ serviceName: "bench", detectBuildInfo: false });
  const { Snapshots } = require(join(RUNTIME, "dist", "push", "snapshot.js"));
  const { encodeJson, encodeProtobuf } = require(join(RUNTIME, "dist", "push", "encode.js"));
  const handles = [];
  for (let f = 0; f < 1000; f++) handles.push(instrument(`function_${f}`, `src/module_${f % 50}.js`));
  for (const h of handles) {
    for (let c = 0; c < 7; c++) {
      const caller = handles[(handles.indexOf(h) + c + 1) % handles.length];
      caller.run(() => h.run(() => 1));
    }
  }
  const rows = [];
  for (const temporality of ["cumulative", "delta"]) {
    const info = { version: "", commit: "", branch: "", repositoryUrl: "", repositoryProvider: "", serviceName: "bench" };
    const writer = () =>
      new Snapshots(
        temporality,
        () => info,
        () => "0",
      );
    const snapshots = writer();
    for (const [protocol, encode] of [
      ["http/protobuf", encodeProtobuf],
      ["http/json", encodeJson],
    ]) {
      // Warm, then time taking and encoding every series (a first push), 20 times.
      const times = [];
      let bytes = 0;
      let first;
      for (let i = 0; i < 21; i++) {
        const fresh = writer();
        const start = process.hrtime.bigint();
        const body = encode(fresh.take().snapshot);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        bytes = typeof body === "string" ? Buffer.byteLength(body) : body.length;
        first = body;
      }
      const median = times.slice(1).sort((a, b) => a - b)[10];
      const taken = snapshots.take();
      taken.commit();
      for (const h of handles) h.run(() => 1); // one more call of each function, as an entry call
      const next = encode(snapshots.take().snapshot);
      const nextBytes = typeof next === "string" ? Buffer.byteLength(next) : next.length;
      const gz = (b) => gzipSync(typeof b === "string" ? Buffer.from(b) : b).length;
      rows.push(
        `| ${temporality} | ${protocol} | ${median.toFixed(1)} ms | ${(bytes / 1024).toFixed(0)} KiB (${(gz(first) / 1024).toFixed(0)} KiB gzipped) | ${(nextBytes / 1024).toFixed(0)} KiB |`,
      );
    }
  }
  const scrape = Buffer.from(await (await metricsResponse()).arrayBuffer());
  console.log(
    "\nOne push of 1,000 functions × 7 callers (8,000 caller series, 1,000 histograms): take and encode, median of 20; bytes of the body",
  );
  console.log(
    "| temporality | protocol | take + encode | first push (every series) | next push (1 call more per function) |\n|---|---|---:|---:|---:|",
  );
  for (const row of rows) console.log(row);
  console.log(`\nThe same series as a Prometheus scrape (metricsResponse): ${(scrape.length / 1024).toFixed(0)} KiB`);
}

async function main() {
  if (process.argv.includes("--child")) return perCallChild();
  // `--only=size,call,push`: some of the tables.
  const only = process.argv
    .find((a) => a.startsWith("--only="))
    ?.slice(7)
    .split(",");
  const wanted = (table) => only === undefined || only.includes(table);
  if (wanted("size")) await sizes();
  if (wanted("call")) await perCallAllNodes();
  if (wanted("push")) await pushSize();
}

main();
