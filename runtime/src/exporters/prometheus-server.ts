import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { metricsHandler } from "./handler";

export interface PrometheusExporterOptions {
  type: "prometheus";
  /** Interface to listen on; default "0.0.0.0". */
  hostname?: string;
  /** Default 9464, the port OpenTelemetry's Prometheus exporter uses; 0 picks a free one. */
  port?: number;
}

/** A running scrape endpoint. */
export interface RunningExporter {
  /** Resolves to the scrape URL once listening; rejects if the port cannot be bound. */
  readonly url: Promise<string>;
  close(): Promise<void>;
}

/** @internal Serves `/metrics` (GET and HEAD); everything else is 404 or 405. */
export function startPrometheusExporter(options: PrometheusExporterOptions): RunningExporter {
  const hostname = options.hostname ?? "0.0.0.0";
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Not found: metrics are at /metrics\n");
    } else if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" });
      res.end("Method not allowed\n");
    } else {
      metricsHandler(req, res);
    }
  });
  // A malformed request gets a 400 and its socket closed; the server goes on.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  const url = new Promise<string>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 9464, hostname, () => {
      server.off("error", reject);
      resolve(scrapeUrl(hostname, (server.address() as AddressInfo).port));
    });
  });
  url.catch(() => {}); // reported through `url` to whoever awaits it
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** @internal Where a scraper reaches an endpoint listening on `hostname:port`. */
export function scrapeUrl(hostname: string, port: number): string {
  const host = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`;
}
