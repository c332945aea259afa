import type { IncomingMessage, ServerResponse } from "node:http";
import { reportOnce } from "../report";
import { metricsRegistry } from "../prometheus/tracker";
import { clusterMetrics } from "./cluster";

/**
 * Serves the metrics in the Prometheus text format (or OpenMetrics, when the
 * registry is set to it): mount it in your own `node:http` or Express-style
 * server, e.g. `app.get("/metrics", metricsHandler)`.
 */
export function metricsHandler(req: IncomingMessage, res: ServerResponse): void {
  void respond(req, res);
}

async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const registry = metricsRegistry();
  let body: string;
  try {
    body = (await clusterMetrics()) ?? (await registry.metrics());
  } catch (error) {
    reportOnce("scrape", "collecting metrics failed", error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(`collecting metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return;
  }
  res.writeHead(200, {
    "Content-Type": registry.contentType,
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
