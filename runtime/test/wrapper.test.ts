import { expect } from "chai";
import { autometrics } from "../src";
import { one } from "../../fixtures/harness/exposition";
import { freshInit, scrape } from "./helpers/runtime";

describe("autometrics() wrapper", () => {
  beforeEach(() => freshInit());

  it("keeps name, length, this and arguments, and labels the function by its name and file", async () => {
    const wrapped = autometrics(function addTo(this: { base: number }, a: number, b: number) {
      return this.base + a + b;
    });
    expect(wrapped.name).to.equal("addTo");
    expect(wrapped.length).to.equal(2);
    expect(wrapped.call({ base: 10 }, 1, 2)).to.equal(13);
    const { samples } = await scrape();
    expect(one(samples, "function_calls_total", { function: "addTo", result: "ok" }).labels.module).to.equal("test/wrapper.test.ts");
  });

  it("takes functionName, moduleName and objective as @autometrics/autometrics does", async () => {
    const name = "renamed";
    const wrapped = autometrics(
      { functionName: name, moduleName: "src/legacy.js", objective: { name: "api", successRate: "99" } },
      async () => "ok",
    );
    expect(await wrapped()).to.equal("ok");
    const { samples } = await scrape();
    expect(one(samples, "function_calls_total", { function: name, result: "ok" }).labels).to.include({
      module: "src/legacy.js",
      objective_name: "api",
      objective_percentile: "99",
    });
  });

  it("keeps async functions async and constructors constructible", async () => {
    const name = "Point";
    const asyncFn = autometrics({ functionName: "asyncFn" }, async function asyncFn() {
      return 1;
    });
    expect(asyncFn()).to.be.instanceOf(Promise);
    function Point(this: { x: number }, x: number) {
      this.x = x;
    }
    const Wrapped = autometrics({ functionName: name }, Point) as unknown as new (x: number) => { x: number };
    const p = new Wrapped(3);
    expect(p.x).to.equal(3);
    expect(p).to.be.instanceOf(Point);
  });

  it("passes thrown values through and counts them", async () => {
    const name = "fails";
    const error = new Error("boom");
    const fails = autometrics({ functionName: name }, () => {
      throw error;
    });
    expect(fails).to.throw(error);
    const { samples } = await scrape();
    expect(one(samples, "function_calls_total", { function: name, result: "error" }).value).to.equal(1);
  });

  it("rejects something that is not a function", () => {
    expect(() => autometrics({}, 3 as never)).to.throw(TypeError, /expected a function to instrument, got number/);
  });
});
