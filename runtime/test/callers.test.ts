import { expect } from "chai";
import { EventEmitter } from "node:events";
import { type FunctionHandle, instrument } from "../src";
import { find } from "../../fixtures/harness/exposition";
import { freshInit, scrape, sleep } from "./helpers/runtime";

/** Every (caller → count of ok calls) recorded for `name`, zero rows left out. */
async function callersOf(name: string): Promise<Record<string, number>> {
  const { samples } = await scrape();
  const out: Record<string, number> = {};
  for (const s of find(samples, "function_calls_total", { function: name, result: "ok" })) {
    if (s.value > 0) out[`${s.labels.caller_module}:${s.labels.caller_function}`] = s.value;
  }
  return out;
}

describe("caller labels", () => {
  beforeEach(() => freshInit());

  it("are empty for an entry point and name the synchronous caller", async () => {
    const outer = instrument("outer", "src/a.js");
    const inner = instrument("inner", "src/b.js");
    inner.run(() => 1);
    outer.run(() => inner.run(() => 2));
    expect(await callersOf(inner.function)).to.deep.equal({ ":": 1, [`src/a.js:${outer.function}`]: 1 });
    expect(await callersOf(outer.function)).to.deep.equal({ ":": 1 });
  });

  it("skip functions that are not instrumented", async () => {
    const a = instrument("a", "m.js");
    const c = instrument("c", "m.js");
    const b = () => c.run(() => "c"); // not instrumented
    a.run(() => b());
    expect(await callersOf(c.function)).to.deep.equal({ [`m.js:${a.function}`]: 1 });
  });

  it("are restored after a caller throws", async () => {
    const failing = instrument("failing", "m.js");
    const later = instrument("later", "m.js");
    expect(() =>
      failing.run(() => {
        throw new Error("x");
      }),
    ).to.throw();
    later.run(() => 1);
    expect(await callersOf(later.function)).to.deep.equal({ ":": 1 });
  });

  it("propagate across await, in async bodies", async () => {
    const handler = instrument("handler", "src/http.js");
    const repo = instrument("repo", "src/db.js");
    await handler.runAsync(async () => {
      await sleep(1);
      await repo.runAsync(async () => {
        await null;
      });
      await null;
      repo.run(() => 1);
    });
    expect(await callersOf(repo.function)).to.deep.equal({ [`src/http.js:${handler.function}`]: 2 });
  });

  it("propagate into timers, promise callbacks and event listeners", async () => {
    const scheduler = instrument("scheduler", "s.js");
    const viaTimer = instrument("viaTimer", "t.js");
    const viaThen = instrument("viaThen", "t.js");
    const viaEmitter = instrument("viaEmitter", "t.js");
    const emitter = new EventEmitter();
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    scheduler.run(() => {
      setTimeout(() => {
        viaTimer.run(() => 1);
        done();
      }, 2);
      Promise.resolve().then(() => viaThen.run(() => 1));
      setImmediate(() => emitter.emit("tick"));
    });
    // The listener is added outside: it runs in the emitter's context, i.e. the emit() call's.
    emitter.on("tick", () => viaEmitter.run(() => 1));
    await finished;
    const expected = { [`s.js:${scheduler.function}`]: 1 };
    expect(await callersOf(viaTimer.function)).to.deep.equal(expected);
    expect(await callersOf(viaThen.function)).to.deep.equal(expected);
    expect(await callersOf(viaEmitter.function)).to.deep.equal(expected);
  });

  it("do not leak between interleaved async calls", async () => {
    const left = instrument("left", "m.js");
    const right = instrument("right", "m.js");
    const leaf = instrument("leaf", "m.js");
    const work = (parent: typeof left) =>
      parent.runAsync(async () => {
        for (let i = 0; i < 5; i++) {
          await sleep(Math.random() * 3);
          leaf.run(() => i);
        }
      });
    await Promise.all([work(left), work(right), work(left)]);
    leaf.run(() => 0);
    expect(await callersOf(leaf.function)).to.deep.equal({
      ":": 1,
      [`m.js:${left.function}`]: 10,
      [`m.js:${right.function}`]: 5,
    });
  });

  it("after an async call returns, its caller's context is back", async () => {
    const parent = instrument("parent", "m.js");
    const child = instrument("child", "m.js");
    const sibling = instrument("sibling", "m.js");
    await parent.runAsync(async () => {
      const pending = child.runAsync(async () => {
        await sleep(2);
      });
      sibling.run(() => 1); // runs while child is suspended
      await pending;
    });
    expect(await callersOf(sibling.function)).to.deep.equal({ [`m.js:${parent.function}`]: 1 });
  });

  it("keep synchronous callers only when trackCallers is false", async () => {
    freshInit({ trackCallers: false });
    try {
      const parent = instrument("syncParent", "m.js");
      const child = instrument("syncChild", "m.js");
      await parent.runAsync(async () => {
        child.run(() => 1);
        await sleep(1);
        child.run(() => 2);
      });
      const callers = await callersOf(child.function);
      expect(callers[`m.js:${parent.function}`]).to.equal(1);
    } finally {
      freshInit();
    }
  });
});

/** A synchronous function as the plugins write it (docs/transform.md), with `body` as its body. */
function inPlace<A extends unknown[], R>(h: FunctionHandle, body: (...args: A) => R, scoped = false): (...args: A) => R {
  return (...args: A) => {
    let c = scoped ? h.enterScoped() : h.enter();
    let r: R | undefined;
    try {
      return (r = body(...args));
    } catch (e) {
      c = ~c;
      throw e;
    } finally {
      h.exit(c, r);
    }
  };
}

/** A library that is not instrumented and calls back later. */
const later = (fn: () => void) => setTimeout(fn, 1);

describe("caller labels through the plugins' in-place shapes", () => {
  beforeEach(() => freshInit());

  it("name the synchronous caller, and are restored when a call throws", async () => {
    const outer = instrument("outer", "a.js");
    const inner = instrument("inner", "b.js");
    const innerFn = inPlace(inner, (x: number) => {
      if (x < 0) throw new Error("negative");
      return x;
    });
    const outerFn = inPlace(outer, (x: number) => innerFn(x));
    expect(outerFn(1)).to.equal(1);
    expect(() => outerFn(-1)).to.throw("negative");
    innerFn(2);
    expect(await callersOf(inner.function)).to.deep.equal({ [`a.js:${outer.function}`]: 1, ":": 1 });
  });

  it("reach the continuations a scoped function registers; an unscoped one's go to its own caller", async () => {
    const callback = instrument("callback", "m.js");
    const scoped = instrument("scoped", "m.js");
    const unscoped = instrument("unscoped", "m.js");
    const callbackFn = inPlace(callback, () => 1);
    inPlace(scoped, () => later(callbackFn), true)();
    inPlace(unscoped, () => later(callbackFn))();
    await sleep(5);
    expect(await callersOf(callback.function)).to.deep.equal({ [`m.js:${scoped.function}`]: 1, ":": 1 });
  });

  it('with trackCallers: "exact", every call reaches them', async () => {
    freshInit({ trackCallers: "exact" });
    try {
      const callback = instrument("callback", "m.js");
      const unscoped = instrument("unscoped", "m.js");
      const callbackFn = inPlace(callback, () => 1);
      inPlace(unscoped, () => later(callbackFn))();
      await sleep(5);
      expect(await callersOf(callback.function)).to.deep.equal({ [`m.js:${unscoped.function}`]: 1 });
    } finally {
      freshInit();
    }
  });

  it("follow an async function across its awaits, in its catch blocks, and not after it returns", async () => {
    const handler = instrument("handler", "h.js");
    const repo = instrument("repo", "r.js");
    const sibling = instrument("sibling", "s.js");
    const repoFn = inPlace(repo, () => 1);
    const siblingFn = inPlace(sibling, () => 1);
    const handlerFn = async () => {
      const c = handler.start();
      try {
        repoFn();
        c.resume(await c.pause(sleep(1)));
        repoFn();
        try {
          c.resume(await c.pause(Promise.reject(new Error("no"))));
        } catch {
          c.resume();
          repoFn();
        }
      } catch (e) {
        c.failed = true;
        throw e;
      } finally {
        c.end();
      }
    };
    const pending = handlerFn();
    siblingFn(); // runs while the handler is suspended: not its caller
    await pending;
    expect(await callersOf(repo.function)).to.deep.equal({ [`h.js:${handler.function}`]: 3 });
    expect(await callersOf(sibling.function)).to.deep.equal({ ":": 1 });
  });

  it("reject any other trackCallers value", () => {
    expect(() => freshInit({ trackCallers: "always" as never })).to.throw(
      'invalid option `trackCallers`: expected true, false or "exact", got "always"',
    );
    freshInit();
  });
});

describe("caller labels before init()", () => {
  it("work with defaults when init() was never called", async () => {
    const { execFileSync } = await import("node:child_process");
    const script = `
      const am = require(${JSON.stringify(require.resolve("../dist"))});
      const a = am.instrument("a", "x.js"), b = am.instrument("b", "x.js");
      a.run(() => b.run(() => 1));
      am.metricsRegistry().metrics().then((t) => process.stdout.write(t));
    `;
    const out = execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(out).to.match(
      /function_calls_total\{function="b",module="x.js",service_name="[^"]+",caller_function="a",caller_module="x.js",objective_name="",objective_percentile="",result="ok"\} 1/,
    );
  });
});
