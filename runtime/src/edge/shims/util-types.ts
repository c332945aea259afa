/**
 * `node:util/types` in the edge and browser bundles. Without Node's brand
 * checks, a promise is what `instanceof Promise` says (a proxy's prototype
 * trap runs), and no object is taken for a proxy.
 */
export function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}

export function isProxy(_value: unknown): boolean {
  return false;
}
