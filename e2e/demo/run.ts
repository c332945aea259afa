/**
 * `npm run demo`: builds the example service (e2e/apps/node-service) with the
 * Babel plugin, and with the SWC plugin when its Wasm can be built here, runs
 * it under a short bounded load, and shows a live table per function computed
 * from the service's own metrics. With `prometheus` on PATH it also starts one
 * and prints links to the autometrics queries. Stops by itself.
 */
import * as babel from "@babel/core";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseExposition, type Sample } from "../../fixtures/harness/exposition";
import { freePort } from "../../fixtures/harness/ports";
import { Processes } from "../harness/processes";
import { startPrometheus } from "../harness/prometheus";
import { prometheusLink, queriesFor } from "autometrics-runtime";

const APP = join(__dirname, "..", "apps", "node-service");
const OUT = join(__dirname, "..", ".build", "demo");
const SECONDS = Number(process.env.DEMO_SECONDS ?? 15);
const say = (line: string) => console.log(`▸ ${line}`);

function buildWithBabel(out: string) {
  for (const file of readdirSync(join(APP, "src"))) {
    mkdirSync(join(out, "src"), { recursive: true });
    writeFileSync(join(out, "src", file), babel.transformFileSync(join(APP, "src", file), { cwd: APP })!.code!);
  }
}

function buildWithSwc(out: string): boolean {
  const wasm = join(__dirname, "..", "..", "swc-plugin-wasm", "swc_plugin_autometrics.wasm");
  if (!existsSync(wasm)) {
    say("building the SWC plugin's Wasm (a few minutes the first time)...");
    const build = spawnSync(process.execPath, [join(__dirname, "..", "..", "swc-plugin-wasm", "build.mjs")], { stdio: "inherit" });
    if (build.status !== 0 || !existsSync(wasm)) return false;
  }
  let swc: typeof import("@swc/core");
  try {
    swc = require(require.resolve("@swc/core", { paths: [join(__dirname, "..", "..", "swc-plugin-wasm")] }));
  } catch {
    return false;
  }
  // With the app's .swcrc, as `swc` run in the app would: @swc/core hands plugins the process's working directory.
  const cwd = process.cwd();
  process.chdir(APP);
  try {
    for (const file of readdirSync(join(APP, "src"))) {
      mkdirSync(join(out, "src"), { recursive: true });
      writeFileSync(join(out, "src", file), swc.transformFileSync(join(APP, "src", file)).code);
    }
  } finally {
    process.chdir(cwd);
  }
  return true;
}

/** The p-quantile from cumulative buckets, interpolated as histogram_quantile does. */
function quantile(buckets: { le: number; count: number }[], q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let [lower, below] = [0, 0];
  for (const { le, count } of buckets) {
    if (count >= rank) return le === Infinity ? lower : lower + ((le - lower) * (rank - below)) / Math.max(count - below, 1);
    [lower, below] = [le, count];
  }
  return NaN;
}

function table(build: string, samples: Sample[], previous: Map<string, number>, elapsed: number): string[][] {
  const rows: string[][] = [["function", "module", "calls/s", "error %", "p50", "p95", "p99", "callers", "objective"]];
  const calls = samples.filter((s) => s.name === "function_calls_total");
  const functions = [...new Set(calls.map((s) => `${s.labels.module}\u0000${s.labels.function}`))].sort();
  for (const key of functions) {
    const [module, fn] = key.split("\u0000") as [string, string];
    const mine = calls.filter((s) => s.labels.function === fn && s.labels.module === module);
    const total = mine.reduce((n, s) => n + s.value, 0);
    const errors = mine.filter((s) => s.labels.result === "error").reduce((n, s) => n + s.value, 0);
    const rate = (total - (previous.get(build + key) ?? 0)) / elapsed;
    previous.set(build + key, total);
    const buckets = samples
      .filter((s) => s.name === "function_calls_duration_seconds_bucket" && s.labels.function === fn && s.labels.module === module)
      .map((s) => ({ le: s.labels.le === "+Inf" ? Infinity : Number(s.labels.le), count: s.value }));
    const ms = (q: number) => (Number.isNaN(quantile(buckets, q)) ? "-" : `${(quantile(buckets, q) * 1000).toFixed(1)} ms`);
    const callers = [...new Set(mine.filter((s) => s.value > 0).map((s) => s.labels.caller_function || "(entry)"))].join(", ");
    const histogramLabels =
      samples.find((s) => s.name === "function_calls_duration_seconds_count" && s.labels.function === fn)?.labels ?? {};
    let objective = "";
    const success = mine[0]?.labels;
    if (success?.objective_name) {
      const ok = total === 0 ? 1 : 1 - errors / total;
      objective = `${success.objective_name}: ${(ok * 100).toFixed(1)}% ok (target ${success.objective_percentile}%) ${ok * 100 >= Number(success.objective_percentile) ? "✓" : "✗"}`;
    } else if (histogramLabels.objective_name) {
      const within = buckets.find((b) => String(b.le) === histogramLabels.objective_latency_threshold)?.count ?? 0;
      const count = buckets.at(-1)?.count ?? 0;
      const share = count === 0 ? 1 : within / count;
      objective = `${histogramLabels.objective_name}: ${(share * 100).toFixed(0)}% ≤ ${histogramLabels.objective_latency_threshold}s (target ${histogramLabels.objective_percentile}%) ${share * 100 >= Number(histogramLabels.objective_percentile) ? "✓" : "✗"}`;
    }
    rows.push([
      fn,
      module,
      rate.toFixed(1),
      total === 0 ? "-" : ((100 * errors) / total).toFixed(1),
      ms(0.5),
      ms(0.95),
      ms(0.99),
      callers,
      objective,
    ]);
  }
  return rows;
}

function render(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r, n) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ") + (n === 0 ? `\n${widths.map((w) => "─".repeat(w)).join("  ")}` : ""))
    .join("\n");
}

async function main() {
  const processes = new Processes(join(__dirname, "..", ".logs", "demo"));
  const stop = async () => processes.stopAll();
  process.once("SIGINT", () => void stop().then(() => process.exit(130)));
  try {
    rmSync(OUT, { recursive: true, force: true });
    say("building the example service with the Babel plugin, from its babel.config.js (include globs, and directives in the code)");
    buildWithBabel(join(OUT, "babel"));
    const builds = ["babel"];
    if (buildWithSwc(join(OUT, "swc"))) builds.push("swc");
    else say("skipping the SWC build: its Wasm needs Rust (run .ci/setup, or rustup target add wasm32-wasip1)");

    const apps = [];
    for (const build of builds) {
      const [port, metricsPort] = [await freePort(), await freePort()];
      processes.start(`app-${build}`, process.execPath, [join(OUT, build, "src", "server.js")], {
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
      });
      await processes.waitFor(`app-${build}`, async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok);
      apps.push({ build, port, metrics: `http://127.0.0.1:${metricsPort}/metrics` });
      say(`${build} build running on http://127.0.0.1:${port}, metrics at ${apps.at(-1)!.metrics}`);
    }

    let prometheusUrl: string | undefined;
    if (!spawnSync("prometheus", ["--version"]).error) {
      const prometheus = await startPrometheus(
        processes,
        await freePort(),
        "demo",
        apps.map((a) => new URL(a.metrics).host),
      );
      prometheusUrl = prometheus.url;
      say(`Prometheus scraping both at ${prometheusUrl}`);
    }

    // A bounded load: lookups (every tenth fails) and slow reports, for SECONDS seconds.
    const until = Date.now() + SECONDS * 1000;
    let id = 0;
    const load = (async () => {
      while (Date.now() < until) {
        id += 1;
        const paths = [`/users/${id}`, ...(id % 5 === 0 ? ["/report"] : [])];
        await Promise.all(
          apps.flatMap((a) =>
            paths.map((path) =>
              fetch(`http://127.0.0.1:${a.port}${path}`)
                .then((r) => r.text())
                .catch(() => ""),
            ),
          ),
        );
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const previous = new Map<string, number>();
    let last = Date.now();
    const tty = process.stdout.isTTY;
    while (Date.now() < until + 1500) {
      await new Promise((r) => setTimeout(r, tty ? 1000 : 5000));
      const now = Date.now();
      const sections = [];
      for (const app of apps) {
        const samples = parseExposition(await (await fetch(app.metrics)).text()).samples;
        sections.push(
          `${app.build} build  (${Math.max(0, Math.ceil((until - now) / 1000))} s of load left)\n${render(table(app.build, samples, previous, (now - last) / 1000))}`,
        );
      }
      last = now;
      if (tty) process.stdout.write("\x1b[2J\x1b[H");
      console.log(sections.join("\n\n"));
    }
    await load;
    if (prometheusUrl !== undefined) {
      const q = queriesFor("getUser", "src/service.js", { objective: { name: "api", successRate: "95" } });
      console.log(`\nIn Prometheus (${prometheusUrl}), while it runs:`);
      console.log(`  error ratio of getUser:   ${prometheusLink(q.errorRatio, prometheusUrl)}`);
      console.log(`  p99 latency of getUser:   ${prometheusLink(q.latency.p99, prometheusUrl)}`);
      console.log(`  burn rate of objective api: ${prometheusLink(q.successRateBurn!, prometheusUrl)}`);
      console.log("  (`npx autometrics list e2e/apps/node-service` prints these for every function)");
    }
    say("done; stopping everything");
  } finally {
    await stop();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
