import { expect } from "chai";
import * as babel from "@babel/core";
import * as swc from "@swc/core";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REAL_PACKAGES, type Transform, instrumentedCopy, preparePristine, runTests, summary } from "../../fixtures/harness/real-packages";
import plugin from "../../babel-plugin/src";
import { GlobSet } from "../../babel-plugin/src/glob";
import { canonical } from "./canonical";
import { CACHE_ROOT, RUN_DIR, WASM } from "./swc";

const WORK = join(RUN_DIR, "real");

async function withSwc(code: string, file: string, root: string, plugin?: Record<string, unknown>): Promise<string> {
  const result = await swc.transform(code, {
    filename: join(root, file),
    swcrc: false,
    configFile: false,
    isModule: "unknown",
    jsc: {
      target: "es2022",
      parser: { syntax: "ecmascript" },
      experimental: { cacheRoot: CACHE_ROOT, plugins: plugin ? [[WASM, plugin]] : [] },
    },
  });
  return result.code;
}

const transform: Transform = (code, file, root, options) => withSwc(code, file, root, { ...options, root });

/** The Babel plugin as babel-plugin/test/real-packages.test.ts runs it (none: Babel alone). */
async function withBabel(code: string, file: string, root: string, options?: Record<string, unknown>): Promise<string> {
  const result = await babel.transformAsync(code, {
    filename: join(root, file),
    cwd: root,
    babelrc: false,
    configFile: false,
    sourceType: "unambiguous",
    plugins: options ? [[plugin, options]] : [],
  });
  return result!.code!;
}

describe("real packages' own test suites, every function instrumented (SWC)", function () {
  this.timeout(600_000);
  for (const pkg of REAL_PACKAGES) {
    it(`${pkg.name}@${pkg.version} (${pkg.style})`, async () => {
      const pristine = await preparePristine(pkg, WORK);
      const baseline = await runTests(pkg, pristine, false);
      expect(baseline.code, `the pristine package's tests fail:\n${baseline.output.slice(-2000)}`).to.equal(0);

      // Every file compiles to the same code as with the Babel plugin, where
      // the two hosts print the file the same without a plugin (SWC's
      // hygiene renames some bindings of bundled files on its own).
      const compared: string[] = [];
      const dir = await instrumentedCopy(
        pkg,
        pristine,
        join(WORK, `${pkg.name}@${pkg.version}`, "swc"),
        async (code, file, root, options) => {
          const fromSwc = await transform(code, file, root, options);
          const original = readFileSync(join(pristine, file), "utf8");
          if (canonical(await withSwc(original, file, pristine)) === canonical(await withBabel(original, file, pristine))) {
            const fromBabel = await withBabel(original, file, pristine, options);
            expect(canonical(fromSwc), file).to.equal(canonical(fromBabel));
            compared.push(file);
          } else if (process.env.DEBUG_PARITY) {
            console.log(`host differs: ${file}`);
          }
          return fromSwc;
        },
      );
      const include = new GlobSet(pkg.include, "/");
      const included = compared.filter((f) => include.matches(f));
      expect(included.length, `instrumented files compared with Babel's (${compared.join(", ")})`).to.be.greaterThan(0);
      const run = await runTests(pkg, dir, true);
      expect(run.code, run.output.slice(-3000)).to.equal(0);
      expect(summary(run.output)).to.deep.equal(summary(baseline.output));

      const functions = new Set(run.samples.map((s) => `${s.module}:${s.function}`));
      expect(functions.size, "registered functions").to.be.at.least(pkg.minFunctions);
      const called = run.samples.filter((s) => Number(s.value) > 0);
      expect(called.length, "series with calls").to.be.greaterThan(0);
      const withCaller = called.filter((s) => s.caller_function !== "");
      expect(withCaller.length, "series with a caller").to.be.greaterThan(0);
    });
  }
});
