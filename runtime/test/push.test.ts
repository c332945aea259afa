import { expect } from "chai";
import { AutometricsConfigError, DEFAULT_BUCKETS, autometrics, flush, init, instrument, withFlush } from "../src";
import { flushesAfterRequest } from "../src/push/after-request";
import { resetRuntime } from "../src/reset";
import { sleep, warnings } from "./helpers/runtime";
import { type Receiver, attributes, httpReceiver, metricsByName } from "./helpers/otlp-receiver";

const CUMULATIVE = 2;
const DELTA = 1;
const num = (v: unknown) => Number(v ?? 0);

/** Every data point of `name` in `received`, with its attributes as an object. */
function points(receiver: Receiver, name: string, from = 0) {
  const metrics = metricsByName(receiver.received.slice(from)).get(name) ?? [];
  return metrics.flatMap((m) =>
    (m.sum ?? m.histogram ?? m.gauge).dataPoints.map((p: any) => ({ ...p, attrs: attributes(p.attributes), metric: m })),
  );
}

/** Sets environment variables for one test, restoring them after. */
function withEnv(vars: Record<string, string | undefined>, body: () => void | Promise<void>) {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
  const restore = () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  try {
    const result = body();
    if (result instanceof Promise) return result.finally(restore);
    restore();
  } catch (error) {
    restore();
    throw error;
  }
}

describe("OTLP push (exporter otlp)", function () {
  this.timeout(20_000);
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await httpReceiver();
  });
  afterEach(async () => {
    await resetRuntime(); // waits for the last push of the exporter it stops
    await receiver.close();
  });

  for (const protocol of ["http/protobuf", "http/json"] as const) {
    it(`sends names, attributes, buckets and totals over ${protocol}, decoded by OpenTelemetry's own decoder`, async () => {
      init({
        serviceName: "push-svc",
        detectBuildInfo: false,
        buildInfo: { version: "1.2.3" },
        exporter: { type: "otlp", url: receiver.url, protocol, headers: { "x-tenant": "acme" }, intervalMs: 60_000 },
      });
      const outer = instrument("outer", "src/outer.js", { objective: { name: "api", successRate: "99" } });
      const inner = instrument("inner", "src/inner.js");
      for (let i = 0; i < 3; i++) outer.run(() => inner.run(() => i));
      expect(() =>
        inner.run(() => {
          throw new Error("x");
        }),
      ).to.throw("x");
      await flush();

      expect(receiver.received).to.have.length(1);
      const [request] = receiver.received;
      expect(request!.transport).to.equal(protocol === "http/json" ? "http-json" : "http-proto");
      expect(request!.headers["content-encoding"]).to.equal("gzip");
      expect(String(request!.headers["x-tenant"])).to.equal("acme");
      const resource = attributes(request!.body.resourceMetrics[0].resource.attributes);
      expect(resource["service.name"]).to.equal("push-svc");
      expect(resource["service.instance.id"]).to.match(/^[0-9a-f-]{32,36}$/);

      const calls = points(receiver, "function.calls");
      expect(calls[0].metric.sum.aggregationTemporality).to.equal(CUMULATIVE);
      expect(calls[0].metric.sum.isMonotonic).to.equal(true);
      const innerOk = calls.find((p) => p.attrs.function === "inner" && p.attrs["caller.function"] === "outer" && p.attrs.result === "ok");
      expect(num(innerOk.asInt)).to.equal(3);
      const outerOk = calls.find((p) => p.attrs.function === "outer" && p.attrs.result === "ok");
      expect(outerOk.attrs).to.include({
        "objective.name": "api",
        "objective.percentile": "99",
        "service.name": "push-svc",
        module: "src/outer.js",
      });
      const innerError = calls.find((p) => p.attrs.function === "inner" && p.attrs["caller.function"] === "" && p.attrs.result === "error");
      expect(num(innerError.asInt)).to.equal(1);

      const durations = points(receiver, "function.calls.duration");
      expect(durations[0].metric.unit).to.equal("s");
      const innerDuration = durations.find((p) => p.attrs.function === "inner");
      expect(num(innerDuration.count)).to.equal(4);
      expect(innerDuration.explicitBounds).to.deep.equal([...DEFAULT_BUCKETS]);
      expect(innerDuration.bucketCounts.map(num).reduce((a: number, b: number) => a + b, 0)).to.equal(4);
      expect(BigInt(innerDuration.startTimeUnixNano) < BigInt(innerDuration.timeUnixNano)).to.equal(true);

      const [info] = points(receiver, "build_info");
      expect(info.attrs).to.include({ version: "1.2.3", "service.name": "push-svc", "autometrics.version": "1.0.0" });
    });
  }

  it("sends only what changed since the last delivered push, and every series again after a failed one", async () => {
    init({ detectBuildInfo: false, exporter: { type: "otlp", url: receiver.url, protocol: "http/json", intervalMs: 60_000 } });
    const a = instrument("a", "src/a.js");
    const b = instrument("b", "src/b.js");
    a.run(() => 1);
    b.run(() => 1);
    await flush();
    expect(points(receiver, "function.calls").length).to.equal(4); // a and b, ok and error: the first push has every series

    a.run(() => 1);
    await flush();
    const second = points(receiver, "function.calls", 1);
    expect(second.map((p) => `${p.attrs.function} ${p.attrs.result} ${p.asInt}`)).to.deep.equal(["a ok 2"]);
    expect(points(receiver, "function.calls.duration", 1).map((p) => p.attrs.function)).to.deep.equal(["a"]);

    receiver.answer = () => 503;
    b.run(() => 1);
    await flush(); // refused: nothing delivered
    expect(receiver.received).to.have.length(2);
    receiver.answer = undefined;
    a.run(() => 1);
    await flush();
    const third = points(receiver, "function.calls", 2);
    expect(third.map((p) => `${p.attrs.function} ${p.attrs.result} ${p.asInt}`).sort()).to.deep.equal(["a ok 3", "b ok 2"]);
  });

  it("with delta temporality, sends the increase since the last delivered push, a refused push's included", async () => {
    init({
      detectBuildInfo: false,
      exporter: { type: "otlp", url: receiver.url, protocol: "http/json", temporality: "delta", intervalMs: 60_000 },
    });
    const a = instrument("a", "src/a.js");
    for (let i = 0; i < 5; i++) a.run(() => 1);
    await flush();
    receiver.answer = () => 500;
    for (let i = 0; i < 2; i++) a.run(() => 1);
    await flush();
    receiver.answer = undefined;
    a.run(() => 1);
    await flush();
    const ok = points(receiver, "function.calls").filter((p) => p.attrs.result === "ok");
    expect(ok[0].metric.sum.aggregationTemporality).to.equal(DELTA);
    expect(ok.map((p) => num(p.asInt))).to.deep.equal([5, 3]);
    const histograms = points(receiver, "function.calls.duration");
    expect(histograms.map((p) => num(p.count))).to.deep.equal([5, 3]);
    // Each window starts where the delivered one ended.
    expect(ok[1].startTimeUnixNano).to.equal(ok[0].timeUnixNano);
  });

  it("flush() resolves without throwing when the endpoint refuses connections", async () => {
    const said = await warnings(async () => {
      init({ detectBuildInfo: false, exporter: { type: "otlp", url: "http://127.0.0.1:9/v1/metrics", intervalMs: 60_000 } });
      instrument("a", "src/a.js").run(() => 1);
      await flush();
    });
    expect(said).to.match(/\[autometrics\] pushing metrics to http:\/\/127\.0\.0\.1:9\/v1\/metrics failed/);
  });

  it("flush() resolves within the timeout when the endpoint never answers", async () => {
    let elapsed = 0;
    const said = await warnings(async () => {
      receiver.answer = () => "hang";
      init({ detectBuildInfo: false, exporter: { type: "otlp", url: receiver.url, timeoutMs: 300, intervalMs: 60_000 } });
      const started = Date.now();
      await flush();
      elapsed = Date.now() - started;
    });
    expect(elapsed).to.be.lessThan(3000);
    expect(said, said).to.match(/no answer within 300 ms/);
  });

  it("never keeps a process alive past its timeout: a process whose collector never answers ends within it", async () => {
    receiver.answer = () => "hang";
    const { spawn } = await import("node:child_process");
    const script = `
      const { init, instrument } = require(${JSON.stringify(require.resolve("../dist/index.js"))});
      init({ detectBuildInfo: false, exporter: { type: "otlp", url: ${JSON.stringify(receiver.url)}, timeoutMs: 700 } });
      instrument("a", "src/a.js").run(() => 1);
      console.log("done"); // then the process would end; its last push (beforeExit) is bounded by the timeout
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (c) => (err += c));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    const elapsed = Date.now() - started;
    expect(code).to.equal(0);
    expect(err).to.match(/no answer within 700 ms/);
    expect(elapsed).to.be.lessThan(5000);
    expect(receiver.received).to.deep.equal([]); // it never answered
  });

  it("pushes on its interval, and flush() waits for a push in flight, then sends what came after it", async () => {
    init({ detectBuildInfo: false, exporter: { type: "otlp", url: receiver.url, protocol: "http/json", intervalMs: 100 } });
    const a = instrument("a", "src/a.js");
    a.run(() => 1);
    await sleep(350);
    expect(receiver.received.length).to.be.greaterThan(1);
    await resetRuntime(); // stops the interval pusher, after its last push

    const b = instrument("b", "src/b.js");
    let slow = true;
    receiver.answer = () => {
      if (slow) {
        slow = false;
        return "hang";
      }
      return 200;
    };
    init({
      detectBuildInfo: false,
      exporter: { type: "otlp", url: receiver.url, protocol: "http/json", intervalMs: 60_000, timeoutMs: 500 },
    });
    const before = receiver.received.length;
    b.run(() => 1);
    const first = flush(); // taken once this task is over; hangs, then times out
    await sleep(50);
    b.run(() => 1);
    const second = flush(); // waits for the first to settle, then sends both calls
    await Promise.all([first, second]);
    const after = receiver.received.slice(before);
    expect(after).to.have.length(1);
    const ok = points({ ...receiver, received: after }, "function.calls").find((p) => p.attrs.function === "b" && p.attrs.result === "ok");
    expect(num(ok.asInt)).to.equal(2);
  });

  it("flush() takes the numbers once the current task is over: the call that asked for it is in them", async () => {
    init({ detectBuildInfo: false, exporter: { type: "otlp", url: receiver.url, protocol: "http/json", intervalMs: 60_000 } });
    let flushed: Promise<void> | undefined;
    // Middleware hands flush() to waitUntil from inside its own (instrumented) call.
    const middleware = autometrics({ functionName: "middleware", moduleName: "middleware.ts" }, () => {
      flushed = flush();
      return "next";
    });
    middleware();
    await flushed;
    const ok = points(receiver, "function.calls").find((p) => p.attrs.function === "middleware" && p.attrs.result === "ok");
    expect(num(ok.asInt)).to.equal(1);
  });

  it("withFlush: a Lambda-style handler has pushed its calls by the time it returns, and its result, error and this pass through", async () => {
    init({ detectBuildInfo: false, exporter: { type: "otlp", url: receiver.url, protocol: "http/json", intervalMs: 60_000 } });
    const work = autometrics({ functionName: "work", moduleName: "src/work.js" }, async (n: number) => {
      if (n < 0) throw new RangeError("negative");
      return n * 2;
    });
    const self = { base: 1 };
    const handler = withFlush(async function handler(this: typeof self, event: { n: number }, _context: unknown) {
      return (await work(event.n)) + this.base;
    });
    expect(handler.name).to.equal("handler");
    expect(handler.length).to.equal(2);
    expect(await handler.call(self, { n: 20 }, {})).to.equal(41);
    // Delivered before the handler's promise settled: the platform may freeze the instance right after.
    const delivered = points(receiver, "function.calls").find((p) => p.attrs.function === "work" && p.attrs.result === "ok");
    expect(num(delivered.asInt)).to.equal(1);
    const error = await handler.call(self, { n: -1 }, {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RangeError);
    const failed = points(receiver, "function.calls", 1).find((p) => p.attrs.function === "work" && p.attrs.result === "error");
    expect(num(failed.asInt)).to.equal(1);
    expect(() => withFlush(42 as never)).to.throw(TypeError, /expected a handler function/);
  });

  it("flushAfterRequest: on by AUTOMETRICS_FLUSH_AFTER_REQUEST or in a Next.js server on a serverless platform; a bad value names the variable", async () => {
    expect(flushesAfterRequest(undefined, {})).to.equal(false);
    expect(flushesAfterRequest(undefined, { NEXT_RUNTIME: "nodejs" })).to.equal(false); // next start: the interval is enough
    expect(flushesAfterRequest(undefined, { NEXT_RUNTIME: "nodejs", VERCEL: "1" })).to.equal(true);
    expect(flushesAfterRequest(undefined, { NEXT_RUNTIME: "nodejs", AWS_LAMBDA_FUNCTION_NAME: "shop" })).to.equal(true);
    expect(flushesAfterRequest(undefined, { VERCEL: "1" })).to.equal(false); // not Next.js: withFlush or flush() there
    expect(flushesAfterRequest(undefined, { AUTOMETRICS_FLUSH_AFTER_REQUEST: "true" })).to.equal(true);
    expect(flushesAfterRequest(false, { NEXT_RUNTIME: "nodejs", VERCEL: "1" })).to.equal(false);
    expect(() => flushesAfterRequest(undefined, { AUTOMETRICS_FLUSH_AFTER_REQUEST: "sometimes" })).to.throw(
      /`AUTOMETRICS_FLUSH_AFTER_REQUEST`: expected true or false, got "sometimes"/,
    );
  });

  describe("from the OpenTelemetry environment variables", () => {
    it("OTEL_METRICS_EXPORTER=otlp makes a plain init() push, where the OTEL_EXPORTER_OTLP_* variables say", () =>
      withEnv(
        {
          OTEL_METRICS_EXPORTER: "otlp",
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace("/v1/metrics", "/"),
          OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
          OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20t0k,x-scope=a",
          OTEL_EXPORTER_OTLP_METRICS_HEADERS: "x-scope=b",
        },
        async () => {
          process.env.OTEL_EXPORTER_OTLP_COMPRESSION = "none";
          init({ detectBuildInfo: false });
          delete process.env.OTEL_EXPORTER_OTLP_COMPRESSION;
          instrument("a", "src/a.js").run(() => 1);
          await flush();
          expect(receiver.received).to.have.length(1);
          expect(receiver.received[0]!.transport).to.equal("http-json");
          expect(receiver.received[0]!.headers["content-encoding"]).to.equal(undefined);
          expect(receiver.received[0]!.headers).to.include({ authorization: "Bearer t0k", "x-scope": "b" });
        },
      ));

    it("the metrics endpoint is used as it is; the options win over the variables", () =>
      withEnv(
        { OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
        async () => {
          init({ detectBuildInfo: false, exporter: { type: "otlp", protocol: "http/protobuf" } });
          instrument("a", "src/a.js").run(() => 1);
          await flush();
          expect(receiver.received.map((r) => r.transport)).to.deep.equal(["http-proto"]);
        },
      ));

    const bad: [Record<string, string>, RegExp][] = [
      [{ OTEL_METRICS_EXPORTER: "zipkin" }, /`OTEL_METRICS_EXPORTER`: unsupported value "zipkin" \(supported: otlp, prometheus, none\)/],
      [
        { OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
        /`OTEL_EXPORTER_OTLP_PROTOCOL`: unsupported value "grpc".*otlp-grpc/,
      ],
      [
        { OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "collector:4318" },
        /`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`: expected an http\(s\) URL/,
      ],
      [
        { OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_HEADERS: "just-a-token" },
        /`OTEL_EXPORTER_OTLP_HEADERS`: expected key=value pairs/,
      ],
      [
        { OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_HEADERS: "a=%E0%A4%A" },
        /`OTEL_EXPORTER_OTLP_HEADERS`: the value of a is not valid URL encoding/,
      ],
      [
        { OTEL_METRICS_EXPORTER: "otlp", OTEL_METRIC_EXPORT_INTERVAL: "10s" },
        /`OTEL_METRIC_EXPORT_INTERVAL`: expected a positive number of milliseconds, got "10s"/,
      ],
      [{ OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_TIMEOUT: "0" }, /`OTEL_EXPORTER_OTLP_TIMEOUT`: expected a positive number/],
      [
        { OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: "sometimes" },
        /TEMPORALITY_PREFERENCE`: unsupported value "sometimes"/,
      ],
      [{ OTEL_METRICS_EXPORTER: "prometheus", OTEL_EXPORTER_PROMETHEUS_PORT: "http" }, /`OTEL_EXPORTER_PROMETHEUS_PORT`: expected a port/],
      [{ OTEL_METRICS_EXPORTER: "otlp,none" }, /"none" cannot be combined/],
      [
        { OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_COMPRESSION: "brotli" },
        /`OTEL_EXPORTER_OTLP_COMPRESSION`: unsupported value "brotli" \(supported: gzip, none\)/,
      ],
    ];
    for (const [vars, message] of bad) {
      it(`names the variable that cannot be read: ${Object.entries(vars).at(-1)!.join("=")}`, () =>
        withEnv(vars, () => {
          let error: unknown;
          try {
            init({ detectBuildInfo: false });
          } catch (e) {
            error = e;
          }
          expect(error).to.be.instanceOf(AutometricsConfigError);
          expect((error as Error).message).to.match(message);
        }));
    }

    it("a bad option of exporter otlp is an error naming it", () => {
      expect(() => init({ exporter: { type: "otlp", protocol: "grpc" as never } })).to.throw(
        /`exporter.protocol`: unsupported value "grpc"/,
      );
      expect(() => init({ exporter: { type: "otlp", batch: true } as never })).to.throw(/`exporter.batch`: unknown field for "otlp"/);
      expect(() => init({ exporter: { type: "otlp", temporality: "both" as never } })).to.throw(/`exporter.temporality`/);
    });
  });
});
