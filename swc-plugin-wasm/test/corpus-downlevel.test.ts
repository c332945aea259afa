import { expect } from "chai";
import { join } from "node:path";
import { compareMetrics, compileAndRun, loadCases } from "../../fixtures/harness/corpus";
import { RUN_DIR, compileDownWithSwc } from "./swc";

describe("shared fixture corpus, compiled down for Node 6 by @swc/core after the plugin", () => {
  for (const c of loadCases()) {
    const expected = c.expected;
    if (expected === undefined) continue;
    it(`${c.name}: behaves exactly as the original and records the expected series`, async () => {
      const dir = join(RUN_DIR, "swc-node6", c.name);
      const original = await compileAndRun(c, compileDownWithSwc, false, join(dir, "original"));
      const instrumented = await compileAndRun(c, compileDownWithSwc, true, join(dir, "instrumented"));
      expect(instrumented.stdout, "stdout").to.equal(original.stdout);
      expect(instrumented.code, `exit code; stderr: ${instrumented.stderr}`).to.equal(original.code);
      expect(compareMetrics(expected, instrumented.metrics ?? [])).to.deep.equal([]);
    });
  }
});
