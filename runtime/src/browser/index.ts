/**
 * The runtime for browsers: the same recording as on Node, with the same
 * labels, objectives and callers (through synchronous calls: a page has no
 * AsyncLocalStorage), pushed as OTLP/JSON to an ingest endpoint the app serves
 * (`ingestHandler`) or to a collector that allows the page's origin: on an
 * interval while the page is open, and with a beacon when it is hidden or
 * left. Bundled by bundle.mjs like the edge entry (docs/where-code-runs.md).
 */
import type { OtlpPushOptions, PushPlatform } from "../push/pusher";
import { startPush } from "../push/start";
import { type PlatformInit, initOn } from "../edge/init";

export * from "../edge/exports";

interface Page {
  location?: { href: string; origin: string };
  navigator?: { sendBeacon?(url: string, data: Blob): boolean };
  document?: {
    visibilityState?: string;
    addEventListener(type: string, listener: () => void): void;
    removeEventListener(type: string, listener: () => void): void;
  };
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
}

/** A body sent as the page goes away: a beacon to its own origin, else a `keepalive` fetch (which CORS allows). */
function beacon(page: Page): PushPlatform["beacon"] {
  return (url, body, contentType) => {
    try {
      const sameOrigin = page.location !== undefined && new URL(url).origin === page.location.origin;
      if (sameOrigin && typeof page.navigator?.sendBeacon === "function") {
        return page.navigator.sendBeacon(url, new Blob([body as string], { type: contentType }));
      }
      void fetch(url, {
        method: "POST",
        body: body as RequestInit["body"],
        headers: { "Content-Type": contentType },
        keepalive: true,
      }).catch(() => {});
      return true;
    } catch {
      return false;
    }
  };
}

/**
 * Configures recording and the push: `init({ exporter: { type: "otlp", url:
 * "/api/autometrics" } })`, once, before the page's first instrumented call
 * (Next.js: in `instrumentation-client.ts`). A relative `url` is the page's
 * origin; the protocol is OTLP/JSON and the temporality delta unless said.
 */
export function init(options: PlatformInit = {}) {
  const page = globalThis as unknown as Page;
  const adapt = (spec: OtlpPushOptions): OtlpPushOptions => ({
    protocol: "http/json",
    temporality: "delta",
    compression: "none", // a beacon cannot say Content-Encoding
    ...spec,
    url: spec.url !== undefined && page.location !== undefined ? new URL(spec.url, page.location.href).href : spec.url,
  });
  return initOn(options, "browser", adapt, (spec, env, info) => {
    const pusher = startPush(spec, env, info, { beacon: beacon(page), page: true }, { runtime: "browser" });
    const hidden = () => {
      if (page.document?.visibilityState === "hidden") pusher.beacon();
    };
    const left = () => pusher.beacon();
    page.document?.addEventListener("visibilitychange", hidden);
    page.addEventListener?.("pagehide", left);
    const close = pusher.close.bind(pusher);
    pusher.close = () => {
      page.document?.removeEventListener("visibilitychange", hidden);
      page.removeEventListener?.("pagehide", left);
      return close();
    };
    return pusher;
  });
}
