import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseExposition } from "../../fixtures/harness/exposition";
import { freePort } from "../../fixtures/harness/ports";
import { type Collector, startCollector } from "../harness/collector";
import { REAL_PACKAGES, preparePristine, runTests } from "../../fixtures/harness/real-packages";
import { Processes } from "../harness/processes";
import { type Prometheus, startPrometheus } from "../harness/prometheus";
import { queriesFor } from "autometrics-runtime";

const WRITER = join(__dirname, "..", "apps", "push-writer", "writer.js");
const LOGS = join(__dirname, "..", ".logs", "push");

interface Writer {
  child: ChildProcess;
  /** Resolves with the writer's own exposition once it printed it (after its last flush). */
  recorded: Promise<string>;
  /** Resolves when the writer printed `line`. */
  said(line: string): Promise<void>;
}

/** Starts writer.js: `calls` calls in `rounds` rounds, a flush after each, pushing where `env` says. */
function startWriter(env: Record<string, string>, node = process.execPath): Writer {
  const child = spawn(node, [WRITER], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const waiting: { line: string; resolve: () => void }[] = [];
  let resolveRecorded: (text: string) => void;
  let rejectRecorded: (error: Error) => void;
  const recorded = new Promise<string>((resolve, reject) => {
    resolveRecorded = resolve;
    rejectRecorded = reject;
  });
  let err = "";
  child.stderr!.on("data", (chunk) => (err += chunk));
  const lines = () => out.split("\n").slice(0, -1); // whole lines only
  child.stdout!.on("data", (chunk) => {
    out += chunk;
    for (const line of lines()) {
      if (line.startsWith('{"exposition"')) resolveRecorded(JSON.parse(line).exposition);
      for (const w of waiting.filter((w) => w.line === line)) w.resolve();
    }
  });
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGKILL") rejectRecorded(new Error(`writer ended with ${code ?? signal}: ${err}`));
  });
  return {
    child,
    recorded,
    said: (line) => (lines().includes(line) ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ line, resolve }))),
  };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

/** What the writers recorded themselves, added up: "function caller result" → calls, and "function le" → bucket count. */
function sumOf(expositions: string[]) {
  const calls = new Map<string, number>();
  const buckets = new Map<string, number>();
  for (const text of expositions) {
    for (const s of parseExposition(text).samples) {
      if (s.name === "function_calls_total") {
        const key = `${s.labels.function} ${s.labels.caller_function} ${s.labels.result}`;
        calls.set(key, (calls.get(key) ?? 0) + s.value);
      } else if (s.name === "function_calls_duration_seconds_bucket") {
        const key = `${s.labels.function} ${s.labels.le}`;
        buckets.set(key, (buckets.get(key) ?? 0) + s.value);
      }
    }
  }
  return { calls, buckets };
}

async function fromPrometheus(prometheus: Prometheus, service: string) {
  const calls = new Map<string, number>();
  for (const r of await prometheus.query(`sum by (function, caller_function, result) (function_calls_total{service_name="${service}"})`)) {
    calls.set(`${r.metric.function} ${r.metric.caller_function ?? ""} ${r.metric.result}`, Number(r.value[1]));
  }
  const buckets = new Map<string, number>();
  for (const r of await prometheus.query(`sum by (function, le) (function_calls_duration_seconds_bucket{service_name="${service}"})`)) {
    buckets.set(`${r.metric.function} ${r.metric.le}`, Number(r.value[1]));
  }
  return { calls, buckets };
}

const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));

/** Waits until Prometheus holds `expected` for `service` (the collector batches, Prometheus scrapes every second); returns what it last held. */
async function settle(prometheus: Prometheus, service: string, expected: ReturnType<typeof sumOf>, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await fromPrometheus(prometheus, service);
    // No buckets expected: the calls alone are compared.
    const same =
      JSON.stringify(sorted(got.calls)) === JSON.stringify(sorted(expected.calls)) &&
      (expected.buckets.size === 0 || JSON.stringify(sorted(got.buckets)) === JSON.stringify(sorted(expected.buckets)));
    if (same || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("pushing to a real OpenTelemetry Collector (cli/collector/collector.yaml), scraped by a real Prometheus", function () {
  this.timeout(180_000);
  const processes = new Processes(LOGS);
  let collector: Collector;
  let prometheus: Prometheus;

  before(async () => {
    collector = await startCollector(processes, "collector");
    prometheus = await startPrometheus(processes, await freePort(), "collector", [collector.scrapeTarget], [], true);
  });
  after(() => processes.stopAll());

  const writerEnv = (service: string, url: string, extra: Record<string, string> = {}) => ({
    SERVICE_NAME: service,
    OTEL_METRICS_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: url,
    CALLS: "60",
    ...extra,
  });

  it("adds up 20 writers on Node 20, 22, 24 and 26 exactly, half of them killed (SIGKILL) right after their last flush, with the series of one writer", async () => {
    const one = startWriter(writerEnv("push-one", collector.otlpUrl));
    const oneRecorded = await one.recorded;
    await exited(one.child);

    // On the machine's Node and on the lines users run, in turns.
    const { nodeVersions } = await import("../../fixtures/harness/isolated-install.mjs");
    const nodes = [process.execPath, ...(nodeVersions() as { node: string }[]).map((v) => v.node)];
    const writers: Writer[] = [];
    for (let k = 0; k < 20; k++) {
      const protocol = k % 2 === 0 ? "http/protobuf" : "http/json";
      const env = writerEnv("push-many", collector.otlpUrl, { OTEL_EXPORTER_OTLP_PROTOCOL: protocol, END: k % 2 === 0 ? "kill" : "exit" });
      writers.push(startWriter(env, nodes[Math.floor(k / 2) % nodes.length]));
      await new Promise((r) => setTimeout(r, 20 * (k % 5)));
    }
    const recorded = await Promise.all(writers.map((w) => w.recorded));
    await Promise.all(
      writers.map(async (w, k) => {
        if (k % 2 === 0) {
          await w.said("flushed");
          w.child.kill("SIGKILL");
        }
        await exited(w.child);
      }),
    );

    const expected = sumOf(recorded);
    expect(expected.calls.get("handle  ok")).to.equal(20 * 60);
    expect(expected.calls.get("query lookup error")).to.equal(20 * 6);
    const got = await settle(prometheus, "push-many", expected);
    expect(sorted(got.calls)).to.deep.equal(sorted(expected.calls));
    expect(sorted(got.buckets)).to.deep.equal(sorted(expected.buckets));
    // More than one bucket holds calls, so the histogram was added up bucket by bucket.
    expect(
      new Set([...expected.buckets].filter(([k, v]) => k.startsWith("query ") && v > 0 && v < 1200).map(([, v]) => v)).size,
    ).to.be.greaterThan(1);

    const single = await settle(prometheus, "push-one", sumOf([oneRecorded]));
    expect(sorted(single.calls)).to.deep.equal(sorted(sumOf([oneRecorded]).calls));
    const series = async (service: string) =>
      (await prometheus.query(`count by (__name__) ({service_name="${service}", __name__=~"function_calls_.*|build_info"})`)).map(
        (r) => `${r.metric.__name__} ${r.value[1]}`,
      );
    // The dashboards' queries work on what the collector exposes: the request rate, joined with build_info's commit.
    // A rate needs two scrapes of the final numbers, which can come after the counts above were first seen.
    const requestRate = queriesFor("handle", "src/handler.js", { window: "1m" }).requestRate;
    let ours: Awaited<ReturnType<Prometheus["query"]>> = [];
    for (const deadline = Date.now() + 20_000; ours.length === 0 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      ours = (await prometheus.query(requestRate)).filter((r) => r.metric.service_name === "push-many");
    }
    expect(ours).to.have.length(1);
    expect(ours[0]!.metric.commit, JSON.stringify(ours[0]!.metric)).to.match(/^[0-9a-f]{40}$/);
    expect(Number(ours[0]!.value[1])).to.be.greaterThan(0);
    const many = await series("push-many");
    expect(many.length).to.be.greaterThan(3);
    expect(many.sort()).to.deep.equal((await series("push-one")).sort());
  });

  it("delivers everything once a collector that was down comes up, to writers that stayed alive", async () => {
    const port = await freePort();
    const gate = join(mkdtempSync(join(tmpdir(), "am-push-")), "collector-up");
    const writers = [0, 1, 2].map(() =>
      startWriter(
        writerEnv("push-late", `http://127.0.0.1:${port}/v1/metrics`, { GATE: gate, END: "kill", OTEL_EXPORTER_OTLP_TIMEOUT: "2000" }),
      ),
    );
    await Promise.all(writers.map((w) => w.said("waiting"))); // every flush so far failed: nothing listens
    const late = await startCollector(processes, "collector-late", port);
    const prometheusLate = await startPrometheus(processes, await freePort(), "collector-late", [late.scrapeTarget], [], true);
    writeFileSync(gate, "");
    const recorded = await Promise.all(writers.map((w) => w.recorded));
    for (const w of writers) {
      await w.said("flushed");
      w.child.kill("SIGKILL");
    }
    const expected = sumOf(recorded);
    const got = await settle(prometheusLate, "push-late", expected);
    expect(sorted(got.calls)).to.deep.equal(sorted(expected.calls));
    expect(sorted(got.buckets)).to.deep.equal(sorted(expected.buckets));
  });

  it("loses what a writer recorded after its last flush when it dies, and nothing before", async () => {
    const w = startWriter(writerEnv("push-dies", collector.otlpUrl, { END: "kill", UNFLUSHED: "25" }));
    const flushed = await w.recorded;
    await w.said("dying"); // 25 calls more, never pushed
    w.child.kill("SIGKILL");
    await exited(w.child);
    const expected = sumOf([flushed]);
    expect(expected.calls.get("handle  ok")).to.equal(60);
    const got = await settle(prometheus, "push-dies", expected);
    expect(sorted(got.calls)).to.deep.equal(sorted(expected.calls));
  });

  it("after the collector restarts, drops the first push of each series it sees from a running writer: none counted twice, one push's worth lost", async () => {
    const port = await freePort();
    const gate = join(mkdtempSync(join(tmpdir(), "am-push-")), "restarted");
    const first = await startCollector(processes, "collector-restarting", port);
    const w = startWriter(
      writerEnv("push-restart", `http://127.0.0.1:${port}/v1/metrics`, { GATE: gate, AFTER_GATE_CALLS: "12", END: "kill" }),
    );
    await w.said("waiting"); // its 60 calls pushed, counted
    const before = async (c: Collector) =>
      parseExposition(await c.scrape())
        .samples.filter(
          (s) =>
            s.name === "function_calls_total" &&
            s.labels.service_name === "push-restart" &&
            s.labels.function === "handle" &&
            s.labels.result === "ok",
        )
        .reduce((sum, s) => sum + s.value, 0);
    for (let i = 0; i < 50 && (await before(first)) !== 60; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await before(first)).to.equal(60);
    await processes.stop("collector-restarting");
    const second = await startCollector(processes, "collector-restarted", port);
    // A push with nothing changed (nothing of handle in it), 12 calls and a push (the new collector's first of handle: not
    // counted), 12 more and a push (counted).
    writeFileSync(gate, "");
    await w.said("flushed");
    w.child.kill("SIGKILL");
    for (let i = 0; i < 50 && (await before(second)) !== 12; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await before(second)).to.equal(12);
  });

  it("pushes everything a real package's own suite (qs, under the load hook) called, counted as the process itself counted it", async function () {
    this.timeout(300_000);
    const pkg = REAL_PACKAGES.find((p) => p.name === "qs")!;
    const pristine = await preparePristine(pkg, join(__dirname, "..", ".run", "real"));
    const options = { include: pkg.include, exclude: [...pkg.exclude, "**/node_modules/**"] };
    const run = await runTests(pkg, pristine, true, undefined, false, {
      nodeOptions: `--require autometrics-register --require ${join(__dirname, "..", "apps", "push-writer", "init-from-env.cjs")}`,
      env: {
        AUTOMETRICS_OPTIONS: JSON.stringify(options),
        AUTOMETRICS_CACHE_DIR: mkdtempSync(join(tmpdir(), "am-push-qs-")),
        OTEL_METRICS_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: collector.otlpUrl,
        OTEL_SERVICE_NAME: "qs-suite",
      },
    });
    expect(run.code, run.output.slice(-2000)).to.equal(0);
    // What the processes counted themselves (their exit dump), by function, caller and result.
    const calls = new Map<string, number>();
    for (const s of run.samples) {
      const key = `${s.function} ${s.caller_function} ${s.result}`;
      calls.set(key, (calls.get(key) ?? 0) + Number(s.value));
    }
    expect([...calls.values()].reduce((a, b) => a + b, 0)).to.be.greaterThan(1000);
    const got = await settle(prometheus, "qs-suite", { calls, buckets: new Map() }, 30_000);
    expect(sorted(got.calls)).to.deep.equal(sorted(calls));
  });

  /**
   * A proxy in front of the collector that holds the first push: "answer"
   * forwards it at once and answers after the writer gave up (it was counted);
   * "request" forwards it only after the writer's next push (it arrives late).
   */
  async function holdingProxy(target: string, hold: "answer" | "request") {
    let first = true;
    let release: (() => void) | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const forward = () =>
          fetch(target, {
            method: "POST",
            headers: {
              "content-type": String(req.headers["content-type"]),
              "content-encoding": String(req.headers["content-encoding"] ?? "identity"),
            },
            body: Buffer.concat(chunks),
          });
        const held = first;
        first = false;
        if (held && hold === "request") {
          await new Promise<void>((r) => (release = r)); // the next push goes first
          await forward();
          return; // the writer stopped waiting long ago
        }
        const answer = await forward();
        if (release !== undefined) {
          // Let the held push reach the collector after this one.
          const go = release;
          release = undefined;
          setTimeout(go, 0);
        }
        if (held) await new Promise((r) => setTimeout(r, 3000)); // past the writer's timeout
        res
          .writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" })
          .end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`, close: () => server.close() };
  }

  it("counts a push once when its answer came after the writer's timeout and the next push carried the same calls", async () => {
    const proxy = await holdingProxy(collector.otlpUrl, "answer");
    try {
      const w = startWriter(writerEnv("push-retry", proxy.url, { OTEL_EXPORTER_OTLP_TIMEOUT: "500" }));
      const expected = sumOf([await w.recorded]);
      const got = await settle(prometheus, "push-retry", expected);
      expect(sorted(got.calls)).to.deep.equal(sorted(expected.calls));
    } finally {
      proxy.close();
    }
  });

  it("counts the calls between two pushes twice when the earlier push reaches the collector after the later one (the documented exception)", async () => {
    const proxy = await holdingProxy(collector.otlpUrl, "request");
    try {
      // 3 rounds of 20 calls; the first round's push arrives after the second's.
      const w = startWriter(writerEnv("push-reordered", proxy.url, { OTEL_EXPORTER_OTLP_TIMEOUT: "500" }));
      const expected = sumOf([await w.recorded]);
      expect(expected.calls.get("handle  ok")).to.equal(60);
      const twice = new Map([...expected.calls].map(([k, v]) => [k, k === "handle  ok" ? v + 20 : v]));
      const got = await settle(prometheus, "push-reordered", { calls: twice, buckets: expected.buckets }, 10_000);
      expect(got.calls.get("handle  ok")).to.equal(80);
    } finally {
      proxy.close();
    }
  });
});
