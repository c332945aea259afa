"use autometrics";

const http = require("node:http");
const { init } = require("autometrics-runtime");
const service = require("./service");

const autometrics = init({
  tracker: process.env.TRACKER || "prometheus",
  serviceName: "e2e-shop",
  buildInfo: { version: "1.4.2", commit: "0123abc", branch: "main" },
  exporter: { type: "prometheus", hostname: "127.0.0.1", port: Number(process.env.METRICS_PORT) },
});

async function handleRequest(req, res) {
  const url = new URL(req.url, "http://localhost");
  const user = /^\/users\/(\d+)$/.exec(url.pathname);
  try {
    const body = user ? await service.getUser(Number(user[1])) : url.pathname === "/report" ? await service.buildReport() : null;
    res.writeHead(body === null ? 404 : 200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  } catch (error) {
    res.writeHead(500, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: error.message }));
  }
}

const server = http.createServer((req, res) => void handleRequest(req, res));
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`listening on ${process.env.PORT}`));
process.on("SIGTERM", () => {
  server.close();
  autometrics.shutdown().then(() => process.exit(0));
});
