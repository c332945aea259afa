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

/**
 * What the endpoint allows a client, so that no client can take the app's
 * file descriptors or memory: scrapers are few and quick (Prometheus keeps one
 * connection per target), a request's headers come within seconds, and a
 * connection over the cap is closed at once.
 */
const LIMITS = { maxConnections: 64, headersTimeout: 5_000, requestTimeout: 10_000, keepAliveTimeout: 30_000, checkEveryMs: 1_000 };

/** @internal Serves `/metrics` (GET and HEAD); everything else is 404 or 405. */
export function startPrometheusExporter(options: PrometheusExporterOptions): RunningExporter {
  const hostname = options.hostname ?? "0.0.0.0";
  const server: Server = createServer(
    {
      headersTimeout: LIMITS.headersTimeout,
      requestTimeout: LIMITS.requestTimeout,
      keepAliveTimeout: LIMITS.keepAliveTimeout,
      connectionsCheckingInterval: LIMITS.checkEveryMs,
    },
    (req, res) => {
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
    },
  );
  server.maxConnections = LIMITS.maxConnections;
  // A malformed or timed-out request gets a 400 (408), and its socket is destroyed
  // once that is written (or a second later): a client that never reads must not
  // keep a descriptor. The server goes on.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
    const done = () => socket.destroy();
    if (!socket.writable) return done();
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`, done);
    setTimeout(done, 1000).unref();
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
