// Transform time of the Babel plugin over a real corpus (every .js file of
// lodash-es, every function selected by `include`), side by side with bare
// Babel and with babel-plugin-istanbul, in one process, interleaved rounds.
//   node babel.js [--quick]
"use strict";
const { readFileSync, readdirSync } = require("node:fs");
const { dirname, join } = require("node:path");
const babel = require("@babel/core");
const autometrics = require("babel-plugin-autometrics").default;
const istanbul = require("babel-plugin-istanbul").default;

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 7;
const root = dirname(require.resolve("lodash-es/package.json"));
const files = readdirSync(root)
  .filter((f) => f.endsWith(".js"))
  .map((f) => ({ filename: join(root, f), code: readFileSync(join(root, f), "utf8") }));

const base = { babelrc: false, configFile: false, cwd: root, sourceType: "module", compact: false };
const variants = {
  "bare Babel (parse + generate)": { ...base, plugins: [] },
  "Babel + babel-plugin-autometrics (nothing selected)": { ...base, plugins: [[autometrics, {}]] },
  "Babel + babel-plugin-autometrics (every function)": { ...base, plugins: [[autometrics, { include: ["**"] }]] },
  "Babel + babel-plugin-istanbul": {
    ...base,
    plugins: [[istanbul, { cwd: root, include: ["**"], excludeNodeModules: false, useInlineSourceMaps: false }]],
  },
};

function transformAll(options) {
  const start = process.hrtime.bigint();
  let bytes = 0;
  for (const { filename, code } of files) bytes += babel.transformSync(code, { ...options, filename }).code.length;
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const names = Object.keys(variants);
const times = Object.fromEntries(names.map((n) => [n, []]));
const sizes = {};
for (const n of names) transformAll(variants[n]); // warm-up: JIT and Babel's caches
for (let round = 0; round < ROUNDS; round++) {
  for (const n of names) {
    const { ms, bytes } = transformAll(variants[n]);
    times[n].push(ms);
    sizes[n] = bytes;
  }
}
const bare = median(times[names[0]]);
console.log(`Node ${process.version}, @babel/core ${babel.version}, lodash-es: ${files.length} files, median of ${ROUNDS} rounds`);
console.log("| variant | ms for all files | ms per file | × bare | output size |");
console.log("|---|---:|---:|---:|---:|");
for (const n of names) {
  const m = median(times[n]);
  console.log(
    `| ${n} | ${m.toFixed(0)} | ${(m / files.length).toFixed(2)} | ${(m / bare).toFixed(2)} | ${(sizes[n] / 1024).toFixed(0)} KiB |`,
  );
}
