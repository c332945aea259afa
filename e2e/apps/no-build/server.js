// An ECMAScript module app run as it is, with no build: the load hook
// instruments it (and the CommonJS module it requires) as Node loads them.
import http from "node:http";
import { createRequire } from "node:module";
import { init } from "autometrics-runtime";
import { placeOrder } from "./lib/orders.js";
import { audit } from "./lib/broken-directive.js";

const require = createRequire(import.meta.url);
const { formatReceipt } = require("./lib/receipts.cjs");

init({
  serviceName: "no-build",
  detectBuildInfo: false,
  exporter: { type: "prometheus", hostname: "127.0.0.1", port: Number(process.env.METRICS_PORT) },
});

async function handle(req, res) {
  const url = new URL(req.url, "http://localhost");
  try {
    const order = await placeOrder(Number(url.searchParams.get("quantity")));
    audit(order);
    send(res, 200, { receipt: formatReceipt(order) });
  } catch (error) {
    send(res, 500, { error: error.message, stack: error.stack });
  }
}

function send(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

http.createServer((req, res) => void handle(req, res)).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
