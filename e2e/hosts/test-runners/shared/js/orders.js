import { readFile } from "node:fs/promises";

export function priceOrder(items) {
  if (items.length === 0) throw new RangeError("an order needs at least one item");
  return items.reduce((total, item) => total + item.price * item.quantity, 0);
}

export function placeOrder(items) {
  return { total: priceOrder(items), status: "placed" };
}

async function reserveStock(items) {
  await new Promise((resolve) => setImmediate(resolve));
  return items.length;
}

export async function checkout(items) {
  const reserved = await reserveStock(items);
  return { ...placeOrder(items), reserved };
}

// The promise comes from Node itself, not from this module's realm.
export function readReceipt(path) {
  return readFile(path, "utf8");
}
