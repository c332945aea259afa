// Transform time of the SWC plugin over every file of lodash-es, in one
// process, interleaved rounds: bare @swc/core; @swc/core with an empty plugin
// built on the same swc_core (the Wasm round trip alone); with the autometrics
// plugin, with nothing selected (its fixed cost per file) and with every
// function selected by `include`; and Babel with the Babel
// plugin, for comparison. Run `npm run bench:swc` (it builds both plugins).
// `--previous=FILE.wasm` adds an earlier build of the plugin beside the
// current one, in the same rounds (an A/B of a change to the crate).
"use strict";
const { existsSync, readFileSync, readdirSync, statSync } = require("node:fs");
const { dirname, join } = require("node:path");
const swc = require("@swc/core");
const babel = require("@babel/core");
const autometricsBabel = require("babel-plugin-autometrics").default;

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 7;
const PLUGIN = join(__dirname, "..", "swc-plugin-wasm", "swc_plugin_autometrics.wasm");
const NOOP = join(__dirname, "swc-noop-plugin", "swc_plugin_noop.wasm");
const PREVIOUS = process.argv.find((a) => a.startsWith("--previous="))?.slice("--previous=".length);
for (const wasm of [PLUGIN, NOOP, PREVIOUS ?? PLUGIN]) if (!existsSync(wasm)) throw new Error(`${wasm} is missing: run npm run bench:swc`);

const root = dirname(require.resolve("lodash-es/package.json"));
const files = readdirSync(root)
  .filter((f) => f.endsWith(".js"))
  .map((f) => ({ filename: join(root, f), code: readFileSync(join(root, f), "utf8") }));

const swcOptions = (plugins) => ({
  jsc: { target: "es2022", parser: { syntax: "ecmascript" }, experimental: { plugins } },
  module: { type: "es6" },
  isModule: true,
});
const variants = {
  "bare @swc/core": (f) => swc.transformSync(f.code, { ...swcOptions([]), filename: f.filename }).code,
  "@swc/core + empty plugin": (f) => swc.transformSync(f.code, { ...swcOptions([[NOOP, {}]]), filename: f.filename }).code,
  "@swc/core + swc-plugin-autometrics (nothing selected)": (f) =>
    swc.transformSync(f.code, { ...swcOptions([[PLUGIN, { root }]]), filename: f.filename }).code,
  "@swc/core + swc-plugin-autometrics (every function)": (f) =>
    swc.transformSync(f.code, { ...swcOptions([[PLUGIN, { root, include: ["**"] }]]), filename: f.filename }).code,
  ...(PREVIOUS && {
    "@swc/core + previous build (nothing selected)": (f) =>
      swc.transformSync(f.code, { ...swcOptions([[PREVIOUS, { root }]]), filename: f.filename }).code,
    "@swc/core + previous build (every function)": (f) =>
      swc.transformSync(f.code, { ...swcOptions([[PREVIOUS, { root, include: ["**"] }]]), filename: f.filename }).code,
  }),
  "Babel + babel-plugin-autometrics (every function)": (f) =>
    babel.transformSync(f.code, {
      filename: f.filename,
      cwd: root,
      babelrc: false,
      configFile: false,
      sourceType: "module",
      plugins: [[autometricsBabel, { include: ["**"] }]],
    }).code,
};

function run(fn) {
  const start = process.hrtime.bigint();
  let bytes = 0;
  for (const f of files) bytes += fn(f).length;
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const names = Object.keys(variants);
const times = Object.fromEntries(names.map((n) => [n, []]));
const sizes = {};
for (const n of names) run(variants[n]); // warm-up: compiles the Wasm modules, fills caches
for (let round = 0; round < ROUNDS; round++) {
  // Each round starts one variant later: a fixed order favours the later ones (an A/A run gave the second copy 4-11%).
  for (const n of names.map((_, i) => names[(i + round) % names.length])) {
    const { ms, bytes } = run(variants[n]);
    times[n].push(ms);
    sizes[n] = bytes;
  }
}
const empty = median(times[names[1]]);
console.log(
  `Node ${process.version}, @swc/core ${require("@swc/core/package.json").version}, lodash-es: ${files.length} files, median of ${ROUNDS} rounds`,
);
console.log("| variant | ms for all files | ms per file | × empty plugin | output size |");
console.log("|---|---:|---:|---:|---:|");
for (const n of names) {
  const m = median(times[n]);
  console.log(
    `| ${n} | ${m.toFixed(0)} | ${(m / files.length).toFixed(2)} | ${(m / empty).toFixed(2)} | ${(sizes[n] / 1024).toFixed(0)} KiB |`,
  );
}
const kib = (file) => `${(statSync(file).size / 1024).toFixed(0)} KiB`;
console.log(`\nWasm modules: plugin ${kib(PLUGIN)}, empty plugin ${kib(NOOP)}${PREVIOUS ? `, previous build ${kib(PREVIOUS)}` : ""}`);
