// A tiny service instrumented by hand through the runtime: handler → service →
// repository, with an objective, some failures and some slow calls. It runs a
// short load, then prints the Prometheus exposition and a table per function.
"use strict";
const { Registry } = require("prom-client");
const am = require("../dist");

const registry = new Registry();
am.init({ registry, serviceName: "demo-shop", detectBuildInfo: true });

const API = { name: "api", successRate: am.ObjectivePercentile.P99, latency: [am.ObjectiveLatency.Ms100, am.ObjectivePercentile.P95] };

// What the plugins generate for each function, written out by hand.
const h = {
  handleOrder: am.instrument("handleOrder", "demo/server.js", { objective: API }),
  priceOrder: am.instrument("priceOrder", "demo/pricing.js"),
  loadProduct: am.instrument("loadProduct", "demo/db.js"),
  saveOrder: am.instrument("saveOrder", "demo/db.js"),
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function loadProduct(id) {
  const call = h.loadProduct.begin();
  try {
    return h.loadProduct.end(call, await h.loadProduct.enter(async () => {
      await sleep(id % 10 === 0 ? 40 : 1); // every tenth product is a slow query
      return { id, price: 10 + (id % 7) };
    }));
  } catch (e) {
    throw h.loadProduct.fail(call, e);
  }
}

function priceOrder(product, quantity) {
  return h.priceOrder.run(() => {
    if (quantity <= 0) throw new RangeError(`bad quantity ${quantity}`);
    return product.price * quantity;
  });
}

async function saveOrder(order) {
  const call = h.saveOrder.begin();
  try {
    return h.saveOrder.end(call, await h.saveOrder.enter(async () => {
      await sleep(2);
      return { ...order, id: Math.random().toString(36).slice(2, 8) };
    }));
  } catch (e) {
    throw h.saveOrder.fail(call, e);
  }
}

async function handleOrder(productId, quantity) {
  const call = h.handleOrder.begin();
  try {
    return h.handleOrder.end(call, await h.handleOrder.enter(async () => {
      const product = await loadProduct(productId);
      const total = priceOrder(product, quantity);
      return saveOrder({ productId, quantity, total });
    }));
  } catch (e) {
    throw h.handleOrder.fail(call, e);
  }
}

function quantile(buckets, q) {
  const total = buckets.at(-1).count;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevBound;
      return prevBound + ((le - prevBound) * (rank - prevCount)) / Math.max(count - prevCount, 1);
    }
    prevBound = le;
    prevCount = count;
  }
  return NaN;
}

async function table() {
  const metrics = await registry.getMetricsAsJSON();
  const calls = metrics.find((m) => m.name.startsWith("function_calls")).values;
  const histogram = metrics.find((m) => m.name === "function_calls_duration_seconds").values;
  const rows = [];
  for (const fn of Object.keys(h)) {
    const mine = calls.filter((v) => v.labels.function === fn);
    const ok = mine.filter((v) => v.labels.result === "ok").reduce((s, v) => s + v.value, 0);
    const errors = mine.filter((v) => v.labels.result === "error").reduce((s, v) => s + v.value, 0);
    const callers = [...new Set(mine.filter((v) => v.value > 0).map((v) => v.labels.caller_function || "(entry)"))];
    const buckets = histogram
      .filter((v) => v.labels.function === fn && v.metricName.endsWith("_bucket"))
      .map((v) => ({ le: v.labels.le === "+Inf" ? Infinity : Number(v.labels.le), count: v.value }));
    const ms = (q) => `${(quantile(buckets, q) * 1000).toFixed(1)} ms`;
    rows.push({
      function: fn,
      module: mine[0].labels.module,
      calls: ok + errors,
      "error %": ((100 * errors) / Math.max(ok + errors, 1)).toFixed(1),
      p50: ms(0.5),
      p95: ms(0.95),
      callers: callers.join(", "),
      objective: mine[0].labels.objective_name ? `${mine[0].labels.objective_name} (${mine[0].labels.objective_percentile}%)` : "",
    });
  }
  console.table(rows);
}

(async () => {
  console.log("Sending 200 orders (every 15th has a bad quantity, every 10th product is slow)...");
  const orders = [];
  for (let i = 1; i <= 200; i++) orders.push(handleOrder(i, i % 15 === 0 ? 0 : 1 + (i % 3)).catch(() => {}));
  await Promise.all(orders);
  const text = await registry.metrics();
  console.log("\n--- Prometheus exposition (function_calls_total and build_info) ---");
  console.log(text.split("\n").filter((l) => /^(function_calls_total|build_info)/.test(l)).join("\n"));
  console.log(`\n(${text.split("\n").length} lines in all, histogram buckets omitted here)\n`);
  await table();
})();
