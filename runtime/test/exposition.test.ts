import { expect } from "chai";
import { instrument } from "../src";
import { find, one } from "../../fixtures/harness/exposition";
import { freshInit, scrape } from "./helpers/runtime";

describe("exposition", () => {
  beforeEach(() => freshInit({ serviceName: "checkout" }));

  it("shows a registered function with zero counts before its first call", async () => {
    const name = "registered";
    instrument(name, "src/orders.js");
    const { samples } = await scrape();
    const calls = find(samples, "function_calls_total", { function: name });
    expect(calls.map((s) => s.labels)).to.deep.equal([
      {
        function: name,
        module: "src/orders.js",
        service_name: "checkout",
        caller_function: "",
        caller_module: "",
        objective_name: "",
        objective_percentile: "",
        result: "ok",
      },
      {
        function: name,
        module: "src/orders.js",
        service_name: "checkout",
        caller_function: "",
        caller_module: "",
        objective_name: "",
        objective_percentile: "",
        result: "error",
      },
    ]);
    expect(calls.map((s) => s.value)).to.deep.equal([0, 0]);
    const buckets = find(samples, "function_calls_duration_seconds_bucket", { function: name });
    expect(buckets.map((s) => s.labels.le)).to.deep.equal([
      "0.005",
      "0.01",
      "0.025",
      "0.05",
      "0.075",
      "0.1",
      "0.25",
      "0.5",
      "0.75",
      "1",
      "2.5",
      "5",
      "7.5",
      "10",
      "+Inf",
    ]);
    expect(buckets.every((s) => s.value === 0)).to.equal(true);
    expect(one(samples, "function_calls_duration_seconds_count", { function: name }).value).to.equal(0);
    expect(one(samples, "function_calls_duration_seconds_sum", { function: name }).value).to.equal(0);
  });

  it("declares each family with the specification's names and types", async () => {
    instrument("typed", "src/a.js");
    const { families } = await scrape();
    expect(families.get("function_calls_total")?.type).to.equal("counter");
    expect(families.get("function_calls_duration_seconds")?.type).to.equal("histogram");
    expect(families.get("function_calls_concurrent")?.type).to.equal("gauge");
    expect(families.get("build_info")?.type).to.equal("gauge");
  });

  it("counts calls and observes durations with cumulative buckets", async () => {
    const name = "counted";
    const fn = instrument(name, "src/count.js");
    for (let i = 0; i < 5; i++) fn.run(() => i);
    expect(() =>
      fn.run(() => {
        throw new Error("no");
      }),
    ).to.throw("no");
    const { samples } = await scrape();
    expect(one(samples, "function_calls_total", { function: name, result: "ok" }).value).to.equal(5);
    expect(one(samples, "function_calls_total", { function: name, result: "error" }).value).to.equal(1);
    expect(one(samples, "function_calls_duration_seconds_count", { function: name }).value).to.equal(6);
    const buckets = find(samples, "function_calls_duration_seconds_bucket", { function: name });
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).to.be.at.least(buckets[i - 1]!.value);
    expect(buckets.at(-1)!.value).to.equal(6);
    const sum = one(samples, "function_calls_duration_seconds_sum", { function: name }).value;
    expect(sum).to.be.greaterThan(0).and.lessThan(1);
  });

  it("escapes label values that need it and keeps any Unicode", async () => {
    const name = 'quote"back\\slash\nline-é';
    instrument(name, "src/ünïcode.js").run(() => 1);
    const { samples } = await scrape();
    expect(one(samples, "function_calls_total", { function: name, result: "ok", module: "src/ünïcode.js" }).value).to.equal(1);
  });

  it("returns the same handle when a function is registered twice", () => {
    const name = "twice";
    expect(instrument(name, "src/x.js")).to.equal(instrument(name, "src/x.js"));
    expect(instrument(name, "src/x.js")).not.to.equal(instrument(name, "src/y.js"));
  });

  it("tracks concurrent calls for functions that ask", async () => {
    const name = "concurrent";
    const fn = instrument(name, "src/c.js", { trackConcurrency: true });
    const untracked = "untracked";
    instrument(untracked, "src/c.js").run(() => 1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const calls = [fn.runAsync(() => gate), fn.runAsync(() => gate), fn.runAsync(() => gate)];
    let { samples } = await scrape();
    expect(one(samples, "function_calls_concurrent", { function: name }).value).to.equal(3);
    release();
    await Promise.all(calls);
    ({ samples } = await scrape());
    expect(one(samples, "function_calls_concurrent", { function: name, module: "src/c.js" }).labels).to.deep.equal({
      function: name,
      module: "src/c.js",
      service_name: "checkout",
    });
    expect(one(samples, "function_calls_concurrent", { function: name }).value).to.equal(0);
    expect(find(samples, "function_calls_total", { function: untracked })).not.to.have.length(0);
    expect(find(samples, "function_calls_concurrent", { function: untracked })).to.have.length(0);
  });
});
