import { expect } from "chai";
import * as babel from "@babel/core";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { panelQueries, substitute, variableQueries } from "../harness/dashboards";
import { freePort } from "../../fixtures/harness/ports";
import { Processes } from "../harness/processes";
import { type Prometheus, RULES, requireBinary, startPrometheus } from "../harness/prometheus";
import { prometheusLink, queriesFor } from "autometrics-runtime";

const APP = join(__dirname, "..", "apps", "node-service");
const BUILD = join(__dirname, "..", ".build");
const LOGS = join(__dirname, "..", ".logs");
const CLI = require.resolve("autometrics-cli/package.json").replace(/package\.json$/, "dist/main.js");

/**
 * Builds the app as a user's build would: with Babel and its babel.config.js,
 * or with @swc/core and its .swcrc, the Wasm plugin named by its package. Both
 * hold the same options, so both builds must record the same series.
 */
function build(compiler: "babel" | "swc", out: string): void {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "src"), { recursive: true });
  const swc = require.resolve("@swc/core", { paths: [join(__dirname, "..", "..", "swc-plugin-wasm")] });
  for (const file of readdirSync(join(APP, "src"))) {
    const path = join(APP, "src", file);
    // SWC in a process of its own, run in the app: @swc/core gives plugins the working directory
    // of the process's first transform, which the labels are relative to.
    const code =
      compiler === "babel"
        ? babel.transformFileSync(path, { cwd: APP })!.code!
        : execFileSync(
            process.execPath,
            ["-e", `process.stdout.write(require(${JSON.stringify(swc)}).transformFileSync(${JSON.stringify(path)}).code)`],
            {
              cwd: APP,
              encoding: "utf8",
            },
          );
    writeFileSync(join(out, "src", file), code);
  }
}

/**
 * A bounded load with known counts: 200 user lookups (every tenth fails) and
 * 10 slow reports. A first request of each kind creates the caller series, and
 * the rest comes after two scrapes: Prometheus's rate() cannot see increments
 * that a series already had when it was first scraped.
 */
async function load(port: number): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  const get = (path: string) => fetch(`${base}${path}`).then((r) => r.text());
  await Promise.all([...Array.from({ length: 10 }, (_, i) => get(`/users/${i + 1}`)), get("/report")]);
  await new Promise((r) => setTimeout(r, 2500));
  for (let batch = 1; batch < 20; batch++) {
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => get(`/users/${batch * 10 + i + 1}`)),
      ...(batch < 10 ? [get("/report")] : []),
    ]);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const FUNCTIONS = "handleRequest|getUser|findUser|greet|buildReport|loadSales|sleep";
const GRAFANA = {
  __rate_interval: "1m",
  __range: "5m",
  function: FUNCTIONS,
  functions_top_request_rate: FUNCTIONS,
  functions_top_error_rate: FUNCTIONS,
  success_rate_objective: "api",
  latency_objective: "reports",
  latency_objective_latency_threshold: "0.25",
};

const RUNS = [
  { compiler: "babel", tracker: "prometheus", how: "Babel from babel.config.js" },
  { compiler: "babel", tracker: "opentelemetry", how: "Babel from babel.config.js" },
  { compiler: "swc", tracker: "prometheus", how: "@swc/core + Wasm plugin from .swcrc" },
] as const;

for (const { compiler, tracker, how } of RUNS) {
  describe(`e2e: Node service built with ${how}, ${tracker} tracker, scraped by Prometheus`, function () {
    this.timeout(180_000);
    const processes = new Processes(join(LOGS, `${compiler}-${tracker}`));
    const GENERATED_RULES = join(BUILD, `${compiler}-${tracker}.rules.yml`);
    let prometheus: Prometheus;
    const value = async (expr: string) => {
      const result = await prometheus.query(expr);
      return result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    };

    before(async () => {
      requireBinary("promtool", "prometheus");
      const out = join(BUILD, `${compiler}-${tracker}`);
      build(compiler, out);
      const [appPort, metricsPort, promPort] = [await freePort(), await freePort(), await freePort()];
      processes.start("app", process.execPath, [join(out, "src", "server.js")], {
        PORT: String(appPort),
        METRICS_PORT: String(metricsPort),
        TRACKER: tracker,
      });
      await processes.waitFor("app", async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok);
      // Rules for the objectives whose percentiles the shared file lacks, from the code, by the CLI.
      execFileSync(process.execPath, [CLI, "rules", APP, "--out", GENERATED_RULES]);
      prometheus = await startPrometheus(processes, promPort, "e2e-shop", [`127.0.0.1:${metricsPort}`], [GENERATED_RULES]);
      await processes.waitFor("prometheus", async () => (await value("up")).some((r) => r.value === 1));
      await load(appPort);
      // Wait until Prometheus has scraped the final numbers and the rules have run on them.
      await processes.waitFor(
        "prometheus",
        async () =>
          (await value('sum(function_calls_total{function="getUser"})'))[0]?.value === 200 &&
          (await value('sum(function_calls_total{function="loadSales"})'))[0]?.value === 10 &&
          (await value('slo:sli_error:ratio_rate5m{sloth_slo="latency-90"}')).length > 0 &&
          (await value('slo:sli_error:ratio_rate5m{sloth_slo="success-rate-95"}')).length > 0 &&
          (await value('slo:sli_error:ratio_rate5m{sloth_slo="success-rate-97"}')).length > 0,
        60_000,
      );
    });
    after(async () => processes.stopAll());

    it("passes promtool, and Prometheus loads every rule group, shared and generated", async () => {
      expect(execFileSync("promtool", ["check", "rules", RULES], { encoding: "utf8" })).to.contain("SUCCESS: 136 rules found");
      expect(execFileSync("promtool", ["check", "rules", GENERATED_RULES], { encoding: "utf8" })).to.contain("SUCCESS: 17 rules found");
      expect((await prometheus.rules()).reduce((n, g) => n + g.rules.length, 0)).to.equal(136 + 17);
    });

    it("alerts on the generated rules for a percentile the shared file lacks", async () => {
      const lookups = await value('slo:sli_error:ratio_rate5m{sloth_slo="success-rate-97"}');
      expect(lookups).to.have.length(1);
      expect(lookups[0]!.labels).to.include({ objective_name: "lookups", objective_percentile: "97" });
      expect(lookups[0]!.value).to.be.closeTo(0.1, 0.02);
      const burn = await value('slo:current_burn_rate:ratio{sloth_slo="success-rate-97"}');
      expect(burn[0]!.value).to.be.closeTo(0.1 / 0.03, 0.7);
    });

    it("counts every call exactly, with callers", async () => {
      const rows = await value("sum by (function, module, caller_function, result) (function_calls_total)");
      const counts = Object.fromEntries(
        rows
          .filter((r) => r.value > 0)
          .map((r) => [`${r.labels.function} <- ${r.labels.caller_function ?? ""} ${r.labels.result}`, r.value]),
      );
      expect(counts).to.deep.equal({
        "handleRequest <-  ok": 210,
        "getUser <- handleRequest ok": 180,
        "getUser <- handleRequest error": 20,
        "findUser <- getUser ok": 180,
        "findUser <- getUser error": 20,
        "greet <- getUser ok": 180,
        "buildReport <- handleRequest ok": 10,
        "loadSales <- buildReport ok": 10,
        "sleep <- findUser ok": 200,
        "sleep <- loadSales ok": 10,
      });
      const modules = Object.fromEntries(rows.map((r) => [r.labels.function, r.labels.module]));
      expect(modules).to.include({ handleRequest: "src/server.js", getUser: "src/service.js", findUser: "src/repository.js" });
    });

    it("answers every panel query of the three dashboards with data", async () => {
      const queries = panelQueries();
      expect(queries.length).to.equal(11);
      for (const q of queries) {
        const result = await value(substitute(q.expr, GRAFANA));
        expect(result.length, `${q.dashboard} / ${q.panel}: ${q.expr}`).to.be.greaterThan(0);
      }
    });

    it("gives the values the load implies, and version and commit through the build_info join", async () => {
      const byTitle = (dashboard: string, pattern: RegExp) =>
        panelQueries().filter((q) => q.dashboard === dashboard && pattern.test(q.panel));
      const [errorRatio] = byTitle("function-explorer.json", /error/i);
      const errors = await value(substitute(errorRatio!.expr, GRAFANA));
      const getUser = errors.find((r) => r.labels.function === "getUser")!;
      expect(getUser.value).to.be.closeTo(0.1, 0.02);
      expect(getUser.labels).to.include({ version: "1.4.2", commit: "0123abc", service_name: "e2e-shop", module: "src/service.js" });
      expect(errors.find((r) => r.labels.function === "greet")!.value).to.equal(0);

      const [latency] = byTitle("function-explorer.json", /latency/i);
      const p99 = (await value(substitute(latency!.expr, GRAFANA))).find((r) => r.labels.function === "loadSales")!;
      expect(p99.value).to.be.within(0.25, 0.5);

      const slo = panelQueries().filter((q) => q.dashboard === "service-level-objectives.json");
      const success = await value(substitute(slo.find((q) => q.expr.includes("success_rate_objective"))!.expr, GRAFANA));
      expect(success[0]!.value).to.be.closeTo(0.9, 0.02);
      const withinLatency = await value(
        substitute(slo.find((q) => q.expr.includes("latency_objective") && !q.expr.includes("by (function"))!.expr, GRAFANA),
      );
      expect(withinLatency[0]!.value).to.equal(0);
    });

    it("feeds the SLO recording rules for both objectives", async () => {
      const success = await value('slo:sli_error:ratio_rate5m{sloth_slo="success-rate-95"}');
      expect(success).to.have.length(1);
      expect(success[0]!.labels).to.include({ objective_name: "api", service_name: "e2e-shop" });
      expect(success[0]!.value).to.be.closeTo(0.1, 0.02);
      const latency = await value('slo:sli_error:ratio_rate5m{sloth_slo="latency-90"}');
      expect(latency).to.have.length(1);
      expect(latency[0]!.labels.objective_name).to.equal("reports");
      expect(latency[0]!.value).to.equal(1);
    });

    it("answers the runtime's own per-function queries with the values the load implies", async () => {
      const user = queriesFor("getUser", "src/service.js", { objective: { name: "api", successRate: "95" }, window: "1m" });
      expect((await value(user.requestRate))[0]!.value).to.be.greaterThan(0);
      const ratio = (await value(user.errorRatio))[0]!;
      expect(ratio.value).to.be.closeTo(0.1, 0.02);
      expect(ratio.labels).to.include({ version: "1.4.2", commit: "0123abc" });
      expect((await value(user.callers)).filter((r) => r.value > 0).map((r) => r.labels.caller_function)).to.deep.equal(["handleRequest"]);
      expect((await value(user.successRateBurn!))[0]!.value).to.be.closeTo(2, 0.4); // 10% errors on a 5% budget
      const sales = queriesFor("loadSales", "src/repository.js", { window: "1m" });
      expect((await value(sales.latency.p99))[0]!.value).to.be.within(0.25, 0.5);
      expect((await value(sales.latency.p50))[0]!.labels.percentile_latency).to.equal("50");
      const report = queriesFor("buildReport", "src/service.js", { objective: { name: "reports", latency: [0.25, "90"] }, window: "1m" });
      expect((await value(report.latencyBurn!))[0]!.value).to.be.closeTo(10, 0.01); // every call slow, 10% budget
      const link = new URL(prometheusLink(user.errorRatio, prometheus.url));
      expect(link.searchParams.get("g0.expr")).to.equal(user.errorRatio);
      expect((await fetch(link)).ok).to.equal(true);
    });

    it("fills the dashboards' variables, except the one that names a pre-1.0 metric", async () => {
      const values: Record<string, string[]> = {};
      for (const v of variableQueries()) {
        const [, selector, label] = /^label_values\((.*),\s*(\w+)\)$/.exec(substitute(v.query, GRAFANA))!;
        values[v.name] = (await prometheus.labelValues(label!, selector!)).filter((x) => x !== "");
      }
      expect(values.function).to.include.members(FUNCTIONS.split("|"));
      expect(values.success_rate_objective).to.deep.equal(["api", "lookups"]);
      expect(values.success_rate_objective_percentile).to.deep.equal(["95"]);
      expect(values.latency_objective_percentile).to.deep.equal(["90"]);
      expect(values.latency_objective_latency_threshold).to.deep.equal(["0.25"]);
      // The SLO dashboard lists latency objectives from `function_calls_duration_count`, the name
      // before the specification's `function_calls_duration_seconds`: empty for any v1.0.0 library.
      expect(values.latency_objective).to.deep.equal([]);
    });
  });
}
