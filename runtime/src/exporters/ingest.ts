import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getBuildInfo } from "../build-info";
import { AutometricsConfigError } from "../errors";
import { CallerSeries, FunctionHandle, settings } from "../function-handle";
import { type Attributes, buildInfoAttributes, callAttributes, functionAttributes } from "../opentelemetry/attributes";
import type { Objective } from "../objectives";
import { encodeProtobuf } from "../push/encode";
import { resolvePush } from "../push/options";
import type { OtlpPushOptions } from "../push/pusher";
import type { HistogramPoint, NumberPoint, Snapshot } from "../push/snapshot";
import { reportThrottled } from "../report";

/** One function the build instrumented, as `autometrics list --json` prints it. */
export interface KnownFunction {
  function: string;
  module: string;
  objective?: Objective;
}

export interface IngestOptions {
  /**
   * The functions the pages may report: the output of `autometrics list
   * --json` (an array, or the path of a file holding it). Anything else is
   * refused.
   */
  functions: KnownFunction[] | string;
  /** Where to forward (the collector's OTLP/HTTP receiver); default as `exporter: { type: "otlp" }` and the OTEL_* variables. */
  exporter?: Omit<OtlpPushOptions, "type" | "temporality" | "intervalMs"> & { type?: "otlp" };
  /** Largest body accepted, in bytes; default 65536 (a beacon's limit). */
  maxBytes?: number;
  /** Most data points in one batch; default 2000. */
  maxPoints?: number;
  /** Most batches one client (by address) may send a minute; default 120. */
  perClientPerMinute?: number;
  /** The client's address, for the per-client limit; default: the connection's (behind a proxy, give the forwarded one). */
  clientOf?: (request: { headers: Headers; address?: string }) => string;
}

/** A refusal: the status and the reason sent back. */
class Refused extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** Clients remembered for the per-client limit: the least recently seen are forgotten first. */
const MAX_CLIENTS = 10_000;
/** Batches read or forwarded at once, from all clients: past this, a batch is answered 503 at once (a slow collector must not pile them up in memory). */
const MAX_IN_FLIGHT = 64;
const KNOWN_ATTRIBUTES = new Set([
  "function",
  "module",
  "caller.function",
  "caller.module",
  "result",
  "service.name",
  "objective.name",
  "objective.percentile",
  "objective.latency_threshold",
  "runtime",
]);

function loadFunctions(functions: IngestOptions["functions"]): KnownFunction[] {
  let list: unknown = functions;
  if (typeof functions === "string") {
    try {
      list = JSON.parse(readFileSync(functions, "utf8"));
    } catch (error) {
      throw new AutometricsConfigError("functions", `could not read ${functions}: ${(error as Error).message}`);
    }
  }
  if (!Array.isArray(list) || list.some((f) => typeof f?.function !== "string" || typeof f?.module !== "string")) {
    throw new AutometricsConfigError("functions", "expected the output of `autometrics list --json`: an array of { function, module }");
  }
  return list as KnownFunction[];
}

/** A non-negative integer count, from OTLP/JSON (a decimal string or a number). */
function count(value: unknown, what: string): number {
  const n = typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0)
    throw new Refused(400, `${what}: expected a non-negative integer, got ${JSON.stringify(value)?.slice(0, 40)}`);
  return n;
}

function attributesOf(list: unknown, where: string): Map<string, string> {
  if (!Array.isArray(list)) throw new Refused(400, `${where}: expected attributes`);
  const out = new Map<string, string>();
  for (const a of list) {
    const key = a?.key;
    const value = a?.value?.stringValue;
    if (typeof key !== "string" || !KNOWN_ATTRIBUTES.has(key))
      throw new Refused(400, `${where}: unknown attribute ${JSON.stringify(key)?.slice(0, 60)}`);
    if (typeof value !== "string") throw new Refused(400, `${where}: attribute ${key} is not a string`);
    out.set(key, value);
  }
  return out;
}

/**
 * Receives what pages push (the browser entry's OTLP/JSON, delta) and forwards
 * it to the collector as this server's, with `runtime="browser"`. The
 * endpoint is open to anyone, so its input is taken as hostile: only the
 * functions of the build, with their own objectives; counts that are
 * non-negative integers; durations that are finite, non-negative and add up;
 * bounded bodies, batches, batches per client and batches at once. Anything else is answered
 * with a 4xx and the reason, and nothing of that batch is forwarded. Memory
 * stays bounded whatever arrives: the series are the build's functions ×
 * their callers, and the clients remembered are at most 10,000.
 */
export class Ingest {
  private readonly known = new Map<string, FunctionHandle>();
  private readonly callers = new Map<FunctionHandle, Map<FunctionHandle | null, CallerSeries>>();
  private readonly clients = new Map<string, { minute: number; batches: number }>();
  private readonly target: ReturnType<typeof resolvePush>;
  private readonly maxBytes: number;
  private readonly maxPoints: number;
  private readonly perClient: number;
  private readonly withRuntime = new WeakMap<Attributes, Attributes>();
  private inFlight = 0;

  constructor(private readonly options: IngestOptions) {
    for (const f of loadFunctions(options.functions)) {
      this.known.set(`${f.module}\u0000${f.function}`, new FunctionHandle(f.function, f.module, { objective: f.objective }));
    }
    this.target = resolvePush({ ...options.exporter, type: "otlp", protocol: "http/protobuf" }, process.env);
    this.maxBytes = options.maxBytes ?? 65_536;
    this.maxPoints = options.maxPoints ?? 2000;
    this.perClient = options.perClientPerMinute ?? 120;
  }

  /** Handles one request; resolves with the status and body to answer. */
  async receive(
    method: string,
    contentType: string,
    body: () => Promise<Uint8Array | null>,
    client: string,
  ): Promise<{ status: number; body: string }> {
    let counted = false;
    try {
      if (method !== "POST") throw new Refused(405, "POST OTLP/JSON metrics here");
      if (!contentType.startsWith("application/json")) throw new Refused(415, "expected application/json (OTLP/JSON)");
      this.admit(client);
      if (this.inFlight >= MAX_IN_FLIGHT) throw new Refused(503, "too many batches at once; send again later");
      this.inFlight++;
      counted = true;
      const bytes = await body();
      if (bytes === null) throw new Refused(413, `the body is larger than ${this.maxBytes} bytes`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
      } catch {
        throw new Refused(400, "the body is not JSON");
      }
      const snapshot = this.validate(parsed);
      const forwarded = await this.forward(snapshot);
      if (!forwarded) throw new Refused(503, "the collector could not be reached; send again later");
      return { status: 200, body: "{}" };
    } catch (error) {
      if (error instanceof Refused) return { status: error.status, body: JSON.stringify({ error: error.message }) };
      throw error;
    } finally {
      if (counted) this.inFlight--;
    }
  }

  /** The per-client limit: a fixed one-minute window, counted per address. */
  private admit(client: string): void {
    const minute = Math.floor(Date.now() / 60_000);
    let seen = this.clients.get(client);
    if (seen !== undefined) this.clients.delete(client); // re-inserted below: the map stays in order of last use
    if (seen === undefined || seen.minute !== minute) seen = { minute, batches: 0 };
    this.clients.set(client, seen);
    if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
    if (++seen.batches > this.perClient) throw new Refused(429, `more than ${this.perClient} batches a minute from this client`);
  }

  private handleFor(attributes: Map<string, string>, where: string): FunctionHandle {
    const handle = this.known.get(`${attributes.get("module")}\u0000${attributes.get("function")}`);
    if (handle === undefined) {
      throw new Refused(
        400,
        `${where}: ${JSON.stringify(attributes.get("function") ?? "")?.slice(0, 80)} in ${JSON.stringify(attributes.get("module") ?? "")?.slice(0, 80)} is not a function of this build`,
      );
    }
    return handle;
  }

  private seriesFor(handle: FunctionHandle, attributes: Map<string, string>, where: string): CallerSeries {
    const callerName = attributes.get("caller.function") ?? "";
    const callerModule = attributes.get("caller.module") ?? "";
    const caller = callerName === "" && callerModule === "" ? null : this.known.get(`${callerModule}\u0000${callerName}`);
    if (caller === undefined) throw new Refused(400, `${where}: the caller is not a function of this build`);
    let byCaller = this.callers.get(handle);
    if (byCaller === undefined) this.callers.set(handle, (byCaller = new Map()));
    let series = byCaller.get(caller);
    if (series === undefined) byCaller.set(caller, (series = new CallerSeries(caller)));
    return series;
  }

  private browser(attributes: Attributes): Attributes {
    let out = this.withRuntime.get(attributes);
    if (out === undefined) this.withRuntime.set(attributes, (out = { ...attributes, runtime: "browser" }));
    return out;
  }

  /** The batch as this server's delta snapshot, or a refusal naming the first thing wrong. */
  private validate(request: unknown): Snapshot {
    const service = getBuildInfo().serviceName;
    const calls = new Map<Attributes, number>();
    const durations = new Map<FunctionHandle, HistogramPoint>();
    let points = 0;
    const resources = (request as { resourceMetrics?: unknown })?.resourceMetrics;
    if (!Array.isArray(resources)) throw new Refused(400, "expected an OTLP ExportMetricsServiceRequest (resourceMetrics)");
    for (const rm of resources) {
      for (const sm of Array.isArray(rm?.scopeMetrics) ? rm.scopeMetrics : []) {
        for (const metric of Array.isArray(sm?.metrics) ? sm.metrics : []) {
          const name = metric?.name;
          if (name === "build_info" || name === "function.calls.concurrent") continue; // the server says these itself
          if (name !== "function.calls" && name !== "function.calls.duration")
            throw new Refused(400, `unknown metric ${JSON.stringify(name)?.slice(0, 60)}`);
          const data = name === "function.calls" ? metric.sum : metric.histogram;
          if (data?.aggregationTemporality !== 1) throw new Refused(400, `${name}: expected delta temporality (1)`);
          const list = data.dataPoints;
          if (!Array.isArray(list)) throw new Refused(400, `${name}: expected dataPoints`);
          for (const p of list) {
            if (++points > this.maxPoints) throw new Refused(413, `more than ${this.maxPoints} data points in one batch`);
            const where = `${name} point ${points}`;
            const attributes = attributesOf(p?.attributes, where);
            const handle = this.handleFor(attributes, where);
            const of = functionAttributes(handle, service);
            if (name === "function.calls") {
              const result = attributes.get("result");
              if (result !== "ok" && result !== "error") throw new Refused(400, `${where}: result must be ok or error`);
              const [ok, error] = callAttributes(handle, of, this.seriesFor(handle, attributes, where));
              const key = this.browser(result === "ok" ? ok : error);
              calls.set(key, (calls.get(key) ?? 0) + count(p.asInt, `${where} asInt`));
            } else {
              const bounds = p?.explicitBounds;
              if (
                !Array.isArray(bounds) ||
                bounds.length !== settings.buckets.length ||
                bounds.some((b: unknown, i: number) => b !== settings.buckets[i])
              ) {
                throw new Refused(400, `${where}: the buckets are not this server's`);
              }
              const buckets = p.bucketCounts;
              if (!Array.isArray(buckets) || buckets.length !== bounds.length + 1)
                throw new Refused(400, `${where}: expected ${bounds.length + 1} bucket counts`);
              const counts = buckets.map((c: unknown, i: number) => count(c, `${where} bucketCounts[${i}]`));
              const total = count(p.count, `${where} count`);
              const sum = p.sum;
              if (typeof sum !== "number" || !Number.isFinite(sum) || sum < 0)
                throw new Refused(400, `${where} sum: expected a finite, non-negative number of seconds`);
              if (counts.reduce((a: number, b: number) => a + b, 0) !== total)
                throw new Refused(400, `${where}: the bucket counts do not add up to count`);
              const known = durations.get(handle);
              if (known === undefined) {
                durations.set(handle, { attributes: this.browser(of.duration), bounds: settings.buckets, counts, sum, count: total });
              } else {
                known.counts = Array.from(known.counts, (c, i) => c + counts[i]);
                known.sum += sum;
                known.count += total;
              }
            }
          }
        }
      }
    }
    const info = getBuildInfo();
    const now = BigInt(Date.now()) * 1_000_000n;
    const calls_: NumberPoint[] = [...calls].map(([attributes, value]) => ({ attributes, value }));
    return {
      resource: { "service.name": service },
      start: String(now - 1n),
      time: String(now),
      temporality: "delta",
      calls: calls_,
      durations: [...durations.values()],
      concurrent: [],
      buildInfo: this.browser(buildInfoAttributes(info)),
    };
  }

  private async forward(snapshot: Snapshot): Promise<boolean> {
    const { url, headers, timeoutMs } = this.target;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/x-protobuf" },
        body: encodeProtobuf(snapshot) as RequestInit["body"],
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      if (response.ok) return true;
      reportThrottled("ingest", `the collector at ${url} answered ${response.status} to the pages' metrics`);
    } catch (error) {
      reportThrottled("ingest", `forwarding the pages' metrics to ${url} failed`, error);
    }
    return false;
  }

  /** A Node `http` handler: `http.createServer(ingest.node)`, or mounted at a path of an express app. */
  readonly node = (req: IncomingMessage, res: ServerResponse): void => {
    const limit = this.maxBytes;
    const body = () =>
      new Promise<Uint8Array | null>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= limit) chunks.push(chunk);
          else {
            // Past the limit: keep nothing more; the answer closes the connection.
            chunks.length = 0;
            resolve(null);
          }
        });
        req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks)));
        req.on("error", reject);
      });
    const client =
      this.options.clientOf?.({ headers: new Headers(req.headers as Record<string, string>), address: req.socket.remoteAddress }) ??
      req.socket.remoteAddress ??
      "";
    this.receive(req.method ?? "", String(req.headers["content-type"] ?? ""), body, client)
      .then(({ status, body: text }) => {
        if (res.headersSent) return;
        // A body too large is not read to its end: the connection closes after the answer.
        const close = status === 413;
        res.writeHead(status, { "Content-Type": "application/json", ...(close ? { Connection: "close" } : {}) }).end(text);
        if (close) res.on("finish", () => req.destroy());
      })
      .catch((error) => {
        reportThrottled("ingest", "the ingest endpoint failed", error);
        if (!res.headersSent) res.writeHead(500).end();
      });
  };

  /** A fetch-style handler, for route handlers: `export const POST = ingestHandler({ … }).fetch`. */
  readonly fetch = async (request: Request): Promise<Response> => {
    const limit = this.maxBytes;
    const body = async () => {
      if (Number(request.headers.get("content-length") ?? "0") > limit) return null;
      // Read no more than the limit, whatever the headers said.
      const reader = request.body?.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const next = await reader?.read();
        if (next === undefined || next.done) break;
        size += next.value.length;
        if (size > limit) {
          void reader!.cancel();
          return null;
        }
        chunks.push(next.value);
      }
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        bytes.set(c, at);
        at += c.length;
      }
      return bytes;
    };
    const client =
      this.options.clientOf?.({ headers: request.headers }) ?? request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "";
    const { status, body: text } = await this.receive(request.method, request.headers.get("content-type") ?? "", body, client);
    return new Response(text, { status, headers: { "Content-Type": "application/json" } });
  };
}

/** The endpoint pages push to (see `Ingest`). */
export function ingestHandler(options: IngestOptions): Ingest {
  return new Ingest(options);
}
