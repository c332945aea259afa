/**
 * More inputs than the corpus has, each compiled by both plugins and
 * compared as the corpus parity suite compares them (one printer, canonical
 * generated names): labels from every row of docs/transform.md's table and
 * their corners, directives, the shapes and which function gets which, names that must not clash, the
 * `var`-redeclares-a-parameter rule, idempotence, the module system,
 * objectives, TypeScript (also with `runPluginFirst`, so that the plugin sees
 * the types).
 */
import { expect } from "chai";
import * as swc from "@swc/core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { compileWithBabel } from "../../babel-plugin/test/babel";
import { canonical } from "./canonical";
import { RUN_DIR, WASM, caseOptions, compileJavaScriptWithSwc, swcOptions } from "./swc";

interface Snippet {
  name: string;
  code: string;
  /** Relative to the snippet's root; `src/x.js` when absent. */
  file?: string;
  options?: Record<string, unknown>;
}

const DIR = join(RUN_DIR, "snippets");

const SNIPPETS: Snippet[] = [
  // Labels (docs/transform.md, "Eligible functions and their labels").
  {
    name: "classes named by their binding, export default, module.exports",
    file: "src/x.mjs",
    code: `"use autometrics";
export default class { m() {} static s() {} }
const A = class { m() {} };
let B; B = class { m() {} };
const C = class Named { m() {} };
const list = [class { m() {} }];
const holder = { K: class { m() {} } };
class D { E = class { m() {} }; cfg = { m() {} }; static F = () => 1; #g = function () {}; }`,
  },
  {
    name: "CommonJS exports and member chains",
    code: `"use autometrics";
module.exports = class { m() {} };
exports.Foo = class { m() {} };
exports.bar = { baz() {}, qux: { deep: () => 1 } };
module.exports.obj = { a() {}, b: function () {}, c: () => {} };
this.x = function () {};
this.module.exports.y = () => {};
a.prototype.b.prototype.c = function () {};
a.prototype = function () {};
a[0] = () => {};
a["k"] = () => {};
a[\`t\`] = () => {};
a[k] = () => {};
a[1e21] = () => {};
a().b = () => {};
exports = function () {};
module.exports = { x() {} };
exports.default = { fetch() {} };`,
  },
  {
    name: "object keys: computed, numeric, string, nested prefixes",
    code: `"use autometrics";
const o = {
  [k]: { m() {} },
  ["s"]: { n() {}, deeper: { p: () => {} } },
  [\`tpl\`]() {},
  1.5: () => {},
  0x10() {},
  1n: () => {},
  "quoted key": function () {},
  [k2]: function named() {},
  ...{ spread() {} },
  short,
};
f({ fetch() {} });
export default { handler() {} };`,
    file: "src/keys.mjs",
  },
  {
    name: "named function expressions, parentheses, assignment operators, destructuring",
    code: `"use autometrics";
const a = function inner() {};
const b = (function () {});
const c = ((() => {}));
(d) = () => {};
((e.f)) = function () {};
g ||= () => {};
h += function () {};
i = j = () => {};
const { x = () => {} } = {};
const [y = function () {}] = [];
function withDefault(cb = () => {}, { z = function zz() {} } = {}) {}
const { w } = { w() {} };
call(function cb() {}, () => {}, function () {});
[1].map((v) => v).forEach(function each() {});`,
  },
  {
    name: "classes: static, private, computed, fields, accessors and constructors only on request",
    code: `"use autometrics";
class Api {
  static create() {}
  #secret() {}
  static #hidden() {}
  ["x-y"]() {}
  [42]() {}
  [Symbol.iterator]() {}
  "str"() {}
  field = () => {};
  #priv = () => {};
  static sf = async () => 1;
  get size() { return 1; }
  set size(v) {}
  get #p() { return 1; }
  constructor() { super.x; }
  static { const inBlock = () => {}; }
}
const o = { get g() { return 1; }, set g(v) {} };`,
  },
  {
    name: "accessors, constructors, private accessors and computed keys with their own directive",
    code: `class Temp {
  constructor(c) { "use autometrics"; this.c = c; }
  get f() { "use autometrics"; return 1; }
  set f(v) { "use autometrics"; }
  get #p() { "use autometrics"; return 1; }
  static set q(v) { "use autometrics"; }
  [Symbol.iterator]() { "use autometrics"; }
}
const o = { get g() { "use autometrics"; return 1; }, set g(v) { "use autometrics"; } };
const anon = [class { constructor() { "use autometrics"; } }];
[1].map(function () { "use autometrics"; return 1; });
[1].map(() => { "use autometrics"; });`,
  },
  {
    name: "duplicate labels are numbered in source order, objectives see the numbered label",
    code: `"use autometrics";
function helper() {}
const o = { helper() {}, nested: { helper: () => {} } };
function outer() { function helper() {} return () => { function helper() {} }; }
class K { helper() {} static helper() {} }
function helper2() {}`,
    options: {
      objectives: [
        { name: "second", successRate: "99", functions: ["helper#2"] },
        { name: "rest", latency: ["0.5", 95] },
      ],
    },
  },
  // Selection and directives.
  {
    name: "directives: kept in place, removed, escaped, single quotes, precedence",
    code: `"use strict";
'use autometrics';
"use client";
function a() { "use strict"; "use autometrics"; return 1; }
function b() { 'use no autometrics'; 'use autometrics'; return 2; }
function c() { "use\\x20autometrics"; return 3; }
function* gen() { "use autometrics"; yield 1; }
async function* agen() { "use autometrics"; }
function d() { "use autometrics"; "use strict"; }
const e = () => { "use autometrics"; };`,
  },
  {
    name: "module opt-out beats the module directive and include, a function directive beats both",
    code: `"use autometrics";
"use no autometrics";
function a() {}
function b() { "use autometrics"; }
function c() { "use no autometrics"; }`,
    options: { include: ["**"] },
  },
  {
    name: "include with function patterns, directives still apply",
    code: `function handleA() {}
function other() {}
class UserService { get() {} static make() {} cache = { clear() {} } }
function picked() { "use autometrics"; }
function dropped() { "use no autometrics"; }`,
    options: { include: ["src/**"], functions: ["handle*", "UserService.**"] },
  },
  {
    name: "excluded and outside root: only directives select",
    file: "../outside.js",
    code: `function a() {}
function b() { "use autometrics"; }`,
    options: { include: ["**"], exclude: [] },
  },
  {
    name: "exclude wins over include",
    file: "src/vendor/x.js",
    code: `function a() {}
function b() { "use autometrics"; }`,
    options: { include: ["src/**"], exclude: ["src/vendor/**"] },
  },
  {
    name: "a module directive with nothing eligible is still removed, no import",
    code: `"use autometrics";
"use strict";
[1].map((x) => x);
function* g() {}`,
  },
  // The two shapes.
  {
    name: "async and sync shapes, expression bodies, object literal bodies",
    code: `"use autometrics";
const a = () => ({ a: 1 });
const b = async () => ({ b: 1 });
const c = async (x) => { "use strict"; await x; return x; };
async function d() { await null; }
const e = { async m() { return 1; }, n: async function () {} };
class F { async m() {} static async s() {} async #p() {} }
const g = async function named() { return this; };
function h() { return arguments.length; }
async function i() { return async () => { return 1; }; }
export const j = async () => { const k = async () => 1; return k(); };`,
    file: "src/shapes.mjs",
  },
  {
    name: "scoped functions: each scheduler, nested functions and classes, parameters; and what is not",
    code: `"use autometrics";
function s1(p) { p.then(); } function s2(p) { p.catch(); } function s3(p) { p.finally(); }
function s4() { setTimeout(f); } function s5() { setInterval(f); } function s6() { setImmediate(f); }
function s7() { queueMicrotask(f); } function s8() { process.nextTick(f); } function s9(e) { e.on("x", f); }
function s10(e) { e.once("x", f); } function s11(e) { e.addListener("x", f); } function s12(e) { e.prependListener("x", f); }
function s13(e) { e.prependOnceListener("x", f); } function s14(e) { e.addEventListener("x", f); } function s15() { return new Promise(f); }
function s16(cb = () => 1) { return cb; } function s17() { class K {} return K; } function s18() { return { m() {} }; }
function s19(a) { a?.then(); } function s20(a) { a.then?.(); } function s21() { (setTimeout)(f); } function s22() { function inner() {} }
function n1(a) { a["then"](); } function n2(a) { (0, a.then)(); } function n3(a) { a.map; return a.emit("x"); } function n4() { return f(g); }
const n5 = () => setTimeoutish(f); async function n6(x) { return await x; }`,
  },
  {
    name: "async functions in place: awaits, the catch and finally blocks they can throw into, nested awaits; and the arrow",
    code: `"use autometrics";
async function a1(x) { try { await x; } catch (e) { f(e); } finally { g(); } }
async function a2(x) { try { f(); } catch (e) { await x; } finally { g(); } }
async function a3(x) { try { f(); } catch (e) { g(); } finally { await x; } }
async function a4(x) { try { try { await x; } finally { f(); } } catch { g(); } }
async function a5(x) { return await (await x)[await x]; }
const a6 = async (x) => await x;
async function a7(x) { const y = async () => await x; return y; }
async function a8(it) { for await (const v of it) f(v); }
async function a10(x) { await x; setTimeout(f); }
async function a11(x) { if (await x) return await x; else return; }`,
    file: "src/a.mjs",
  },
  {
    name: "function declarations a block cannot hold: kept in the function, or the arrow",
    code: `"use autometrics";
function d1() { var g = 1; function g() {} return g; }
function d2(a) { function a() {} return a; }
function d3() { function g() {} function g() {} }
function d4() { return typeof arguments; function arguments() {} }
function d5() { const k = 1; var g; function g() { return k; } }
function d6() { let k; function g() {} function h() {} return [g, h, k]; }
async function d7() { var g; function g() {} await null; }
const d8 = () => { var arguments = 1; return arguments; };
function d9() { return function () {}; }
function d10() { return (() => {}); }
function d11() { return class {}; }
function d12() { return function named() {}; }`,
  },
  {
    name: "generated names do not clash with the file's names",
    code: `"use autometrics";
const _instrument = 1, _am = 2, _am2 = 3, _c = 4, _e = 5, _r = 6, _instrument2 = 7;
async function f(_am3) { let _c2; try { await 0; } catch (_e2) {} return _am + _am2 + _c + _e + _r + _am3; }
function f2(_r2) { return _r2; }
function g() { var _am4 = 1; label_am: for (;;) break label_am; return _am4; }
const h = async () => _instrument + _instrument2;`,
  },
  {
    name: "already instrumented bodies are left alone (either shape, any names, parentheses)",
    code: `var rt = require("autometrics-runtime").instrument;
var h1 = rt("a", "x"), h2 = rt("b", "x"), h3 = rt("c", "x");
function a() { return (h1 || (h1 = rt("a", "x"))).run(() => 1); }
async function b() {
  let c = ((h2) || (h2 = rt("b", "x"))).begin();
  try { return h2.end(c, await h2.scope(async () => 2)); } catch (e) { throw h2.fail(c, e); }
}
function j(x) { var c = (h1 || (h1 = rt("a", "x"))).enter(), r; try { return r = x; } catch (e) { c = ~c; throw e; } finally { h1.exit(c, r); } }
function k() { var c = (h1 || (h1 = rt("a", "x"))).enterScoped(); try { setTimeout(k); } catch (e) { c = ~c; throw e; } finally { h1.exit(c); } }
function l() { function m() {} var c = (h1 || (h1 = rt("a", "x"))).enter(); try {} finally { h1.exit(c); } }
async function n(x) { var c = (h2 || (h2 = rt("b", "x"))).start(), r; try { return r = c.resume(await c.pause(x)); } catch (e) { c.failed = true; throw e; } finally { c.end(r); } }
function o(x) { var c = (h1 || (h1 = rt("a", "x")))["enter"](); try {} finally { h1.exit(c); } }
const c = () => (h3 || (h3 = rt("c", "x")))["run"](() => 3);
const d = () => (h3 || (h3 = rt("c", "x"))).run(() => 3);
function e() { "use strict"; return (h1 || (h1 = rt("a", "x"))).run(() => 1); }
function f() { return (h1 || (h2 = rt("a", "x"))).run(() => 1); }
function g() { return (h1 && (h1 = rt("a", "x"))).run(() => 1); }
function i() { return (h1 || (h1 = rt("a", "x"))).run(() => 1); console.log(); }`,
    options: { include: ["**"] },
  },
  // var redeclaring a parameter (wrap.ts keepParameterRedeclarations), where the body moves into an arrow.
  {
    name: "var redeclaring a parameter: statements, loops, labels, blocks",
    code: `"use autometrics";
async function a1(a) { setTimeout(f); for (;;) var a; }
async function a2(a) { setTimeout(f); for (;;) var a, b; }
async function a3(a) { setTimeout(f); for (var a; ;) break; }
async function a4(a) { setTimeout(f); for (var i = 0, a; ;) break; }
async function a5(b, a) { setTimeout(f); for (var a = 0, b = 1;;) break; }
async function a6(a) { setTimeout(f); for (var a in {x: 1}) ; for (var a of [1]) ; }
async function a7(a) { setTimeout(f); var x = 1, a, y = 2; var a = 3; }
async function a8({a}, [b], ...c) { setTimeout(f); var a = 1; var b = 2; var c = 3; var {a} = {}; }
async function a9(a) { setTimeout(f); l: var a = 1; while (0) var a = 2; }
const a10 = async (a) => { setTimeout(f); var a = 1; return () => { var a = 2; }; };
async function a11(a) { setTimeout(f); try { var a = 1; } catch (e) { var a = 2; } finally { var a = 3; } }
async function a12(a) { setTimeout(f); if (a) for (var a = 0, i = 0; ;) break; return [a, i]; }
async function a13(a) { setTimeout(f); l: m: for (var a = 0, i = 0; i < 1; i++) continue l; return [a, i]; }
async function a14(a) { setTimeout(f); for (;;) for (var a = 0, i = 0; ;) break; }
async function a15(a) { setTimeout(f); switch (a) { case 1: var a = 5; default: { var a = 6, q; } } return a; }
async function a16(a, g = () => a) { setTimeout(f); var a = 2; return g(); }
async function a18(a) { setTimeout(f); for (var [a] of [[1]]) ; }
async function a19(a) { setTimeout(f); function inner() { var a = 1; } class K { m() { var a = 2; } } }
async function a20(a, b) { setTimeout(f); for (var b = 0, x = 1;;) var a = 1, y = 2; }`,
  },
  {
    name: "var redeclaring a parameter: several per statement, patterns, single statements, loop heads",
    code: `"use autometrics";
async function b1(a) { setTimeout(f); var [[x], y, a] = [[1], 2, 3], { p = 1, q: [r], a: s, ...t } = {}; }
async function b2(a) { setTimeout(f); if (a) var a = 1, b; else var a; l: var a; m: var a = 2, c = 3; }
async function b3(a, b) { setTimeout(f); var a = 1, x = 1, x = 2, b = 3; while (0) var a = 4, z; }
async function b4(a) { setTimeout(f); if (a) for (var [a, z] of [[1, 2]]); k: for (var {a, w} in {}); }
async function b5(a) { setTimeout(f); for (var q, a = 1, r;;) break; for (var a;;) break; do var a = 1; while (0); }
async function b6(a) { setTimeout(f); if (a) l: for (var a = 0, i = 0, [j] = [1];;) break; for (;;) var { a, u = 1 } = {}; }`,
  },
  {
    name: "var redeclaring a parameter, with types",
    file: "src/v.ts",
    code: `"use autometrics";
async function t1(a: number, b?: string) { setTimeout(f); var a: number = 1, c: string = ""; for (var [b] of [[""]]); return [a, b, c]; }
const t2 = async (a: number): Promise<number> => { setTimeout(f); var { a, d }: { a: number; d: number } = { a: 1, d: 2 }; return a + d; };`,
  },
  // The module system.
  { name: "ESM by syntax", file: "src/e.js", code: `"use autometrics";\nexport function f() {}` },
  { name: "ESM by import.meta", file: "src/m.js", code: `"use autometrics";\nfunction f() { return import.meta.url; }` },
  {
    name: "CommonJS by extension, even with import syntax",
    file: "src/c.cjs",
    code: `"use autometrics";\nimport x from "y";\nfunction f() { return x; }`,
  },
  {
    name: "moduleSystem: commonjs",
    file: "src/m.mjs",
    code: `"use autometrics";\nexport function f() {}`,
    options: { moduleSystem: "commonjs" },
  },
  {
    name: "moduleSystem: esm",
    file: "src/e.js",
    code: `"use autometrics";\nimport "z";\nfunction f() {}`,
    options: { moduleSystem: "esm", runtime: "@me/runtime" },
  },
  {
    name: "shebang, directives and the header",
    code: `#!/usr/bin/env node
"use strict";
"use autometrics";
// comment
function f() {}`,
  },
  // Objectives and options.
  {
    name: "objectives by file and function, trackConcurrency, bucket thresholds as strings",
    file: "src/routes/a.js",
    code: `"use autometrics";
function handleGet() {}
function helper() {}
const api = { list() {} };`,
    options: {
      trackConcurrency: true,
      buckets: [0.1, 0.25, 1, 2.5],
      objectives: [
        { name: "routes", successRate: 99.9, latency: ["0.250", "99.9"], files: "src/routes/**", functions: ["handle*"] },
        { name: 'api "quoted" \\ ü', latency: [1, 95], functions: "api.*" },
        { name: "other", successRate: "95", files: ["lib/**"] },
      ],
    },
  },
  // TypeScript (the plugin sees it with runPluginFirst).
  {
    name: "TypeScript: overloads, abstract and declared members, assertions are transparent",
    file: "src/t.ts",
    code: `"use autometrics";
function over(x: number): number;
function over(x: string): string;
function over(x: any): any { return x; }
declare function ambient(): void;
abstract class Shape { abstract area(): number; describe(): string { return ""; } }
const a = (() => 1) as () => number;
const b = (function () {}) satisfies Function;
const c = (() => 1)!;
const d = <() => number>(() => 1);
const e = (() => 1) as const;
let f: any; f = (() => 1) as any;
const o = { k: (() => 1) as any, n: { m: <any>{ deep() {} } } };
class K { field = (() => 1) as any; }
const g = ((x: number): number => x) as unknown as (x: number) => number;`,
  },
  {
    name: "TypeScript: wrappers around assignment targets, member chains, computed keys and callees name nothing",
    file: "src/w.ts",
    code: `"use autometrics";
x!.a = function () {};
(x as any).b = () => {};
(<any>x).c = () => {};
(x satisfies object).d = () => {};
((x as any).p! as any).q = () => {};
(x as any).prototype.m = function () {};
(x as any) = () => {};
((module as any).exports as any).e = () => {};
(exports as any).ex = () => {};
(this as any).t = () => {};
x[("k" as const)] = () => {};
obj.f = (function () {}) as Handler;
obj.g = <Handler>(() => {});
const o = { [("s" as const)]: () => {}, n: ({ m() {} }) satisfies object };
class K { [("c" as const)]() {} }
function s1() { (setTimeout as any)(f); }
function s2() { new (<any>Promise)(f); }
function s3(p: any) { p!.then(f); }
function s4() { setTimeout!(f); }`,
  },
  {
    name: "TypeScript: export default through satisfies and as",
    file: "src/d.ts",
    code: `"use autometrics";
export default (() => {}) satisfies X;
export const named = (function () {}) as X;`,
  },
];

async function withSwc(snippet: Snippet, runPluginFirst: boolean): Promise<string> {
  const file = snippet.file ?? "src/x.js";
  const options = caseOptions(DIR, snippet.options ?? {});
  const code =
    /\.(ts|tsx|mts|cts|jsx)$/.test(file) && !runPluginFirst ? await compileWithBabel(snippet.code, file, DIR, false, {}) : snippet.code;
  const config = swcOptions(join(DIR, file), [[WASM, options]], !runPluginFirst);
  if (runPluginFirst) config.jsc!.experimental!.runPluginFirst = true;
  return (await swc.transform(code, config)).code;
}

describe("parity with the Babel plugin on more inputs", () => {
  before(() => mkdirSync(DIR, { recursive: true }));
  for (const snippet of SNIPPETS) {
    const file = snippet.file ?? "src/x.js";
    describe(snippet.name, () => {
      it("prints the same code", async () => {
        const fromBabel = await compileWithBabel(snippet.code, file, DIR, true, snippet.options ?? {});
        expect(canonical(await withSwc(snippet, false))).to.equal(canonical(fromBabel));
      });
      if (/\.(ts|tsx|mts|cts)$/.test(file)) {
        it("prints the same code when the plugin sees the types (runPluginFirst)", async () => {
          const fromBabel = await compileWithBabel(snippet.code, file, DIR, true, snippet.options ?? {});
          expect(canonical(await withSwc(snippet, true))).to.equal(canonical(fromBabel));
        });
      }
      it("adds nothing when run over its own output", async () => {
        const once = await withSwc(snippet, false);
        const js = file
          .replace(/\.(ts|tsx|jsx)$/, ".js")
          .replace(/\.mts$/, ".mjs")
          .replace(/\.cts$/, ".cjs");
        const twice = await compileJavaScriptWithSwc(once, js, DIR, true, snippet.options ?? {});
        expect(twice.trim()).to.equal(once.trim());
      });
    });
  }
});
