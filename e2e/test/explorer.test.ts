import { expect } from "chai";
import * as babel from "@babel/core";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../harness/chromium";
import { freePort } from "../../fixtures/harness/ports";
import { Processes } from "../harness/processes";
import { requireBinary } from "../harness/prometheus";

const APP = join(__dirname, "..", "apps", "node-service");
const BUILD = join(__dirname, "..", ".build", "explorer");
const LOGS = join(__dirname, "..", ".logs", "explorer");
/** The README links these: `UPDATE_SCREENSHOTS=1` writes them there too. */
const SCREENSHOTS = join(__dirname, "..", "..", "docs", "images");
const CLI = join(__dirname, "..", "..", "cli", "dist", "main.js");
const RULE_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

interface Listed {
  function: string;
  module: string;
  line: number;
}

type Vector = { metric: Record<string, string>; value: [number, string] }[];

/** What the page says of its refreshes (src/main.ts). */
type Shown = { explorer: { done: { refreshes: number; runtime?: string } } };
/** How many queries a page has sent to Prometheus. */
const requests = (page: Page) =>
  page.evaluate(() => (window as unknown as { explorer: { requestsSent(): number } }).explorer.requestsSent());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("e2e: the Explorer page of `autometrics start`, in Chromium, on the Node service under load", function () {
  this.timeout(180_000);
  const processes = new Processes(LOGS);
  let browser: Browser;
  let page: Page;
  let explorer: string;
  let prometheus: string;
  let appPort: number;
  let load: NodeJS.Timeout | undefined;
  const query = async (expr: string): Promise<Vector> => {
    const body = (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as {
      data: { result: Vector };
    };
    return body.data.result;
  };
  const listed = (): Listed[] => JSON.parse(execFileSync(process.execPath, [CLI, "list", APP, "--json"], { encoding: "utf8" }));
  const screenshot = async (name: string) => {
    const path = join(LOGS, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    if (process.env.UPDATE_SCREENSHOTS) copyFileSync(path, join(SCREENSHOTS, `explorer-${name}.png`));
  };
  /** Opens a function's view (`#m=…&f=…`) and waits for its charts. */
  const open = async (module: string, fn: string) => {
    await page.evaluate((hash) => (location.hash = hash), `#${new URLSearchParams({ m: module, f: fn })}`);
    await page.waitForSelector(`article.function[data-function="${fn}"] figure[data-chart="latency"]`);
  };

  before(async () => {
    requireBinary("prometheus", "prometheus");
    // Built as a user's build would, with Babel and the app's babel.config.js.
    rmSync(BUILD, { recursive: true, force: true });
    mkdirSync(join(BUILD, "src"), { recursive: true });
    for (const file of readdirSync(join(APP, "src")))
      writeFileSync(join(BUILD, "src", file), babel.transformFileSync(join(APP, "src", file), { cwd: APP })!.code!);
    let metricsPort: number;
    let prometheusPort: number;
    let explorerPort: number;
    [appPort, metricsPort, prometheusPort, explorerPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    processes.start("app", process.execPath, [join(BUILD, "src", "server.js")], {
      PORT: String(appPort),
      METRICS_PORT: String(metricsPort),
    });
    await processes.waitFor("app", async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok);
    // Steady load: users (every tenth lookup fails) and slow reports.
    let n = 0;
    const get = (path: string) =>
      fetch(`http://127.0.0.1:${appPort}${path}`).then(
        (r) => r.text(),
        () => "",
      );
    load = setInterval(() => {
      for (let i = 0; i < 5; i++) void get(`/users/${++n}`);
      if (n % 10 === 0) void get("/report");
    }, 100);
    const log = join(LOGS, "start.log");
    rmSync(log, { force: true });
    processes.start("start", process.execPath, [
      CLI,
      "start",
      `127.0.0.1:${metricsPort}`,
      "--port",
      String(prometheusPort),
      "--explorer-port",
      String(explorerPort),
      "--project",
      APP,
    ]);
    await processes.waitFor("start", async () => readFileSync(log, "utf8").includes("Ctrl-C stops it"), 30_000);
    explorer = `http://127.0.0.1:${explorerPort}/`;
    prometheus = `http://127.0.0.1:${prometheusPort}`;
    expect(readFileSync(log, "utf8")).to.contain(`Explorer:   ${explorer}`);
    // Every function called in two scrapes at least, and the objectives' rules run.
    await processes.waitFor(
      "start",
      async () =>
        (await query("count(sum by (function) (rate(function_calls_total[1m]) > 0))"))[0]?.value[1] === "7" &&
        (await query('slo:sli_error:ratio_rate5m{objective_name="api"}')).length > 0 &&
        (await query('slo:sli_error:ratio_rate5m{objective_name="reports"}')).length > 0,
      90_000,
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    (page as unknown as { errors: string[] }).errors = errors;
    await page.goto(explorer);
    await page.waitForSelector("a.fn");
  });

  after(async () => {
    clearInterval(load);
    await browser?.close();
    await processes.stopAll();
  });

  it("lists every function the build instruments, each with its calls", async () => {
    await page.waitForFunction(() => document.querySelectorAll("a.fn.seen").length === 7);
    const shown = await page.$$eval("a.fn", (links) =>
      links.map((a) => `${a.getAttribute("data-module")} ${a.getAttribute("data-function")}`),
    );
    expect(shown.sort()).to.deep.equal(
      listed()
        .map((f) => `${f.module} ${f.function}`)
        .sort(),
    );
    expect(await page.locator("#problems").textContent()).to.equal("");
    await screenshot("overview");
  });

  it("draws a function's charts from Prometheus, with its rate as PromQL gives it", async () => {
    await page.selectOption("#range", "300");
    await open("src/service.js", "getUser");
    for (const chart of ["rate", "error-ratio", "latency"])
      expect(Number(await page.getAttribute(`figure[data-chart="${chart}"]`, "data-points")), chart).to.be.greaterThan(0);
    // The app does not track concurrency: the chart says so instead of staying empty.
    expect(await page.locator('figure[data-chart="concurrency"]').textContent()).to.contain("trackConcurrency");
    const shown = Number(await page.getAttribute('dd[data-now="rate"]', "data-value"));
    const [expected] = await query('sum(rate(function_calls_total{function="getUser", module="src/service.js"}[1m]))');
    expect(shown).to.be.closeTo(Number(expected!.value[1]), Number(expected!.value[1]) * 0.25);
    expect(await page.getAttribute("a.source", "href")).to.equal(`vscode://file${APP}/src/service.js:3`);
    const promql = new URL((await page.getAttribute('figure[data-chart="rate"] a.promql', "href"))!);
    expect(promql.origin).to.equal(prometheus);
    expect(await query(promql.searchParams.get("g0.expr")!)).to.have.length.greaterThan(0);
    await screenshot("function");
  });

  it("shows the call graph as the caller series say, for the service and for a function", async () => {
    const series = await query("sum by (function, module, caller_function, caller_module) (rate(function_calls_total[1m])) > 0");
    const key = (module: string, fn: string) => `${module}\u0000${fn}`;
    const edge = (m: Record<string, string>) =>
      `${m.caller_function ? key(m.caller_module!, m.caller_function) : ""}\u0001${key(m.module!, m.function!)}`;
    const expected = series.map((s) => edge(s.metric));
    await page.evaluate(() => (location.hash = ""));
    await page.waitForSelector("section.graph svg");
    const drawn = await page.$$eval("svg path[data-edge]", (paths) => paths.map((p) => p.getAttribute("data-edge")!));
    expect(drawn.sort()).to.deep.equal(expected.filter((e) => !e.startsWith("\u0001")).sort());
    await open("src/service.js", "getUser");
    const rows = await page.$$eval("table.edges tr[data-edge]", (trs) => trs.map((tr) => tr.getAttribute("data-edge")!));
    const mine = key("src/service.js", "getUser");
    expect(rows.sort()).to.deep.equal(expected.filter((e) => e.split("\u0001").includes(mine)).sort());
  });

  it("gives each objective the status its alert rules give, and each window's burn rate from the recording rules", async () => {
    for (const [module, fn, objective] of [
      ["src/service.js", "getUser", "api"],
      ["src/service.js", "buildReport", "reports"],
    ] as const) {
      await open(module, fn);
      // The page and Prometheus read the rules at slightly different moments: they must agree within a few evaluations.
      await processes.waitFor(
        "start",
        async () => {
          const rows = await page.$$eval("tr[data-objective]", (trs) =>
            trs.map((tr) => ({
              slo: tr.getAttribute("data-objective")!,
              status: tr.getAttribute("data-status")!,
              burn: Object.fromEntries(
                [...tr.querySelectorAll("td[data-burn]")].map((td) => [
                  td.getAttribute("data-window"),
                  Number(td.getAttribute("data-burn")),
                ]),
              ),
            })),
          );
          if (rows.length === 0) return false;
          const firing = (await query(`ALERTS{objective_name="${objective}", alertstate="firing"}`)).map((a) => a.metric);
          for (const row of rows) {
            const ratios = await query(`{__name__=~"slo:sli_error:ratio_rate.*", objective_name="${objective}", sloth_slo="${row.slo}"}`);
            const budget = 1 - Number(row.slo.replace(/^.*-/, "")) / 100;
            const severities = firing.filter((a) => a.sloth_slo === row.slo).map((a) => a.severity);
            const status = severities.includes("page")
              ? "page"
              : severities.includes("ticket")
                ? "ticket"
                : ratios.length > 0
                  ? "ok"
                  : "no-data";
            if (row.status !== status) return false;
            for (const w of RULE_WINDOWS) {
              const ratio = ratios.find((r) => r.metric.sloth_window === w);
              if (ratio === undefined) {
                if (row.burn[w] !== undefined) return false;
              } else if (Math.abs(row.burn[w]! - Number(ratio.value[1]) / budget) > 0.05 * Math.max(1, row.burn[w]!)) return false;
            }
          }
          return true;
        },
        60_000,
      );
    }
    await screenshot("objective");
  });

  it("works from the keyboard: / searches, arrows move, Enter opens", async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("search");
    await page.keyboard.type("loadsal");
    expect(await page.$$eval("a.fn", (a) => a.map((x) => x.getAttribute("data-function")))).to.deep.equal(["loadSales"]);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForSelector('article.function[data-function="loadSales"]');
    await page.keyboard.press("/");
    await page.keyboard.press("Escape");
    expect(await page.locator("a.fn").count()).to.equal(7);
  });

  it("asks Prometheus a handful of queries per refresh, whatever the number of functions", async () => {
    await open("src/service.js", "buildReport");
    await sleep(500);
    const before = await requests(page);
    await page.selectOption("#range", "3600");
    await page.waitForFunction((n) => (window as unknown as { explorer: { requestsSent(): number } }).explorer.requestsSent() > n, before);
    await sleep(1500);
    const after = await requests(page);
    // The edges (list, rates and graph), four charts, the objective's windows and the alerts.
    expect(after - before).to.equal(7);
    expect((page as unknown as { errors: string[] }).errors).to.deep.equal([]);
  });

  it("serves only its own host and Prometheus's read-only query API", async () => {
    // What a page elsewhere sends after rebinding its own name to 127.0.0.1.
    const status = await new Promise<number>((resolve, reject) =>
      request(`${explorer}api/manifest`, { headers: { Host: `attacker.example:${new URL(explorer).port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on("error", reject)
        .end(),
    );
    expect(status).to.equal(421);
    // A form another page posts here names the right host, but comes from elsewhere.
    const posted = await fetch(`${explorer}api/prometheus/api/v1/query`, {
      method: "POST",
      headers: { Origin: "http://attacker.example", "Content-Type": "application/x-www-form-urlencoded" },
      body: "query=up",
    });
    expect(posted.status).to.equal(403);
    const huge = await fetch(`${explorer}api/prometheus/api/v1/query`, { method: "POST", body: `query=${"x".repeat(100_000)}` });
    expect(huge.status).to.equal(413);
    const admin = await fetch(`${explorer}api/prometheus/api/v1/admin/tsdb/delete_series?match[]=up`, { method: "POST" });
    expect(admin.status).to.equal(404);
    const ok = await fetch(`${explorer}api/prometheus/api/v1/query?query=up`);
    expect(((await ok.json()) as { status: string }).status).to.equal("success");
  });

  it("filters by where the calls ran, when some came from browsers or edge code", async () => {
    // What the collector's exporter serves for pushed calls (docs/where-code-runs.md): a `runtime` label on
    // each point that did not run on the server. Counts grow with every scrape, as calls would.
    let calls = 0;
    const exporter = createServer((_req, res) => {
      calls += 10;
      const line = (fn: string, runtime?: string) =>
        `function_calls_total{function="${fn}",module="src/shop.js",caller_function="",caller_module="",result="ok",service_name="shop"${runtime ? `,runtime="${runtime}"` : ""}} ${calls}`;
      res.end(`# TYPE function_calls_total counter\n${line("checkout")}\n${line("addToCart", "browser")}\n${line("price", "edge")}\n`);
    });
    await new Promise<void>((resolve) => exporter.listen(0, "127.0.0.1", resolve));
    const [port, explorerPort] = [await freePort(), await freePort()];
    const target = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
    rmSync(join(LOGS, "runtimes.log"), { force: true });
    processes.start("runtimes", process.execPath, [
      CLI,
      "start",
      target,
      "--port",
      String(port),
      "--explorer-port",
      String(explorerPort),
      "--include",
      "nothing/**",
    ]);
    const other = await browser.newPage();
    try {
      await processes.waitFor("runtimes", async () => readFileSync(join(LOGS, "runtimes.log"), "utf8").includes("Ctrl-C stops it"), 30_000);
      // Prometheus needs two scrapes for a rate.
      const rates = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent("count(rate(function_calls_total[1m]) > 0)")}`;
      await processes.waitFor("runtimes", async () => JSON.stringify(await (await fetch(rates)).json()).includes('"3"]'), 40_000);
      await other.goto(`http://127.0.0.1:${explorerPort}/`);
      const seen = async (runtime: string) => {
        const before = await other.evaluate(() => (window as unknown as Shown).explorer.done.refreshes);
        await other.selectOption("#runtime", runtime);
        await other.waitForFunction(
          ([n, wanted]) => {
            const { done } = (window as unknown as Shown).explorer;
            return done.refreshes > (n as number) && done.runtime === (wanted === "*" ? undefined : wanted);
          },
          [before, runtime],
        );
        return (await other.$$eval("a.fn.unlisted, a.fn.seen", (a) => a.map((x) => x.getAttribute("data-function")))).sort();
      };
      await other.waitForSelector("#runtime-filter:not([hidden])");
      expect(await seen("*")).to.have.length(3);
      expect(await other.$$eval("#runtime option", (o) => o.map((x) => x.textContent))).to.deep.equal([
        "anywhere",
        "the server",
        "browser",
        "edge",
      ]);
      expect(await seen("browser")).to.deep.equal(["addToCart"]);
      expect(await seen("edge")).to.deep.equal(["price"]);
      expect(await seen("")).to.deep.equal(["checkout"]);
      expect(await other.locator('a.fn[data-function="price"] .note').textContent()).to.equal("no calls in the server");
    } finally {
      await other.close();
      await processes.stop("runtimes");
      exporter.close();
    }
  });

  describe("says what is wrong instead of showing empty charts", () => {
    /** Runs `start` with `args`, opens its page and resolves with the problems it shows once they say `expected` (it refreshes every 10 s). */
    async function problemsShown(name: string, args: string[], expected: string): Promise<string> {
      const port = await freePort();
      rmSync(join(LOGS, `${name}.log`), { force: true });
      processes.start(name, process.execPath, [CLI, "start", ...args, "--explorer-port", String(port)]);
      await processes.waitFor(name, async () => readFileSync(join(LOGS, `${name}.log`), "utf8").includes("Ctrl-C stops it"), 30_000);
      const other = await browser.newPage();
      try {
        await other.goto(`http://127.0.0.1:${port}/`);
        await other
          .waitForFunction((text) => document.getElementById("problems")!.textContent!.includes(text), expected, { timeout: 30_000 })
          .catch(() => {});
        return (await other.locator("#problems").textContent()) ?? "";
      } finally {
        await other.close();
        await processes.stop(name);
      }
    }

    it("when Prometheus cannot be reached", async () => {
      const closed = await freePort();
      const text = await problemsShown(
        "unreachable",
        ["--prometheus", `http://127.0.0.1:${closed}`, "--project", APP],
        "cannot be reached",
      );
      expect(text).to.contain(`Prometheus at http://127.0.0.1:${closed} cannot be reached`);
    });

    it("when Prometheus has no autometrics series, with its targets' health", async () => {
      const [nothing, port] = [await freePort(), await freePort()];
      const text = await problemsShown(
        "empty",
        [`127.0.0.1:${nothing}`, "--port", String(port), "--project", APP],
        `127.0.0.1:${nothing}/metrics: down`,
      );
      expect(text).to.contain("has no autometrics series");
      expect(text).to.contain(`http://127.0.0.1:${nothing}/metrics: down (`);
    });

    it("when the code does not list the functions Prometheus has seen", async () => {
      const other = mkdtempSync(join(tmpdir(), "am-explorer-other-"));
      mkdirSync(join(other, "lib"));
      writeFileSync(join(other, "lib", "pay.js"), "export function pay() {}\n");
      const text = await problemsShown("mismatch", ["--prometheus", prometheus, "--project", other, "--include", "lib/**"], "getUser");
      expect(text).to.match(/7 functions Prometheus has series of are not in the code at .*am-explorer-other-/);
      expect(text).to.contain("getUser (src/service.js)");
    });
  });
});
