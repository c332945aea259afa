import { isProxy } from "node:util/types";

/**
 * What frameworks throw to steer a render rather than to report a failure:
 * Next.js's `redirect()`, `notFound()`, `forbidden()`, `unauthorized()`, its
 * dynamic-rendering bailouts and the promises it rejects when it ends a
 * prerender (all marked by an own `digest`, the list `unstable_rethrow`
 * rethrows), and React's postpone. A call that ends with one is ok.
 */
const DIGESTS = new Set([
  "DYNAMIC_SERVER_USAGE",
  "BAILOUT_TO_CLIENT_SIDE_RENDERING",
  "HANGING_PROMISE_REJECTION",
  "NEXT_PRERENDER_INTERRUPTED",
  "CLIENT_HOOK_DYNAMIC",
]);
const PREFIXES = ["NEXT_REDIRECT;", "NEXT_HTTP_ERROR_FALLBACK;"];
const POSTPONE = Symbol.for("react.postpone");

/** Whether `thrown` is a framework's control flow. Reads own data properties only: no getter or trap runs. */
export function isControlFlow(thrown: unknown): boolean {
  if (typeof thrown !== "object" || thrown === null || isProxy(thrown)) return false;
  if (ownValue(thrown, "$$typeof") === POSTPONE) return true;
  const digest = ownValue(thrown, "digest");
  return typeof digest === "string" && (DIGESTS.has(digest) || PREFIXES.some((p) => digest.startsWith(p)));
}

function ownValue(object: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(object, key)?.value;
}
