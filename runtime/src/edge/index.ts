/**
 * The runtime for edge and worker runtimes (Vercel's edge runtime and Next.js
 * middleware, Cloudflare Workers, Deno, Bun's workers): the same recording as
 * on Node, with the same labels, objectives and callers, and no Node built-in
 * or prom-client; metrics leave by an OTLP push over `fetch`, sent when the
 * request hands `flush()` to its `waitUntil` (docs/where-code-runs.md).
 * Bundled by bundle.mjs, with the shims beside this file for Node's modules.
 */
import { startPush } from "../push/start";
import { type PlatformInit, initOn } from "./init";

export * from "./exports";

/**
 * Configures recording and the push; call it once per isolate, before its
 * first request. No timer pushes here (an isolate may not run one between
 * requests) unless `intervalMs` asks: each request hands `flush()` to its
 * `waitUntil`.
 */
export function init(options: PlatformInit = {}) {
  return initOn(
    options,
    "edge",
    (spec) => spec,
    (spec, env, info) => startPush(spec, env, info, { isolatedRequests: true }, { runtime: "edge" }, Number.POSITIVE_INFINITY),
  );
}
