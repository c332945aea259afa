import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, sep } from "node:path";
import { transformSync } from "@babel/core";
import { type Autometrics, type KnownFunction, ingestHandler, init } from "autometrics-runtime";
import { build, type Metafile, type Plugin } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../harness/chromium";
import { parseExposition } from "../../fixtures/harness/exposition";
import { type Collector, startCollector } from "../harness/collector";
import { Processes } from "../harness/processes";

const APP = join(__dirname, "..", "apps", "browser-page");
const CLI = join(__dirname, "..", "..", "cli", "dist", "main.js");
/** The server's name: the ingest forwards the pages' calls as its own, whatever name a page gives. */
const SERVICE = "shop";
/** The name the page gives its own `init()` (src/main.js). */
const PAGE_SERVICE = "shop-web";
const MODULE = "src/cart.js";

/** The page's code as a user's bundler builds it: Babel (the app's babel.config.js) over src/, then esbuild for the browser. */
async function bundlePage(): Promise<{ code: string; metafile: Metafile }> {
  const src = join(APP, "src") + sep;
  const babel: Plugin = {
    name: "babel",
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(src)) return undefined;
        const out = transformSync(readFileSync(args.path, "utf8"), { filename: args.path, cwd: APP, sourceMaps: "inline" });
        return { contents: out!.code!, loader: "js" };
      });
    },
  };
  const result = await build({
    entryPoints: [join(APP, "src", "main.js")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    metafile: true,
    logLevel: "silent",
    plugins: [babel],
  });
  return { code: result.outputFiles[0]!.text, metafile: result.metafile };
}

/** What the collector's exporter holds for the pages: calls by "function caller result", histogram counts by function, and every series' labels. */
async function pushed(collector: Collector) {
  const calls = new Map<string, number>();
  const durations = new Map<string, number>();
  const series: Record<string, string>[] = [];
  for (const s of parseExposition(await collector.scrape()).samples) {
    if (s.labels.runtime !== "browser") continue;
    series.push({ __name__: s.name, ...s.labels });
    if (s.name === "function_calls_total" && s.value > 0)
      calls.set(`${s.labels.function} ${s.labels.caller_function ?? ""} ${s.labels.result}`, s.value);
    if (s.name === "function_calls_duration_seconds_count") durations.set(s.labels.function!, s.value);
  }
  return { calls, durations, series };
}

const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The calls the clicks make, by "function caller result": every click calls addToCart, then total; addToCart calls price. */
function counts(c: { addToCart: number; priceOk: number; priceError: number; wireCart: number }) {
  return new Map([
    ["addToCart  ok", c.addToCart],
    ["price addToCart ok", c.priceOk],
    ["price addToCart error", c.priceError],
    ["total  ok", c.addToCart],
    ["wireCart  ok", c.wireCart],
  ]);
}

/** Waits until the collector holds exactly `expected` (a push shows ~200 ms later), then asserts it. */
async function settle(collector: Collector, expected: Map<string, number>, ms = 15_000) {
  const deadline = Date.now() + ms;
  let got = await pushed(collector);
  while (JSON.stringify(sorted(got.calls)) !== JSON.stringify(sorted(expected)) && Date.now() < deadline) {
    await sleep(100);
    got = await pushed(collector);
  }
  expect(sorted(got.calls)).to.deep.equal(sorted(expected));
  return got;
}

/** An OTLP/JSON batch as a page sends it, one delta sum point per entry. */
function batch(points: { function: string; module: string; result: string; count: number }[]) {
  const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    resourceMetrics: [
      {
        resource: { attributes: [attribute("service.name", PAGE_SERVICE)] },
        scopeMetrics: [
          {
            scope: { name: "autometrics" },
            metrics: [
              {
                name: "function.calls",
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: points.map((p) => ({
                    attributes: [attribute("function", p.function), attribute("module", p.module), attribute("result", p.result)],
                    startTimeUnixNano: String(BigInt(Date.now() - 1000) * 1_000_000n),
                    timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                    asInt: String(p.count),
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe("a page in Chromium, built with the Babel plugin, pushing through ingestHandler to a real collector", function () {
  this.timeout(120_000);
  const processes = new Processes(join(__dirname, "..", ".logs", "browser"));
  let collector: Collector;
  let browser: Browser;
  let server: Server;
  let origin: string;
  let autometrics: Autometrics;
  let functions: KnownFunction[];
  let page: { code: string; metafile: Metafile };
  /** The requests the ingest answered: status and body. */
  const answered: { status: number; body: string }[] = [];

  before(async () => {
    // Fails, never skips, without a browser: nothing else here can check the browser entry.
    collector = await startCollector(processes, "collector");
    browser = await launchChromium();

    // At build time: the bundle, and the functions pages may report, as the docs tell users to list them.
    page = await bundlePage();
    functions = JSON.parse(execFileSync(process.execPath, [CLI, "list", "--json", APP], { encoding: "utf8" }));

    // The app's server: its own name, the page, and the ingest endpoint forwarding to the collector.
    autometrics = init({ serviceName: SERVICE, detectBuildInfo: false });
    const ingest = ingestHandler({ functions, exporter: { url: collector.otlpUrl } });
    const html = readFileSync(join(APP, "index.html"));
    server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (path === "/api/autometrics") {
        let body = "";
        const end = res.end.bind(res);
        res.end = ((chunk?: unknown, ...rest: unknown[]) => {
          if (typeof chunk === "string") body = chunk;
          return end(chunk as never, ...(rest as []));
        }) as typeof res.end;
        res.on("finish", () => answered.push({ status: res.statusCode, body }));
        return ingest.node(req, res);
      }
      if (req.method === "GET" && path === "/") return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
      if (req.method === "GET" && path === "/bundle.js")
        return void res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(page.code);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await autometrics?.shutdown();
    await processes.stopAll();
  });

  it("bundles the browser entry, with neither prom-client nor the Node runtime", () => {
    const inputs = Object.keys(page.metafile.inputs).map((p) => p.split(sep).join("/"));
    expect(inputs.some((p) => p.endsWith("runtime/dist/browser.js"))).to.equal(true, inputs.join("\n"));
    expect(inputs.filter((p) => /runtime\/dist\/(index|init)\.js$|node_modules\/prom-client\//.test(p))).to.deep.equal([]);
    expect(page.code).not.to.match(/["'`](prom-client|node:\w+)["'`]|\brequire\(["'`]/);
    // The plugin did instrument the cart.
    expect(page.code).to.match(/instrument\d*\("addToCart", "src\/cart\.js"/);
  });

  it("lists the cart's functions for the ingest with `autometrics list --json`", () => {
    expect(functions.map((f) => `${f.module} ${f.function}`)).to.deep.equal([
      `${MODULE} price`,
      `${MODULE} addToCart`,
      `${MODULE} total`,
      `${MODULE} wireCart`,
    ]);
    expect(functions.find((f) => f.function === "addToCart")!.objective).to.deep.include({ name: "cart", successRate: "99" });
  });

  it("counts every click exactly, from beacons sent as pages are left, as the server's series with runtime=browser", async () => {
    const open = async (): Promise<Page> => {
      const p = await (await browser.newContext()).newPage();
      const errors: string[] = [];
      p.on("pageerror", (e) => errors.push(e.message));
      p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await p.goto(`${origin}/`);
      await p.waitForFunction(() => document.getElementById("total")!.textContent === "0");
      expect(errors).to.deep.equal([]);
      return p;
    };
    const click = async (p: Page, product: string, times: number) => {
      for (let i = 0; i < times; i++) await p.click(`button[data-product="${product}"]`);
    };

    // A hostile batch from the page's origin: the build's addToCart a thousand times, and a function the build does not have.
    const first = await open();
    const hostile = await first.evaluate(
      async (body) => {
        const r = await fetch("/api/autometrics", { method: "POST", body, headers: { "content-type": "application/json" } });
        return { status: r.status, body: await r.text() };
      },
      JSON.stringify(
        batch([
          { function: "addToCart", module: MODULE, result: "ok", count: 1000 },
          { function: "stealSession", module: MODULE, result: "ok", count: 1 },
        ]),
      ),
    );
    expect(hostile.status).to.equal(400);
    expect(JSON.parse(hostile.body).error).to.match(/"stealSession" in "src\/cart\.js" is not a function of this build/);

    // First page: 7 clicks, 2 of them on a product price() throws for; then it is left (pagehide, then hidden).
    await click(first, "apple", 3);
    await click(first, "pear", 2);
    await click(first, "ghost", 2);
    expect(await first.textContent("#total")).to.equal(String(3 * 120 + 2 * 95));
    await first.goto("about:blank");
    await settle(collector, counts({ addToCart: 7, priceOk: 5, priceError: 2, wireCart: 1 }));

    // Second page: 2 clicks, 1 of them failing in price(), then hidden. Headless Chromium keeps every page
    // visible (minimizing, switching tabs and freezing through CDP change nothing), so the hidden state is
    // simulated: visibilityState reads "hidden" and visibilitychange fires, as when the user switches tabs.
    const second = await open();
    await click(second, "pear", 1);
    await click(second, "ghost", 1);
    expect(await second.textContent("#total")).to.equal("95");
    // (A string: tsx would wrap a getter written here in a helper the page does not have.)
    await second.evaluate(`
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
      document.dispatchEvent(new Event("visibilitychange"));
    `);
    await settle(collector, counts({ addToCart: 9, priceOk: 6, priceError: 3, wireCart: 2 }));

    // Back in view, one more click; then its tab is closed: the last beacon carries that click alone.
    await second.evaluate(`
      delete document.visibilityState;
      document.dispatchEvent(new Event("visibilitychange"));
    `);
    await click(second, "apple", 1);
    await second.close();
    const expected = counts({ addToCart: 10, priceOk: 7, priceError: 3, wireCart: 2 });
    const got = await settle(collector, expected);
    expect(sorted(got.durations)).to.deep.equal({ addToCart: 10, price: 10, total: 10, wireCart: 2 });

    // Nothing more arrives later (no batch sent twice), and nothing of the hostile batch ever did.
    await sleep(1500);
    const later = await pushed(collector);
    expect(sorted(later.calls)).to.deep.equal(sorted(expected));
    expect(later.series.filter((s) => s.function === "stealSession")).to.deep.equal([]);

    // The server's name and the build's objective, whatever the page said.
    expect([...new Set(later.series.map((s) => s.service_name))]).to.deep.equal([SERVICE]);
    const cart = later.series.filter((s) => s.__name__ === "function_calls_total" && s.function === "addToCart");
    expect(cart.map((s) => [s.module, s.objective_name, s.objective_percentile])).to.deep.include([MODULE, "cart", "99"]);
    const latency = later.series.find((s) => s.__name__ === "function_calls_duration_seconds_count" && s.function === "addToCart");
    expect(latency).to.include({ objective_name: "cart", objective_percentile: "99", objective_latency_threshold: "0.25" });

    // Every batch but the hostile one was taken.
    expect(answered.filter((a) => a.status !== 200)).to.deep.equal([{ status: 400, body: hostile.body }]);
    expect(answered.filter((a) => a.status === 200).length).to.be.greaterThanOrEqual(3);
  });
});
