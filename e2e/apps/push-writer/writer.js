// One short-lived writer, as a serverless instance is: it makes calls, pushes
// them with flush() after each round, prints what it recorded itself (its own
// scrape), and then either ends or waits to be killed without a signal it can
// handle. With GATE, it waits for that file to exist before its last flush.
// The OTLP endpoint and protocol come from the OTEL_* variables.
const { existsSync } = require("node:fs");
const { autometrics, flush, init, metricsRegistry } = require("autometrics-runtime");

init({ serviceName: process.env.SERVICE_NAME });

const query = autometrics({ functionName: "query", moduleName: "src/db.js" }, function query(i) {
  // Spread the latencies over several buckets: 0 to 12 ms of busy work.
  const until = performance.now() + (i % 4) * 4;
  while (performance.now() < until) {}
  if (i % 10 === 7) throw new Error("no such row");
  return i;
});

const lookup = autometrics({ functionName: "lookup", moduleName: "src/service.js" }, async function lookup(i) {
  await new Promise((r) => setImmediate(r));
  return query(i);
});

const handle = autometrics(
  { functionName: "handle", moduleName: "src/handler.js", objective: { name: "api", successRate: "99" } },
  async function handle(i) {
    try {
      return await lookup(i);
    } catch {
      return null;
    }
  },
);

async function main() {
  const calls = Number(process.env.CALLS);
  const rounds = Number(process.env.ROUNDS ?? 3);
  for (let round = 0; round < rounds; round++) {
    for (let i = round; i < calls; i += rounds) await handle(i);
    await flush();
  }
  if (process.env.GATE) {
    // Stays alive until the test says the collector is up, then pushes again;
    // with AFTER_GATE_CALLS, then twice that many calls more, pushed each time.
    console.log("waiting");
    while (!existsSync(process.env.GATE)) await new Promise((r) => setTimeout(r, 50));
    await flush();
    const more = Number(process.env.AFTER_GATE_CALLS ?? 0);
    for (let round = 0; more > 0 && round < 2; round++) {
      for (let i = 0; i < more; i++) await handle(i);
      await flush();
    }
  }
  console.log(JSON.stringify({ exposition: await metricsRegistry().metrics() }));
  if (process.env.END === "kill") {
    console.log("flushed");
    // With UNFLUSHED, calls made after the last flush, which die with the process.
    for (let i = 0; i < Number(process.env.UNFLUSHED ?? 0); i++) await handle(i);
    console.log("dying");
    setInterval(() => {}, 60_000); // stays alive until killed
  }
}

main();
