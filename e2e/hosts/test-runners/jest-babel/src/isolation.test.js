import { register } from "prom-client";
import { priceOrder } from "./orders";

/** The calls counted on `registry`'s function_calls_total for `fn`. */
async function calls(registry, fn) {
  const counter = registry.getSingleMetric("function_calls_total");
  if (counter === undefined) throw new Error("function_calls_total is not on prom-client's registry: nothing was instrumented");
  const { values } = await counter.get();
  return values.filter((sample) => fn === undefined || sample.labels.function === fn).reduce((sum, sample) => sum + sample.value, 0);
}

// Jest gives each test file a module registry of its own, so a runtime and a
// prom-client of its own: the calls of other test files are not counted here.
describe("orders metrics, per test file", () => {
  it("starts from zero in every test file", async () => {
    expect(await calls(register)).toBe(0);
    priceOrder([{ price: 1, quantity: 1 }]);
    expect(await calls(register, "priceOrder")).toBe(1);
  });

  it("counts in a fresh runtime after jest.isolateModules", async () => {
    let isolated;
    jest.isolateModules(() => {
      isolated = { orders: require("./orders"), register: require("prom-client").register };
    });
    isolated.orders.priceOrder([{ price: 1, quantity: 1 }]);
    expect(isolated.register).not.toBe(register);
    expect(await calls(isolated.register, "priceOrder")).toBe(1);
    expect(await calls(register, "priceOrder")).toBe(1);
  });
});
