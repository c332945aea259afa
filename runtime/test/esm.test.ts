import { expect } from "chai";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

describe("ESM entry", () => {
  it("exports the same runtime to import and require, sharing one state", async () => {
    const script = `
      import { instrument, metricsRegistry, init } from "autometrics-runtime";
      import { createRequire } from "node:module";
      const cjs = createRequire(import.meta.url)("autometrics-runtime");
      init({ detectBuildInfo: false });
      const fromEsm = instrument("shared", "m.mjs");
      const fromCjs = cjs.instrument("shared", "m.mjs");
      fromEsm.run(() => fromCjs.run(() => 1));
      console.log(JSON.stringify({ same: fromEsm === fromCjs, registry: metricsRegistry() === cjs.metricsRegistry(), text: await metricsRegistry().metrics() }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    const { same, registry, text } = JSON.parse(stdout);
    expect(same).to.equal(true);
    expect(registry).to.equal(true);
    expect(text).to.match(/function_calls_total\{function="shared",module="m.mjs",[^}]*caller_function="shared"[^}]*result="ok"\} 1/);
  });
});
