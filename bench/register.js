// Start-up of an app run with no build step under `autometrics-register`,
// against the same app run plainly, on the machine's Node and Node 22, 24, 26.
//
// The app: lodash-es 4.17.21 (643 ECMAScript modules, 300-odd functions
// exported) copied into a project as its own code, every function selected
// (`include: ["lodash/**"]`), and a main module that imports all of it and
// calls one function. Each variant starts a fresh process, taking turns:
// plain; built ahead of time by the Babel plugin; the hook with an empty cache (cold) and with the cache of an earlier
// start (warm), with Babel and with SWC. The table gives the median wall time
// of `rounds` starts and its ratio to plain, per Node line.
"use strict";
const { execFileSync } = require("node:child_process");
const { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

const rounds = Number(process.argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 5);

async function nodes() {
  const { nodeVersions } = await import("../fixtures/harness/isolated-install.mjs");
  return [{ major: Number(process.versions.node.split(".")[0]), node: process.execPath }, ...nodeVersions()];
}

function project() {
  // Inside the repository, so that the runtime, the compilers and the plugins resolve from its node_modules.
  const dir = join(__dirname, ".register-app");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  cpSync(dirname(require.resolve("lodash-es/package.json")), join(dir, "lodash"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(dir, "main.js"),
    'import * as _ from "./lodash/lodash.js";\nif (_.chunk([1, 2, 3], 2).length !== 2) throw new Error("lodash broke");\n',
  );
  // The same app built ahead of time by the Babel plugin: what the runtime itself costs at start-up.
  const babel = require("@babel/core");
  const built = join(dir, "built");
  for (const file of ["main.js", "package.json", ...readdirSync(join(dir, "lodash")).map((f) => `lodash/${f}`)]) {
    mkdirSync(dirname(join(built, file)), { recursive: true });
    const code = readFileSync(join(dir, file), "utf8");
    const out = file.endsWith(".js")
      ? babel.transformSync(code, {
          filename: join(dir, file),
          cwd: dir,
          babelrc: false,
          configFile: false,
          plugins: [["autometrics", { include: ["lodash/**"] }]],
        }).code
      : code;
    writeFileSync(join(built, file), out);
  }
  return dir;
}

function start(node, dir, env, hook, cwd = dir) {
  const began = process.hrtime.bigint();
  execFileSync(node, [...(hook ? ["--import", "autometrics-register"] : []), "main.js"], {
    cwd,
    env: { ...process.env, AUTOMETRICS_INCLUDE: "lodash/**", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return Number(process.hrtime.bigint() - began) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dir = project();
  const variants = [
    { name: "plain", run: (node) => start(node, dir, {}, false) },
    { name: "built ahead (Babel)", run: (node) => start(node, dir, {}, false, join(dir, "built")) },
    ...["babel", "swc"].flatMap((compiler) => {
      const cacheDir = join(dir, `cache-${compiler}`);
      const env = { AUTOMETRICS_COMPILER: compiler, AUTOMETRICS_CACHE_DIR: cacheDir };
      return [
        { name: `${compiler}, cold`, run: (node) => (rmSync(cacheDir, { recursive: true, force: true }), start(node, dir, env, true)) },
        { name: `${compiler}, warm`, run: (node) => start(node, dir, env, true) },
      ];
    }),
  ];
  console.log(`Start-up of lodash-es (643 modules) imported whole, median of ${rounds} starts (ms), ratio to plain:\n`);
  console.log(`| Node | ${variants.map((v) => v.name).join(" | ")} |`);
  console.log(`|---|${variants.map(() => "---:").join("|")}|`);
  for (const { major, node } of await nodes()) {
    const times = variants.map(() => []);
    for (let r = 0; r < rounds; r++) for (const [i, v] of variants.entries()) times[i].push(v.run(node));
    const plain = median(times[0]);
    const cells = times.map((t, i) => (i === 0 ? `${plain.toFixed(0)}` : `${median(t).toFixed(0)} (${(median(t) / plain).toFixed(1)}×)`));
    console.log(`| ${major} | ${cells.join(" | ")} |`);
  }
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
