import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareMetrics, loadCases, outputName } from "../../fixtures/harness/corpus";
import { compileWithSwc, runWithSwc } from "./swc";

describe("shared fixture corpus (@swc/core 1.16.22, the Wasm plugin)", () => {
  for (const c of loadCases()) {
    describe(c.name, () => {
      const entryCode = () => readFileSync(join(c.dir, c.entry), "utf8");

      if (c.error !== undefined) {
        it("fails with the documented error", async () => {
          let message = "no error";
          try {
            await compileWithSwc(entryCode(), c.entry, c.dir, true, c.options);
          } catch (e) {
            message = String((e as Error).message ?? e);
          }
          expect(message).to.contain(c.error);
          // The host names the file.
          expect(message).to.contain(join(c.dir, c.entry));
        });
        return;
      }

      it("produces output.swc.js (what the native fixture test checks)", async () => {
        const actual = await compileWithSwc(entryCode(), c.entry, c.dir, true, c.options);
        expect(actual.trim()).to.equal(readFileSync(join(c.dir, "output.swc.js"), "utf8").trim());
      });

      it("adds nothing when run over its own output", async () => {
        const once = await compileWithSwc(entryCode(), c.entry, c.dir, true, c.options);
        const twice = await compileWithSwc(once, outputName(c.entry), c.dir, true, c.options);
        expect(twice).to.equal(once);
      });

      if (c.expected !== undefined) {
        const expected = c.expected;
        it("behaves exactly as the original and records the expected series", async () => {
          const original = await runWithSwc(c, false);
          const instrumented = await runWithSwc(c, true);
          expect(instrumented.stdout, "stdout").to.equal(original.stdout);
          expect(instrumented.code, `exit code; stderr: ${instrumented.stderr}`).to.equal(original.code);
          expect(compareMetrics(expected, instrumented.metrics ?? [])).to.deep.equal([]);
        });
      }
    });
  }
});
