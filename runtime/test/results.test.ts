import { expect } from "chai";
import { instrument } from "../src";
import { one } from "../../fixtures/harness/exposition";
import { freshInit, scrape, sleep } from "./helpers/runtime";

async function counts(name: string) {
  const { samples } = await scrape();
  return {
    ok: one(samples, "function_calls_total", { function: name, result: "ok", caller_function: "" }).value,
    error: one(samples, "function_calls_total", { function: name, result: "error", caller_function: "" }).value,
  };
}

describe("results", () => {
  beforeEach(() => freshInit());

  it("returns the very value and counts ok", async () => {
    const name = "value";
    const value = { a: 1 };
    expect(instrument(name, "m.js").run(() => value)).to.equal(value);
    expect(await counts(name)).to.deep.equal({ ok: 1, error: 0 });
  });

  it("rethrows the same thrown object, Error or not, and counts error", async () => {
    const name = "throws";
    const fn = instrument(name, "m.js");
    const error = new TypeError("bad");
    const notAnError = { code: 42 };
    let caught: unknown;
    try {
      fn.run(() => {
        throw error;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.equal(error);
    try {
      fn.run(() => {
        throw notAnError;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.equal(notAnError);
    try {
      fn.run(() => {
        throw undefined;
      });
      caught = "not thrown";
    } catch (e) {
      caught = e;
    }
    expect(caught).to.equal(undefined);
    expect(await counts(name)).to.deep.equal({ ok: 0, error: 3 });
  });

  it("keeps a sync function sync", () => {
    const fn = instrument("sync", "m.js");
    let after = false;
    const result = fn.run(() => {
      after = true;
      return 7;
    });
    expect(after).to.equal(true);
    expect(result).to.equal(7);
  });

  it("returns a returned promise unchanged and times it to settlement", async () => {
    const name = "promise";
    const fn = instrument(name, "m.js");
    const promise = sleep(30).then(() => "done");
    const returned = fn.run(() => promise);
    expect(returned).to.equal(promise);
    expect(await counts(name)).to.deep.equal({ ok: 0, error: 0 });
    expect(await returned).to.equal("done");
    await null;
    expect(await counts(name)).to.deep.equal({ ok: 1, error: 0 });
    const { samples } = await scrape();
    // Timed to settlement (30 ms), not to the return: no upper bound, which a loaded machine can pass.
    expect(one(samples, "function_calls_duration_seconds_bucket", { function: name, le: "0.025" }).value).to.equal(0);
    expect(one(samples, "function_calls_duration_seconds_bucket", { function: name, le: "+Inf" }).value).to.equal(1);
  });

  it("counts a rejected returned promise as error and leaves the rejection to the caller", async () => {
    const name = "rejects";
    const reason = new Error("nope");
    const returned = instrument(name, "m.js").run(() => Promise.reject(reason));
    let caught: unknown;
    try {
      await returned;
    } catch (e) {
      caught = e;
    }
    expect(caught).to.equal(reason);
    expect(await counts(name)).to.deep.equal({ ok: 0, error: 1 });
  });

  it("times async bodies to settlement, resolving and rejecting with the same values", async () => {
    const name = "async";
    const fn = instrument(name, "m.js");
    const value = {};
    expect(
      await fn.runAsync(async () => {
        await sleep(5);
        return value;
      }),
    ).to.equal(value);
    const reason = Symbol("reason");
    let caught: unknown;
    try {
      await fn.runAsync(async () => {
        await sleep(5);
        throw reason;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.equal(reason);
    expect(await counts(name)).to.deep.equal({ ok: 1, error: 1 });
  });

  it("never calls then() on a thenable that is not a native promise", async () => {
    const name = "thenable";
    let thenCalls = 0;
    const lazyQuery = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, to check the runtime never calls then()
      then: () => {
        thenCalls++;
      },
    };
    expect(instrument(name, "m.js").run(() => lazyQuery)).to.equal(lazyQuery);
    expect(thenCalls).to.equal(0);
    expect(await counts(name)).to.deep.equal({ ok: 1, error: 0 });
  });

  it("lets recordErrorIf and recordSuccessIf decide the result", async () => {
    const name = "custom";
    const fn = instrument(name, "m.js", {
      recordErrorIf: (r: { status: number }) => r.status >= 500,
      recordSuccessIf: (e) => e instanceof RangeError,
    });
    fn.run(() => ({ status: 200 }));
    fn.run(() => ({ status: 503 }));
    await fn.runAsync(async () => ({ status: 500 }));
    expect(() =>
      fn.run(() => {
        throw new RangeError("client error");
      }),
    ).to.throw(RangeError);
    expect(() =>
      fn.run(() => {
        throw new Error("server error");
      }),
    ).to.throw(Error);
    expect(await counts(name)).to.deep.equal({ ok: 2, error: 3 });
  });

  it("hands the plugins' in-place shapes the thrown value: recordSuccessIf applies to them too", async () => {
    const name = "inPlace";
    const h = instrument(name, "m.js", { recordSuccessIf: (e) => e instanceof RangeError });
    for (const error of [new RangeError("client"), new Error("server")]) {
      const slot = h.enter();
      h.exit(~slot, error);
      const call = h.start();
      call.failed = true;
      call.end(error);
    }
    expect(await counts(name)).to.deep.equal({ ok: 2, error: 2 });
  });

  it("counts a framework's control flow as ok, judged by own data properties only", async () => {
    const name = "controlFlow";
    const fn = instrument(name, "m.js");
    const marked = (digest: unknown) => Object.assign(new Error("control flow"), { digest });
    const thrown = [
      marked("NEXT_REDIRECT;replace;/login;307;"),
      marked("NEXT_HTTP_ERROR_FALLBACK;404"),
      marked("DYNAMIC_SERVER_USAGE"),
      marked("HANGING_PROMISE_REJECTION"),
      { $$typeof: Symbol.for("react.postpone") },
    ];
    const errors = [
      marked("1234567890"),
      marked("NEXT_REDIRECT"),
      marked(["NEXT_HTTP_ERROR_FALLBACK;404"]),
      Object.create({ digest: "NEXT_REDIRECT;push;/;307;" }),
      Object.defineProperty(new Error("getter"), "digest", {
        get: () => {
          throw new Error("getter ran");
        },
      }),
      new Proxy(marked("DYNAMIC_SERVER_USAGE"), {
        getOwnPropertyDescriptor: () => {
          throw new Error("trap ran");
        },
      }),
    ];
    for (const value of [...thrown, ...errors]) {
      expect(() =>
        fn.run(() => {
          throw value;
        }),
      )
        .to.throw()
        .that.equals(value);
    }
    await fn
      .runAsync(async () => {
        throw thrown[0];
      })
      .catch(() => {});
    expect(await counts(name)).to.deep.equal({ ok: thrown.length + 1, error: errors.length });
  });

  it("survives a recordErrorIf that throws: the caller still gets its result", async () => {
    const name = "brokenPredicate";
    const fn = instrument(name, "m.js", {
      recordErrorIf: () => {
        throw new Error("predicate bug");
      },
    });
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    try {
      expect(fn.run(() => 5)).to.equal(5);
      expect(fn.run(() => 6)).to.equal(6);
    } finally {
      console.warn = warn;
    }
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain("recordErrorIf").and.contain("predicate bug");
    expect(await counts(name)).to.deep.equal({ ok: 2, error: 0 });
  });
});
