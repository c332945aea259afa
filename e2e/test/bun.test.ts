/**
 * Bun: a Bun.serve app instrumented as Bun loads it (bunfig.toml's preload of
 * `autometrics-register`, which installs a Bun plugin), the same app
 * bundled by `Bun.build` with `autometrics-register/bun`, and `bun test` over
 * instrumented code. Bun comes from the npm registry (fixtures/harness/bun).
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunBinary } from "../../fixtures/harness/isolated-install.mjs";
import { one, parseExposition, recordedCalls } from "../../fixtures/harness/exposition";
import { freePort, listening } from "../../fixtures/harness/ports";
import { Processes } from "../harness/processes";

const APP = join(__dirname, "..", "apps", "bun-service");
const LOGS = join(__dirname, "..", ".logs", "bun");

/** Two users found, one not: the handler answers 404 for it, so the lookups fail and the handler does not. */
const REQUESTS = ["/users/1", "/users/2", "/users/9"];
const SERIES = [
  "handleRequest (src/server.ts) <- : ok 3",
  "getUser (src/users.ts) <- handleRequest (src/server.ts): ok 2",
  "getUser (src/users.ts) <- handleRequest (src/server.ts): error 1",
  "findUser (src/users.ts) <- getUser (src/users.ts): ok 2",
  "findUser (src/users.ts) <- getUser (src/users.ts): error 1",
  "shout (src/shout.cjs) <- getUser (src/users.ts): ok 2",
  "greet (src/greeting.js) <- handleRequest (src/server.ts): ok 2",
].sort();
const FUNCTIONS = [
  "findUser (src/users.ts)",
  "getUser (src/users.ts)",
  "greet (src/greeting.js)",
  "handleRequest (src/server.ts)",
  "shout (src/shout.cjs)",
];

/** The (function, module) pairs a bundle registers: the first call of each instrumented function's handle. */
function registrations(code: string): string[] {
  const pairs = [...code.matchAll(/\(\s*(["'`])([\w.#]+)\1,\s*(["'`])(src\/[\w.]+)\3/g)].map((m) => `${m[2]} (${m[4]})`);
  return [...new Set(pairs)].sort();
}

/** Runs Bun in the app's folder; resolves to its exit code and output. */
function run(bun: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bun, args, { cwd: APP, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("e2e: Bun", function () {
  this.timeout(120_000);
  const processes = new Processes(LOGS);
  let bun: string;
  let cacheDir: string;

  before(() => {
    bun = bunBinary();
    // The load hook's cache, fresh: every file is compiled by this run.
    cacheDir = mkdtempSync(join(tmpdir(), "am-bun-cache-"));
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));
  afterEach(() => processes.stopAll());

  /** Starts `script` under Bun, sends the requests, and returns its own /metrics. */
  async function serve(name: string, script: string, cwd: string, env: Record<string, string> = {}): Promise<string> {
    const port = await freePort();
    processes.start(name, bun, [script], { PORT: String(port), AUTOMETRICS_CACHE_DIR: cacheDir, ...env }, cwd);
    await processes.waitFor(name, () => listening(port));
    const answers = [];
    for (const path of REQUESTS) answers.push(await (await fetch(`http://127.0.0.1:${port}${path}`)).json());
    expect(answers).to.deep.equal([
      { id: 1, name: "ADA", greeting: "Hello, ADA!" },
      { id: 2, name: "GRACE", greeting: "Hello, GRACE!" },
      { error: "no user 9" },
    ]);
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
    return metrics.text();
  }

  /** What every run must have recorded: the calls, callers, the objective and the service. */
  function checkMetrics(text: string): void {
    expect(recordedCalls(text)).to.deep.equal(SERIES);
    const { samples } = parseExposition(text);
    expect(one(samples, "function_calls_total", { function: "getUser", caller_function: "handleRequest", result: "ok" }).labels).to.include(
      {
        objective_name: "api",
        objective_percentile: "99",
        service_name: "bun-service",
      },
    );
    // Registered at load: every function has its histogram, with the calls.
    expect(one(samples, "function_calls_duration_seconds_count", { function: "findUser" }).value).to.equal(3);
  }

  for (const compiler of ["babel", "swc"]) {
    it(`serves a Bun.serve app instrumented by ${compiler} as Bun loads it (bunfig.toml preload): TypeScript, ESM and a required CommonJS module, callers across await`, async () => {
      checkMetrics(await serve(`serve-${compiler}`, "src/server.ts", APP, { AUTOMETRICS_COMPILER: compiler }));
    });

    it(`bundles the app with Bun.build and autometrics-register/bun (${compiler}), and runs the bundle with no preload`, async () => {
      const out = `dist/${compiler}`;
      rmSync(join(APP, out), { recursive: true, force: true });
      const build = await run(bun, ["build.ts", out], { AUTOMETRICS_COMPILER: compiler, AUTOMETRICS_CACHE_DIR: cacheDir });
      expect(build.code, build.output).to.equal(0);
      expect(registrations(readFileSync(join(APP, out, "server.js"), "utf8"))).to.deep.equal(FUNCTIONS);
      // From the bundle's folder, where no bunfig.toml preloads the hook: what runs is what the build wrote.
      checkMetrics(await serve(`bundle-${compiler}`, "server.js", join(APP, out)));
    });
  }

  it("runs the app's own tests with bun test, instrumented through bunfig.toml's [test] preload", async () => {
    const tests = (output: string, status: "pass" | "fail") =>
      [...output.matchAll(new RegExp(`^\\(${status}\\) (.*?)(?: \\[[\\d.]+m?s\\])?$`, "gm"))].map((m) => m[1]).sort();
    const withHook = await run(bun, ["test"], { AUTOMETRICS_CACHE_DIR: cacheDir });
    expect(withHook.code, withHook.output).to.equal(0);
    expect(tests(withHook.output, "pass")).to.deep.equal([
      "users > counts a rejection as an error",
      "users > counts each call with its function, module, caller and objective",
      "users > finds a user, through the CommonJS module",
    ]);
    expect(tests(withHook.output, "fail")).to.deep.equal([]);
    // Without the preload (an empty bunfig.toml), exactly the metrics tests fail.
    const empty = mkdtempSync(join(tmpdir(), "am-bunfig-"));
    writeFileSync(join(empty, "bunfig.toml"), "");
    try {
      const without = await run(bun, [`--config=${join(empty, "bunfig.toml")}`, "test"], { AUTOMETRICS_CACHE_DIR: cacheDir });
      expect(without.code).to.equal(1);
      expect(tests(without.output, "fail")).to.deep.equal([
        "users > counts a rejection as an error",
        "users > counts each call with its function, module, caller and objective",
      ]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("runs the load hook's own app (apps/no-build) with bun --preload: the series Node records, stack lines, a file it cannot handle", async () => {
    const noBuild = join(__dirname, "..", "apps", "no-build");
    const [port, metricsPort] = [await freePort(), await freePort()];
    const env = { PORT: String(port), METRICS_PORT: String(metricsPort), AUTOMETRICS_CACHE_DIR: cacheDir };
    processes.start("no-build", bun, ["--preload", "autometrics-register", "server.js"], env, noBuild);
    const get = async (path: string, at = port) => (await fetch(`http://127.0.0.1:${at}${path}`)).text();
    await processes.waitFor("no-build", async () => (await get("/metrics", metricsPort)).includes("function_calls_total"));
    expect(JSON.parse(await get("/?quantity=2"))).to.deep.equal({ receipt: "2 × book: 24" });
    const failed = JSON.parse(await get("/?quantity=0"));
    expect(failed.error).to.equal("bad quantity: 0");
    const throwLine =
      readFileSync(join(noBuild, "lib", "orders.js"), "utf8")
        .split("\n")
        .findIndex((l) => l.includes("throw new RangeError")) + 1;
    expect(failed.stack).to.match(new RegExp(`at priceOf \\(.*lib/orders\\.js:${throwLine}:\\d+\\)`));
    // The same series as under Node (e2e/test/register.test.ts): the CommonJS module comes through createRequire.
    expect(recordedCalls(await get("/metrics", metricsPort))).to.deep.equal(
      [
        "placeOrder (lib/orders.js) <- handle (server.js): error 1",
        "placeOrder (lib/orders.js) <- handle (server.js): ok 1",
        "priceOf (lib/orders.js) <- placeOrder (lib/orders.js): error 1",
        "priceOf (lib/orders.js) <- placeOrder (lib/orders.js): ok 1",
        "formatReceipt (lib/receipts.cjs) <- handle (server.js): ok 1",
        "handle (server.js) <- : ok 2",
        "send (server.js) <- handle (server.js): ok 2",
      ].sort(),
    );
    await processes.stopAll();
    const warnings = readFileSync(join(LOGS, "no-build.log"), "utf8")
      .split("\n")
      .filter((l) => l.includes("broken-directive.js"));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain("runs uninstrumented").and.contain("unknown objective `undefined-objective`");
  });

  it("stops at start-up on bad options, in the plugin's words, before the app runs", async () => {
    const result = await run(bun, ["src/server.ts"], { AUTOMETRICS_OPTIONS: JSON.stringify({ include: "src/{" }), PORT: "0" });
    expect(result.code).to.equal(1);
    expect(result.output.trim()).to.equal('autometrics-register: autometrics: invalid option `include`: pattern "src/{" has an unclosed {');
  });
});
