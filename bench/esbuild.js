// What the esbuild plugins (babel-plugin-autometrics/esbuild and
// swc-plugin-autometrics/esbuild) add to an esbuild build: lodash-es bundled
// whole (its `lodash.js`, which imports all 644 files), plain and with each
// plugin, with nothing selected (each file is read by the plugin and handed
// back to esbuild) and with every function selected, without and with source
// maps, beside a bare Babel pass over every file (Babel's parse and print
// alone); in one process, interleaved rounds. The SWC plugin's Wasm must be
// built (npm run bench:esbuild builds it).
//   node esbuild.js [--quick]
"use strict";
const { readFile } = require("node:fs/promises");
const { dirname, join } = require("node:path");
const babel = require("@babel/core");
const esbuild = require("esbuild");
const { autometrics } = require("babel-plugin-autometrics/esbuild");
// The SWC plugin's, from its folder, as swc.js takes its Wasm (bench does not depend on that package).
const { autometrics: autometricsSwc } = require("../swc-plugin-wasm/esbuild.js");

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 7;
const root = dirname(require.resolve("lodash-es/package.json"));

/** A browser bundle of all of lodash-es; the runtime stays external, so the bundles differ only by the instrumented code. */
const build = (plugins, sourcemap) => () =>
  esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(root, "lodash.js")],
    bundle: true,
    format: "esm",
    platform: "browser",
    external: ["autometrics-runtime"],
    sourcemap: sourcemap ? "external" : false,
    outfile: "out.js",
    write: false,
    logLevel: "silent",
    plugins,
  });
/** Babel with no plugin on every file, handed to esbuild as the plugin hands it: what Babel's parse and print cost alone. */
const bareBabel = {
  name: "bare-babel",
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      const code = await readFile(args.path, "utf8");
      const out = await babel.transformAsync(code, { filename: args.path, babelrc: false, configFile: false, compact: false });
      return { contents: out.code, loader: "js" };
    });
  },
};
const variants = {
  "plain esbuild": build([], false),
  "esbuild + Babel plugin (nothing selected)": build([autometrics({})], false),
  "esbuild + Babel with no plugin (for comparison)": build([bareBabel], false),
  "esbuild + Babel plugin (every function)": build([autometrics({ include: ["**"] })], false),
  "esbuild + SWC plugin (nothing selected)": build([autometricsSwc({})], false),
  "esbuild + SWC plugin (every function)": build([autometricsSwc({ include: ["**"] })], false),
  "plain esbuild, source maps": build([], true),
  "esbuild + Babel plugin (every function), source maps": build([autometrics({ include: ["**"] })], true),
  "esbuild + SWC plugin (every function), source maps": build([autometricsSwc({ include: ["**"] })], true),
};
/** The row each variant is compared with. */
const BASE = {
  "plain esbuild, source maps": "plain esbuild, source maps",
  "esbuild + Babel plugin (every function), source maps": "plain esbuild, source maps",
  "esbuild + SWC plugin (every function), source maps": "plain esbuild, source maps",
};

async function timed(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, bytes: result.outputFiles[0].contents.length };
}

(async () => {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const names = Object.keys(variants);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const sizes = {};
  for (const n of names) await timed(variants[n]); // warm-up: JIT, Babel's caches, esbuild's service
  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts one variant later, as in swc.js: a fixed order favours the later ones.
    for (const n of names.map((_, i) => names[(i + round) % names.length])) {
      const { ms, bytes } = await timed(variants[n]);
      times[n].push(ms);
      sizes[n] = bytes;
    }
  }
  console.log(
    `Node ${process.version}, esbuild ${esbuild.version}, @babel/core ${babel.version}, @swc/core ${require("@swc/core/package.json").version}, lodash-es bundled whole (644 files), median of ${ROUNDS} rounds`,
  );
  console.log("| variant | ms per build | × plain | the transform's share of the build | bundle size |");
  console.log("|---|---:|---:|---:|---:|");
  for (const n of names) {
    const m = median(times[n]);
    const plain = median(times[BASE[n] ?? "plain esbuild"]);
    const share = m > plain ? `${(((m - plain) / m) * 100).toFixed(0)}%` : "–";
    console.log(`| ${n} | ${m.toFixed(0)} | ${(m / plain).toFixed(2)} | ${share} | ${(sizes[n] / 1024).toFixed(0)} KiB |`);
  }
})();
