import { expect } from "chai";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createServer, request } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { init, instrument, metricsHandler } from "../src";
import { parseExposition, one } from "../../fixtures/harness/exposition";
import { freePort } from "../../fixtures/harness/ports";
import { freshInit } from "./helpers/runtime";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function fetchRaw(url: string, method = "GET"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(payload));
    let data = "";
    socket.on("data", (c) => (data += c));
    socket.on("close", () => resolve(data));
    socket.on("error", reject);
  });
}

describe("Prometheus exporter", () => {
  let url: string;
  let shutdown: () => Promise<void>;
  const name = "served";

  beforeEach(async () => {
    const am = freshInit({ exporter: { type: "prometheus", hostname: "127.0.0.1", port: 0 } });
    url = await am.exporter!.url;
    shutdown = am.shutdown;
    instrument(name, "src/served.js").run(() => 1);
  });
  afterEach(() => shutdown());

  it("serves /metrics in the Prometheus text format", async () => {
    const reply = await fetchRaw(url);
    expect(reply.status).to.equal(200);
    expect(reply.headers["content-type"]).to.equal("text/plain; version=0.0.4; charset=utf-8");
    const { samples } = parseExposition(reply.body);
    expect(one(samples, "function_calls_total", { function: name, result: "ok" }).value).to.equal(1);
  });

  it("answers HEAD with headers only, 404 elsewhere and 405 for other methods", async () => {
    const head = await fetchRaw(url, "HEAD");
    expect(head.status).to.equal(200);
    expect(head.body).to.equal("");
    expect(Number(head.headers["content-length"])).to.be.greaterThan(0);
    expect((await fetchRaw(url.replace("/metrics", "/"))).status).to.equal(404);
    expect((await fetchRaw(url.replace("/metrics", "/metricsx"))).status).to.equal(404);
    expect((await fetchRaw(`${url}?x=1`)).status).to.equal(200);
    const post = await fetchRaw(url, "POST");
    expect(post.status).to.equal(405);
    expect(post.headers.allow).to.equal("GET, HEAD");
  });

  it("survives malformed requests", async () => {
    const port = Number(new URL(url).port);
    expect(await rawExchange(port, "GARBAGE\r\n\r\n")).to.match(/^HTTP\/1.1 400/);
    expect(await rawExchange(port, `GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n`)).to.match(/^HTTP\/1.1 400/);
    expect((await fetchRaw(url)).status).to.equal(200);
  });

  it("answers concurrent scrapes consistently", async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => fetchRaw(url)));
    expect(replies.every((r) => r.status === 200)).to.equal(true);
    expect(new Set(replies.map((r) => r.body)).size).to.equal(1);
  });

  it("reports a port that is taken instead of throwing into the app", async () => {
    const occupier = createServer();
    await new Promise<void>((r) => occupier.listen(0, "127.0.0.1", r));
    const { port } = occupier.address() as AddressInfo;
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    try {
      const second = init({ exporter: { type: "prometheus", hostname: "127.0.0.1", port }, detectBuildInfo: false });
      let failure: unknown;
      await second.exporter!.url.catch((e) => (failure = e));
      expect((failure as NodeJS.ErrnoException).code).to.equal("EADDRINUSE");
      await new Promise((r) => setImmediate(r));
    } finally {
      console.warn = warn;
      occupier.close();
    }
    expect(warnings.join("\n")).to.contain("the Prometheus exporter could not start").and.contain("EADDRINUSE");
    // init() replaced the first exporter: start one again for the tests after this one.
    const again = freshInit({ exporter: { type: "prometheus", hostname: "127.0.0.1", port: 0 } });
    url = await again.exporter!.url;
    shutdown = again.shutdown;
  });
});

describe("metricsHandler", () => {
  it("serves the metrics from the user's own http server", async () => {
    freshInit();
    const name = "handled";
    instrument(name, "m.js").run(() => 1);
    const server = createServer((req, res) => {
      if (req.url === "/custom-metrics") metricsHandler(req, res);
      else res.end("app");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as AddressInfo;
      const reply = await fetchRaw(`http://127.0.0.1:${port}/custom-metrics`);
      expect(reply.status).to.equal(200);
      expect(one(parseExposition(reply.body).samples, "function_calls_total", { function: name, result: "ok" }).value).to.equal(1);
    } finally {
      server.close();
    }
  });
});

describe("the metrics port against a slow client (slowloris), with ulimit -n 128", function () {
  this.timeout(60_000);

  it("keeps the app's own descriptors and scrapes working while 300 connections send headers that never end", async () => {
    const port = await freePort();
    // The app opens a file every 20 ms, as an app serving requests does, and counts what fails
    // (its own file, or /dev/null where `-e` code has none: "[eval]" on Node, "<cwd>/[eval]" on Bun).
    const app = `
      const fs = require("node:fs");
      const { init, instrument } = require(${JSON.stringify(require.resolve("../dist/index.js"))});
      init({ exporter: { type: "prometheus", hostname: "127.0.0.1", port: ${port} }, detectBuildInfo: false });
      instrument("work", "src/work.js").run(() => 1);
      let failed = 0;
      setInterval(() => { try { fs.closeSync(fs.openSync(fs.existsSync(__filename) ? __filename : "/dev/null", "r")); } catch { failed++; } }, 20);
      setInterval(() => console.log("failed " + failed), 500);
    `;
    const child = spawn("bash", ["-c", `ulimit -n 128 && exec "${process.execPath}" -e '${app.replace(/'/g, "'\\''")}'`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    try {
      const scrape = () => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.status);
      for (let i = 0; i < 50; i++) {
        try {
          if ((await scrape()) === 200) break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const descriptors = () => readdirSync(`/proc/${child.pid}/fd`).length;
      const before = descriptors();
      const sockets = Array.from({ length: 300 }, () => {
        const socket = connect(port, "127.0.0.1");
        socket.on("error", () => {});
        socket.write("GET /metrics HTTP/1.1\r\nHost: x\r\n"); // never the blank line that ends the headers
        return socket;
      });
      await new Promise((r) => setTimeout(r, 1500));
      const failedOpens = () => Number(/failed (\d+)/.exec(out.split("\n").filter(Boolean).at(-1) ?? "")?.[1] ?? 0);
      expect(out, "the app reports its opens").to.match(/failed \d+\n/);
      expect(failedOpens(), out.slice(-200)).to.equal(0);
      expect(await scrape()).to.equal(200);
      expect(descriptors() - before).to.be.at.most(64); // connections over the cap are closed at once
      // The slow ones are dropped once their headers are overdue (5 s), not a minute later: the app holds no descriptor of theirs.
      await new Promise((r) => setTimeout(r, 7000));
      expect(descriptors() - before).to.be.at.most(2);
      for (const s of sockets) s.destroy();
      expect(failedOpens()).to.equal(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
