import * as grpc from "@grpc/grpc-js";
import { type IncomingHttpHeaders, createServer } from "node:http";
import { gunzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";

/** The generated protobuf classes of the official transformer package (0.57 still ships them, with decoders). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const root = require("otlp-transformer-decoder/build/src/generated/root");
const Request = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** One export as received, decoded to plain objects (protobuf decoded with the same field names as OTLP/JSON). */
export interface Received {
  transport: "http-json" | "http-proto" | "grpc";
  headers: Record<string, unknown>;
  body: any;
}

function fromProtobuf(buffer: Uint8Array): any {
  return Request.toObject(Request.decode(buffer), { longs: String, enums: Number, bytes: String, defaults: false, arrays: true });
}

export interface Receiver {
  url: string;
  received: Received[];
  /** HTTP only: the status to answer each request with (200 by default), or "hang" to never answer; a request answered with an error is not kept in `received`. */
  answer?: () => number | "hang";
  close(): Promise<void>;
}

/** A local OTLP/HTTP endpoint (JSON and protobuf), decoding what it gets. */
export async function httpReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = { url: "", received, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = receiver.answer?.() ?? 200;
      if (status === "hang") return;
      if (status >= 300) {
        res.writeHead(status).end("not now");
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
      const json = (req.headers["content-type"] ?? "").includes("json");
      received.push({
        transport: json ? "http-json" : "http-proto",
        headers: req.headers as IncomingHttpHeaders,
        body: json ? JSON.parse(body.toString("utf8")) : fromProtobuf(body),
      });
      res.writeHead(200, { "Content-Type": json ? "application/json" : "application/x-protobuf" });
      res.end(json ? "{}" : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/v1/metrics`;
  receiver.close = () =>
    new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return receiver;
}

/** A local OTLP/gRPC endpoint implementing MetricsService/Export. */
export async function grpcReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const server = new grpc.Server();
  const definition = {
    export: {
      path: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
      requestStream: false,
      responseStream: false,
      requestSerialize: (x: Buffer) => x,
      requestDeserialize: (x: Buffer) => x,
      responseSerialize: () => Buffer.alloc(0),
      responseDeserialize: (x: Buffer) => x,
    },
  };
  server.addService(definition as never, {
    export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      received.push({ transport: "grpc", headers: call.metadata.getMap(), body: fromProtobuf(call.request) });
      callback(null, Buffer.alloc(0));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.tryShutdown(() => r())) };
}

/** Every metric of every export, flattened, by name. */
export function metricsByName(received: Received[]): Map<string, any[]> {
  const out = new Map<string, any[]>();
  for (const r of received) {
    for (const rm of r.body.resourceMetrics ?? []) {
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) out.set(m.name, [...(out.get(m.name) ?? []), { ...m, resource: rm.resource }]);
      }
    }
  }
  return out;
}

/** OTLP attributes ([{ key, value: { stringValue } }]) as a plain object. */
export function attributes(list: { key: string; value: { stringValue?: string } }[] = []): Record<string, string> {
  return Object.fromEntries(list.map((a) => [a.key, a.value.stringValue ?? ""]));
}
