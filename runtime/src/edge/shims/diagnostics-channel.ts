/** `node:diagnostics_channel` in the edge and browser bundles: a tracing channel nothing can subscribe to. */
const silent = { hasSubscribers: false, publish(_message: unknown): void {} };

export function tracingChannel(_name: string) {
  return { start: silent, end: silent, asyncStart: silent, asyncEnd: silent, error: silent };
}
