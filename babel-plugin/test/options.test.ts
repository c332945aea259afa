import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OptionError, definedObjective, objectiveFor, parseOptions } from "../src/options";

describe("plugin options", () => {
  it("has the documented defaults", () => {
    const o = parseOptions(undefined);
    expect(o.include.empty).to.equal(true);
    expect(o.exclude.patterns).to.deep.equal(["**/node_modules/**"]);
    expect(o.runtime).to.equal("autometrics-runtime");
    expect(o.moduleSystem).to.equal("auto");
    expect(o.trackConcurrency).to.equal(false);
    expect(o.root).to.equal(undefined);
  });

  it("takes a single glob as well as a list", () => {
    expect(parseOptions({ include: "src/**" }).include.matches("src/a.js")).to.equal(true);
  });

  it("names the option in every error, in the shared wording (fixtures/contract/options-errors.json)", () => {
    const { cases } = JSON.parse(readFileSync(join(__dirname, "..", "..", "fixtures", "contract", "options-errors.json"), "utf8"));
    for (const { options, error } of cases as { options: unknown; error: string }[]) {
      let message = "no error";
      try {
        parseOptions(options);
      } catch (e) {
        expect(e, JSON.stringify(options)).to.be.instanceOf(OptionError);
        message = (e as Error).message;
      }
      expect(message, JSON.stringify(options)).to.equal(error);
    }
  });

  it("accepts latency thresholds that are buckets, as numbers or strings, rendered like le", () => {
    const o = parseOptions({
      objectives: [
        { name: "x", latency: ["1.0", 99] },
        { name: "y", latency: [2, "95"] },
      ],
      buckets: [0.5, 1, 2],
    });
    expect(o.objectives.map((r) => r.objective.latency)).to.deep.equal([
      ["1", "99"],
      ["2", "95"],
    ]);
  });

  it("attaches the first objective whose files and functions match", () => {
    const o = parseOptions({
      objectives: [
        { name: "api", successRate: "99", files: "src/routes/**", functions: "handle*" },
        { name: "jobs", successRate: "95", files: ["src/jobs/**"] },
        { name: "defined", successRate: "99.9" },
        { name: "fallback", successRate: "90", functions: "**" },
      ],
    });
    expect(objectiveFor(o, "src/routes/a.js", "handleGet")?.name).to.equal("api");
    expect(objectiveFor(o, "src/routes/a.js", "helper")?.name).to.equal("fallback");
    expect(objectiveFor(o, "src/jobs/x.js", "handleGet")?.name).to.equal("jobs");
    expect(objectiveFor(o, null, "handleGet")?.name).to.equal("fallback");
    // An entry with neither files nor functions is for directives to name.
    expect(definedObjective(o, "defined")).to.deep.equal({ name: "defined", successRate: "99.9" });
  });
});
