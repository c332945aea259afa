// Runs the runtime's test suite again on Node 24 (installed beside this file
// from the npm registry), with the user-side OpenTelemetry SDK at 3.x, which
// needs Node >= 22.15. Node 24's AsyncLocalStorage works differently from
// Node 20's (AsyncContextFrame), so caller tracking is checked on both.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureInstalled } from "../../../fixtures/harness/isolated-install.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const node = ensureInstalled(here, "Node 24 and @opentelemetry/sdk-metrics 3");
const mocha = join(here, "..", "..", "..", "node_modules", "mocha", "bin", "mocha.js");
execFileSync(node, [mocha], {
  cwd: join(here, "..", ".."),
  stdio: "inherit",
  env: { ...process.env, AUTOMETRICS_USER_OTEL_SDK: here },
});
