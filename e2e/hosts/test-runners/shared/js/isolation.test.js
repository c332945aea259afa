import { register } from "prom-client";
import { describe, expect, it, vi } from "vitest";
import { priceOrder } from "./orders";

/** The calls counted on function_calls_total for `fn`. */
async function calls(fn) {
  const counter = register.getSingleMetric("function_calls_total");
  if (counter === undefined) throw new Error("function_calls_total is not on prom-client's registry: nothing was instrumented");
  const { values } = await counter.get();
  return values.filter((sample) => fn === undefined || sample.labels.function === fn).reduce((sum, sample) => sum + sample.value, 0);
}

// Vitest runs each test file in a fresh worker (isolate: true), so with a
// runtime and a prom-client of its own: the calls of other test files are not counted here.
describe("orders metrics, per test file", () => {
  it("starts from zero in every test file", async () => {
    expect(await calls()).toBe(0);
    priceOrder([{ price: 1, quantity: 1 }]);
    expect(await calls("priceOrder")).toBe(1);
  });

  it("counts a module imported again after vi.resetModules in the same runtime", async () => {
    vi.resetModules();
    const again = await import("./orders");
    expect(again.priceOrder).not.toBe(priceOrder);
    again.priceOrder([{ price: 1, quantity: 1 }]);
    expect(await calls("priceOrder")).toBe(2);
  });
});
