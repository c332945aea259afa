import { readFileSync } from "node:fs";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Manifest } from "autometrics-register/tooling";

/** The page's files, built by bundle.mjs from explorer/. */
const PAGE = join(__dirname, "explorer");
const ASSETS: Record<string, [file: string, type: string]> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/explorer.js": ["explorer.js", "text/javascript; charset=utf-8"],
  "/explorer.css": ["explorer.css", "text/css; charset=utf-8"],
};

/** The page's longest query is a few hundred bytes: anything far larger is not from it. */
const MAX_QUERY_BYTES = 64 * 1024;

/** The read-only parts of Prometheus's HTTP API the page asks for; nothing that writes or deletes. */
const PROXIED = /^\/api\/v1\/(query|query_range|targets)$/;

export interface Explorer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the Explorer page on `host:port` (0: any free port): its files, the
 * project's manifest, and a read-only pass-through to Prometheus's query API,
 * so that the page needs no CORS setup. Requests naming another host are
 * refused, so a web page elsewhere cannot reach it by DNS rebinding.
 */
export function serveExplorer(manifest: Manifest, port: number, host = "127.0.0.1"): Promise<Explorer> {
  const prometheus = new URL(manifest.prometheus.endsWith("/") ? manifest.prometheus : `${manifest.prometheus}/`);
  const manifestJson = JSON.stringify(manifest);
  let allows: (host: string) => boolean = () => false;
  const server = createServer((req, res) => {
    if (!allows(req.headers.host ?? "")) return send(res, 421, "text/plain", `autometrics explorer: unknown host ${req.headers.host}\n`);
    // A page elsewhere can still post a form here (with this host's name): it says where it comes from.
    const origin = req.headers.origin;
    if (origin !== undefined && !allows(origin.replace(/^https?:\/\//, ""))) {
      return send(res, 403, "text/plain", `autometrics explorer: requests from ${origin} are refused\n`);
    }
    const url = new URL(req.url ?? "/", "http://explorer");
    const asset = ASSETS[url.pathname];
    if (asset !== undefined && req.method === "GET") return sendFile(res, asset);
    if (url.pathname === "/api/manifest" && req.method === "GET") return send(res, 200, "application/json", manifestJson);
    if (url.pathname === "/favicon.ico") return send(res, 204, "text/plain", "");
    const forwarded = url.pathname.replace(/^\/api\/prometheus/, "");
    if (forwarded !== url.pathname && PROXIED.test(forwarded) && (req.method === "GET" || req.method === "POST")) {
      return void proxy(req, res, new URL(`.${forwarded}${url.search}`, prometheus));
    }
    send(res, 404, "text/plain", `autometrics explorer: no ${req.method} ${url.pathname}\n`);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      const shown = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
      const names = new Set([`${shown}:${bound}`, `localhost:${bound}`, `127.0.0.1:${bound}`, `[::1]:${bound}`]);
      // On every interface, any name with the right port is meant.
      allows = host === "0.0.0.0" || host === "::" ? (h) => h.endsWith(`:${bound}`) : (h) => names.has(h);
      resolve({
        url: `http://${shown}:${bound}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
  res.end(body);
}

/** Each file as first read: they do not change while `start` runs. */
const read = new Map<string, Buffer>();

function sendFile(res: ServerResponse, [file, type]: [string, string]): void {
  let body = read.get(file);
  try {
    body ??= readFileSync(join(PAGE, file));
    read.set(file, body);
  } catch {
    return send(res, 500, "text/plain", `autometrics explorer: ${file} is missing from ${PAGE} (was the package built?)\n`);
  }
  send(res, 200, type, body);
}

/** Forwards one query; when Prometheus cannot be reached, answers as Prometheus would with an error, saying why. */
async function proxy(req: IncomingMessage, res: ServerResponse, target: URL): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_QUERY_BYTES) return send(res, 413, "text/plain", `autometrics explorer: a query of over ${MAX_QUERY_BYTES} bytes\n`);
    chunks.push(chunk as Buffer);
  }
  try {
    const answer = await fetch(target, {
      method: req.method,
      headers: req.method === "POST" ? { "Content-Type": "application/x-www-form-urlencoded" } : {},
      body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    send(res, answer.status, answer.headers.get("content-type") ?? "application/json", Buffer.from(await answer.arrayBuffer()));
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    send(
      res,
      502,
      "application/json",
      JSON.stringify({ status: "error", errorType: "unreachable", error: `Prometheus at ${target.origin} cannot be reached (${why})` }),
    );
  }
}
