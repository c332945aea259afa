// The benchmark's instrumented functions, compiled by the plugins themselves
// (so the bench times exactly the code they write), kept in .compiled/.
"use strict";
const { existsSync, mkdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const OUT = join(__dirname, ".compiled");
const WASM = join(__dirname, "..", "swc-plugin-wasm", "swc_plugin_autometrics.wasm");

/** The functions every table measures, selected by the module directive. */
const SOURCE = `"use autometrics";
// A leaf: the sync rows.
exports.work = (x) => x + 1;
// The same, scoped: it could schedule a timer (it never does).
exports.workScoped = (x) => (x < 0 ? setTimeout(work, 0) : x + 1);
const work = exports.work;
// A hundred calls of the leaf from an instrumented caller: nested calls, the most common kind.
exports.nested = (n) => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += work(i);
  return sum;
};
exports.workAsync = async (x) => x + 1;
// The depth rows.
exports.depth = function depth(n) {
  return n === 0 ? 0 : 1 + depth(n - 1);
};
`;

function compileWithBabel() {
  const babel = require("@babel/core");
  const plugin = require("babel-plugin-autometrics").default;
  return babel.transformSync(SOURCE, {
    filename: join(OUT, "source.js"),
    cwd: OUT,
    babelrc: false,
    configFile: false,
    sourceType: "script",
    plugins: [[plugin, {}]],
  }).code;
}

function compileWithSwc() {
  if (!existsSync(WASM)) throw new Error(`${WASM} is missing: build it (node ../swc-plugin-wasm/build.mjs, or npm run bench)`);
  const swc = require("@swc/core");
  return swc.transformSync(SOURCE, {
    filename: join(OUT, "source.js"),
    swcrc: false,
    configFile: false,
    isModule: false,
    jsc: { target: "es2022", parser: { syntax: "ecmascript" }, experimental: { plugins: [[WASM, {}]], cacheRoot: join(OUT, ".swc") } },
  }).code;
}

/** Writes both plugins' output (once per bench run, before any child starts). */
function compileAll() {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "plain.js"), SOURCE.replace('"use autometrics";', ""));
  writeFileSync(join(OUT, "babel.js"), compileWithBabel());
  writeFileSync(join(OUT, "swc.js"), compileWithSwc());
}

/** `plain`, `babel` or `swc`: the functions as that compiler left them. */
const load = (which) => require(join(OUT, `${which}.js`));

module.exports = { compileAll, load };
