import type { IncomingMessage, ServerResponse } from "node:http";
import { reportOnce } from "../report";
import { type Scrape, acceptsGzip, byteLength, scrape } from "./scrape";

/**
 * Serves the metrics in the Prometheus text format (or OpenMetrics, when the
 * registry is set to it), gzipped when the scraper accepts it: mount it in
 * your own `node:http` or Express-style server, e.g.
 * `app.get("/metrics", metricsHandler)`.
 */
export function metricsHandler(req: IncomingMessage, res: ServerResponse): void {
  void respond(req, res);
}

async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let answer: Scrape;
  try {
    answer = await scrape();
  } catch (error) {
    reportOnce("scrape", "collecting metrics failed", error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(`collecting metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return;
  }
  const head = req.method === "HEAD";
  if (acceptsGzip(req.headers["accept-encoding"])) {
    const body = await answer.gzipped();
    res.writeHead(200, {
      "Content-Type": answer.contentType,
      "Content-Encoding": "gzip",
      "Content-Length": body.length,
      Vary: "Accept-Encoding",
    });
    res.end(head ? undefined : body);
    return;
  }
  res.writeHead(200, { "Content-Type": answer.contentType, "Content-Length": byteLength(answer.chunks), Vary: "Accept-Encoding" });
  if (!head) for (const chunk of answer.chunks) res.write(chunk);
  res.end();
}

/**
 * The metrics as a web `Response`, for frameworks built on the fetch API (a
 * Next.js route handler: `export async function GET() { await connection();
 * return metricsResponse(); }`). Not compressed: such hosts compress responses
 * themselves (Next.js does by default), and would compress a gzipped body again.
 */
export async function metricsResponse(): Promise<Response> {
  let answer: Scrape;
  try {
    answer = await scrape();
  } catch (error) {
    reportOnce("scrape", "collecting metrics failed", error);
    return new Response(`collecting metrics failed: ${error instanceof Error ? error.message : String(error)}\n`, {
      status: 500,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(new Blob(answer.chunks as Buffer[]), { headers: { "Content-Type": answer.contentType } });
}
