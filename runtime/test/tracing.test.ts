import { expect } from "chai";
import { tracingChannel } from "node:diagnostics_channel";
import { type CallContext, TRACING_CHANNEL, instrument } from "../src";
import { freshInit } from "./helpers/runtime";

const channel = tracingChannel<CallContext>(TRACING_CHANNEL);
const EVENTS = ["start", "end", "asyncStart", "asyncEnd", "error"] as const;

/** The events published while `run` runs, as "event function <- caller [= result | ! error]". */
async function events(run: () => unknown): Promise<string[]> {
  const seen: string[] = [];
  const describe = (event: string) => (c: CallContext) => {
    const outcome =
      event === "error" ? ` ! ${(c.error as Error).message}` : event === "end" || event === "asyncEnd" ? ` = ${String(c.result)}` : "";
    seen.push(`${event} ${c.function} <- ${c.caller?.function ?? ""}${outcome}`.replace(/ {2}/g, " "));
  };
  const subscribers = Object.fromEntries(EVENTS.map((e) => [e, describe(e)]));
  channel.subscribe(subscribers);
  try {
    await run();
    await new Promise((r) => setTimeout(r, 5));
  } finally {
    channel.unsubscribe(subscribers);
  }
  return seen;
}

describe("tracing channel", () => {
  beforeEach(() => freshInit());

  it("publishes start and end around a synchronous call, and error before end when it throws", async () => {
    const name = "sync";
    const h = instrument(name, "m.js");
    const seen = await events(() => {
      const slot = h.enter();
      h.exit(slot, 3);
      const failed = h.enter();
      h.exit(~failed, new Error("boom"));
    });
    expect(seen).to.deep.equal([
      `start ${name} <- `,
      `end ${name} <- = 3`,
      `start ${name} <- `,
      `error ${name} <- ! boom`,
      `end ${name} <- = undefined`,
    ]);
  });

  it("follows an in-place async call as tracePromise does: end at its first await, asyncStart and asyncEnd when it settles", async () => {
    const outer = instrument("outer", "m.js");
    const inner = instrument("inner", "m.js");
    const seen = await events(async () => {
      const c = outer.start();
      try {
        c.resume(await c.pause(null));
        const slot = inner.enter();
        inner.exit(slot, 1);
        c.end(2);
      } catch {}
      const failing = outer.start();
      failing.resume(await failing.pause(null));
      failing.failed = true;
      failing.end(new Error("rejected"));
    });
    const [o, i] = [outer.function, inner.function];
    expect(seen).to.deep.equal([
      `start ${o} <- `,
      `end ${o} <- = undefined`,
      `start ${i} <- ${o}`,
      `end ${i} <- ${o} = 1`,
      `asyncStart ${o} <- `,
      `asyncEnd ${o} <- = 2`,
      `start ${o} <- `,
      `end ${o} <- = undefined`,
      `error ${o} <- ! rejected`,
      `asyncStart ${o} <- `,
      `asyncEnd ${o} <- = undefined`,
    ]);
  });

  it("covers the wrapper's run and runAsync, and a returned promise", async () => {
    const name = "wrapped";
    const h = instrument(name, "m.js");
    const seen = await events(async () => {
      h.run(() => "sync");
      await h.runAsync(async () => "async");
      await h.run(() => Promise.resolve("promise"));
      await h
        .runAsync(async () => {
          throw new Error("no");
        })
        .catch(() => {});
    });
    expect(seen).to.deep.equal([
      `start ${name} <- `,
      `end ${name} <- = sync`,
      `start ${name} <- `,
      `end ${name} <- = async`,
      `asyncStart ${name} <- `,
      `asyncEnd ${name} <- = async`,
      `start ${name} <- `,
      `end ${name} <- = [object Promise]`,
      `asyncStart ${name} <- `,
      `asyncEnd ${name} <- = promise`,
      `start ${name} <- `,
      `error ${name} <- ! no`,
      `end ${name} <- = undefined`,
      `asyncStart ${name} <- `,
      `asyncEnd ${name} <- = undefined`,
    ]);
  });

  it("publishes nothing without a subscriber", async () => {
    const name = "quiet";
    const h = instrument(name, "m.js");
    let calls = 0;
    const subscribers = { start: () => calls++, end: () => calls++, asyncStart: () => {}, asyncEnd: () => {}, error: () => {} };
    channel.subscribe(subscribers);
    channel.unsubscribe(subscribers);
    h.exit(h.enter(), 1);
    expect(h.run(() => 7)).to.equal(7);
    expect(calls).to.equal(0);
  });
});
