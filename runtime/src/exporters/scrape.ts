import { createGzip } from "node:zlib";
import type { Registry } from "prom-client";
import { CollectedMetric } from "../prometheus/metrics";
import { YIELD_AFTER, turn } from "../prometheus/registry";
import { type Format, probeDefaults, renderMetric } from "../prometheus/render";
import { metricsRegistry } from "../prometheus/tracker";
import { getBuildInfo } from "../build-info";
import { clusterMetrics } from "./cluster";

const OPENMETRICS = "application/openmetrics-text";

/** One scrape's answer: the text in chunks of UTF-8, and gzipped once if a scraper asks. */
export interface Scrape {
  readonly contentType: string;
  readonly chunks: readonly Buffer[];
  gzipped(): Promise<Buffer>;
}

/** Scrapes being written, by registry: a scrape that arrives meanwhile gets the same answer. */
const writing = new Map<Registry, Promise<Scrape>>();

/** @internal The metrics of the runtime's registry, written once for every scrape that arrives while it is written. */
export function scrape(): Promise<Scrape> {
  const registry = metricsRegistry();
  let pending = writing.get(registry);
  if (pending === undefined) {
    pending = answer(registry).finally(() => writing.delete(registry));
    writing.set(registry, pending);
  }
  return pending;
}

async function answer(registry: Registry): Promise<Scrape> {
  const summed = await clusterMetrics();
  const chunks = summed !== null ? [Buffer.from(summed)] : await write(registry);
  let gzipped: Promise<Buffer> | undefined;
  return { contentType: registry.contentType, chunks, gzipped: () => (gzipped ??= gzip(chunks)) };
}

/**
 * What `registry.metrics()` returns, with the autometrics metrics written by
 * render.ts in slices and everyone else's by prom-client, in the registry's
 * order, joined as prom-client joins them.
 */
async function write(registry: Registry): Promise<Buffer[]> {
  const metrics = registry.getMetricsAsArray();
  const defaults = metrics.some((m) => m instanceof CollectedMetric) ? await probeDefaults(registry) : null;
  if (defaults === null) return [Buffer.from(await registry.metrics())];
  const openMetrics = registry.contentType.startsWith(OPENMETRICS);
  const format: Format = { openMetrics, serviceName: getBuildInfo().serviceName, defaults };
  const own = registry as unknown as { getMetricsAsString(metric: unknown): Promise<string> };
  // Each slice is encoded at once: its text, built by concatenation, is flattened there rather than all at the end.
  const chunks: Buffer[] = [];
  let unyielded = 0;
  for (const [i, metric] of metrics.entries()) {
    if (i > 0) chunks.push(Buffer.from(openMetrics ? "\n" : "\n\n"));
    if (metric instanceof CollectedMetric) {
      for (const slice of renderMetric(metric, format)) {
        if (unyielded > YIELD_AFTER) {
          await turn();
          unyielded = 0;
        }
        chunks.push(Buffer.from(slice));
        unyielded += slice.length;
      }
    } else {
      // As registry.metrics() does: an OpenMetrics counter family drops `_total`.
      const named = metric as unknown as { name: string; type: string };
      if (openMetrics && named.type === "counter") named.name = named.name.replace(/_total$/, "");
      chunks.push(Buffer.from(await own.getMetricsAsString(metric)));
    }
  }
  chunks.push(Buffer.from(openMetrics ? "\n# EOF\n" : "\n"));
  return chunks;
}

/** The chunks gzipped (zlib works off the event loop). */
function gzip(chunks: readonly Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = createGzip();
    const out: Buffer[] = [];
    zip.on("data", (b: Buffer) => out.push(b));
    zip.on("end", () => resolve(Buffer.concat(out)));
    zip.on("error", reject);
    for (const chunk of chunks) zip.write(chunk);
    zip.end();
  });
}

/** Whether an `Accept-Encoding` header takes gzip (not with `q=0`). */
export function acceptsGzip(header: string | null | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export function byteLength(chunks: readonly Buffer[]): number {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  return length;
}
