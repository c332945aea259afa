/**
 * Array writes that never reach an accessor inherited from `Object.prototype`
 * (test262 defines index accessors there): `push` and `fill` would call them.
 * For the per-call path and what it grows; never for scrapes.
 */
export function defineSlot<T>(array: T[], index: number, value: T): void {
  Object.defineProperty(array, index, { value, writable: true, enumerable: true, configurable: true });
}

export function append<T>(array: T[], value: T): void {
  defineSlot(array, array.length, value);
}

/** Own slots `from` to `to` (exclusive), each set to `value`. */
export function defineSlots<T>(array: T[], from: number, to: number, value: T): void {
  for (let i = from; i < to; i++) defineSlot(array, i, value);
}
