// `bun test`, with bunfig.toml's [test] preload: the code under test is instrumented.
import { beforeEach, describe, expect, it } from "bun:test";
import { register } from "prom-client";
import { greet } from "../src/greeting.js";
import { getUser } from "../src/users.ts";

/** The calls the runtime counted, summed over the series whose labels include `labels`. */
async function calls(labels: Record<string, string>): Promise<number> {
  const counter = register.getSingleMetric("function_calls_total");
  if (counter === undefined) throw new Error("function_calls_total is not on prom-client's registry: nothing was instrumented");
  const { values } = await counter.get();
  return values
    .filter((sample) => Object.entries(labels).every(([name, value]) => sample.labels[name] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

beforeEach(() => register.resetMetrics());

describe("users", () => {
  it("finds a user, through the CommonJS module", async () => {
    expect(await getUser(1)).toEqual({ id: 1, name: "ADA" });
    expect(greet("ada")).toBe("Hello, ada!");
  });

  it("counts each call with its function, module, caller and objective", async () => {
    await getUser(2);
    expect(await calls({ function: "getUser", module: "src/users.ts", caller_function: "", result: "ok", objective_name: "api" })).toBe(1);
    expect(await calls({ function: "findUser", module: "src/users.ts", caller_function: "getUser", result: "ok" })).toBe(1);
    expect(await calls({ function: "shout", module: "src/shout.cjs", caller_function: "getUser", result: "ok" })).toBe(1);
  });

  it("counts a rejection as an error", async () => {
    await expect(getUser(9)).rejects.toThrow("no user 9");
    expect(await calls({ function: "findUser", caller_function: "getUser", result: "error" })).toBe(1);
    expect(await calls({ function: "getUser", result: "error" })).toBe(1);
  });
});
