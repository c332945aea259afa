import { expect } from "chai";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_BUCKETS, type Ingest, ingestHandler, init } from "../src";
import { type Receiver, attributes, httpReceiver, metricsByName } from "./helpers/otlp-receiver";

const FUNCTIONS = [
  { function: "addToCart", module: "components/cart.tsx", objective: { name: "cart", successRate: "99" as const } },
  { function: "price", module: "lib/price.ts" },
];

const kv = (o: Record<string, string>) => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));

/** A page's push as the browser entry writes it (OTLP/JSON, delta). */
function batch(
  calls: { attrs: Record<string, string>; value: unknown }[],
  durations: { attrs: Record<string, string>; counts: unknown[]; sum: unknown; count: unknown; bounds?: number[] }[] = [],
) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: kv({ "service.name": "spoofed", "service.instance.id": "page-1" }) },
        scopeMetrics: [
          {
            scope: { name: "autometrics-runtime" },
            metrics: [
              {
                name: "function.calls",
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: calls.map((c) => ({ attributes: kv(c.attrs), startTimeUnixNano: "1", timeUnixNano: "2", asInt: c.value })),
                },
              },
              {
                name: "function.calls.duration",
                unit: "s",
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: durations.map((d) => ({
                    attributes: kv(d.attrs),
                    count: d.count,
                    sum: d.sum,
                    bucketCounts: d.counts,
                    explicitBounds: d.bounds ?? [...DEFAULT_BUCKETS],
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

const cart = { function: "addToCart", module: "components/cart.tsx", "caller.function": "", "caller.module": "", result: "ok" };
const priceFromCart = {
  function: "price",
  module: "lib/price.ts",
  "caller.function": "addToCart",
  "caller.module": "components/cart.tsx",
  result: "error",
};
const oneBucket = (n: number) => [n, ...Array(DEFAULT_BUCKETS.length).fill(0)];

describe("ingest endpoint for pages (ingestHandler)", function () {
  this.timeout(20_000);
  let collector: Receiver;
  let ingest: Ingest;
  let url: string;
  let close: () => void;

  beforeEach(async () => {
    init({ serviceName: "shop", detectBuildInfo: false, buildInfo: { version: "2.0.0" } });
    collector = await httpReceiver();
    ingest = ingestHandler({ functions: FUNCTIONS, exporter: { url: collector.url }, perClientPerMinute: 5 });
    const server = createServer(ingest.node);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/autometrics`;
    close = () => {
      server.close();
      server.closeAllConnections();
    };
  });
  afterEach(async () => {
    close();
    await collector.close();
  });

  const post = (body: unknown, type = "application/json") =>
    fetch(url, { method: "POST", headers: { "content-type": type }, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("forwards a page's calls as this service's, with runtime=browser and the build's own objective", async () => {
    const response = await post(
      batch(
        [
          { attrs: cart, value: "3" },
          { attrs: priceFromCart, value: 2 },
        ],
        [{ attrs: { function: "price", module: "lib/price.ts" }, counts: oneBucket(2), sum: 0.002, count: "2" }],
      ),
    );
    expect(response.status).to.equal(200);
    expect(collector.received).to.have.length(1);
    expect(collector.received[0]!.transport).to.equal("http-proto");
    const metrics = metricsByName(collector.received);
    const resource = attributes(collector.received[0]!.body.resourceMetrics[0].resource.attributes);
    expect(resource).to.deep.equal({ "service.name": "shop" });
    const calls = metrics.get("function.calls")![0]!;
    expect(calls.sum.aggregationTemporality).to.equal(1);
    const points = calls.sum.dataPoints.map((p: any) => ({ ...attributes(p.attributes), value: Number(p.asInt) }));
    expect(points).to.deep.include({
      function: "addToCart",
      module: "components/cart.tsx",
      "service.name": "shop",
      "caller.function": "",
      "caller.module": "",
      "objective.name": "cart",
      "objective.percentile": "99",
      result: "ok",
      runtime: "browser",
      value: 3,
    });
    expect(points.find((p: any) => p.function === "price")).to.include({ "caller.function": "addToCart", result: "error", value: 2 });
    const histogram = metrics.get("function.calls.duration")![0]!.histogram.dataPoints[0];
    expect(Number(histogram.count)).to.equal(2);
    const info = attributes(metrics.get("build_info")![0]!.gauge.dataPoints[0].attributes);
    expect(info).to.include({ version: "2.0.0", runtime: "browser", "service.name": "shop" });
  });

  const hostile: [string, unknown, number, RegExp][] = [
    [
      "an unknown function",
      batch([{ attrs: { ...cart, function: "evil" }, value: 1 }]),
      400,
      /"evil" in "components\/cart.tsx" is not a function of this build/,
    ],
    [
      "a known function in another module",
      batch([{ attrs: { ...cart, module: "x.js" }, value: 1 }]),
      400,
      /is not a function of this build/,
    ],
    [
      "an unknown caller",
      batch([{ attrs: { ...priceFromCart, "caller.function": "nope" }, value: 1 }]),
      400,
      /the caller is not a function of this build/,
    ],
    ["an attribute it does not know", batch([{ attrs: { ...cart, user: "alice" }, value: 1 }]), 400, /unknown attribute "user"/],
    [
      "a result that is neither ok nor error",
      batch([{ attrs: { ...cart, result: "maybe" }, value: 1 }]),
      400,
      /result must be ok or error/,
    ],
    ["a negative count", batch([{ attrs: cart, value: -1 }]), 400, /expected a non-negative integer, got -1/],
    ["a fractional count", batch([{ attrs: cart, value: 1.5 }]), 400, /non-negative integer/],
    ["an enormous count", batch([{ attrs: cart, value: "1e308" }]), 400, /non-negative integer/],
    ["NaN", batch([{ attrs: cart, value: "NaN" }]), 400, /non-negative integer/],
    [
      "a negative duration",
      batch([], [{ attrs: { function: "price", module: "lib/price.ts" }, counts: oneBucket(1), sum: -1, count: 1 }]),
      400,
      /sum: expected a finite, non-negative/,
    ],
    [
      "buckets that do not add up",
      batch([], [{ attrs: { function: "price", module: "lib/price.ts" }, counts: oneBucket(5), sum: 1, count: 1 }]),
      400,
      /do not add up/,
    ],
    [
      "other buckets",
      batch([], [{ attrs: { function: "price", module: "lib/price.ts" }, counts: [1, 0], sum: 1, count: 1, bounds: [1] }]),
      400,
      /buckets are not this server's/,
    ],
    [
      "cumulative temporality",
      JSON.parse(JSON.stringify(batch([{ attrs: cart, value: 1 }])).replace('"aggregationTemporality":1', '"aggregationTemporality":2')),
      400,
      /expected delta temporality/,
    ],
    [
      "another metric",
      { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: "http.server.duration" }] }] }] },
      400,
      /unknown metric "http.server.duration"/,
    ],
    ["not OTLP", { hello: "world" }, 400, /expected an OTLP ExportMetricsServiceRequest/],
    ["not JSON", "{{{", 400, /not JSON/],
    ["a huge body", `{"resourceMetrics":[${"0,".repeat(40_000)}0]}`, 413, /larger than 65536 bytes/],
  ];
  for (const [what, body, status, reason] of hostile) {
    it(`refuses ${what} with ${status} and a reason, forwarding nothing`, async () => {
      const response = await post(body);
      expect(response.status).to.equal(status);
      expect((await response.json()).error).to.match(reason);
      expect(collector.received).to.deep.equal([]);
    });
  }

  it("refuses other content types and methods", async () => {
    expect((await post(batch([]), "text/plain")).status).to.equal(415);
    expect((await fetch(url)).status).to.equal(405);
  });

  it("refuses a batch with too many points, and a client sending too many batches", async () => {
    const many = ingestHandler({ functions: FUNCTIONS, exporter: { url: collector.url }, maxPoints: 3 });
    const tooMany = batch(Array.from({ length: 4 }, () => ({ attrs: cart, value: 1 })));
    const answer = await many.receive("POST", "application/json", async () => new TextEncoder().encode(JSON.stringify(tooMany)), "a");
    expect(answer.status).to.equal(413);
    expect(answer.body).to.match(/more than 3 data points/);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await post(batch([{ attrs: cart, value: 1 }]))).status);
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 429]);
    expect(collector.received).to.have.length(5);
  });

  it("keeps its memory bounded under a flood of junk from many clients", async () => {
    const before = process.memoryUsage().heapUsed;
    const junk = new TextEncoder().encode(JSON.stringify(batch([{ attrs: { ...cart, function: "x".repeat(1000) }, value: 1 }])));
    for (let i = 0; i < 30_000; i++) {
      await ingest.receive("POST", "application/json", async () => junk, `10.0.${i >> 8}.${i & 255}`);
    }
    const clients = (ingest as unknown as { clients: Map<string, unknown> }).clients;
    expect(clients.size).to.equal(10_000);
    const callers = (ingest as unknown as { callers: Map<unknown, unknown> }).callers;
    expect(callers.size).to.equal(0);
    expect(collector.received).to.deep.equal([]);
    expect(process.memoryUsage().heapUsed - before).to.be.lessThan(64 * 1024 * 1024);
  });

  it("answers 503 at once past 64 batches in flight, when the collector is slow, instead of piling them up", async () => {
    collector.answer = () => "hang";
    const slow = ingestHandler({ functions: FUNCTIONS, exporter: { url: collector.url, timeoutMs: 2000 }, perClientPerMinute: 1000 });
    const body = new TextEncoder().encode(JSON.stringify(batch([{ attrs: cart, value: 1 }])));
    const settled: number[] = [];
    const answers = Array.from({ length: 70 }, (_, i) =>
      slow.receive("POST", "application/json", async () => body, `client-${i}`).then((a) => (settled.push(i), a)),
    );
    const all = await Promise.all(answers);
    // The last 6 are turned away without waiting: they settle before any of the 64 that waited for the collector.
    expect(settled.slice(0, 6).sort((a, b) => a - b)).to.deep.equal([64, 65, 66, 67, 68, 69]);
    expect(all.slice(64)).to.deep.equal(
      Array.from({ length: 6 }, () => ({ status: 503, body: JSON.stringify({ error: "too many batches at once; send again later" }) })),
    );
    const held = all.slice(0, 64);
    expect(held.every((a) => a.status === 503 && /could not be reached/.test(a.body))).to.equal(true);
  });

  it("answers 503 when the collector is away, so the page sends the calls again", async () => {
    collector.answer = () => 503;
    const response = await post(batch([{ attrs: cart, value: 1 }]));
    expect(response.status).to.equal(503);
  });

  it("works as a route handler (fetch-style), reading no more of the body than its limit", async () => {
    const ok = await ingest.fetch(
      new Request("http://x/api", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(batch([{ attrs: cart, value: 1 }])),
      }),
    );
    expect(ok.status).to.equal(200);
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(new Uint8Array(16_384)); // never ends: only the limit stops it
      },
    });
    const big = await ingest.fetch(
      new Request("http://x/api", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(big.status).to.equal(413);
  });

  it("says which option is wrong", () => {
    expect(() => ingestHandler({ functions: "/nonexistent.json" })).to.throw(/`functions`: could not read \/nonexistent.json/);
    expect(() => ingestHandler({ functions: [{ name: "x" }] as never })).to.throw(
      /`functions`: expected the output of `autometrics list --json`/,
    );
  });
});
