/**
 * The plugin in @swc/core the way users load it, and what only the SWC side
 * has to get right: the package name in `.swcrc`, the working directory the
 * host reports, file names absolute and relative, source maps, TypeScript
 * modules, scripts that are ES modules.
 */
import { expect } from "chai";
import { TRACED_EVENTS, TRACED_SOURCE, tracedRunner } from "../../fixtures/harness/tracing";
import * as swc from "@swc/core";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_ROOT, RUN_DIR, WASM } from "./swc";

const APP = join(RUN_DIR, "app");

function write(path: string, text: string) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

/** Compiles files in a fresh Node process whose working directory is `cwd` (SWC reads it once per process). */
function compileIn(cwd: string, files: string[], swcrc: boolean): string[] {
  const script = `
    const swc = require(${JSON.stringify(require.resolve("@swc/core"))});
    const out = ${JSON.stringify(files)}.map((f) => swc.transformFileSync(f, { swcrc: ${swcrc} }).code);
    process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd, encoding: "utf8" }));
}

function transform(code: string, options: swc.Options, plugin: Record<string, unknown> = {}) {
  return swc.transformSync(code, {
    swcrc: false,
    configFile: false,
    isModule: "unknown",
    ...options,
    jsc: {
      target: "es2022",
      ...options.jsc,
      experimental: { cacheRoot: CACHE_ROOT, ...options.jsc?.experimental, plugins: [[WASM, plugin]] },
    },
  });
}

describe("the plugin in @swc/core", () => {
  before(() => {
    rmSync(APP, { recursive: true, force: true });
    const plugins = [["swc-plugin-autometrics", { include: ["src/**"], exclude: ["src/vendor/**"] }]];
    write(
      join(APP, ".swcrc"),
      JSON.stringify({ jsc: { target: "es2022", experimental: { plugins, cacheRoot: CACHE_ROOT } }, isModule: "unknown" }),
    );
    write(
      join(APP, "src/server.js"),
      `const { load } = require("./repo");\nfunction handle(id) { return load(id); }\nmodule.exports = { handle };\n`,
    );
    write(join(APP, "src/repo.js"), `exports.load = async function (id) { return { id }; };\n`);
    write(join(APP, "src/vendor/lib.js"), `exports.vendored = function () {};\n`);
    write(join(APP, "scripts/tool.js"), `function outside() {}\n`);
  });

  it("loads by its package name from .swcrc and instruments include-selected files only", () => {
    const [server, repo, vendored, tool] = compileIn(APP, ["src/server.js", "src/repo.js", "src/vendor/lib.js", "scripts/tool.js"], true);
    expect(server).to.contain('_instrument("handle", "src/server.js")');
    expect(repo).to.contain('_instrument("load", "src/repo.js")');
    expect(vendored).not.to.contain("_instrument");
    expect(tool).not.to.contain("_instrument");
  });

  it("labels modules relative to the working directory, for absolute and relative file names alike", () => {
    const [relative, absolute] = compileIn(APP, ["src/server.js", join(APP, "src/server.js")], true);
    expect(absolute).to.equal(relative);
  });

  it("builds an app that runs and reports its callers", () => {
    const out = join(APP, "dist");
    const compiled = compileIn(APP, ["src/server.js", "src/repo.js"], true);
    write(join(out, "src/server.js"), compiled[0]!);
    write(join(out, "src/repo.js"), compiled[1]!);
    const script = `
      const { handle } = require(${JSON.stringify(join(out, "src/server.js"))});
      handle(7).then(async (r) => {
        const text = await require("autometrics-runtime").metricsRegistry().metrics();
        console.log(JSON.stringify(r), text.split("\\n").filter((l) => l.startsWith("function_calls_total{") && !l.endsWith(" 0")).join("\\n"));
      });`;
    const stdout = execFileSync(process.execPath, ["-e", script], { cwd: APP, encoding: "utf8" });
    expect(stdout).to.contain('{"id":7}');
    expect(stdout).to.match(/function_calls_total\{function="handle",module="src\/server.js",[^}]*caller_function="",[^}]*result="ok"\} 1/);
    expect(stdout).to.match(
      /function_calls_total\{function="load",module="src\/repo.js",[^}]*caller_function="handle",caller_module="src\/server.js",[^}]*result="ok"\} 1/,
    );
  });

  it("labels the module `unknown` when the host gives no file name", () => {
    const { code } = transform(`"use autometrics";\nfunction f() {}\n`, {});
    expect(code).to.contain('_instrument("f", "unknown")');
  });

  it("reads Turbopack's name for the module compiled from an MDX file as the MDX file's", () => {
    const compile = (filename: string) =>
      transform("export default function MDXContent() {}\n", { filename, isModule: true }, { root: "/site", include: ["app/**/*.mdx"] })
        .code;
    expect(compile("/site/app/readme/page.mdx.tsx")).to.contain('_instrument("MDXContent", "app/readme/page.mdx")');
    expect(compile("/site/app/readme/page.mdx")).to.contain('_instrument("MDXContent", "app/readme/page.mdx")');
    expect(compile("/site/app/readme/page.tsx")).not.to.contain("_instrument");
  });

  it("publishes every call of a compiled module on the runtime's tracing channel, in each shape, as the Babel plugin's output does", () => {
    const file = join(APP, "..", "traced", "traced.js");
    write(file, transform(TRACED_SOURCE, { filename: file, isModule: false }).code);
    const stdout = execFileSync(process.execPath, ["-e", tracedRunner(file)], { cwd: APP, encoding: "utf8" });
    expect(JSON.parse(stdout)).to.deep.equal(TRACED_EVENTS);
  });

  it("reports bad options with the shared wording and the file's name", () => {
    let message = "";
    try {
      transform("function f() {}\n", { filename: "/app/src/a.js" }, { trackConcurency: true });
    } catch (e) {
      message = String((e as Error).message ?? e);
    }
    expect(message).to.contain(
      "autometrics: invalid option `trackConcurency`: unknown option (known: include, exclude, functions, root, runtime, objectives, trackConcurrency, buckets, moduleSystem)",
    );
    expect(message).to.contain("/app/src/a.js");
  });

  it("maps the moved body back to the original lines and columns", () => {
    const code = [
      '"use autometrics";',
      "export async function fetchUser(id) {",
      "  const row = await db.get(id);",
      "  return row.name;",
      "}",
      "export const double = (x) => x * 2;",
      "",
    ].join("\n");
    const result = transform(code, { filename: "/app/src/user.js", sourceMaps: true }, { root: "/app" });
    const map = new TraceMap(result.map!);
    const lines = result.code.split("\n");
    const find = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      return originalPositionFor(map, { line: line + 1, column: lines[line]!.indexOf(needle) });
    };
    expect(find("db.get(id)")).to.include({ line: 3, column: 20 });
    expect(find("row.name")).to.include({ line: 4, column: 9 });
    expect(find("x * 2")).to.include({ line: 6, column: 29 });
    // What the plugin adds maps nowhere.
    expect(find("_instrument(")).to.include({ line: null });
  });

  it("keeps the runtime import of a TypeScript ES module", () => {
    const code = `"use autometrics";\nimport type { Id } from "./types";\nexport function f(id: Id) { return id; }\n`;
    const { code: out } = transform(code, { filename: "/app/src/a.ts", jsc: { parser: { syntax: "typescript" } } }, { root: "/app" });
    expect(out).to.contain('import { instrument as _instrument } from "autometrics-runtime";');
    expect(out).to.contain('_instrument("f", "src/a.ts")');
  });

  it("sees the types with runPluginFirst: overloads and abstract members are not functions", () => {
    const code = `"use autometrics";\nfunction o(x: number): number;\nfunction o(x: any) { return x; }\nabstract class S { abstract area(): number; m() { return (() => 1) as () => number; } }\nconst t = (() => 1) as () => number;\n`;
    const { code: out } = transform(
      code,
      { filename: "/app/src/a.ts", jsc: { parser: { syntax: "typescript" }, experimental: { runPluginFirst: true } } },
      { root: "/app" },
    );
    const registered = [...out.matchAll(/^var \w+ = _instrument\("([^"]*)"/gm)].map((m) => m[1]);
    expect(registered).to.deep.equal(["o", "S.m", "t"]);
  });

  it("leaves an ES module that SWC parsed as a script as it is, rather than require() in it", () => {
    // isModule "unknown" parses a .mjs without import or export as a script,
    // and the host hands a script back as a script: no import can go there.
    const code = `"use autometrics";\nfunction f() {}\n`;
    expect(transform(code, { filename: "/app/src/a.mjs" }, { root: "/app" }).code).not.to.contain("_instrument");
    expect(transform(code, { filename: "/app/src/a.js" }, { root: "/app", moduleSystem: "esm" }).code).not.to.contain("_instrument");
    // As a module it is instrumented.
    expect(transform(code, { filename: "/app/src/a.mjs", isModule: true }, { root: "/app" }).code).to.contain(
      'import { instrument as _instrument } from "autometrics-runtime";',
    );
  });
});
