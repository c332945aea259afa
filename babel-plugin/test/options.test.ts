import { expect } from "chai";
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

  it("names the option in every error, in the shared wording", () => {
    const cases: [unknown, string][] = [
      [{ include: 3 }, "autometrics: invalid option `include`: expected a glob or an array of globs, got number"],
      [{ include: ["ok", 3] }, "autometrics: invalid option `include[1]`: expected a string, got number"],
      [{ functions: {} }, "autometrics: invalid option `functions`: expected a name pattern or an array of them, got object"],
      [{ root: "" }, "autometrics: invalid option `root`: expected a non-empty string, got string"],
      [{ runtime: 1 }, "autometrics: invalid option `runtime`: expected a non-empty string, got number"],
      [{ buckets: [1, 0.5] }, "autometrics: invalid option `buckets`: buckets must be strictly increasing"],
      [{ objectives: {} }, "autometrics: invalid option `objectives`: expected an array, got object"],
      [{ objectives: [{ successRate: "99" }] }, "autometrics: invalid option `objectives[0].name`: an objective needs a non-empty name"],
      [{ objectives: [{ name: "x" }] }, 'autometrics: invalid option `objectives[0]`: objective "x" has neither successRate nor latency'],
      [{ objectives: [{ name: "x", successRate: "100" }] }, "autometrics: invalid option `objectives[0].successRate`: percentile 100 is not between 0 and 100"],
      [{ objectives: [{ name: "x", latency: [0.1] }] }, "autometrics: invalid option `objectives[0].latency`: expected [threshold in seconds, percentile]"],
      [{ objectives: [{ name: "x", successRate: "99", file: "a" }] }, "autometrics: invalid option `objectives[0].file`: unknown field (known: name, successRate, latency, files, functions)"],
      [{ objectives: [{ name: "x", successRate: "99", files: "{" }] }, 'autometrics: invalid option `objectives[0].files`: pattern "{" has an unclosed {'],
    ];
    for (const [options, message] of cases) {
      expect(() => parseOptions(options), JSON.stringify(options)).to.throw(OptionError, message);
    }
  });

  it("accepts latency thresholds that are buckets, as numbers or strings, rendered like le", () => {
    const o = parseOptions({ objectives: [{ name: "x", latency: ["1.0", 99] }, { name: "y", latency: [2, "95"] }], buckets: [0.5, 1, 2] });
    expect(o.objectives.map((r) => r.objective.latency)).to.deep.equal([["1", "99"], ["2", "95"]]);
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
