// Runs the fixture corpus on Node 24 (installed beside this file from the npm
// registry): under Babel 7, and under Babel 8, which needs Node >= 22.18.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureInstalled } from "../../../fixtures/harness/isolated-install.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const node = ensureInstalled(here, "Babel 8 and Node 24");
const mocha = join(here, "..", "..", "..", "node_modules", "mocha", "bin", "mocha.js");
for (const babel of ["7", "8"]) {
  execFileSync(node, [mocha, "test/corpus.test.ts"], {
    cwd: join(here, "..", ".."),
    stdio: "inherit",
    env: { ...process.env, AUTOMETRICS_BABEL: babel },
  });
}
