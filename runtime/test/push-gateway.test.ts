import { expect } from "chai";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { find, one, parseExposition } from "../../fixtures/harness/exposition";
import { type Gateway, startPushGateway } from "./helpers/pushgateway";
import { freePort } from "../../fixtures/harness/ports";

const run = promisify(execFile);
const RUNTIME = require.resolve("../dist");

/** A short-lived job: it records a few calls and ends by itself, leaving the last push to the exit hook. */
const job = (tracker: string, url: string, jobName: string) => `
  const am = require(${JSON.stringify(RUNTIME)});
  am.init({ tracker: ${JSON.stringify(tracker)}, serviceName: "batch", detectBuildInfo: false,
            exporter: { type: "push-gateway", url: ${JSON.stringify(url)}, jobName: ${JSON.stringify(jobName)}, groupings: { instance: "worker-1" }, intervalMs: 60000 } });
  const step = am.instrument("step", "jobs/import.js");
  const main = am.instrument("main", "jobs/import.js");
  main.run(() => { for (let i = 0; i < 7; i++) step.run(() => i); });
  try { step.run(() => { throw new Error("bad row"); }); } catch {}
`;

describe("push gateway exporter, against Debian's prometheus-pushgateway", function () {
  this.timeout(30_000);
  let gateway: Gateway;
  before(async () => {
    gateway = await startPushGateway();
  });
  after(async () => gateway?.stop());

  for (const tracker of ["prometheus", "opentelemetry"]) {
    it(`pushes a short-lived process's metrics before it exits (${tracker} tracker)`, async () => {
      const jobName = `import-${tracker}`;
      const started = Date.now();
      await run(process.execPath, ["-e", job(tracker, gateway.url, jobName)], { timeout: 15_000 });
      expect(Date.now() - started).to.be.lessThan(10_000);
      const { samples } = parseExposition(await gateway.metrics());
      const mine = find(samples, "function_calls_total", { job: jobName, instance: "worker-1" });
      expect(one(mine, "function_calls_total", { function: "step", caller_function: "main", result: "ok" }).value).to.equal(7);
      expect(one(mine, "function_calls_total", { function: "step", caller_function: "", result: "error" }).value).to.equal(1);
      expect(one(samples, "function_calls_duration_seconds_count", { job: jobName, function: "main" }).value).to.equal(1);
      expect(one(samples, "build_info", { job: jobName }).labels.service_name).to.equal("batch");
    });
  }

  it("lets a process exit promptly when the gateway cannot be reached, and says so", async () => {
    const port = await freePort(); // nothing listens there
    const started = Date.now();
    const { stderr } = await run(process.execPath, ["-e", job("prometheus", `http://127.0.0.1:${port}`, "lost")], { timeout: 15_000 });
    expect(Date.now() - started).to.be.lessThan(8_000);
    expect(stderr).to.contain(`pushing metrics to http://127.0.0.1:${port} failed`);
  });

  it("says what a gateway that refuses the push answered", async () => {
    const refusing = createServer((req, res) => {
      req.resume();
      res.writeHead(400).end("pushed metrics are invalid");
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    try {
      const { stderr } = await run(process.execPath, ["-e", job("prometheus", url, "refused")], { timeout: 15_000 });
      expect(stderr).to.contain(`pushing metrics to ${url} failed: push failed with status 400, pushed metrics are invalid`);
    } finally {
      refusing.close();
    }
  });

  it("bounds a push by timeoutMs when the gateway answers without end, and says so", async () => {
    const endless = createServer((req, res) => {
      req.resume();
      res.writeHead(200);
      const drip = setInterval(() => res.write("x".repeat(1024)), 50);
      res.on("close", () => clearInterval(drip));
    });
    await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(endless.address() as AddressInfo).port}`;
    const script = job("prometheus", url, "endless").replace("intervalMs: 60000", "intervalMs: 60000, timeoutMs: 1000");
    try {
      const started = Date.now();
      const { stderr } = await run(process.execPath, ["-e", script], { timeout: 15_000 });
      expect(Date.now() - started).to.be.lessThan(8_000);
      expect(stderr).to.contain(`pushing metrics to ${url} failed`);
    } finally {
      endless.closeAllConnections();
      endless.close();
    }
  });

  it("rejects a push gateway without a usable URL", async () => {
    const { stdout } = await run(process.execPath, [
      "-e",
      `const am = require(${JSON.stringify(RUNTIME)}); try { am.init({ exporter: { type: "push-gateway", url: "gateway:9091" } }); } catch (e) { console.log(e.message); }`,
    ]);
    expect(stdout).to.contain('`exporter.url`: expected an http(s) URL, got "gateway:9091"');
  });
});
