// Runs the runtime's test suite again on Node 22, 24 and 26 (from the npm
// registry), with the user-side OpenTelemetry SDK at 3.x, which needs Node >=
// 22.15. AsyncLocalStorage works differently from Node 24 on
// (AsyncContextFrame), so caller tracking is checked on both kinds.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureInstalled, nodeVersions } from "../../../fixtures/harness/isolated-install.mjs";

const here = dirname(fileURLToPath(import.meta.url));
ensureInstalled(here, "@opentelemetry/sdk-metrics 3");
// The producer against SDK 3.x's own types (test/otel-types.check.ts).
execFileSync(process.execPath, [join(here, "..", "..", "..", "node_modules", "typescript", "bin", "tsc"), "-p", here], {
  stdio: "inherit",
});
const mocha = join(here, "..", "..", "..", "node_modules", "mocha", "bin", "mocha.js");
for (const { major, node } of nodeVersions()) {
  console.log(`\nThe runtime's tests on Node ${major}`);
  execFileSync(node, [mocha], {
    cwd: join(here, "..", ".."),
    stdio: "inherit",
    env: { ...process.env, AUTOMETRICS_USER_OTEL_SDK: here },
  });
}
