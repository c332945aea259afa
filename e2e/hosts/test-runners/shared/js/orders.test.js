import { register } from "prom-client";
import { beforeEach, describe, expect, it } from "vitest";
import { checkout, placeOrder, priceOrder, readReceipt } from "./orders";

const MODULE = "src/orders.js";

/** The calls the runtime counted, summed over the series whose labels include `labels`. */
async function calls(labels) {
  const counter = register.getSingleMetric("function_calls_total");
  if (counter === undefined) throw new Error("function_calls_total is not on prom-client's registry: nothing was instrumented");
  const { values } = await counter.get();
  return values
    .filter((sample) => Object.entries(labels).every(([name, value]) => sample.labels[name] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

// Every test counts from zero.
beforeEach(() => register.resetMetrics());

describe("orders", () => {
  it("prices and places an order", () => {
    expect(priceOrder([{ price: 5, quantity: 2 }])).toBe(10);
    expect(placeOrder([{ price: 3, quantity: 1 }])).toEqual({ total: 3, status: "placed" });
  });

  it("rejects an empty order with its own error", () => {
    expect(() => priceOrder([])).toThrow(new RangeError("an order needs at least one item"));
  });

  it("checks out after reserving stock", async () => {
    await expect(checkout([{ price: 2, quantity: 2 }])).resolves.toEqual({ total: 4, status: "placed", reserved: 1 });
  });

  it("passes Node's own rejection through", async () => {
    await expect(readReceipt("missing.txt")).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("orders metrics", () => {
  it("counts each call with its function, module and caller", async () => {
    placeOrder([{ price: 1, quantity: 1 }]);
    priceOrder([{ price: 1, quantity: 1 }]);
    expect(await calls({ function: "placeOrder", module: MODULE, caller_function: "", result: "ok" })).toBe(1);
    expect(
      await calls({ function: "priceOrder", module: MODULE, caller_function: "placeOrder", caller_module: MODULE, result: "ok" }),
    ).toBe(1);
    expect(await calls({ function: "priceOrder", module: MODULE, caller_function: "", result: "ok" })).toBe(1);
  });

  it("counts a throwing call as an error", async () => {
    expect(() => placeOrder([])).toThrow(RangeError);
    expect(await calls({ function: "priceOrder", caller_function: "placeOrder", result: "error" })).toBe(1);
    expect(await calls({ function: "placeOrder", result: "error" })).toBe(1);
    expect(await calls({ function: "placeOrder", result: "ok" })).toBe(0);
  });

  it("keeps the caller across await", async () => {
    await checkout([{ price: 1, quantity: 1 }]);
    expect(await calls({ function: "reserveStock", caller_function: "checkout", result: "ok" })).toBe(1);
    expect(await calls({ function: "placeOrder", caller_function: "checkout", result: "ok" })).toBe(1);
  });

  it("counts a rejected promise as an error", async () => {
    await readReceipt("missing.txt").catch(() => {});
    expect(await calls({ function: "readReceipt", module: MODULE, result: "error" })).toBe(1);
  });
});
