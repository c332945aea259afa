import { expect } from "chai";
import * as babel from "@babel/core";
import { join } from "node:path";
import {
  REAL_PACKAGES,
  type Transform,
  callerPairs,
  instrumentedCopy,
  preparePristine,
  runTests,
  summary,
} from "../../fixtures/harness/real-packages";
import plugin from "../src";

const WORK = join(__dirname, ".run", "real");

const transform: Transform = async (code, file, root, options) =>
  (await babel.transformAsync(code, {
    filename: join(root, file),
    cwd: root,
    babelrc: false,
    configFile: false,
    sourceType: "unambiguous",
    plugins: [[plugin, options]],
  }))!.code!;

describe("real packages' own test suites, every function instrumented (Babel)", function () {
  this.timeout(600_000);
  for (const pkg of REAL_PACKAGES) {
    it(`${pkg.name}@${pkg.version} (${pkg.style})`, async () => {
      const pristine = await preparePristine(pkg, WORK);
      const baseline = await runTests(pkg, pristine, false);
      expect(baseline.code, `the pristine package's tests fail:\n${baseline.output.slice(-2000)}`).to.equal(0);

      const dir = await instrumentedCopy(pkg, pristine, join(WORK, `${pkg.name}@${pkg.version}`, "babel"), transform);
      const run = await runTests(pkg, dir, true);
      expect(run.code, run.output.slice(-3000)).to.equal(0);
      expect(summary(run.output)).to.deep.equal(summary(baseline.output));

      const functions = new Set(run.samples.map((s) => `${s.module}:${s.function}`));
      expect(functions.size, "registered functions").to.be.at.least(pkg.minFunctions);
      const called = run.samples.filter((s) => Number(s.value) > 0);
      expect(called.length, "series with calls").to.be.greaterThan(0);
      const withCaller = called.filter((s) => s.caller_function !== "");
      expect(withCaller.length, "series with a caller").to.be.greaterThan(0);

      // Callers as they are when every call sets the asynchronous context
      // (docs/transform.md, "Callers across asynchronous boundaries"): the same pairs.
      // The same run has a subscriber on the tracing channel: one start and one end per recorded call.
      const exact = await runTests(pkg, dir, true, "exact", true);
      expect(exact.code, exact.output.slice(-3000)).to.equal(0);
      expect(callerPairs(run.samples)).to.deep.equal(callerPairs(exact.samples));
      const calls = exact.samples.reduce((sum, s) => sum + Number(s.value), 0);
      expect(exact.trace.start, "start events").to.equal(calls);
      expect(exact.trace.end, "end events").to.equal(calls);
      expect(exact.trace.asyncEnd, "asyncEnd events").to.equal(exact.trace.asyncStart);
    });
  }
});
