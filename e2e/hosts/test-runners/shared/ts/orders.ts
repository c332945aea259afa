import { readFile } from "node:fs/promises";

export interface Item {
  price: number;
  quantity: number;
}

export function priceOrder(items: Item[]): number {
  if (items.length === 0) throw new RangeError("an order needs at least one item");
  return items.reduce((total, item) => total + item.price * item.quantity, 0);
}

export function placeOrder(items: Item[]) {
  return { total: priceOrder(items), status: "placed" as const };
}

async function reserveStock(items: Item[]): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return items.length;
}

export async function checkout(items: Item[]) {
  const reserved = await reserveStock(items);
  return { ...placeOrder(items), reserved };
}

// The promise comes from Node itself, not from this module's realm.
export function readReceipt(path: string): Promise<string> {
  return readFile(path, "utf8");
}
