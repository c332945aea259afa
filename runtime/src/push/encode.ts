import type { Attributes } from "../opentelemetry/attributes";
import { AUTOMETRICS_SPEC_VERSION } from "../spec";
import type { HistogramPoint, NumberPoint, Snapshot } from "./snapshot";

/**
 * A snapshot as an OTLP `ExportMetricsServiceRequest`, in OTLP/JSON or
 * OTLP/protobuf (opentelemetry-proto, metrics v1). Written by hand so that
 * the push needs no SDK and no protobuf library on any platform. The metric
 * names are the OpenTelemetry ones the Collector's Prometheus exporters turn
 * into the specification's: `function.calls` (`function_calls_total`),
 * `function.calls.duration` in seconds (`function_calls_duration_seconds`),
 * `function.calls.concurrent`, `build_info`.
 */
const SCOPE = { name: "autometrics-runtime", version: AUTOMETRICS_SPEC_VERSION };
const DESCRIPTIONS = {
  calls: "Autometrics counter for tracking function calls",
  duration: "Autometrics histogram for tracking function call duration",
  concurrent: "Autometrics gauge for tracking concurrent function calls",
  buildInfo: "Autometrics info metric for tracking software version and build details",
};
/** AGGREGATION_TEMPORALITY_DELTA and _CUMULATIVE. */
const TEMPORALITY = { delta: 1, cumulative: 2 } as const;

// ---- OTLP/JSON -------------------------------------------------------------

const jsonAttributes = new WeakMap<Attributes, string>();

/** An attribute list as OTLP/JSON, written once per attribute object. */
function attributesJson(attributes: Attributes): string {
  let text = jsonAttributes.get(attributes);
  if (text === undefined) {
    const parts: string[] = [];
    for (const key in attributes) {
      parts.push(`{"key":${JSON.stringify(key)},"value":{"stringValue":${JSON.stringify(attributes[key])}}}`);
    }
    text = `[${parts.join(",")}]`;
    jsonAttributes.set(attributes, text);
  }
  return text;
}

function numberPointsJson(points: NumberPoint[], start: string, time: string): string {
  let out = "";
  for (const p of points) {
    if (out !== "") out += ",";
    out += `{"attributes":${attributesJson(p.attributes)},"startTimeUnixNano":"${start}","timeUnixNano":"${time}","asInt":"${p.value}"}`;
  }
  return `[${out}]`;
}

function histogramPointsJson(points: HistogramPoint[], start: string, time: string): string {
  let out = "";
  for (const p of points) {
    if (out !== "") out += ",";
    out +=
      `{"attributes":${attributesJson(p.attributes)},"startTimeUnixNano":"${start}","timeUnixNano":"${time}",` +
      `"count":"${p.count}","sum":${p.sum},"bucketCounts":[${Array.from(p.counts, (c) => `"${c}"`).join(",")}],` +
      `"explicitBounds":[${p.bounds.join(",")}]}`;
  }
  return `[${out}]`;
}

export function encodeJson(s: Snapshot): string {
  const temporality = TEMPORALITY[s.temporality];
  const metrics = [
    `{"name":"function.calls","description":"${DESCRIPTIONS.calls}","unit":"","sum":{"aggregationTemporality":${temporality},"isMonotonic":true,"dataPoints":${numberPointsJson(s.calls, s.start, s.time)}}}`,
    `{"name":"function.calls.duration","description":"${DESCRIPTIONS.duration}","unit":"s","histogram":{"aggregationTemporality":${temporality},"dataPoints":${histogramPointsJson(s.durations, s.start, s.time)}}}`,
    `{"name":"build_info","description":"${DESCRIPTIONS.buildInfo}","unit":"","gauge":{"dataPoints":${numberPointsJson([{ attributes: s.buildInfo, value: 1 }], s.start, s.time)}}}`,
  ];
  if (s.concurrent.length > 0) {
    metrics.push(
      `{"name":"function.calls.concurrent","description":"${DESCRIPTIONS.concurrent}","unit":"","gauge":{"dataPoints":${numberPointsJson(s.concurrent, s.start, s.time)}}}`,
    );
  }
  return (
    `{"resourceMetrics":[{"resource":{"attributes":${attributesJson(s.resource)}},` +
    `"scopeMetrics":[{"scope":${JSON.stringify(SCOPE)},"metrics":[${metrics.join(",")}]}]}]}`
  );
}

// ---- OTLP/protobuf ---------------------------------------------------------

const utf8 = new TextEncoder();

/**
 * Protocol buffers' wire format, just the parts OTLP metrics use, into one
 * growing buffer: a nested message is written in place after a one-byte
 * length, which is widened (the body moved up) when the body turns out longer
 * than 127 bytes.
 */
class Writer {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(size = 4096) {
    this.buffer = new Uint8Array(size);
    this.view = new DataView(this.buffer.buffer);
  }

  private room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + n) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
    this.view = new DataView(bigger.buffer);
  }

  varint(value: number): void {
    this.room(10);
    while (value > 0x7f) {
      this.buffer[this.length++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.length++] = value;
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** A length-delimited field. */
  bytes(field: number, bytes: Uint8Array): void {
    this.tag(field, 2);
    this.varint(bytes.length);
    this.raw(bytes);
  }

  string(field: number, value: string): void {
    if (value !== "") this.bytes(field, utf8.encode(value));
  }

  /** A varint field (an enum, a bool). */
  uint(field: number, value: number): void {
    this.tag(field, 0);
    this.varint(value);
  }

  /** fixed64 and sfixed64 of a non-negative integer. */
  fixed64(field: number, value: number): void {
    this.tag(field, 1);
    this.packedFixed64(value);
  }

  double(field: number, value: number): void {
    this.tag(field, 1);
    this.packedDouble(value);
  }

  /** One element of a packed repeated fixed64 (no tag). */
  packedFixed64(value: number): void {
    this.room(8);
    this.view.setUint32(this.length, value % 0x100000000, true);
    this.view.setUint32(this.length + 4, Math.floor(value / 0x100000000), true);
    this.length += 8;
  }

  /** One element of a packed repeated double (no tag). */
  packedDouble(value: number): void {
    this.room(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** A nested message, written by `body`. */
  message(field: number, body: (w: Writer) => void): void {
    this.tag(field, 2);
    this.room(1);
    const at = this.length++;
    body(this);
    const size = this.length - at - 1;
    if (size < 0x80) {
      this.buffer[at] = size;
      return;
    }
    let extra = 0;
    for (let v = size; v > 0x7f; v = Math.floor(v / 128)) extra++;
    this.room(extra);
    this.buffer.copyWithin(at + 1 + extra, at + 1, this.length);
    this.length += extra;
    let v = size;
    let i = at;
    while (v > 0x7f) {
      this.buffer[i++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buffer[i] = v;
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

/** A time in nanoseconds since the epoch (a decimal string) as fixed64 bytes, for every point of a push. */
function timeBytes(nanoseconds: string): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(nanoseconds), true);
  return bytes;
}

/** Each attribute object's `KeyValue`s, by the field they were written as (1 in Resource, 7 in NumberDataPoint, 9 in HistogramDataPoint). */
const protoAttributes = new WeakMap<Attributes, Map<number, Uint8Array>>();

/** The `KeyValue` fields of an attribute list, each as `field`, written once per attribute object and field. */
function attributesProto(attributes: Attributes, field: number): Uint8Array {
  let byField = protoAttributes.get(attributes);
  if (byField === undefined) protoAttributes.set(attributes, (byField = new Map()));
  let bytes = byField.get(field);
  if (bytes === undefined) {
    const w = new Writer(256);
    for (const key in attributes) {
      w.message(field, (kv) => {
        kv.string(1, key);
        kv.message(2, (any) => any.bytes(1, utf8.encode(attributes[key]!)));
      });
    }
    bytes = w.finish().slice();
    byField.set(field, bytes);
  }
  return bytes;
}

/** start_time_unix_nano (2) and time_unix_nano (3), tags and all, the same in every point of a push. */
type Times = Uint8Array;

function times(start: string, time: string): Times {
  const w = new Writer(32);
  w.tag(2, 1);
  w.raw(timeBytes(start));
  w.tag(3, 1);
  w.raw(timeBytes(time));
  return w.finish().slice();
}

function numberPointProto(w: Writer, p: NumberPoint, t: Times): void {
  w.raw(attributesProto(p.attributes, 7));
  w.raw(t);
  w.fixed64(6, p.value); // as_int
}

function histogramPointProto(w: Writer, p: HistogramPoint, t: Times): void {
  w.raw(attributesProto(p.attributes, 9));
  w.raw(t);
  w.fixed64(4, p.count);
  w.double(5, p.sum);
  w.message(6, (counts) => {
    for (let i = 0; i < p.counts.length; i++) counts.packedFixed64(p.counts[i]!);
  });
  w.message(7, (bounds) => {
    for (const b of p.bounds) bounds.packedDouble(b);
  });
}

export function encodeProtobuf(s: Snapshot): Uint8Array {
  const temporality = TEMPORALITY[s.temporality];
  const t = times(s.start, s.time);
  const request = new Writer();
  request.message(1, (rm) => {
    rm.message(1, (resource) => resource.raw(attributesProto(s.resource, 1)));
    rm.message(2, (sm) => {
      sm.message(1, (scope) => {
        scope.string(1, SCOPE.name);
        scope.string(2, SCOPE.version);
      });
      sm.message(2, (m) => {
        m.string(1, "function.calls");
        m.string(2, DESCRIPTIONS.calls);
        m.message(7, (sum) => {
          for (const p of s.calls) sum.message(1, (dp) => numberPointProto(dp, p, t));
          sum.uint(2, temporality);
          sum.uint(3, 1);
        });
      });
      sm.message(2, (m) => {
        m.string(1, "function.calls.duration");
        m.string(2, DESCRIPTIONS.duration);
        m.string(3, "s");
        m.message(9, (histogram) => {
          for (const p of s.durations) histogram.message(1, (dp) => histogramPointProto(dp, p, t));
          histogram.uint(2, temporality);
        });
      });
      sm.message(2, (m) => {
        m.string(1, "build_info");
        m.string(2, DESCRIPTIONS.buildInfo);
        m.message(5, (gauge) => gauge.message(1, (dp) => numberPointProto(dp, { attributes: s.buildInfo, value: 1 }, t)));
      });
      if (s.concurrent.length > 0) {
        sm.message(2, (m) => {
          m.string(1, "function.calls.concurrent");
          m.string(2, DESCRIPTIONS.concurrent);
          m.message(5, (gauge) => {
            for (const p of s.concurrent) gauge.message(1, (dp) => numberPointProto(dp, p, t));
          });
        });
      }
    });
  });
  return request.finish();
}
