import { reportThrottled } from "../report";
import { encodeJson, encodeProtobuf } from "./encode";
import type { Snapshots } from "./snapshot";

/** Push metrics over OTLP/HTTP, from any runtime (docs/where-code-runs.md). */
export interface OtlpPushOptions {
  type: "otlp";
  /**
   * The metrics endpoint, e.g. http://collector:4318/v1/metrics. Default:
   * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT`
   * with `/v1/metrics`, else http://localhost:4318/v1/metrics.
   */
  url?: string;
  /** Default: `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`, else "http/protobuf". */
  protocol?: "http/protobuf" | "http/json";
  /** Added to each request (an API key, a tenant); the variables' headers are added too. */
  headers?: Record<string, string>;
  /**
   * "gzip" (default; the collector's receiver takes it: a push of 1,000
   * functions shrinks about 50 times) or "none". Default:
   * `OTEL_EXPORTER_OTLP_METRICS_COMPRESSION`, `OTEL_EXPORTER_OTLP_COMPRESSION`.
   */
  compression?: "gzip" | "none";
  /**
   * "cumulative" (default): each push carries the totals, so a repeated or
   * lost push changes nothing (the shipped collector configuration expects
   * this); "delta": the increase since the last acknowledged push.
   */
  temporality?: "cumulative" | "delta";
  /** How often to push; default `OTEL_METRIC_EXPORT_INTERVAL`, else 60000. `flush()` pushes at once. */
  intervalMs?: number;
  /** Per push; default `OTEL_EXPORTER_OTLP_METRICS_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10000. */
  timeoutMs?: number;
  /**
   * Node.js: push once each request's response is sent, through Next.js's
   * `after()` (which keeps a serverless function alive for it). Default:
   * `AUTOMETRICS_FLUSH_AFTER_REQUEST`, else on in a Next.js server on Vercel,
   * AWS Lambda, Netlify, Cloud Run or Azure Functions.
   */
  flushAfterRequest?: boolean;
}

/** @internal The options with every default applied. */
export interface ResolvedPush {
  url: string;
  protocol: "http/protobuf" | "http/json";
  headers: Record<string, string>;
  compression: "gzip" | "none";
  temporality: "cumulative" | "delta";
  intervalMs: number;
  timeoutMs: number;
}

/** @internal What a platform gives the pusher: Node unrefs its timer; a page sends with a beacon. */
export interface PushPlatform {
  /** Keeps the interval timer from holding the process open. */
  unref?(timer: unknown): void;
  /** Sends a body without waiting for an answer (a page being hidden); false if it could not. */
  beacon?(url: string, body: Uint8Array | string, contentType: string): boolean;
  /**
   * Each request awaits only what it made itself (a Worker's rule: a promise
   * of one request awaited in another's is dropped with it), so a flush waits
   * for a push in flight by polling, not by awaiting the other's promise.
   */
  isolatedRequests?: boolean;
  /**
   * A page: pushes use `keepalive` (they outlive the page), a push in flight
   * when the page goes away counts as delivered, and so does one that failed
   * after it may have arrived. Each call is sent at most once: never twice,
   * possibly not at all.
   */
  page?: boolean;
}

/** Largest body a page may send with `keepalive` (the browsers' limit is 64 KiB for all of them in flight). */
const KEEPALIVE_LIMIT = 60_000;

const CONTENT_TYPES = { "http/protobuf": "application/x-protobuf", "http/json": "application/json" } as const;

/**
 * Sends snapshots to an OTLP/HTTP endpoint with `fetch`: on an interval and
 * whenever `flush()` asks. One push at a time: a flush while one is in flight
 * waits for it, then sends what was recorded since. A push never throws;
 * failures are reported (at most once a minute) and the next push carries
 * their numbers, so nothing is lost while the process lives and nothing grows
 * while the collector is away.
 * @internal
 */
export class Pusher {
  private inFlight: Promise<void> | null = null;
  /** The push in flight's commit, for a page that goes away before its answer. */
  private inFlightCommit: (() => void) | null = null;
  private queued: Promise<void> | null = null;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly options: ResolvedPush,
    private readonly snapshots: Snapshots,
    private readonly platform: PushPlatform = {},
  ) {
    if (Number.isFinite(options.intervalMs)) {
      this.timer = setInterval(() => void this.flush(), options.intervalMs);
      platform.unref?.(this.timer);
    }
  }

  /** Sends what is recorded by the end of the current task; resolves once it is delivered, failed or timed out. Never rejects. */
  flush(): Promise<void> {
    if (this.inFlight === null) return this.start();
    if (this.platform.isolatedRequests) return this.afterInFlight();
    // What is in flight was taken before this call: send again once it settles, once for every flush waiting.
    this.queued ??= this.inFlight.then(() => {
      this.queued = null;
      return this.start();
    });
    return this.queued;
  }

  /** `flush()` for isolated requests: waits, on its own timers, until no push is in flight (one at a time, in order). */
  private async afterInFlight(): Promise<void> {
    while (this.inFlight !== null) await new Promise((resolve) => setTimeout(resolve, 5));
    return this.start();
  }

  /** Hands what is recorded to the platform's beacon (a page being hidden); `flush()` where there is none. */
  beacon(): void {
    const send = this.platform.beacon;
    if (send === undefined) {
      void this.flush();
      return;
    }
    // A push in flight goes on (keepalive) and counts as delivered: the beacon carries only what came after it.
    this.inFlightCommit?.();
    const { snapshot, commit } = this.snapshots.take();
    if (snapshot.calls.length === 0 && snapshot.durations.length === 0) return; // nothing since
    const body = this.encode(snapshot);
    // The page may not live to see an answer: counted as delivered.
    if (send(this.options.url, body, CONTENT_TYPES[this.options.protocol])) commit();
    else void this.flush();
  }

  /** Stops the interval and sends a last push. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.flush();
  }

  private start(): Promise<void> {
    // The numbers are taken once the current task is over, so a call that asks
    // for the flush (middleware handing it to waitUntil) is in it, having ended.
    const push = new Promise((resolve) => setTimeout(resolve, 0))
      .then(() => this.send())
      .finally(() => {
        this.inFlight = null;
      });
    this.inFlight = push;
    return push;
  }

  private encode(snapshot: Parameters<typeof encodeJson>[0]): Uint8Array | string {
    return this.options.protocol === "http/json" ? encodeJson(snapshot) : encodeProtobuf(snapshot);
  }

  private async send(): Promise<void> {
    const { url, protocol, headers, timeoutMs } = this.options;
    let body: Uint8Array | string;
    let commit: () => void;
    let reached: () => void;
    try {
      const taken = this.snapshots.take();
      body = this.encode(taken.snapshot);
      ({ commit, reached } = taken);
      if (this.platform.page) reached = commit; // at most once: a push that may have arrived counts as delivered
    } catch (error) {
      this.fail("could not encode the metrics", error);
      return;
    }
    let encoding: Record<string, string> = {};
    if (this.options.compression === "gzip" && typeof CompressionStream === "function") {
      try {
        body = await gzip(body);
        encoding = { "Content-Encoding": "gzip" };
      } catch {
        // sent as it is
      }
    }
    const keepalive = this.platform.page === true && body.length <= KEEPALIVE_LIMIT;
    if (keepalive) this.inFlightCommit = commit;
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    this.platform.unref?.(timeout);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { ...headers, ...encoding, "Content-Type": CONTENT_TYPES[protocol] },
        body: body as RequestInit["body"],
        signal: abort.signal,
        ...(keepalive ? { keepalive } : {}),
      });
      const text = await response.text();
      if (!response.ok) {
        this.fail(`the collector at ${url} answered ${response.status}${text ? `: ${text.slice(0, 300)}` : ""}`);
        return;
      }
      commit();
      const rejected = protocol === "http/json" ? rejectedPoints(text) : undefined;
      if (rejected !== undefined) reportThrottled("otlp-push:partial", `the collector at ${url} rejected ${rejected}`);
    } catch (error) {
      // Unless the request surely never left (no connection), the collector may have counted it.
      if (!neverSent(error)) reached();
      this.fail(`pushing metrics to ${url} failed`, abort.signal.aborted ? abort.signal.reason : error);
    } finally {
      clearTimeout(timeout);
      this.inFlightCommit = null;
    }
  }

  private fail(message: string, error?: unknown): void {
    reportThrottled("otlp-push", message, error);
  }
}

/** A body gzipped with the platform's CompressionStream (Node, Workers, edge runtimes and browsers have it). */
async function gzip(body: Uint8Array | string): Promise<Uint8Array> {
  const input = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const stream = new Blob([input as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Whether a failed fetch surely sent nothing: no connection could be made. */
function neverSent(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === "string" && ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"].includes(code);
}

/** An OTLP/JSON answer's partial success, in words, if some points were rejected. */
function rejectedPoints(text: string): string | undefined {
  if (!text.includes("partialSuccess")) return undefined;
  try {
    const partial = JSON.parse(text).partialSuccess;
    const count = Number(partial?.rejectedDataPoints ?? 0);
    if (count > 0) return `${count} data points${partial.errorMessage ? ` (${partial.errorMessage})` : ""}`;
  } catch {
    // not JSON after all: nothing to say
  }
  return undefined;
}
