import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { find, one, parseExposition } from "../../runtime/test/helpers/exposition";
import { panelQueries, substitute } from "../harness/dashboards";
import { freePort } from "../../runtime/test/helpers/ports";
import { Processes } from "../harness/processes";
import { type Prometheus, startPrometheus } from "../harness/prometheus";

const APP = join(__dirname, "..", "apps", "next-app");
const NEXT = require.resolve("next/dist/bin/next");
const WASM = join(__dirname, "..", "..", "swc-plugin-wasm", "swc_plugin_autometrics.wasm");
const env = { NEXT_TELEMETRY_DISABLED: "1" };

/**
 * The runtime as an app gets it from the registry: a real directory in the app's
 * node_modules (the workspace link would point outside node_modules, where Next
 * bundles it into every server layer instead of loading it once, as
 * `serverExternalPackages` asks).
 */
function installRuntimeAsPackage(): void {
  const target = join(APP, "node_modules", "autometrics-runtime");
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const runtime = join(__dirname, "..", "..", "runtime");
  const packed = execFileSync("npm", ["pack", "--json", "--pack-destination", target], { cwd: runtime, encoding: "utf8" });
  const tarball = join(target, JSON.parse(packed)[0].filename);
  execFileSync("tar", ["xzf", tarball, "--strip-components=1", "-C", target]);
  rmSync(tarball);
}

for (const bundler of ["turbopack", "webpack"]) {
  describe(`e2e: Next.js 16 app with the SWC plugin in experimental.swcPlugins (${bundler})`, function () {
    this.timeout(300_000);
    const processes = new Processes(join(__dirname, "..", ".logs", `next-${bundler}`));
    let base: string;
    let prometheus: Prometheus;

    before(async () => {
      if (!existsSync(WASM)) throw new Error(`${WASM} is missing: the swc-plugin-wasm workspace builds it (npm test runs it first)`);
      installRuntimeAsPackage();
      rmSync(join(APP, ".next"), { recursive: true, force: true });
      const build = spawnSync(process.execPath, [NEXT, "build", ...(bundler === "webpack" ? ["--webpack"] : [])], {
        cwd: APP,
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      processes.start("next", process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], env, APP);
      await processes.waitFor("next", async () => (await fetch(`${base}/metrics`)).ok, 30_000);
      prometheus = await startPrometheus(processes, await freePort(), "next-app", [`127.0.0.1:${port}`]);
      await processes.waitFor("prometheus", async () => (await prometheus.query("up"))[0]?.value[1] === "1");
      // Half the load creates the series; the other half comes after two scrapes, for rate() to see it.
      const get = (path: string) => fetch(`${base}${path}`).then((r) => r.text());
      for (let id = 1; id <= 10; id++) await get(`/api/users/${id}`);
      await get("/");
      await new Promise((r) => setTimeout(r, 2500));
      for (let id = 11; id <= 20; id++) await get(`/api/users/${id}`);
      for (let i = 0; i < 4; i++) await get("/");
      const total = async (fn: string) => Number((await prometheus.query(`sum(function_calls_total{function="${fn}"})`))[0]?.value[1]);
      await processes.waitFor(
        "prometheus",
        async () =>
          (await total("GET")) === 20 &&
          (await total("Page")) === 5 &&
          (await prometheus.query('slo:sli_error:ratio_rate5m{sloth_slo="success-rate-95"}')).length > 0,
        30_000,
      );
    });
    after(async () => processes.stopAll());

    it("serves metrics for the route handler and the module it calls, with callers and app-relative modules", async () => {
      const { samples } = parseExposition(await (await fetch(`${base}/metrics`)).text());
      const count = (fn: string, caller: string, result: string) =>
        one(samples, "function_calls_total", { function: fn, caller_function: caller, result }).value;
      expect(count("GET", "", "ok")).to.equal(20);
      expect(count("findUser", "GET", "ok")).to.equal(18);
      expect(count("findUser", "GET", "error")).to.equal(2);
      expect(count("formatName", "findUser", "ok")).to.equal(18);
      const modules = Object.fromEntries(find(samples, "function_calls_total").map((s) => [s.labels.function, s.labels.module]));
      expect(modules).to.include({ GET: "app/api/users/[id]/route.ts", findUser: "lib/users.ts", formatName: "lib/users.ts" });
    });

    it("answers every dashboard panel query through Prometheus, with the values the load implies", async () => {
      const vars = {
        __rate_interval: "1m",
        __range: "5m",
        function: "GET|findUser|formatName|Page|greeting",
        functions_top_request_rate: "GET|findUser|formatName|Page|greeting",
        functions_top_error_rate: "GET|findUser|formatName|Page|greeting",
        success_rate_objective: "users",
        latency_objective: "pages",
        latency_objective_latency_threshold: "0.25",
      };
      for (const q of panelQueries()) {
        const result = await prometheus.query(substitute(q.expr, vars));
        expect(result.length, `${q.dashboard} / ${q.panel}`).to.be.greaterThan(0);
      }
      const slo = panelQueries().find((q) => q.dashboard === "service-level-objectives.json" && q.expr.includes("success_rate_objective"))!;
      expect(Number((await prometheus.query(substitute(slo.expr, vars)))[0]!.value[1])).to.be.closeTo(0.9, 0.02);
      const users = await prometheus.query('slo:sli_error:ratio_rate5m{sloth_slo="success-rate-95"}');
      expect(users.map((r) => r.metric.objective_name)).to.deep.equal(["users"]);
    });

    it("builds and serves a file with two \"use cache\" functions (cacheComponents)", async () => {
      const page = await fetch(`${base}/cached`);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.match(/cached(<!-- -->)? (<!-- -->)?2/);
    });

    it("instruments a server component module selected by its directive", async () => {
      const { samples } = parseExposition(await (await fetch(`${base}/metrics`)).text());
      expect(find(samples, "function_calls_total", { function: "greeting", module: "app/page.tsx" })).to.have.length.greaterThan(0);
      expect(find(samples, "function_calls_total", { function: "Page", module: "app/page.tsx" })).to.have.length.greaterThan(0);
    });
  });
}
