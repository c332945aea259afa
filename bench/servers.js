// What a request costs in a real server: express 5 and fastify 5, plain,
// instrumented through the load hook (everything of the framework selected,
// or only the app's own code) and with OpenTelemetry's http + framework
// instrumentation, on each Node.
//
// Two measures, each in fresh processes:
// - throughput: autocannon against the server, the variants taking turns;
// - instructions per request (--instructions): the server under callgrind,
//   counted over requests made one at a time after a warm-up. The machine's
//   load does not move this count, so it splits the cost into parts that a
//   wall clock on a shared machine cannot: the diagnostic variants take the
//   callers across async boundaries away, or move them to Node's older
//   AsyncLocalStorage.
//
//   node servers.js [--quick] [--instructions] [--nodes=20,22,24,26]
//                   [--servers=express,fastify] [--variants=plain,all,...]
//                   [--rounds=N] [--seconds=N]
"use strict";
const { execFileSync, spawn, spawnSync } = require("node:child_process");
const { mkdtempSync, readFileSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { once } = require("node:events");

const HERE = join(__dirname, "servers");
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const quick = process.argv.includes("--quick");
const instructions = process.argv.includes("--instructions");
const ROUNDS = Number(arg("rounds", quick ? 1 : 3));
const SECONDS = Number(arg("seconds", quick ? 4 : 8));
const WARMUP_SECONDS = quick ? 2 : 3;
const CONNECTIONS = 10;
/** Under callgrind: requests made before counting starts (the JIT has settled), and counted. */
const WARMUP_REQUESTS = 5000;
/** Processes per variant under callgrind, taking turns: the count still moves with what the JIT does inside the window. */
const COUNTS = quick ? 1 : 3;
const COUNTED_REQUESTS = 1000;

/** Each framework's packages: what "everything selected" selects besides the app. */
const SERVERS = {
  express: { app: "src/express-app.js", packages: ["express", "router", "body-parser", "finalhandler"] },
  fastify: {
    app: "src/fastify-app.js",
    packages: ["fastify", "find-my-way", "avvio", "light-my-request", "fast-json-stringify", "@fastify/*"],
  },
};

/** How each variant starts the server: its name in the tables, node flags and environment. */
const VARIANTS = {
  plain: { name: "plain", start: () => ({ flags: [], env: {} }) },
  all: {
    name: "autometrics, everything selected",
    start: (server) => autometrics(everything(server)),
  },
  app: { name: "autometrics, the app's code only", start: () => autometrics(["src/**"]) },
  otel: {
    name: "OpenTelemetry http + framework",
    start: () => ({ flags: ["--require", "./otel.js"], env: {} }),
  },
  "all-sync-callers": {
    name: "(diagnostic) everything, `trackCallers: false`",
    start: (server) => autometrics(everything(server), { TRACK_CALLERS: "false" }),
  },
  "all-no-async-context-frame": {
    name: "(diagnostic) everything, `--no-async-context-frame`",
    minNode: 24,
    start: (server) => {
      const { flags, env } = autometrics(everything(server));
      return { flags: ["--no-async-context-frame", ...flags], env };
    },
  },
};

const everything = (server) => ["src/**", ...server.packages.map((p) => `node_modules/${p}/**`)];

function autometrics(include, env = {}) {
  return {
    flags: ["--require", "autometrics-register", "--require", "./metrics.js"],
    env: { AUTOMETRICS_OPTIONS: JSON.stringify({ include, exclude: [] }), AUTOMETRICS_COMPILER: "babel", ...env },
  };
}

const instrumented = (variant) => variant !== "plain" && variant !== "otel";

/** `n` different ports nothing listens on now, from the system. */
async function freePorts(n) {
  const servers = await Promise.all(
    Array.from({ length: n }, () => {
      const server = require("node:net").createServer();
      return new Promise((resolve, reject) => server.on("error", reject).listen(0, "127.0.0.1", () => resolve(server)));
    }),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Starts a server; with `wrap`, under that command (callgrind). */
async function start(node, server, variant, wrap = []) {
  const { flags, env } = VARIANTS[variant].start(server);
  const [port, metricsPort] = await freePorts(2);
  const options = { cwd: HERE, env: { ...process.env, ...env, PORT: String(port), METRICS_PORT: String(metricsPort) } };
  // Under callgrind, V8 compiles and collects on the main thread, so the count is the same each run.
  const [command, ...args] = wrap.length ? [...wrap, node, "--single-threaded", ...flags, server.app] : [node, ...flags, server.app];
  const child = spawn(command, args, { ...options, stdio: ["ignore", "inherit", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}/users/42`;
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`${server.app} (${variant}) exited with ${code} before answering:\n${stderr.slice(-2000)}`);
  });
  await Promise.race([exited, answering(url)]);
  return { child, url, metrics: `http://127.0.0.1:${metricsPort}/metrics` };
}

async function answering(url) {
  for (;;) {
    try {
      await get(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function get(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
}

async function stop({ child }) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await once(child, "exit");
}

function load(url, seconds) {
  const autocannon = require(join(HERE, "node_modules", "autocannon"));
  return new Promise((resolve, reject) =>
    autocannon({ url, connections: CONNECTIONS, duration: seconds }, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** Every `function_calls_total` sample added up. */
async function callsSoFar(metrics) {
  let sum = 0;
  for (const line of (await get(metrics)).split("\n")) {
    if (line.startsWith("function_calls_total{")) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** Instrumented calls per request, over requests made one at a time. */
async function callsPerRequest(running) {
  const before = await callsSoFar(running.metrics);
  const n = 200;
  for (let i = 0; i < n; i++) await get(running.url);
  return ((await callsSoFar(running.metrics)) - before) / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A loop of `n` pairs of `performance.now()` reads, as a module's function (what a call pays, no more). */
const PAIRS = `
  function pairs(n) { const p = performance; let s = 0; for (let i = 0; i < n; i++) { s += p.now(); s -= p.now(); } return s; }`;

/** Two `performance.now()` reads on this Node, ns: the least a timed call can cost. */
function clockFloorNs(node) {
  const code = `${PAIRS}
    const times = [];
    for (let r = 0; r < 9; r++) { const t0 = performance.now(); pairs(1e6); times.push(performance.now() - t0); } // ms per million = ns each
    console.log(times.sort((a, b) => a - b)[4]);`;
  return Number(execFileSync(node, ["-e", code], { encoding: "utf8" }).trim());
}

/** The same floor in instructions: the loop under callgrind, less the same loop run zero times. */
function clockFloorInstructions(node) {
  const code = `${PAIRS}\n pairs(Number(process.argv[1]));`;
  const refs = (n) => {
    const args = ["--tool=callgrind", "--callgrind-out-file=/dev/null", node, "--single-threaded", "-e", code, String(n)];
    const { stderr } = spawnSync("valgrind", args, { encoding: "utf8" });
    return Number(/refs:\s+([\d,]+)/.exec(stderr)[1].replaceAll(",", ""));
  };
  return (refs(200_000) - refs(0)) / 200_000;
}

/** Instructions the server runs per request, counted by callgrind over requests made one at a time. */
async function instructionsPerRequest(node, server, variant) {
  const dir = mkdtempSync(join(tmpdir(), "am-callgrind-"));
  const out = join(dir, "callgrind.out");
  const wrap = ["valgrind", "--tool=callgrind", "--instr-atstart=no", `--callgrind-out-file=${out}`];
  const running = await start(node, server, variant, wrap);
  try {
    for (let i = 0; i < WARMUP_REQUESTS; i++) await get(running.url);
    execFileSync("callgrind_control", ["--instr=on", String(running.child.pid)], { stdio: "ignore" });
    for (let i = 0; i < COUNTED_REQUESTS; i++) await get(running.url);
    execFileSync("callgrind_control", ["--instr=off", String(running.child.pid)], { stdio: "ignore" });
  } finally {
    await stop(running);
  }
  const total = Number(/^totals:\s+(\d+)/m.exec(readFileSync(out, "utf8"))[1]);
  rmSync(dir, { recursive: true, force: true });
  return total / COUNTED_REQUESTS;
}

function applies(variant, node) {
  const major = Number(execFileSync(node, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }));
  return (VARIANTS[variant].minNode ?? 0) <= major;
}

async function throughput(node, version, name, variants) {
  const server = SERVERS[name];
  const floor = clockFloorNs(node);
  const results = Object.fromEntries(variants.map((v) => [v, { rps: [], p99: [], calls: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    // Taking turns, starting from a different variant each round.
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length];
      const running = await start(node, server, variant);
      try {
        await load(running.url, WARMUP_SECONDS);
        const result = await load(running.url, SECONDS);
        if (result.errors || result.non2xx) throw new Error(`${name} (${variant}): ${result.errors} errors, ${result.non2xx} non-2xx`);
        results[variant].rps.push(result.requests.average);
        results[variant].p99.push(result.latency.p99);
        if (instrumented(variant)) results[variant].calls.push(await callsPerRequest(running));
      } finally {
        await stop(running);
      }
    }
  }
  const plain = results.plain && median(results.plain.rps);
  console.log(
    `\n${name} on Node ${version}: requests/s and p99 latency under autocannon (${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up), median of ${ROUNDS} round(s) taking turns; clock floor ${floor.toFixed(1)} ns`,
  );
  console.log("| variant | requests/s | × plain | p99 ms | instrumented calls per request | ns per instrumented call | × clock floor |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const variant of variants) {
    const r = results[variant];
    const rps = median(r.rps);
    const calls = r.calls.length ? median(r.calls) : undefined;
    // The extra time per request, spread over the calls that cost it.
    const perCall = calls && plain ? ((1 / rps - 1 / plain) * 1e9) / calls : undefined;
    console.log(
      `| ${VARIANTS[variant].name} | ${Math.round(rps)} | ${plain ? (rps / plain).toFixed(2) : "–"} | ${median(r.p99)} | ${calls?.toFixed(1) ?? "–"} | ${perCall?.toFixed(0) ?? "–"} | ${perCall ? (perCall / floor).toFixed(1) : "–"} |`,
    );
  }
}

async function instructionCounts(node, version, name, variants) {
  const server = SERVERS[name];
  const floor = clockFloorInstructions(node);
  const rows = [];
  for (const variant of variants) {
    let calls;
    if (instrumented(variant)) {
      const running = await start(node, server, variant);
      try {
        calls = await callsPerRequest(running);
      } finally {
        await stop(running);
      }
    }
    rows.push({ variant, calls, counts: [] });
  }
  for (let i = 0; i < COUNTS; i++) {
    for (const row of rows) row.counts.push(await instructionsPerRequest(node, server, row.variant));
  }
  for (const row of rows) row.per = median(row.counts);
  const plain = rows.find((r) => r.variant === "plain")?.per;
  console.log(
    `\n${name} on Node ${version}: instructions per request (callgrind, ${COUNTED_REQUESTS} requests one at a time after ${WARMUP_REQUESTS}, median of ${COUNTS} process(es) taking turns); clock floor ${Math.round(floor)} instructions`,
  );
  console.log(
    "| variant | instructions per request | × plain | instrumented calls per request | instructions per instrumented call | × clock floor |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const { variant, calls, per } of rows) {
    const perCall = calls && plain ? (per - plain) / calls : undefined;
    console.log(
      `| ${VARIANTS[variant].name} | ${Math.round(per)} | ${plain ? (per / plain).toFixed(2) : "–"} | ${calls?.toFixed(1) ?? "–"} | ${perCall?.toFixed(0) ?? "–"} | ${perCall ? (perCall / floor).toFixed(2) : "–"} |`,
    );
  }
}

async function main() {
  const { ensureInstalled, nodeVersions } = await import("../fixtures/harness/isolated-install.mjs");
  ensureInstalled(HERE, "the benchmark's servers");
  const majors = arg("nodes", quick ? "24" : "20,22,24,26")
    .split(",")
    .map(Number);
  const installed = new Map([[Number(process.versions.node.split(".")[0]), process.execPath]]);
  for (const { major, node } of nodeVersions()) installed.set(major, node);
  const servers = arg("servers", "express,fastify").split(",");
  const defaults = instructions ? "plain,all,all-sync-callers,all-no-async-context-frame,app,otel" : "plain,all,app,otel";
  const chosen = arg("variants", defaults).split(",");
  if (instructions && spawnSync("valgrind", ["--version"]).status !== 0) {
    throw new Error("--instructions counts with callgrind: install valgrind (apt install valgrind)");
  }
  for (const v of chosen) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}: ${Object.keys(VARIANTS).join(", ")}`);
  for (const major of majors) {
    const node = installed.get(major);
    if (!node) throw new Error(`no Node ${major} here: the benchmark runs on ${[...installed.keys()].join(", ")}`);
    const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
    const variants = chosen.filter((v) => applies(v, node));
    for (const name of servers) {
      if (instructions) await instructionCounts(node, version, name, variants);
      else await throughput(node, version, name, variants);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
