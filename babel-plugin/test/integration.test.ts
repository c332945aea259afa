import { expect } from "chai";
import * as babel from "@babel/core";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TRACED_EVENTS, TRACED_SOURCE, tracedRunner } from "../../fixtures/harness/tracing";
import plugin from "../src";

const APP = join(__dirname, ".run", "app");

function write(path: string, text: string) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

describe("babel.config.js", () => {
  before(() => {
    rmSync(APP, { recursive: true, force: true });
    write(
      join(APP, "babel.config.js"),
      `module.exports = { plugins: [["autometrics", { include: ["src/**"], exclude: ["src/vendor/**"] }]] };\n`,
    );
    write(
      join(APP, "src/server.js"),
      `const { load } = require("./repo");\nfunction handle(id) { return load(id); }\nmodule.exports = { handle };\n`,
    );
    write(join(APP, "src/repo.js"), `exports.load = async function (id) { return { id }; };\n`);
    write(join(APP, "src/vendor/lib.js"), `exports.vendored = function () {};\n`);
    write(join(APP, "scripts/tool.js"), `function outside() {}\n`);
  });

  it("loads the plugin by its short name and instruments include-selected files only", () => {
    const compile = (file: string) => babel.transformFileSync(join(APP, file), { cwd: APP })!.code!;
    expect(compile("src/server.js")).to.contain('_instrument("handle", "src/server.js")');
    expect(compile("src/repo.js")).to.contain('_instrument("load", "src/repo.js")');
    expect(compile("src/vendor/lib.js")).not.to.contain("_instrument");
    expect(compile("scripts/tool.js")).not.to.contain("_instrument");
  });

  it("builds an app that runs and reports its callers", () => {
    const out = join(APP, "dist");
    for (const file of ["src/server.js", "src/repo.js"])
      write(join(out, file), babel.transformFileSync(join(APP, file), { cwd: APP })!.code!);
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
});

describe("babel.config.js, directive-only", () => {
  it('instruments what the source asks for with `plugins: ["autometrics"]`', () => {
    const dir = join(__dirname, ".run", "directive-app");
    rmSync(dir, { recursive: true, force: true });
    write(join(dir, "babel.config.js"), `module.exports = { plugins: ["autometrics"] };\n`);
    write(join(dir, "lib/a.js"), `"use autometrics";\nfunction a() {}\nfunction b() { "use no autometrics"; }\n`);
    write(join(dir, "lib/c.js"), `function c() {}\nfunction d() { "use autometrics"; }\n`);
    const compile = (file: string) => babel.transformFileSync(join(dir, file), { cwd: dir })!.code!;
    expect(compile("lib/a.js")).to.contain('_instrument("a", "lib/a.js")').and.not.contain('_instrument("b"');
    expect(compile("lib/c.js")).to.contain('_instrument("d", "lib/c.js")').and.not.contain('_instrument("c"');
  });
});

describe("file names", () => {
  it("reads Turbopack's name for the module compiled from an MDX file as the MDX file's", () => {
    const compile = (filename: string) =>
      babel.transformSync("export default function MDXContent() {}", {
        filename,
        cwd: "/site",
        babelrc: false,
        configFile: false,
        plugins: [[plugin, { include: ["app/**/*.mdx"] }]],
      })!.code!;
    expect(compile("/site/app/readme/page.mdx.tsx")).to.contain('_instrument("MDXContent", "app/readme/page.mdx")');
    expect(compile("/site/app/readme/page.mdx")).to.contain('_instrument("MDXContent", "app/readme/page.mdx")');
    expect(compile("/site/app/readme/page.tsx")).not.to.contain("_instrument");
  });
});

describe("the runtime's tracing channel", () => {
  it("publishes every call of a compiled module on the runtime's tracing channel, in each shape, as the SWC plugin's output does", () => {
    const file = join(APP, "..", "traced", "traced.js");
    write(file, babel.transformSync(TRACED_SOURCE, { filename: file, babelrc: false, configFile: false, plugins: [[plugin, {}]] })!.code!);
    const stdout = execFileSync(process.execPath, ["-e", tracedRunner(file)], { cwd: APP, encoding: "utf8" });
    expect(JSON.parse(stdout)).to.deep.equal(TRACED_EVENTS);
  });
});

describe("source maps", () => {
  it("map the moved body back to the original lines and columns", () => {
    const code = [
      '"use autometrics";',
      "export async function fetchUser(id) {",
      "  const row = await db.get(id);",
      "  return row.name;",
      "}",
      "export const double = (x) => x * 2;",
      "",
    ].join("\n");
    const result = babel.transformSync(code, {
      filename: "/app/src/user.js",
      cwd: "/app",
      babelrc: false,
      configFile: false,
      sourceMaps: true,
      plugins: [[plugin, {}]],
    })!;
    const map = new TraceMap(result.map as never);
    const lines = result.code!.split("\n");
    const find = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      return originalPositionFor(map, { line: line + 1, column: lines[line]!.indexOf(needle) });
    };
    expect(find("db.get(id)")).to.include({ line: 3, column: 20 });
    expect(find("row.name")).to.include({ line: 4, column: 9 });
    expect(find("x * 2")).to.include({ line: 6, column: 29 });
  });
});
