/**
 * The two plugins against each other on every case of the corpus: the same
 * code once both outputs are printed by one printer with the generated names
 * made canonical, the same error messages, and the same metric series when
 * run.
 *
 * The code is compared on what each plugin sees from its host. Babel's
 * plugin sees the file as written; SWC's sees it after @swc/core has
 * compiled TypeScript away (plugins run after that, see swc-plugin-wasm/README.md), and the
 * two hosts compile TypeScript and JSX slightly differently (a parameter
 * property is a field plus `super(), this.x = x` in SWC, a statement after
 * `super()` in Babel). So for `.ts`/`.tsx`/`.jsx` files, SWC's plugin is
 * given the JavaScript Babel's presets make of the file: the only
 * difference left is the plugins. The series are compared on the two real
 * pipelines, TypeScript and JSX included.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { compileWithBabel } from "../../babel-plugin/test/babel";
import { type RunResult, compileAndRun, loadCases } from "../../fixtures/harness/corpus";
import { canonical } from "./canonical";
import { RUN_DIR, compileJavaScriptWithSwc, compileWithSwc, runWithSwc } from "./swc";

const COMPILED_BY_HOST = /\.(ts|tsx|mts|cts|jsx)$/;

/** "autometrics: invalid option `x`: …" or "autometrics: invalid directive …" out of a host's error (Babel adds where it was processing). */
function optionError(message: string): string | undefined {
  const found = /autometrics: invalid (option `[^`]*`|directive ")[^\n]*|Invalid regular expression: [^\n]*/.exec(message)?.[0];
  return found?.replace(/ \(While processing: [^)]*\)$/, "");
}

/** The file and line a host's error points at: Babel's `file: …` and code frame, SWC's `,-[file:line:column]`. */
function pointsAt(message: string): string | undefined {
  const swc = /,-\[(.*):(\d+):\d+\]/.exec(message);
  if (swc !== null) return `${swc[1]}:${swc[2]}`;
  const babel = /^(\S+): /.exec(message);
  const line = /^> +(\d+) \|/m.exec(message);
  return babel !== null && line !== null ? `${babel[1]}:${line[1]}` : undefined;
}

/** The line of the directive an error quotes. */
function directiveLine(code: string, error: string): number {
  const quoted = /invalid directive ("[^"]*")/.exec(error)![1]!;
  return code.split("\n").findIndex((l) => l.includes(quoted)) + 1;
}

/** A host's error message as text: Babel colours its code frame wherever picocolors sees colour (a terminal, or CI set). */
async function errorOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    return stripVTControlCharacters(String((e as Error).message ?? e));
  }
  return "no error";
}

/** Samples in one order, so that two runs compare as lists. */
function series(run: RunResult): string[] {
  return (run.metrics ?? []).map((s) => JSON.stringify(Object.fromEntries(Object.entries(s).sort()))).sort();
}

const babelRuns = new Map<string, Promise<RunResult>>();

describe("parity with the Babel plugin (babel-plugin/test/babel.ts)", () => {
  for (const c of loadCases()) {
    describe(c.name, () => {
      if (c.error !== undefined) {
        it("fails with the same message", async () => {
          const code = readFileSync(join(c.dir, c.entry), "utf8");
          const fromBabel = await errorOf(() => compileWithBabel(code, c.entry, c.dir, true, c.options));
          const fromSwc = await errorOf(() => compileWithSwc(code, c.entry, c.dir, true, c.options));
          expect(optionError(fromBabel), fromBabel).to.equal(c.error);
          expect(optionError(fromSwc), fromSwc).to.equal(optionError(fromBabel));
          // A bad directive: both name the file and the directive's line.
          if (c.error.includes("invalid directive")) {
            expect(pointsAt(fromBabel), fromBabel).to.equal(`${join(c.dir, c.entry)}:${directiveLine(code, c.error)}`);
            expect(pointsAt(fromSwc), fromSwc).to.equal(pointsAt(fromBabel));
          }
        });
        return;
      }

      for (const source of c.sources) {
        it(`prints the same code as Babel (${source})`, async () => {
          const code = readFileSync(join(c.dir, source), "utf8");
          const fromBabel = await compileWithBabel(code, source, c.dir, true, c.options);
          const fromSwc = COMPILED_BY_HOST.test(source)
            ? await compileJavaScriptWithSwc(await compileWithBabel(code, source, c.dir, false, c.options), source, c.dir, true, c.options)
            : await compileWithSwc(code, source, c.dir, true, c.options);
          expect(canonical(fromSwc)).to.equal(canonical(fromBabel));
        });
      }

      it("records the same series as Babel, with the same output", async () => {
        let babelRun = babelRuns.get(c.name);
        if (babelRun === undefined) {
          babelRun = compileAndRun(c, compileWithBabel, true, join(RUN_DIR, "babel", c.name));
          babelRuns.set(c.name, babelRun);
        }
        const [fromBabel, fromSwc] = await Promise.all([babelRun, runWithSwc(c, true)]);
        expect(fromSwc.stdout, "stdout").to.equal(fromBabel.stdout);
        expect(fromSwc.code, `exit code; stderr: ${fromSwc.stderr}`).to.equal(fromBabel.code);
        expect(series(fromSwc)).to.deep.equal(series(fromBabel));
      });
    });
  }
});
