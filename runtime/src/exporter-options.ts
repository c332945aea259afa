import { AutometricsConfigError } from "./errors";
import { PUSH_OPTIONS } from "./push/options";

// The checks of the `exporter` and `buildInfo` options, shared by every
// `init()` (Node's, and the edge and browser entries'), each naming the field
// at fault.

const BUILD_INFO_KEYS = ["version", "commit", "branch", "repositoryUrl", "repositoryProvider", "clearmode"];
/** The fields of each exporter. */
export const EXPORTER_KEYS: Record<string, string[]> = {
  prometheus: ["type", "hostname", "port"],
  otlp: PUSH_OPTIONS,
  "otlp-http": ["type", "url", "headers", "intervalMs", "timeoutMs"],
  "otlp-proto": ["type", "url", "headers", "intervalMs", "timeoutMs"],
  "otlp-grpc": ["type", "url", "headers", "intervalMs", "timeoutMs"],
  "push-gateway": ["type", "url", "jobName", "groupings", "intervalMs", "timeoutMs"],
};

function checkStringMap(value: unknown, option: string): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AutometricsConfigError(option, "expected an object of strings");
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new AutometricsConfigError(`${option}.${k}`, `expected a string, got ${typeof v}`);
  }
}

/** @internal Checks `exporter` for `tracker` ("prometheus" where there is no choice). */
export function checkExporter(exporter: { type: string }, tracker: string): void {
  const known = EXPORTER_KEYS[exporter.type as string];
  if (known === undefined) {
    throw new AutometricsConfigError(
      "exporter.type",
      `unsupported exporter ${JSON.stringify(exporter.type)} (supported: ${Object.keys(EXPORTER_KEYS)
        .map((k) => `"${k}"`)
        .join(", ")})`,
    );
  }
  for (const key of Object.keys(exporter)) {
    if (!known.includes(key))
      throw new AutometricsConfigError(`exporter.${key}`, `unknown field for "${exporter.type}" (known: ${known.join(", ")})`);
  }
  if (exporter.type.startsWith("otlp-") && tracker !== "opentelemetry") {
    throw new AutometricsConfigError("exporter.type", `"${exporter.type}" needs tracker: "opentelemetry"`);
  }
  const e = exporter as unknown as Record<string, unknown>;
  if (e.port !== undefined && !(Number.isInteger(e.port) && (e.port as number) >= 0 && (e.port as number) <= 65535)) {
    throw new AutometricsConfigError("exporter.port", `expected an integer from 0 to 65535, got ${JSON.stringify(e.port)}`);
  }
  if (e.port === 0 && exporter.type === "prometheus" && tracker === "opentelemetry") {
    throw new AutometricsConfigError(
      "exporter.port",
      "0 (any free port) is not supported by OpenTelemetry's PrometheusExporter: give a port",
    );
  }
  if (e.hostname !== undefined && (typeof e.hostname !== "string" || e.hostname === "")) {
    throw new AutometricsConfigError("exporter.hostname", "expected a non-empty string");
  }
  for (const key of ["intervalMs", "timeoutMs"]) {
    if (e[key] !== undefined && !(typeof e[key] === "number" && Number.isFinite(e[key]) && (e[key] as number) > 0)) {
      throw new AutometricsConfigError(`exporter.${key}`, `expected a positive number of milliseconds, got ${JSON.stringify(e[key])}`);
    }
  }
  if (e.url !== undefined || exporter.type === "push-gateway") {
    let ok = typeof e.url === "string";
    if (ok) {
      try {
        ok = /^https?:$/.test(new URL(e.url as string).protocol) || exporter.type === "otlp-grpc";
      } catch {
        ok = false;
      }
    }
    if (!ok) throw new AutometricsConfigError("exporter.url", `expected an http(s) URL, got ${JSON.stringify(e.url)}`);
  }
  if (e.jobName !== undefined && (typeof e.jobName !== "string" || e.jobName === "")) {
    throw new AutometricsConfigError("exporter.jobName", "expected a non-empty string");
  }
  if (e.flushAfterRequest !== undefined && typeof e.flushAfterRequest !== "boolean") {
    throw new AutometricsConfigError("exporter.flushAfterRequest", `expected true or false, got ${JSON.stringify(e.flushAfterRequest)}`);
  }
  checkStringMap(e.headers, "exporter.headers");
  checkStringMap(e.groupings, "exporter.groupings");
}

/** @internal Checks `buildInfo`: known fields, each a string. */
export function checkBuildInfo(buildInfo: unknown): void {
  if (buildInfo === undefined) return;
  if (typeof buildInfo !== "object" || buildInfo === null) throw new AutometricsConfigError("buildInfo", "expected an object");
  for (const [key, value] of Object.entries(buildInfo)) {
    if (!BUILD_INFO_KEYS.includes(key)) {
      throw new AutometricsConfigError(`buildInfo.${key}`, `unknown field (known: ${BUILD_INFO_KEYS.join(", ")})`);
    }
    if (value !== undefined && typeof value !== "string") {
      throw new AutometricsConfigError(`buildInfo.${key}`, `expected a string, got ${typeof value}`);
    }
    if (key === "clearmode" && value !== undefined && !["replace", "aggregate", "family", ""].includes(value)) {
      throw new AutometricsConfigError(
        "buildInfo.clearmode",
        `expected "replace", "aggregate", "family" or "", got ${JSON.stringify(value)}`,
      );
    }
  }
}
