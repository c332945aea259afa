// A Vitest setup file, added by e2e/test/test-runners.test.ts: after each test file, writes the
// function_calls_total samples its runtime recorded to $AUTOMETRICS_DUMP_DIR/<test file>.json,
// then zeroes them (in case a worker runs more than one file).
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { metricsRegistry } from "autometrics-runtime";
import { afterAll, expect } from "vitest";

afterAll(async () => {
  const registry = metricsRegistry();
  const metric = registry.getSingleMetric("function_calls_total");
  const samples = metric === undefined ? [] : (await metric.get()).values.map((v) => ({ ...v.labels, value: v.value }));
  const file = basename(expect.getState().testPath);
  writeFileSync(join(process.env.AUTOMETRICS_DUMP_DIR, `${file}.json`), JSON.stringify(samples));
  registry.resetMetrics();
});
