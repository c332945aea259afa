/**
 * `autometrics-register`: apps run with no build step, instrumented
 * as Node loads them, by each compiler, on the Node lines users run.
 */
import * as babel from "@babel/core";
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { nodeVersions } from "../../fixtures/harness/isolated-install.mjs";
import { REAL_PACKAGES, callerPairs, instrumentedCopy, preparePristine, runTests, summary } from "../../fixtures/harness/real-packages";
import { freePort } from "../../fixtures/harness/ports";
import { isolatedDir } from "../harness/isolated-dir";
import { installPacked } from "../harness/pack";
import { Processes } from "../harness/processes";

const APPS = join(__dirname, "..", "apps");
const NO_BUILD = join(APPS, "no-build");
const LOGS = join(__dirname, "..", ".logs", "register");
// Node 20 takes the fallback path (module.register and the CommonJS loader); 22.15 and later, module.registerHooks.
const NODES = [{ major: 20, node: process.execPath }, ...nodeVersions()];

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** `function_calls_total` samples with a count, from Prometheus's text format. */
function counts(text: string): Sample[] {
  return [...text.matchAll(/^function_calls_total\{(.*)\} (\d+)$/gm)]
    .map((m) => ({ labels: Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!])), value: Number(m[2]) }))
    .filter((s) => s.value > 0);
}

/** "function <- caller result": what the samples say was called, by whom, how it ended. */
function calls(samples: Sample[]): string[] {
  return samples.map((s) => `${s.labels.module}:${s.labels.function} <- ${s.labels.caller_function} ${s.labels.result} ${s.value}`).sort();
}

/** The cache's entries, each with its inode: an entry written again gets a new one. */
function cacheEntries(dir: string): Map<string, number> {
  const entries = new Map<string, number>();
  for (const sub of readdirSync(dir))
    for (const f of readdirSync(join(dir, sub))) entries.set(`${sub}/${f}`, statSync(join(dir, sub, f)).ino);
  return entries;
}

/** The file of each plugin that the app's hook loads (for the default SWC build, its .wasm). */
function pluginFile(compiler: string): string {
  return createRequire(join(NO_BUILD, "package.json")).resolve(
    compiler === "babel" ? "babel-plugin-autometrics" : "swc-plugin-autometrics",
  );
}

/** The line of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  return (
    readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => l.includes(text)) + 1
  );
}

describe("autometrics-register: no build step", function () {
  this.timeout(120_000);
  const processes = new Processes(LOGS);
  afterEach(() => processes.stopAll());

  /** Starts the no-build app under the hook, sends it requests, and returns its answers, metrics and output. */
  async function runNoBuild(node: string, compiler: string, cacheDir: string, name: string) {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const env = { PORT: String(port), METRICS_PORT: String(metricsPort), AUTOMETRICS_COMPILER: compiler, AUTOMETRICS_CACHE_DIR: cacheDir };
    processes.start(name, node, ["--import", "autometrics-register", "server.js"], env, NO_BUILD);
    const get = async (path: string, at = port) => (await fetch(`http://127.0.0.1:${at}${path}`)).text();
    await processes.waitFor(name, async () => (await get("/metrics", metricsPort)).includes("function_calls_total"));
    const answers = [await get("/?quantity=2"), await get("/?quantity=0")].map((a) => JSON.parse(a));
    const metrics = await get("/metrics", metricsPort);
    await processes.stopAll();
    return { answers, samples: counts(metrics), output: readFileSync(join(LOGS, `${name}.log`), "utf8") };
  }

  for (const { major, node } of NODES) {
    for (const compiler of ["babel", "swc"]) {
      it(`runs an ECMAScript module app instrumented by ${compiler} on Node ${major}: series, callers, objectives, stack lines, a file it cannot handle, the cache`, async () => {
        const cacheDir = mkdtempSync(join(tmpdir(), "am-register-cache-"));
        const cold = await runNoBuild(node, compiler, cacheDir, `no-build-${compiler}-${major}`);
        const [ok, failed] = cold.answers;
        // Behaviour as without the hook.
        expect(ok).to.deep.equal({ receipt: "2 × book: 24" });
        expect(failed.error).to.equal("bad quantity: 0");
        // Stack traces point at the original lines.
        const throwLine = lineOf(join(NO_BUILD, "lib", "orders.js"), "throw new RangeError");
        expect(failed.stack).to.match(new RegExp(`at priceOf \\(.*lib/orders\\.js:${throwLine}:\\d+\\)`));
        // Every module the options select, ECMAScript and CommonJS, with callers across an await.
        expect(calls(cold.samples)).to.deep.equal([
          "lib/orders.js:placeOrder <- handle error 1",
          "lib/orders.js:placeOrder <- handle ok 1",
          "lib/orders.js:priceOf <- placeOrder error 1",
          "lib/orders.js:priceOf <- placeOrder ok 1",
          "lib/receipts.cjs:formatReceipt <- handle ok 1",
          "server.js:handle <-  ok 2",
          "server.js:send <- handle ok 2",
        ]);
        const placeOrder = cold.samples.find((s) => s.labels.function === "placeOrder")!;
        expect(placeOrder.labels).to.include({ objective_name: "orders", objective_percentile: "99", service_name: "no-build" });
        // The file the plugin rejects runs as it is, with one warning naming it and the problem.
        const warnings = cold.output.split("\n").filter((l) => l.includes("broken-directive.js"));
        expect(warnings).to.have.length(1);
        expect(warnings[0]).to.contain("runs uninstrumented").and.contain("unknown objective `undefined-objective`");

        // Started again: every file from the cache (none compiled, so none written again), the same series and warning.
        const entries = cacheEntries(cacheDir);
        expect(entries.size).to.equal(5); // the options check and the four files
        const warm = await runNoBuild(node, compiler, cacheDir, `no-build-${compiler}-${major}-warm`);
        expect(calls(warm.samples)).to.deep.equal(calls(cold.samples));
        expect(cacheEntries(cacheDir)).to.deep.equal(entries);
        expect(warm.output.split("\n").filter((l) => l.includes("broken-directive.js"))).to.deep.equal(warnings);

        // The plugin rebuilt under the same version: every file compiled again, under new keys.
        const plugin = pluginFile(compiler);
        const { atime, mtime } = statSync(plugin);
        utimesSync(plugin, atime, new Date(mtime.getTime() + 1000));
        try {
          const rebuilt = await runNoBuild(node, compiler, cacheDir, `no-build-${compiler}-${major}-rebuilt`);
          expect(calls(rebuilt.samples)).to.deep.equal(calls(cold.samples));
        } finally {
          utimesSync(plugin, atime, mtime);
        }
        const after = cacheEntries(cacheDir);
        expect(after.size).to.equal(10);
        for (const [entry, inode] of entries) expect(after.get(entry)).to.equal(inode);
        rmSync(cacheDir, { recursive: true, force: true });
      });
    }
  }

  it("runs a CommonJS service with --require, with the options of its babel.config.js, as its Babel build records", async () => {
    const app = join(APPS, "node-service");
    const [port, metricsPort] = [await freePort(), await freePort()];
    const cacheDir = mkdtempSync(join(tmpdir(), "am-register-cache-"));
    processes.start(
      "node-service",
      process.execPath,
      ["src/server.js"],
      {
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        NODE_OPTIONS: "--require autometrics-register",
        AUTOMETRICS_CACHE_DIR: cacheDir,
      },
      app,
    );
    const get = async (path: string, at = port) => (await fetch(`http://127.0.0.1:${at}${path}`)).text();
    await processes.waitFor("node-service", async () => (await get("/metrics", metricsPort)).includes("function_calls_total"));
    expect(JSON.parse(await get("/users/7"))).to.include({ id: 7 });
    const samples = counts(await get("/metrics", metricsPort));
    expect(calls(samples)).to.include.members([
      "src/server.js:handleRequest <-  ok 1",
      "src/service.js:getUser <- handleRequest ok 1",
      "src/repository.js:findUser <- getUser ok 1",
    ]);
    expect(samples.find((s) => s.labels.function === "getUser")!.labels).to.include({ objective_name: "api", objective_percentile: "95" });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it("serves the app's metrics from the app's thread on Node 20, whose module-hooks thread runs the --require preloads too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "am-register-preload-"));
    const metricsPort = await freePort();
    const runtime = JSON.stringify(require.resolve("autometrics-runtime"));
    writeFileSync(
      join(dir, "metrics.js"),
      `require(${runtime}).init({ exporter: { type: "prometheus", hostname: "127.0.0.1", port: ${metricsPort} } });\n` +
        `console.log("init in", require("node:worker_threads").isMainThread ? "the app's thread" : "another thread");\n`,
    );
    writeFileSync(
      join(dir, "app.js"),
      `const h = require(${runtime}).instrument("tick", "app.js");\nsetInterval(() => h.run(() => 1), 20);\n`,
    );
    const name = "preload-twice";
    const register = require.resolve("autometrics-register");
    processes.start(name, process.execPath, ["--require", register, "--require", "./metrics.js", "app.js"], {}, dir);
    const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    await processes.waitFor(name, async () => /function_calls_total\{[^}]*function="tick"[^}]*\} [1-9]/.test(await scrape()));
    await processes.stop(name);
    const output = readFileSync(join(LOGS, `${name}.log`), "utf8");
    // The condition is real on this Node: the preload ran in a second thread, which exported nothing.
    expect(output).to.contain("init in the app's thread").and.contain("init in another thread");
    expect(output).not.to.contain("could not start");
    rmSync(dir, { recursive: true, force: true });
  });

  describe("real packages' own test suites, run through the hook", function () {
    this.timeout(600_000);
    const WORK = join(__dirname, "..", ".run", "real");
    const babelTransform = async (code: string, file: string, root: string, options: Record<string, unknown>) =>
      (await babel.transformAsync(code, {
        filename: join(root, file),
        cwd: root,
        babelrc: false,
        configFile: false,
        sourceType: "unambiguous",
        plugins: [["autometrics", options]],
      }))!.code!;

    // With @swc/core 1.15, the project's own, the hook must pick the plugin's AST 27 build.
    for (const [name, compiler, swcCore] of [
      ["qs", "babel", undefined],
      ["find-my-way", "swc", undefined],
      ["minimist", "swc", "1.15.47"],
    ] as const) {
      const pkg = REAL_PACKAGES.find((p) => p.name === name)!;
      const under = swcCore ? ` under @swc/core ${swcCore}` : "";
      it(`${pkg.name}@${pkg.version} with ${compiler}${under} (${pkg.style}): the suite passes and records what its build-time instrumentation records`, async () => {
        const pristine = await preparePristine(pkg, WORK);
        const linked = join(pristine, "node_modules", "@swc", "core");
        rmSync(linked, { recursive: true, force: true });
        if (swcCore) {
          const { ensureHost } = (await import("../../swc-plugin-wasm/matrix/hosts.mjs")) as {
            ensureHost: (h: string, v: string) => string;
          };
          mkdirSync(dirname(linked), { recursive: true });
          symlinkSync(join(ensureHost("@swc/core", swcCore), "node_modules", "@swc", "core"), linked, "dir");
        }
        const baseline = await runTests(pkg, pristine, false);
        expect(baseline.code, baseline.output.slice(-2000)).to.equal(0);
        // The reference: the same options, applied by a Babel build.
        const built = await runTests(
          pkg,
          await instrumentedCopy(pkg, pristine, join(WORK, `${pkg.name}@${pkg.version}`, "built"), babelTransform),
          true,
        );

        const cacheDir = mkdtempSync(join(tmpdir(), "am-register-cache-"));
        const options = { include: pkg.include, exclude: [...pkg.exclude, "**/node_modules/**"] };
        const env = { AUTOMETRICS_OPTIONS: JSON.stringify(options), AUTOMETRICS_COMPILER: compiler, AUTOMETRICS_CACHE_DIR: cacheDir };
        const run = await runTests(pkg, pristine, true, undefined, false, { nodeOptions: "--require autometrics-register", env });
        expect(run.code, run.output.slice(-3000)).to.equal(0);
        expect(summary(run.output)).to.deep.equal(summary(baseline.output));
        const functions = new Set(run.samples.map((s) => `${s.module}:${s.function}`));
        expect(functions.size, "registered functions").to.be.at.least(pkg.minFunctions);
        expect(functions).to.deep.equal(new Set(built.samples.map((s) => `${s.module}:${s.function}`)));
        expect(callerPairs(run.samples)).to.deep.equal(callerPairs(built.samples));
        rmSync(cacheDir, { recursive: true, force: true });
        rmSync(linked, { force: true });
      });
    }
  });

  describe("fails at start-up, before the app runs, saying what is wrong", () => {
    const start = (env: Record<string, string>, cwd = NO_BUILD) =>
      spawnSync(process.execPath, ["--import", "autometrics-register", "-e", "console.log('the app ran')"], {
        cwd,
        env: { ...process.env, ...env },
        encoding: "utf8",
      });

    for (const compiler of ["babel", "swc"]) {
      it(`bad options, in the plugin's words (${compiler})`, () => {
        const result = start({ AUTOMETRICS_COMPILER: compiler, AUTOMETRICS_OPTIONS: JSON.stringify({ include: "lib/{" }) });
        expect(result.status).to.equal(1);
        expect(result.stdout).not.to.contain("the app ran");
        expect(result.stderr.trim()).to.equal(
          'autometrics-register: autometrics: invalid option `include`: pattern "lib/{" has an unclosed {',
        );
      });
    }

    it("an environment variable it cannot read, by name", () => {
      expect(start({ AUTOMETRICS_OPTIONS: "{include:" }).stderr).to.match(
        /^autometrics-register: AUTOMETRICS_OPTIONS is not JSON \(.*\): \{include:\n$/,
      );
      expect(start({ AUTOMETRICS_OPTIONS: '["lib/**"]' }).stderr).to.equal(
        'autometrics-register: AUTOMETRICS_OPTIONS must be a JSON object of plugin options, got ["lib/**"]\n',
      );
      expect(start({ AUTOMETRICS_OPTIONS: '{"__proto__": {"include": ["**"]}}' }).stderr).to.equal(
        'autometrics-register: AUTOMETRICS_OPTIONS: "__proto__" is not a plugin option\n',
      );
      expect(start({ AUTOMETRICS_COMPILER: "esbuild" }).stderr).to.equal(
        'autometrics-register: AUTOMETRICS_COMPILER must be "babel" or "swc", got "esbuild"\n',
      );
    });

    it("no compiler to instrument with, and what to install", () => {
      // A project that resolves neither compiler: the load hook and the runtime alone, unpacked as npm would, where no node_modules is above them.
      const dir = isolatedDir("am-register-bare-");
      for (const workspace of ["register", "runtime"]) installPacked(dir, workspace);
      writeFileSync(join(dir, "main.js"), "console.log('the app ran')\n");
      const result = spawnSync(process.execPath, ["--require", "autometrics-register", "main.js"], {
        cwd: dir,
        encoding: "utf8",
      });
      expect(result.status).to.equal(1);
      expect(result.stderr).to.contain(
        "needs babel-plugin-autometrics (with @babel/core) or swc-plugin-autometrics (with @swc/core): npm install --save-dev @babel/core babel-plugin-autometrics",
      );
      rmSync(dir, { recursive: true, force: true });
    });
  });
});
