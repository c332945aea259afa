/**
 * The packages as users get them: each packed as the registry would have it,
 * installed into a fresh project outside this repository with the compilers
 * from the registry, and used the way the README's quick start says.
 */
import { expect } from "chai";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isolatedDir } from "../harness/isolated-dir";
import { packWorkspace } from "../harness/pack";

const ROOT = join(__dirname, "..", "..");
const WORKSPACES = ["runtime", "register", "cli", "babel-plugin", "swc-plugin-wasm", "typescript-plugin"];
/** The compilers at the versions this repository is tested with. */
const lockVersion = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")).packages[`node_modules/${name}`].version as string;

const APP = `const { init, metricsRegistry } = require("autometrics-runtime");
init({ serviceName: "quick-start", detectBuildInfo: false });
function total(items) {
  return items.reduce((sum, item) => sum + price(item), 0);
}
function price(item) {
  return item.quantity * 3;
}
total([{ quantity: 2 }]);
metricsRegistry().metrics().then((text) => process.stdout.write(text));
`;

/** `function <- caller` of every counted call in a scrape. */
function calls(text: string): string[] {
  return [
    ...text.matchAll(
      /^function_calls_total\{function="([^"]*)",module="([^"]*)",service_name="quick-start",caller_function="([^"]*)".*result="ok"\} [1-9]/gm,
    ),
  ]
    .map((m) => `${m[2]}:${m[1]} <- ${m[3]}`)
    .sort();
}

describe("the packages, packed and installed outside the repository", function () {
  this.timeout(300_000);
  let project: string;
  const tarballs = new Map<string, string>();

  before(() => {
    project = isolatedDir("autometrics-quick-start-");
    const packs = join(project, "packs");
    mkdirSync(packs);
    for (const workspace of WORKSPACES) {
      const { name, tarball } = packWorkspace(workspace, packs);
      tarballs.set(name, tarball);
    }
    const dependencies = Object.fromEntries([...tarballs].map(([name, tarball]) => [name, `file:${tarball}`]));
    const devDependencies = {
      "@babel/core": lockVersion("@babel/core"),
      "@swc/core": lockVersion("@swc/core"),
      typescript: lockVersion("typescript"),
    };
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "quick-start", private: true, dependencies, devDependencies }, null, 2),
    );
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: project, stdio: "pipe" });
    mkdirSync(join(project, "src"));
    writeFileSync(join(project, "src", "app.js"), APP);
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  it("ship their licences, README and manifest, and none of the repository's tests or sources", () => {
    for (const [name, tarball] of tarballs) {
      const files = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean);
      expect(files, name).to.include.members([
        "package/LICENSE-MIT",
        "package/LICENSE-APACHE",
        "package/README.md",
        "package/package.json",
      ]);
      expect(
        files.filter((f) => /^package\/(test|src|transform)\//.test(f) || f.endsWith(".test.js")),
        name,
      ).to.deep.equal([]);
      const manifest = JSON.parse(execFileSync("tar", ["xzfO", tarball, "package/package.json"], { encoding: "utf8" }));
      expect(manifest.license, name).to.equal("MIT OR Apache-2.0");
      expect(manifest.repository?.url, name).to.match(/^git\+https:\/\/.+\.git$/);
      expect(manifest.keywords, name).to.include("autometrics");
      for (const licence of ["LICENSE-MIT", "LICENSE-APACHE"]) {
        expect(execFileSync("tar", ["xzfO", tarball, `package/${licence}`], { encoding: "utf8" }), `${name} ${licence}`).to.equal(
          readFileSync(join(ROOT, licence), "utf8"),
        );
      }
    }
  });

  /** Writes `config`, compiles src/app.js with `compiler` as the project's build would, and runs the output. */
  function buildAndRun(config: string, contents: string, compiler: "@babel/core" | "@swc/core"): string[] {
    writeFileSync(join(project, config), contents);
    const out = join(project, `out-${compiler.replace(/\W/g, "")}.js`);
    const compile = `process.stdout.write(require(${JSON.stringify(compiler)}).transformFileSync("src/app.js").code)`;
    writeFileSync(out, execFileSync(process.execPath, ["-e", compile], { cwd: project, encoding: "utf8" }));
    rmSync(join(project, config));
    return calls(execFileSync(process.execPath, [out], { cwd: project, encoding: "utf8" }));
  }

  it("Babel: babel.config.js with the plugin, as the quick start says", () => {
    const config = 'module.exports = { plugins: [["autometrics", { include: ["src/**"] }]] };\n';
    expect(buildAndRun("babel.config.js", config, "@babel/core")).to.deep.equal(["src/app.js:price <- total", "src/app.js:total <- "]);
  });

  it("SWC: .swcrc with the Wasm plugin, as the quick start says", () => {
    const swcrc = {
      jsc: { experimental: { plugins: [["swc-plugin-autometrics", { include: ["src/**"] }]] } },
      module: { type: "commonjs" },
    };
    expect(buildAndRun(".swcrc", JSON.stringify(swcrc), "@swc/core")).to.deep.equal(["src/app.js:price <- total", "src/app.js:total <- "]);
  });

  it("no build step: node --require autometrics-register", () => {
    const result = spawnSync(process.execPath, ["--require", "autometrics-register", "src/app.js"], {
      cwd: project,
      encoding: "utf8",
      env: { ...process.env, AUTOMETRICS_INCLUDE: "src/**" },
    });
    expect(result.status, result.stderr).to.equal(0);
    expect(calls(result.stdout)).to.deep.equal(["src/app.js:price <- total", "src/app.js:total <- "]);
  });

  it("the CLI: npx autometrics list", () => {
    writeFileSync(join(project, "babel.config.js"), 'module.exports = { plugins: [["autometrics", { include: ["src/**"] }]] };\n');
    const listed = execFileSync("npx", ["--no-install", "autometrics", "list"], { cwd: project, encoding: "utf8" });
    rmSync(join(project, "babel.config.js"));
    expect(listed).to.contain("src/app.js:3  total").and.contain("src/app.js:6  price").and.contain("2 functions");
  });

  it("the CLI in an SWC project with no Babel installed: the options of .swcrc, through the Wasm plugin", () => {
    const swcrc = { jsc: { experimental: { plugins: [["swc-plugin-autometrics", { include: ["src/**"] }]] } } };
    writeFileSync(join(project, ".swcrc"), JSON.stringify(swcrc));
    const babel = join(project, "node_modules", "@babel", "core");
    renameSync(babel, `${babel}.away`);
    try {
      const listed = execFileSync("npx", ["--no-install", "autometrics", "list"], { cwd: project, encoding: "utf8" });
      expect(listed).to.contain("src/app.js:3  total").and.contain("src/app.js:6  price").and.contain("2 functions");
    } finally {
      renameSync(`${babel}.away`, babel);
      rmSync(join(project, ".swcrc"));
    }
  });

  it("the CLI's Explorer: its page, script and styles ship in the package, nothing fetched from elsewhere", async () => {
    const child = spawn(
      process.execPath,
      [
        join(project, "node_modules", ".bin", "autometrics"),
        "start",
        "--prometheus",
        "http://127.0.0.1:9",
        "--explorer-port",
        "0",
        "--include",
        "src/**",
      ],
      { cwd: project, stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on("data", () => /Explorer: +(\S+)/.test(out) && resolve(/Explorer: +(\S+)/.exec(out)![1]!));
        child.once("exit", (code) => reject(new Error(`autometrics start exited with ${code}: ${out}`)));
      });
      const page = await (await fetch(url)).text();
      expect([...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])).to.deep.equal(["explorer.css", "explorer.js"]);
      for (const asset of ["explorer.js", "explorer.css"]) {
        const answer = await fetch(new URL(asset, url));
        expect(answer.status, asset).to.equal(200);
        expect((await answer.text()).length, asset).to.be.greaterThan(1000);
      }
      const manifest = (await (await fetch(new URL("api/manifest", url))).json()) as { functions: { function: string }[] };
      expect(manifest.functions.map((f) => f.function)).to.deep.equal(["total", "price"]);
    } finally {
      child.kill("SIGINT");
    }
  });

  it("an app in production has only the runtime and prom-client: npm ls --prod names nothing of the tooling", () => {
    const app = isolatedDir("autometrics-production-");
    try {
      const dependencies = {
        "autometrics-runtime": `file:${tarballs.get("autometrics-runtime")}`,
        "prom-client": lockVersion("prom-client"),
      };
      writeFileSync(join(app, "package.json"), JSON.stringify({ name: "production", private: true, dependencies }));
      execFileSync("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: app, stdio: "pipe" });
      const tree = JSON.parse(execFileSync("npm", ["ls", "--omit=dev", "--all", "--json"], { cwd: app, encoding: "utf8" }));
      // Everything installed (npm ls also names optional peers that are not), less what prom-client itself brings.
      type Tree = Record<string, { version?: string; dependencies?: Tree }>;
      const names = (deps: Tree = {}, into = new Set<string>()): Set<string> => {
        for (const [name, dep] of Object.entries(deps)) {
          if (dep.version === undefined || into.has(name)) continue;
          into.add(name);
          names(dep.dependencies, into);
        }
        return into;
      };
      const ofPromClient = names(tree.dependencies["prom-client"].dependencies);
      expect([...names(tree.dependencies)].filter((name) => !ofPromClient.has(name)).sort()).to.deep.equal([
        "autometrics-runtime",
        "prom-client",
      ]);
      const files = execFileSync("tar", ["tzf", tarballs.get("autometrics-runtime")!], { encoding: "utf8" });
      expect(files).not.to.match(/explorer|conformance|collector|\/cli\/|\/register\/|compilers/);
      // Nothing for a bundler to load but JavaScript (Rollup, say, needs a plugin for JSON).
      expect(files.split("\n").filter((f) => f.endsWith(".json") && f !== "package/package.json")).to.deep.equal([]);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it("the editor plugin loads as tsserver loads it, and decorates a language service", () => {
    const check = `
      const ts = require("typescript");
      const init = require("autometrics-typescript-plugin");
      const plugin = init({ typescript: ts });
      if (typeof plugin.create !== "function") throw new Error("no create()");
    `;
    expect(spawnSync(process.execPath, ["-e", check], { cwd: project, encoding: "utf8" }).stderr).to.equal("");
  });
});
