// The Explorer page of `autometrics start` with big apps: 100 and 1,000
// functions, each called from 7 callers (7 and 70 modules' worth of series),
// an app calling all of them all the time, Prometheus and the page as a user
// runs them (`autometrics start`), the page loaded in headless Chromium:
//   - how long after navigation the function list is shown with its rates
//     (the page's own performance.now() when its first refresh is done), and
//     a function's view with its charts drawn, median of 5 loads;
//   - the queries one refresh sends to Prometheus, with a function open, and
//     the size of the biggest answer (the edges query).
//   node explorer.js   (Prometheus from the PATH, Chromium at CHROMIUM or /usr/bin/chromium)
"use strict";
const { spawn, execFileSync } = require("node:child_process");
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require("node:fs");
const net = require("node:net");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { chromium } = require("playwright-core");

const CLI = require.resolve("autometrics-cli/package.json").replace(/package\.json$/, "dist/main.js");
const CALLERS = 7;
const LOADS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A project whose code lists `n` functions in 50 modules and the 7 callers, as the app below labels them. */
function project(n) {
  const dir = mkdtempSync(join(tmpdir(), "am-bench-explorer-"));
  mkdirSync(join(dir, "src"));
  const modules = new Map();
  for (let f = 0; f < n; f++) modules.set(f % 50, `${modules.get(f % 50) ?? ""}export function function${f}() {}\n`);
  for (const [m, text] of modules) writeFileSync(join(dir, "src", `module${m}.js`), text);
  writeFileSync(join(dir, "src", "routes.js"), Array.from({ length: CALLERS }, (_, c) => `export function caller${c}() {}\n`).join(""));
  return dir;
}

/** The app: each function called from each caller every 200 ms. */
const APP = `
  const am = require("autometrics-runtime");
  am.init({ exporter: { type: "prometheus", hostname: "127.0.0.1", port: Number(process.env.PORT) }, detectBuildInfo: false });
  const callers = Array.from({ length: ${CALLERS} }, (_, c) => am.instrument("caller" + c, "src/routes.js"));
  const fns = Array.from({ length: Number(process.env.N) }, (_, f) => am.instrument("function" + f, "src/module" + (f % 50) + ".js"));
  setInterval(() => { for (const caller of callers) caller.run(() => { for (const fn of fns) fn.run(() => 1); }); }, 200);`;

async function waitFor(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await sleep(250);
  }
}

async function measure(browser, n) {
  const dir = project(n);
  const [appPort, promPort, explorerPort] = [await freePort(), await freePort(), await freePort()];
  const children = [
    spawn(process.execPath, ["-e", APP], { env: { ...process.env, PORT: String(appPort), N: String(n) }, stdio: "ignore" }),
    spawn(
      process.execPath,
      [
        CLI,
        "start",
        `127.0.0.1:${appPort}`,
        "--port",
        String(promPort),
        "--explorer-port",
        String(explorerPort),
        "--project",
        dir,
        "--include",
        "src/**",
      ],
      { stdio: "ignore" },
    ),
  ];
  try {
    const prometheus = `http://127.0.0.1:${promPort}`;
    const count = `count(rate(function_calls_total[1m]) > 0)`;
    await waitFor(
      async () => {
        const body = await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(count)}`)).json();
        return Number(body.data.result[0]?.value[1]) >= n * CALLERS;
      },
      90_000,
      `Prometheus had no rate for every (function, caller) pair`,
    );
    const url = `http://127.0.0.1:${explorerPort}/`;
    const listShown = [];
    const viewShown = [];
    let queries = 0;
    let biggest = 0;
    for (let i = 0; i < LOADS; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.on("response", async (r) => {
        if (r.url().includes("/api/prometheus/")) biggest = Math.max(biggest, (await r.body().catch(() => Buffer.alloc(0))).length);
      });
      await page.goto(url);
      await page.waitForFunction(
        (want) => window.explorer?.done.refreshes >= 1 && document.querySelectorAll("a.fn.seen").length === want,
        n + CALLERS,
        { timeout: 30_000 },
      );
      listShown.push(await page.evaluate(() => performance.now()));
      if (process.env.EXPLORER_TIMINGS && i === 0)
        console.log(
          n,
          await page.evaluate(() =>
            performance
              .getEntriesByType("resource")
              .map((e) => `${e.name.replace(/^.*\//, "")} ${Math.round(e.startTime)}+${Math.round(e.duration)}`),
          ),
        );
      const start = await page.evaluate(() => performance.now());
      const before = await page.evaluate(() => window.explorer.requestsSent());
      await page.evaluate(() => (location.hash = "#m=src%2Fmodule7.js&f=function7"));
      await page.waitForFunction(
        () => Number(document.querySelector('figure[data-chart="rate"]')?.getAttribute("data-points")) > 0,
        undefined,
        { timeout: 30_000 },
      );
      await page.waitForFunction(() => document.querySelector('figure[data-chart="rate"] canvas') !== null);
      viewShown.push((await page.evaluate(() => performance.now())) - start);
      queries = (await page.evaluate(() => window.explorer.requestsSent())) - before;
      await page.close();
    }
    return { n, listShown: median(listShown), viewShown: median(viewShown), queries, biggest };
  } finally {
    for (const child of children) child.kill("SIGINT");
    await sleep(500);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  execFileSync("prometheus", ["--version"], { stdio: "ignore" });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const rows = [];
  try {
    for (const n of process.env.EXPLORER_SIZES?.split(",").map(Number) ?? [100, 1000]) rows.push(await measure(browser, n));
  } finally {
    await browser.close();
  }
  console.log(
    `\nThe Explorer with N functions × ${CALLERS} callers (median of ${LOADS} loads in headless Chromium; node ${process.version})\n`,
  );
  console.log(
    "| functions | (function, caller) series | list shown after load | a function's view drawn | queries per refresh | biggest answer |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|");
  for (const r of rows)
    console.log(
      `| ${r.n} | ${r.n * CALLERS} | ${Math.round(r.listShown)} ms | ${Math.round(r.viewShown)} ms | ${r.queries} | ${(r.biggest / 1024).toFixed(0)} KiB |`,
    );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
