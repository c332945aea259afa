import { expect } from "chai";
import * as babel from "@babel/core";
import * as esbuild from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import plugin from "../../babel-plugin/src";

const DIR = join(__dirname, ".run", "platforms");
const RUNTIME = join(__dirname, "..");

/** A module with every shape the plugins write, and what it prints. */
const SOURCE = `"use autometrics";
function add(a, b) { return a + b; }
const scoped = (x) => Promise.resolve(x).then((v) => v * 2);
async function load(x) { const v = await scoped(x); try { await Promise.reject(new Error("no")); } catch { return add(v, 1); } }
async function* gen() { yield 1; }
async function later(it) { for await (const v of it) return v; }
class Api { get(x) { return add(x, x); } }
later(gen()).then(async (g) => console.log(add(1, 2), await load(3), new Api().get(4), g));
`;

/** The source instrumented by the Babel plugin, bundled by esbuild for `conditions` (as a browser or edge build). */
async function bundle(conditions: string[], platform: "browser" | "neutral"): Promise<{ code: string; inputs: string[] }> {
  mkdirSync(DIR, { recursive: true });
  const entry = join(DIR, "entry.mjs");
  const instrumented = babel.transformSync(SOURCE, {
    filename: entry,
    cwd: DIR,
    babelrc: false,
    configFile: false,
    sourceType: "module",
    plugins: [[plugin, {}]],
  })!.code!;
  expect(instrumented).to.contain('from "autometrics-runtime"');
  writeFileSync(entry, instrumented);
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform,
    conditions,
    mainFields: platform === "browser" ? ["browser", "module", "main"] : ["module", "main"],
    nodePaths: [join(RUNTIME, "..", "node_modules")],
    metafile: true,
    logLevel: "silent",
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile!.inputs) };
}

/** Runs a bundle with nothing of Node's (no process, require, modules or AsyncLocalStorage): what a page or a Worker has. */
async function runBare(code: string): Promise<string[]> {
  const printed: string[] = [];
  const done = new Promise<void>((resolve) => {
    const console = { log: (...args: unknown[]) => (printed.push(args.join(" ")), resolve()), warn: () => {} };
    runInNewContext(code.replace(/^export\s*\{\s*\};?\s*$/m, ""), { console, Promise, setTimeout, performance, TextEncoder });
  });
  await done;
  return printed;
}

describe("the runtime for browsers, edge and workers", () => {
  for (const [what, conditions, platform, entry] of [
    ["a browser bundle", [], "browser", "browser"],
    ["an edge bundle (edge-light)", ["edge-light"], "neutral", "edge"],
    ["a Cloudflare worker bundle (workerd, worker)", ["workerd", "worker"], "neutral", "edge"],
  ] as const) {
    it(`is what ${what} gets: no Node built-ins, no prom-client, the code runs as it does uninstrumented`, async () => {
      const { code, inputs } = await bundle([...conditions], platform);
      const runtime = inputs.filter((i) => !i.startsWith("test/")).sort();
      expect(runtime).to.deep.equal([`dist/${entry}.js`, `esm/${entry}.mjs`]);
      expect(code).to.not.match(/from ["'](prom-client|node:)|["']node:\w+["']|\brequire\(["']/);
      expect(code).to.contain("enterScoped");
      const plain = SOURCE.replace('"use autometrics";', "");
      expect(await runBare(code)).to.deep.equal(await runBare(plain));
    });
  }

  it("has the Node runtime's exports, in CommonJS and ESM", async () => {
    const node = Object.keys(require("../dist/index.js")).sort();
    for (const entry of ["edge", "browser"]) {
      expect(Object.keys(require(`../dist/${entry}.js`)).sort(), entry).to.deep.equal(node);
      expect(Object.keys(await import(join(RUNTIME, "esm", `${entry}.mjs`))).sort(), entry).to.deep.equal(node);
    }
    expect(Object.keys(await import(join(RUNTIME, "esm", "index.mjs"))).sort()).to.deep.equal(node);
    // The ESM entries name every export of the CommonJS build, each the very same value.
    for (const [entry, cjs] of [
      ["index.mjs", "../dist/index.js"],
      ["edge.mjs", "../dist/edge.js"],
      ["browser.mjs", "../dist/browser.js"],
    ]) {
      const module = await import(join(RUNTIME, "esm", entry));
      for (const name of node) expect(module[name], `${entry} ${name}`).to.equal(require(cjs)[name]);
    }
  });

  it("records there as on Node, and says what it cannot do rather than failing obscurely", async () => {
    for (const entry of ["edge", "browser"]) {
      const runtime = require(`../dist/${entry}.js`);
      const h = runtime.instrument("f", "m.js");
      const value = { v: 1 };
      expect(h.run(() => value)).to.equal(value);
      expect(await h.runAsync(async () => value)).to.equal(value);
      expect(h.series[0].ok).to.equal(2);
      expect(h.count).to.equal(2);
      expect(() => runtime.metricsHandler()).to.throw(/from a Node process; here, push them/);
      expect(() => runtime.init({ exporter: { type: "prometheus" } })).to.throw(/`exporter.type`: "prometheus" needs a Node process/);
      expect(() => runtime.init({ registry: {} })).to.throw(
        /`registry`: unknown option \(known: exporter, serviceName, buildInfo, env, buckets, trackConcurrency, trackCallers\), here \((edge|browser)\)/,
      );
      expect(() => runtime.init({ exporter: { type: "otlp", url: "ftp://x" } })).to.throw(/`exporter.url`: expected an http\(s\) URL/);
      // The same checks as Node's init(), field by field.
      expect(() => runtime.init({ exporter: { type: "otlp", url: "http://x/v1/metrics", intervalMs: "10s" } })).to.throw(
        /`exporter.intervalMs`: expected a positive number/,
      );
      expect(() => runtime.init({ exporter: { type: "otlp", headers: { key: 1 } } })).to.throw(/`exporter.headers.key`: expected a string/);
      expect(() => runtime.init({ exporter: { type: "otlp", batch: 1 } })).to.throw(/`exporter.batch`: unknown field for "otlp"/);
      expect(() => runtime.init({ buildInfo: { sha: "x" } })).to.throw(/`buildInfo.sha`: unknown field/);
      expect(() => runtime.init({ serviceName: 7 })).to.throw(/`serviceName`: expected a string/);
      await runtime.flush(); // nothing configured: resolves
    }
  });

  it("is not what Node gets", () => {
    const pkg = JSON.parse(readFileSync(join(RUNTIME, "package.json"), "utf8"));
    expect(require.resolve("autometrics-runtime")).to.equal(join(RUNTIME, pkg.main));
  });
});
