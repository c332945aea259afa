/**
 * One @swc/core host against the plugin, in its own process (range.mjs runs
 * it with `-r tsx/cjs`): `@swc/core` is resolved from the host's folder, the
 * corpus is compiled with the same options as test/swc.ts and compared with
 * each case's output.swc.js, error.txt and expected.json. Prints one JSON
 * line: { loads, error?, cases, output, errors, series, failures }.
 *
 * usage: node -r tsx/cjs corpus-worker.ts <host folder> <plugin .wasm> <run folder>
 */
import Module from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [hostFolder, wasm, runDir] = process.argv.slice(2);
if (!hostFolder || !wasm || !runDir) throw new Error("usage: corpus-worker.ts <host folder> <plugin .wasm> <run folder>");

// Every `@swc/core` below, test/swc.ts's included, is the host's.
const hostCore = require.resolve("@swc/core", { paths: [hostFolder] });
const resolve = (Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string })._resolveFilename;
(Module as unknown as { _resolveFilename: typeof resolve })._resolveFilename = function (request, ...rest) {
  return request === "@swc/core" ? hostCore : resolve.call(this, request, ...rest);
};

/* eslint-disable @typescript-eslint/no-require-imports */
const swc: typeof import("@swc/core") = require("@swc/core");
const {
  compareMetrics,
  compileAndRun,
  loadCases,
}: typeof import("../../fixtures/harness/corpus") = require("../../fixtures/harness/corpus");
const { caseOptions, swcOptions }: typeof import("../test/swc") = require("../test/swc");
import type { Compile } from "../../fixtures/harness/corpus";

const cacheRoot = join(runDir, ".swc");

function options(file: string, plugins: [string, Record<string, unknown>][]) {
  const o = swcOptions(file, plugins);
  // The host's own compiled-plugin cache, not the mocha suite's.
  o.jsc!.experimental!.cacheRoot = cacheRoot;
  return o;
}

const compile: Compile = async (code, file, caseDir, withPlugin, caseOpts) => {
  const plugins: [string, Record<string, unknown>][] = withPlugin ? [[wasm, caseOptions(caseDir, caseOpts)]] : [];
  return `${(await swc.transform(code, options(join(caseDir, file), plugins))).code}\n`;
};

/** The code without its line comments and blank lines: hosts' printers place comments differently. */
const withoutComments = (code: string) =>
  code
    .split("\n")
    .filter((line) => !/^\s*(\/\/.*)?$/.test(line))
    .join("\n");

const message = (e: unknown) => String((e as Error)?.message ?? e);

async function main() {
  const result: Record<string, unknown> = { host: JSON.parse(readFileSync(join(hostCore, "..", "package.json"), "utf8")).version };

  // Loads: a module with one selected function comes out instrumented.
  const probeDir = join(runDir, "probe");
  try {
    const out = await compile('"use autometrics";\nexport function probe(a) { return a + 1; }\n', "probe.mjs", probeDir, true, {});
    result.loads = out.includes('_instrument("probe"');
    if (!result.loads) result.error = `no instrumentation in the output: ${out.slice(0, 200)}`;
  } catch (e) {
    result.loads = false;
    result.error = message(e);
  }
  if (!result.loads) return result;

  const failures: string[] = [];
  const counts = { cases: 0, output: [0, 0], errors: [0, 0], series: [0, 0] };
  for (const c of loadCases()) {
    counts.cases++;
    const source = readFileSync(join(c.dir, c.entry), "utf8");
    if (c.error !== undefined) {
      counts.errors[1]++;
      let got = "no error";
      try {
        await compile(source, c.entry, c.dir, true, c.options);
      } catch (e) {
        got = message(e);
      }
      if (got.includes(c.error)) counts.errors[0]++;
      else failures.push(`${c.name}: error ${JSON.stringify(got.slice(0, 300))}`);
      continue;
    }
    counts.output[1]++;
    try {
      const actual = await compile(source, c.entry, c.dir, true, c.options);
      const expected = readFileSync(join(c.dir, "output.swc.js"), "utf8");
      if (actual.trim() === expected.trim()) counts.output[0]++;
      else if (withoutComments(actual) === withoutComments(expected))
        failures.push(`${c.name}: output differs from output.swc.js only in where the host puts comments`);
      else failures.push(`${c.name}: output differs from output.swc.js`);
    } catch (e) {
      failures.push(`${c.name}: ${message(e).slice(0, 300)}`);
    }
    if (c.expected !== undefined) {
      counts.series[1]++;
      try {
        const out = join(runDir, "corpus", c.name);
        const original = await compileAndRun(c, compile, false, join(out, "original"));
        const instrumented = await compileAndRun(c, compile, true, join(out, "instrumented"));
        const problems = compareMetrics(c.expected, instrumented.metrics ?? []);
        if (instrumented.stdout !== original.stdout) problems.push("stdout differs from the original's");
        if (instrumented.code !== original.code) problems.push(`exit code ${instrumented.code}: ${instrumented.stderr.slice(0, 200)}`);
        if (problems.length === 0) counts.series[0]++;
        else failures.push(`${c.name}: ${problems.join("; ")}`);
      } catch (e) {
        failures.push(`${c.name}: ${message(e).slice(0, 300)}`);
      }
    }
  }
  return { ...result, ...counts, failures };
}

if (!existsSync(wasm)) throw new Error(`${wasm} is missing`);
main().then(
  (r) => process.stdout.write(`\n${JSON.stringify(r)}\n`),
  (e) => {
    process.stdout.write(`\n${JSON.stringify({ loads: false, error: `worker failed: ${message(e)}` })}\n`);
  },
);
