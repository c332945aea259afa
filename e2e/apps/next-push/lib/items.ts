// A catalogue the Node.js route reads. Instrumented by the plugin (lib/**): no wrapping here.

export interface Item {
  id: number;
  name: string;
  price: number;
}

/** Every third id is missing: those calls count as errors. */
export async function findItem(id: number): Promise<Item> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (!Number.isInteger(id) || id <= 0 || id % 3 === 0) throw new Error(`no item ${id}`);
  return { id, name: `item ${id}`, price: priceOf(id) };
}

function priceOf(id: number): number {
  return id * 100;
}
