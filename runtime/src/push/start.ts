import type { ResolvedBuildInfo } from "../build-info";
import type { Attributes } from "../opentelemetry/attributes";
import { resolvePush } from "./options";
import { type OtlpPushOptions, type PushPlatform, Pusher } from "./pusher";
import { Snapshots } from "./snapshot";

/** A random id for this writer: `service.instance.id`, which the collector forgets once it has counted the push. */
function instanceId(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === "function") {
    try {
      return crypto.randomUUID();
    } catch {
      // a page that is not a secure context has getRandomValues only
    }
  }
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === "function") crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * @internal Starts pushing over OTLP/HTTP: `exporter: { type: "otlp" }`, or
 * `OTEL_METRICS_EXPORTER=otlp`. `extra` attributes go on every point (the
 * edge and browser entries say where the calls ran).
 */
export function startPush(
  options: OtlpPushOptions,
  env: Record<string, string | undefined>,
  info: () => ResolvedBuildInfo,
  platform: PushPlatform,
  extra?: Attributes,
  defaultIntervalMs?: number,
): Pusher {
  const resolved = resolvePush(options, env, defaultIntervalMs);
  const snapshots = new Snapshots(resolved.temporality, info, instanceId, extra);
  return new Pusher(resolved, snapshots, platform);
}
