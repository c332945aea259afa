import { expect } from "chai";
import { AutometricsConfigError, ObjectiveLatency, ObjectivePercentile, autometrics, instrument, queriesFor } from "../src";
import { find, one } from "../../fixtures/harness/exposition";
import { freshInit, scrape } from "./helpers/runtime";

describe("objectives", () => {
  beforeEach(() => freshInit());

  for (const [threshold, label] of [
    [ObjectiveLatency.Ms250, "0.25"],
    [ObjectiveLatency.Ms1000, "1"],
    [ObjectiveLatency.Ms10000, "10"],
    ["1.0", "1"],
    [0.005, "0.005"],
  ] as const) {
    it(`renders latency threshold ${JSON.stringify(threshold)} byte-identical to its bucket's le ("${label}")`, async () => {
      const name = "latency";
      instrument(name, "m.js", { objective: { name: "api", latency: [threshold, ObjectivePercentile.P99] } });
      const { samples } = await scrape();
      const count = one(samples, "function_calls_duration_seconds_count", { function: name });
      expect(count.labels.objective_latency_threshold).to.equal(label);
      expect(count.labels.objective_name).to.equal("api");
      expect(count.labels.objective_percentile).to.equal("99");
      // The rules join on label_join(..., "objective_latency_threshold") == label_join(..., "le").
      const matching = find(samples, "function_calls_duration_seconds_bucket", { function: name }).filter(
        (s) => s.labels.le === s.labels.objective_latency_threshold,
      );
      expect(matching).to.have.length(1);
    });
  }

  it("puts success-rate labels on the counter and latency labels on the histogram only", async () => {
    const name = "both";
    instrument(name, "m.js", {
      objective: { name: "checkout", successRate: ObjectivePercentile.P99_9, latency: [ObjectiveLatency.Ms100, ObjectivePercentile.P95] },
    }).run(() => 1);
    const { samples } = await scrape();
    const calls = one(samples, "function_calls_total", { function: name, result: "ok" });
    expect(calls.labels).to.include({ objective_name: "checkout", objective_percentile: "99.9" });
    expect(calls.labels).not.to.have.property("objective_latency_threshold");
    const count = one(samples, "function_calls_duration_seconds_count", { function: name });
    expect(count.labels).to.include({ objective_name: "checkout", objective_percentile: "95", objective_latency_threshold: "0.1" });
  });

  it("leaves the histogram's objective labels empty for a success-rate-only objective", async () => {
    const name = "successOnly";
    instrument(name, "m.js", { objective: { name: "api", successRate: "95" } });
    const { samples } = await scrape();
    expect(one(samples, "function_calls_duration_seconds_count", { function: name }).labels).to.include({
      objective_name: "",
      objective_percentile: "",
      objective_latency_threshold: "",
    });
    expect(one(samples, "function_calls_total", { function: name, result: "ok" }).labels).to.include({
      objective_name: "api",
      objective_percentile: "95",
    });
  });

  it("rejects a latency threshold that is not a bucket, naming the option and the buckets", () => {
    expect(() => instrument("bad", "m.js", { objective: { name: "api", latency: ["0.3", "99"] } })).to.throw(
      AutometricsConfigError,
      /`objective.latency`.*0\.3s of objective "api" is not a histogram bucket.*0\.25, 0\.5/,
    );
  });

  it("accepts custom thresholds that are configured buckets", async () => {
    const name = "custom";
    freshInit({ buckets: [0.001, 0.3, 2] });
    instrument(name, "m.js", { objective: { name: "fast", latency: [0.3, "99"] } }).run(() => 1);
    const { samples } = await scrape();
    expect(find(samples, "function_calls_duration_seconds_bucket", { function: name }).map((s) => s.labels.le)).to.deep.equal([
      "0.001",
      "0.3",
      "2",
      "+Inf",
    ]);
    expect(one(samples, "function_calls_duration_seconds_count", { function: name }).labels.objective_latency_threshold).to.equal("0.3");
  });

  it("rejects malformed objectives with errors that name the field", () => {
    const cases: [unknown, RegExp][] = [
      [{ successRate: "99" }, /`objective.name`/],
      [{ name: "x" }, /neither successRate nor latency/],
      [{ name: "x", successRate: "101" }, /`objective.successRate`.*not between 0 and 100/],
      [{ name: "x", successRate: "ninety" }, /`objective.successRate`/],
      [{ name: "x", latency: "0.25" }, /`objective.latency`.*\[threshold in seconds, percentile\]/],
      [{ name: "x", latency: [-1, "99"] }, /not a positive number of seconds/],
      [{ name: "x", latency: ["0x10", "99"] }, /threshold "0x10" is not a positive number of seconds/],
      [{ name: "\u3000\n", successRate: "99" }, /`objective.name`: an objective needs a non-empty name/],
      [{ name: "x", succesRate: "99" }, /`objective.succesRate`.*unknown objective field/],
    ];
    for (const [objective, message] of cases) {
      expect(() => instrument("malformed", "m.js", { objective: objective as never }), JSON.stringify(objective)).to.throw(
        AutometricsConfigError,
        message,
      );
    }
  });

  it("warns once about percentiles the autometrics rules do not cover", () => {
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    try {
      autometrics({ objective: { name: "odd", successRate: "97" } }, function odd() {});
      autometrics({ objective: { name: "odd2", successRate: "97" } }, function odd2() {});
    } finally {
      console.warn = warn;
    }
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain("percentile 97").and.contain("90, 95, 99, 99.9");
  });

  it("re-checks registered objectives when init() changes the buckets", () => {
    instrument("registered", "m.js", { objective: { name: "api", latency: ["0.25", "99"] } });
    expect(() => freshInit({ buckets: [0.1, 0.5] })).to.throw(
      AutometricsConfigError,
      /`objective of registered \(m\.js\)\.latency`: threshold 0\.25s of objective "api" is not a histogram bucket/,
    );
  });

  it("refuses to change buckets once calls were recorded", () => {
    instrument("early", "m.js").run(() => 1);
    expect(() => freshInit({ buckets: [0.1, 0.5] })).to.throw(AutometricsConfigError, "`buckets`: cannot change after calls were recorded");
  });

  it("builds queries for an objective on buckets this process does not use (the CLI reading a plugin's options)", () => {
    const queries = queriesFor("f", "m.js", { objective: { name: "x", latency: ["0.3", "99"] } });
    expect(queries.latencyBurn).to.contain('le="0.3"');
    expect(() => instrument("f", "m.js", { objective: { name: "x", latency: ["0.3", "99"] } })).to.throw(
      AutometricsConfigError,
      /not a histogram bucket/,
    );
  });
});
