import { expect } from "chai";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compareMetrics, compileAndRun, loadCases, outputName } from "../../fixtures/harness/corpus";
import { BABEL_MAJOR, compileWithBabel } from "./babel";

const RUN_DIR = join(
  __dirname,
  ".run",
  `babel${process.env.AUTOMETRICS_BABEL === "8" ? 8 : 7}${process.env.AUTOMETRICS_PRESET_ENV === "1" ? "-env" : ""}`,
);
const overwrite = process.env.OVERWRITE === "1";
// Under preset-env the outputs are compiled further: only behaviour and metrics are compared.
const downlevel = process.env.AUTOMETRICS_PRESET_ENV === "1";

describe(`shared fixture corpus (Babel ${BABEL_MAJOR}${downlevel ? ", then preset-env" : ""})`, () => {
  for (const c of loadCases()) {
    describe(c.name, () => {
      const entryCode = () => readFileSync(join(c.dir, c.entry), "utf8");

      if (c.error !== undefined) {
        it("fails with the documented error", async () => {
          let message = "no error";
          try {
            await compileWithBabel(entryCode(), c.entry, c.dir, true, c.options);
          } catch (e) {
            message = (e as Error).message;
          }
          expect(message).to.contain(c.error);
        });
        return;
      }

      if (!downlevel)
        it("produces the expected output", async () => {
          const actual = await compileWithBabel(entryCode(), c.entry, c.dir, true, c.options);
          const file = join(c.dir, outputName(c.entry));
          if (overwrite) writeFileSync(file, actual);
          expect(existsSync(file), `no ${file}: write it with OVERWRITE=1 and review it`).to.equal(true);
          expect(actual).to.equal(readFileSync(file, "utf8"));
        });

      if (!downlevel)
        it("adds nothing when run over its own output", async () => {
          const once = await compileWithBabel(entryCode(), c.entry, c.dir, true, c.options);
          const output = outputName(c.entry);
          const twice = await compileWithBabel(once, output, c.dir, true, c.options);
          expect(twice).to.equal(once);
        });

      if (c.expected !== undefined) {
        const expected = c.expected;
        it("behaves exactly as the original and records the expected series", async () => {
          const dir = join(RUN_DIR, c.name);
          const original = await compileAndRun(c, compileWithBabel, false, join(dir, "original"));
          const instrumented = await compileAndRun(c, compileWithBabel, true, join(dir, "instrumented"));
          expect(instrumented.stdout, "stdout").to.equal(original.stdout);
          expect(instrumented.code, `exit code; stderr: ${instrumented.stderr}`).to.equal(original.code);
          expect(compareMetrics(expected, instrumented.metrics ?? [])).to.deep.equal([]);
        });
      }
    });
  }
});
