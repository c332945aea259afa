import { AutometricsConfigError } from "../errors";
import type { OtlpPushOptions, ResolvedPush } from "./pusher";

type Env = Record<string, string | undefined>;

/**
 * The OpenTelemetry SDK's environment variables for metrics export, read as
 * every OpenTelemetry SDK reads them (the specification's "OTLP Exporter
 * Configuration"); a value that cannot be read is an error naming the variable.
 */
const PROTOCOLS = ["http/protobuf", "http/json"] as const;

/** @internal The fields of `exporter: { type: "otlp" }`. */
export const PUSH_OPTIONS = [
  "type",
  "url",
  "protocol",
  "headers",
  "compression",
  "temporality",
  "intervalMs",
  "timeoutMs",
  "flushAfterRequest",
];
const COMPRESSIONS = ["gzip", "none"] as const;
const TEMPORALITIES = ["cumulative", "delta"] as const;

function set(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** The first variable of `names` that is set, with its name. */
function first(env: Env, ...names: string[]): [string, string] | undefined {
  for (const name of names) {
    const value = set(env, name);
    if (value !== undefined) return [name, value];
  }
  return undefined;
}

function milliseconds(env: Env, ...names: string[]): number | undefined {
  const found = first(env, ...names);
  if (found === undefined) return undefined;
  const [name, text] = found;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) {
    throw new AutometricsConfigError(name, `expected a positive number of milliseconds, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** `key1=value1,key2=value2`, values URL-encoded (the W3C Baggage format the specification names). */
export function parseHeaders(text: string, name: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? "" : part.slice(0, eq).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) {
      throw new AutometricsConfigError(name, `expected key=value pairs separated by commas, got ${JSON.stringify(part.trim())}`);
    }
    try {
      headers[key] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new AutometricsConfigError(name, `the value of ${key} is not valid URL encoding`);
    }
  }
  return headers;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string, hint = ""): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new AutometricsConfigError(name, `unsupported value ${JSON.stringify(value)} (supported: ${allowed.join(", ")})${hint}`);
}

/** The endpoint: the option, the metrics variable as it is, or the general one with `/v1/metrics`. */
function endpoint(options: OtlpPushOptions, env: Env): string {
  const [name, url] =
    options.url !== undefined
      ? ["exporter.url", options.url]
      : (first(env, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") ??
        (() => {
          const base = first(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
          return base && ([base[0], `${base[1].replace(/\/+$/, "")}/v1/metrics`] as [string, string]);
        })() ?? ["exporter.url", "http://localhost:4318/v1/metrics"]);
  let ok = false;
  try {
    ok = /^https?:$/.test(new URL(url).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new AutometricsConfigError(name, `expected an http(s) URL, got ${JSON.stringify(url)}`);
  return url;
}

/**
 * @internal `exporter: { type: "otlp" }` with the variables' values where the
 * options say nothing; `defaultIntervalMs` is Infinity (no timer) where a
 * request hands each push to its `waitUntil`.
 */
export function resolvePush(options: OtlpPushOptions, env: Env, defaultIntervalMs = 60_000): ResolvedPush {
  const protocolVar = first(env, "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL");
  const protocol =
    options.protocol !== undefined
      ? oneOf(options.protocol, PROTOCOLS, "exporter.protocol")
      : protocolVar !== undefined
        ? oneOf(
            protocolVar[1],
            PROTOCOLS,
            protocolVar[0],
            protocolVar[1] === "grpc" ? ' (for gRPC use exporter: { type: "otlp-grpc" } with tracker: "opentelemetry")' : "",
          )
        : "http/protobuf";
  const compressionVar = first(env, "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION");
  const compression =
    options.compression !== undefined
      ? oneOf(options.compression, COMPRESSIONS, "exporter.compression")
      : compressionVar !== undefined
        ? oneOf(compressionVar[1], COMPRESSIONS, compressionVar[0])
        : "gzip";
  const temporalityVar = first(env, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE");
  const temporality =
    options.temporality !== undefined
      ? oneOf(options.temporality, TEMPORALITIES, "exporter.temporality")
      : temporalityVar !== undefined
        ? oneOf(
            temporalityVar[1].toLowerCase() === "lowmemory" ? "delta" : temporalityVar[1].toLowerCase(),
            TEMPORALITIES,
            temporalityVar[0],
          )
        : "cumulative";
  const headers: Record<string, string> = {};
  for (const name of ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_METRICS_HEADERS"]) {
    const value = set(env, name);
    if (value !== undefined) Object.assign(headers, parseHeaders(value, name));
  }
  Object.assign(headers, options.headers);
  return {
    url: endpoint(options, env),
    protocol,
    headers,
    compression,
    temporality,
    intervalMs: options.intervalMs ?? milliseconds(env, "OTEL_METRIC_EXPORT_INTERVAL") ?? defaultIntervalMs,
    timeoutMs: options.timeoutMs ?? milliseconds(env, "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT") ?? 10_000,
  };
}

/**
 * @internal What `OTEL_METRICS_EXPORTER` asks of a plain `init()`: "otlp"
 * pushes, "prometheus" serves a scrape endpoint (`OTEL_EXPORTER_PROMETHEUS_HOST`,
 * `OTEL_EXPORTER_PROMETHEUS_PORT`), "none" exports nothing.
 */
export function exporterFromEnv(env: Env): { type: "otlp" } | { type: "prometheus"; hostname?: string; port?: number } | undefined {
  const value = set(env, "OTEL_METRICS_EXPORTER");
  if (value === undefined) return undefined;
  const names = value.split(",").map((v) => v.trim().toLowerCase());
  for (const name of names) oneOf(name, ["otlp", "prometheus", "none"], "OTEL_METRICS_EXPORTER");
  if (names.length > 1 && names.includes("none")) {
    throw new AutometricsConfigError(
      "OTEL_METRICS_EXPORTER",
      `"none" cannot be combined with other exporters, got ${JSON.stringify(value)}`,
    );
  }
  if (names.includes("otlp") && names.includes("prometheus")) {
    throw new AutometricsConfigError("OTEL_METRICS_EXPORTER", `choose one of "otlp" and "prometheus", got ${JSON.stringify(value)}`);
  }
  if (names[0] === "otlp") return { type: "otlp" };
  if (names[0] === "prometheus") {
    const portText = set(env, "OTEL_EXPORTER_PROMETHEUS_PORT");
    const port = portText === undefined ? undefined : Number(portText);
    if (port !== undefined && !(/^\d+$/.test(portText!) && port <= 65535)) {
      throw new AutometricsConfigError("OTEL_EXPORTER_PROMETHEUS_PORT", `expected a port from 0 to 65535, got ${JSON.stringify(portText)}`);
    }
    return { type: "prometheus", hostname: set(env, "OTEL_EXPORTER_PROMETHEUS_HOST"), port };
  }
  return undefined;
}
