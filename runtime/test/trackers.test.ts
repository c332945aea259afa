import { expect } from "chai";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Sample, find, one, parseExposition } from "../../fixtures/harness/exposition";
import { isolated } from "./helpers/isolated";
import { freePort } from "../../fixtures/harness/ports";

const TRACKERS = ["prometheus", "opentelemetry"] as const;

async function scenario(tracker: string): Promise<Sample[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(__dirname, "fixtures/scenario.js"), tracker, String(await freePort())],
    {
      encoding: "utf8",
      timeout: 20_000,
    },
  );
  return parseExposition(stdout).samples;
}

describe("both trackers, one semantic suite", () => {
  const results: Record<string, Sample[]> = {};
  before(async function () {
    this.timeout(40_000);
    for (const tracker of TRACKERS) results[tracker] = await scenario(tracker);
  });

  for (const tracker of TRACKERS) {
    describe(tracker, () => {
      const samples = () => results[tracker]!;

      it("shows registered functions with zero counts before their first call", () => {
        const idle = find(samples(), "function_calls_total", { function: "neverCalled" });
        expect(idle.map((s) => [s.labels.result, s.labels.caller_function, s.value])).to.deep.equal([
          ["ok", "", 0],
          ["error", "", 0],
        ]);
        expect(one(samples(), "function_calls_duration_seconds_count", { function: "neverCalled" }).value).to.equal(0);
      });

      it("counts results per caller, across await and timers", () => {
        const count = (fn: string, caller: string, result: string) =>
          one(samples(), "function_calls_total", { function: fn, caller_function: caller, result }).value;
        expect(count("handler", "", "ok")).to.equal(4);
        expect(count("handler", "", "error")).to.equal(1);
        expect(count("service", "handler", "ok")).to.equal(5);
        expect(count("service", "", "error")).to.equal(1);
        expect(count("repo", "service", "ok")).to.equal(5);
        expect(count("repo", "handler", "ok")).to.equal(4);
        expect(count("repo", "handler", "error")).to.equal(1);
        expect(count("repo", "", "ok")).to.equal(1);
        expect(
          one(samples(), "function_calls_total", { function: "repo", caller_function: "handler", result: "ok" }).labels.caller_module,
        ).to.equal("src/server.js");
      });

      it("labels objectives on the counter and the histogram, with le-equal thresholds", () => {
        expect(one(samples(), "function_calls_total", { function: "handler", result: "ok" }).labels).to.include({
          objective_name: "api",
          objective_percentile: "99",
          service_name: "scenario",
        });
        const count = one(samples(), "function_calls_duration_seconds_count", { function: "handler" });
        expect(count.labels).to.include({ objective_name: "api", objective_percentile: "95", objective_latency_threshold: "0.25" });
        expect(count.value).to.equal(5);
        const matching = find(samples(), "function_calls_duration_seconds_bucket", { function: "handler" }).filter(
          (s) => s.labels.le === s.labels.objective_latency_threshold,
        );
        expect(matching).to.have.length(1);
        expect(one(samples(), "function_calls_duration_seconds_count", { function: "service" }).labels.objective_name).to.equal("");
      });

      it("reports concurrency and one build_info series", () => {
        expect(one(samples(), "function_calls_concurrent", { function: "handler" }).value).to.equal(0);
        const info = find(samples(), "build_info");
        expect(info).to.have.length(1);
        expect(info[0]!.value).to.equal(1);
        expect(info[0]!.labels).to.deep.equal({
          version: "1.2.3",
          commit: "abc123",
          branch: "main",
          service_name: "scenario",
          repository_url: "",
          repository_provider: "",
          autometrics_version: "1.0.0",
        });
      });
    });
  }

  it("gives the same series, label for label, through both trackers", () => {
    const key = (s: Sample) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
    const comparable = (samples: Sample[]) =>
      samples
        .filter((s) => /^(function_calls_total|function_calls_concurrent|build_info|function_calls_duration_seconds_count)$/.test(s.name))
        .map((s) => `${key(s)} ${s.value}`)
        .sort();
    const buckets = (samples: Sample[]) =>
      samples
        .filter((s) => s.name === "function_calls_duration_seconds_bucket")
        .map(key)
        .sort();
    expect(comparable(results.opentelemetry!)).to.deep.equal(comparable(results.prometheus!));
    expect(buckets(results.opentelemetry!)).to.deep.equal(buckets(results.prometheus!));
  });

  it("keeps the metrics off prom-client's registry with the OpenTelemetry tracker, whatever is called after init()", async function () {
    this.timeout(20_000);
    const out = await isolated(
      `
      const { register } = require("prom-client");
      am.init({ tracker: "opentelemetry", detectBuildInfo: false });
      am.instrument("f", "m.js").run(() => 1);
      am.metricsRegistry();
      console.log(JSON.stringify({ registry: await register.metrics() }));
    `,
      {},
      join(__dirname, ".."),
    );
    const { registry } = JSON.parse(out) as { registry: string };
    expect(registry).not.to.contain("function_calls");
  });
});
