/**
 * The hosts on either side of the plugin's four builds, for real, from their
 * isolated installs (matrix/hosts/, installed from the registry on first use):
 * @swc/core 1.15.47 and Next 16.3.8, which cannot load the default build and
 * get the one on swc_ecma_ast 27; @swc/core 1.14.0, before CBOR, which gets
 * the one on swc_ecma_ast 17; @swc/core 1.13.21 and Next 15.5.29 and 16.0.11,
 * hosts before CBOR too, which get the one on swc_ecma_ast 14; @swc/core
 * 1.11.31 and Next 15.1.12, which none is for. What a host says by itself, and what the
 * package does and says through swc-plugin-autometrics/compat and
 * withAutometrics. The whole matrix of hosts is matrix/range.mjs; a Next 15.5
 * app built and served with the AST 14 build is e2e/test/next15.test.ts.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RUN_DIR, WASM, WASM_AST14, WASM_AST17, WASM_AST27 } from "./swc";

const PACKAGE = join(__dirname, "..");
const HOST = join(PACKAGE, "compat", "host.js");
/** The load hook's and the CLI's compilers (autometrics-register). */
const COMPILERS = join(PACKAGE, "..", "register", "dist", "compilers.js");
/** The AST 27 build's hosts. */
const SWC_CORE = "1.15.47";
const NEXT = "16.3.8";
/** The AST 17 build's host (before CBOR). */
const AST17_SWC_CORE = "1.14.0";
/** The AST 14 build's hosts (before CBOR). */
const PRE_CBOR_SWC_CORE = "1.13.21";
const PRE_CBOR_NEXT = "15.5.29";
const PRE_CBOR_NEXT_16 = "16.0.11";
/** Hosts no build is for: an @swc/core and a Next older than the AST 14 build's. */
const OLD_SWC_CORE = "1.11.31";
const OLD_NEXT = "15.1.12";

type Build = { swcCore: string; ast: string; request: string; minimum: Record<string, string> };
const { BUILDS } = require(HOST) as { BUILDS: Build[] };

/** The words of a build that cannot read the host's program: the plugin, the hosts of every build (as compat/host.js has them), the build to name instead. */
function expectUnreadable(out: string, build: Build, other: Build) {
  const version = require(join(PACKAGE, "package.json")).version;
  expect(out).to.contain(`swc-plugin-autometrics ${version} cannot read the program this host sent`);
  expect(out).to.contain(`"${build.request}" is its build on swc_core ${build.swcCore}.`);
  expect(out).to.contain(`(swc_ecma_ast ${build.ast})`);
  for (const b of BUILDS) {
    expect(out).to.contain(`@swc/core ${b.minimum["@swc/core"]}`);
    if (b.minimum.next) expect(out).to.contain(`Next.js ${b.minimum.next}`);
    if (b.minimum["@rspack/core"]) expect(out).to.contain(`Rspack ${b.minimum["@rspack/core"]}`);
    if (b !== build) expect(out).to.contain(`name "${b.request}"`);
  }
  expect(out).to.contain(`name "${other.request}" instead`);
  expect(out).not.to.contain("Failed to deserialize program received from host");
}

/**
 * The cases whose output differs only in where the host's printer puts a
 * module's leading comment: above the import the plugin adds, in @swc/core
 * 1.14 and older, as swc_core 35's and 46's do (transform/tests/fixtures.rs).
 */
const PLACED = ["behaviour/object-accessors-on-request", "objectives/in-source-tsx"].map(
  (c) => `${c}: output differs from output.swc.js only in where the host puts comments`,
);

/** Runs Node in `cwd`; its stdout and stderr, and its status. */
function node(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, timeout: 600_000 });
  return { out: `${r.stdout}\n${r.stderr}`, status: r.status };
}

/** The whole corpus through `wasm` in the @swc/core of `host` (matrix/corpus-worker.ts): every case but `failures` exact. */
function expectCorpus(host: string, wasm: string, run: string, failures: string[]) {
  const runDir = join(RUN_DIR, run);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const worker = join(PACKAGE, "matrix", "corpus-worker.ts");
  const { out } = node(runDir, ["-r", require.resolve("tsx/cjs"), worker, host, wasm, runDir]);
  const result = JSON.parse(
    out
      .trim()
      .split("\n")
      .findLast((l) => l.startsWith("{")) ?? "{}",
  );
  expect(result.failures, out).to.deep.equal(failures);
  expect(result.loads).to.equal(true);
  expect(result.output[0] + failures.length)
    .to.equal(result.output[1])
    .and.be.greaterThan(40);
  expect(result.errors[0]).to.equal(result.errors[1]).and.be.greaterThan(10);
  expect(result.series[0]).to.equal(result.series[1]).and.be.greaterThan(40);
}

describe("the plugin's four builds and the hosts each runs in", () => {
  const hosts: Record<string, string> = {};

  before(async function () {
    // The first run installs the eight hosts from the registry.
    this.timeout(20 * 60_000);
    const { ensureHost } = (await import("../matrix/hosts.mjs")) as { ensureHost: (host: string, version: string) => string };
    for (const version of [SWC_CORE, AST17_SWC_CORE, PRE_CBOR_SWC_CORE, OLD_SWC_CORE])
      hosts[`@swc/core@${version}`] = ensureHost("@swc/core", version);
    for (const version of [NEXT, PRE_CBOR_NEXT, PRE_CBOR_NEXT_16, OLD_NEXT]) hosts[`next@${version}`] = ensureHost("next", version);
  });

  const transform = (plugin: string) => `
    const swc = require("@swc/core");
    swc.transform('"use autometrics";\\nexport function f(a) { return a + 1; }\\n', {
      filename: "f.mjs", swcrc: false, configFile: false, isModule: true,
      jsc: { target: "es2022", experimental: { plugins: [[${plugin}, {}]], cacheRoot: ${JSON.stringify(join(RUN_DIR, ".swc-compat"))} } },
    }).then((r) => console.log("compiled", r.code.includes("_instrument")), (e) => console.log("failed:", e.message));`;
  const checked = `require(${JSON.stringify(HOST)}).plugin()`;

  describe(`@swc/core ${SWC_CORE}`, () => {
    it("stops the default build named by hand (as in a .swcrc) on the first file, saying which build to name instead", () => {
      const { out } = node(hosts[`@swc/core@${SWC_CORE}`]!, ["-e", transform(JSON.stringify(WASM))]);
      expect(out).to.contain("failed: ");
      expectUnreadable(out, BUILDS[0]!, BUILDS[1]!);
      expect(out).to.contain("swc_plugin_runner: 32.0.0");
    });

    it("gets the AST 27 build from swc-plugin-autometrics/compat's plugin(), which compiles", () => {
      const dir = hosts[`@swc/core@${SWC_CORE}`]!;
      expect(node(dir, ["-e", `console.log(${checked})`]).out.trim()).to.equal(WASM_AST27);
      expect(node(dir, ["-e", transform(checked)]).out).to.contain("compiled true");
    });

    it("gives, through the AST 27 build, every corpus case's output, error and series", function () {
      this.timeout(10 * 60_000);
      expectCorpus(hosts[`@swc/core@${SWC_CORE}`]!, WASM_AST27, "compat-ast27", []);
    });
  });

  describe(`@swc/core ${AST17_SWC_CORE}`, () => {
    it("gets the AST 17 build from swc-plugin-autometrics/compat's plugin(), which compiles", () => {
      const dir = hosts[`@swc/core@${AST17_SWC_CORE}`]!;
      expect(node(dir, ["-e", `console.log(${checked})`]).out.trim()).to.equal(WASM_AST17);
      expect(node(dir, ["-e", transform(checked)]).out).to.contain("compiled true");
    });

    it("gives, through the AST 17 build, every corpus case's output (two with a comment above the import), error and series", function () {
      this.timeout(10 * 60_000);
      expectCorpus(hosts[`@swc/core@${AST17_SWC_CORE}`]!, WASM_AST17, "compat-ast17", PLACED);
    });
  });

  describe(`@swc/core ${PRE_CBOR_SWC_CORE}`, () => {
    it("gets the AST 14 build from swc-plugin-autometrics/compat's plugin(), which compiles", () => {
      const dir = hosts[`@swc/core@${PRE_CBOR_SWC_CORE}`]!;
      expect(node(dir, ["-e", `console.log(${checked})`]).out.trim()).to.equal(WASM_AST14);
      expect(node(dir, ["-e", transform(checked)]).out).to.contain("compiled true");
    });

    it("gives, through the AST 14 build, every corpus case's output (two with a comment above the import), error and series", function () {
      this.timeout(10 * 60_000);
      expectCorpus(hosts[`@swc/core@${PRE_CBOR_SWC_CORE}`]!, WASM_AST14, "compat-ast14", PLACED);
    });
  });

  /** What the load hook and the CLI compile with, in a project whose @swc/core is the host's. */
  const loadTime = (dir: string) => `
    const { chooseCompiler } = require(${JSON.stringify(COMPILERS)});
    try {
      const swc = chooseCompiler(${JSON.stringify(dir)}, { include: ["**"] }, "swc");
      const out = swc.transform("export function f(a) { return a + 1; }\\n", ${JSON.stringify(join(dir, "f.mjs"))}, { esm: true, typescript: false });
      console.log("compiled", out.includes("_instrument"));
    } catch (e) { console.log("refused:", e.message); }`;

  it(`gives the load hook and the CLI the AST 27 build under @swc/core ${SWC_CORE}, the AST 17 one under ${AST17_SWC_CORE}, the AST 14 one under ${PRE_CBOR_SWC_CORE}, and refuses ${OLD_SWC_CORE} in words`, () => {
    for (const version of [SWC_CORE, AST17_SWC_CORE, PRE_CBOR_SWC_CORE]) {
      expect(node(hosts[`@swc/core@${version}`]!, ["-e", loadTime(hosts[`@swc/core@${version}`]!)]).out, version).to.contain(
        "compiled true",
      );
    }
    const { out } = node(hosts[`@swc/core@${OLD_SWC_CORE}`]!, ["-e", loadTime(hosts[`@swc/core@${OLD_SWC_CORE}`]!)]);
    expect(out).to.contain(`refused: swc-plugin-autometrics 0.1.0 cannot run in @swc/core ${OLD_SWC_CORE}:`);
    expect(out).to.contain("npm install -D @swc/core@^1.12.0");
  });

  it(`gives Next ${NEXT} the AST 27 build and Next ${PRE_CBOR_NEXT} and ${PRE_CBOR_NEXT_16} the AST 14 one through withAutometrics, by their package exports`, () => {
    const check = `console.log(require(${JSON.stringify(join(PACKAGE, "next.js"))}).withAutometrics({}).experimental.swcPlugins[0][0])`;
    expect(node(hosts[`next@${NEXT}`]!, ["-e", check]).out.trim()).to.equal("swc-plugin-autometrics/ast27");
    for (const version of [PRE_CBOR_NEXT, PRE_CBOR_NEXT_16]) {
      expect(node(hosts[`next@${version}`]!, ["-e", check]).out.trim(), version).to.equal("swc-plugin-autometrics/ast14");
    }
  });

  it(`refuses @swc/core ${OLD_SWC_CORE} before compiling: the plugin, the host's version, what to install`, () => {
    const { out } = node(hosts[`@swc/core@${OLD_SWC_CORE}`]!, [
      "-e",
      `try { ${transform(checked)} } catch (e) { console.log("refused:", e.code, e.message); }`,
    ]);
    expect(out).to.contain(`refused: AUTOMETRICS_INCOMPATIBLE_HOST swc-plugin-autometrics 0.1.0 cannot run in @swc/core ${OLD_SWC_CORE}:`);
    expect(out).to.contain("built on swc_core 35 (swc_ecma_ast 14), which runs in @swc/core 1.12.0 to 1.13.x");
    expect(out).to.contain("npm install -D @swc/core@^1.12.0");
    expect(out).not.to.contain("failed:");
  });

  it(`stops next build with withAutometrics at the config under Next ${OLD_NEXT}, with the same kind of message`, function () {
    this.timeout(120_000);
    const app = join(RUN_DIR, "compat-next");
    rmSync(app, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    symlinkSync(join(hosts[`next@${OLD_NEXT}`]!, "node_modules"), join(app, "node_modules"), "dir");
    writeFileSync(
      join(app, "next.config.js"),
      `const { withAutometrics } = require(${JSON.stringify(join(PACKAGE, "next.js"))});\nmodule.exports = withAutometrics({}, { include: ["lib/**"] });\n`,
    );
    mkdirSync(join(app, "app"));
    writeFileSync(join(app, "app", "page.js"), "export default function Page() { return null; }\n");
    const started = Date.now();
    const { out, status } = node(app, [join(app, "node_modules", "next", "dist", "bin", "next"), "build"], {
      NEXT_TELEMETRY_DISABLED: "1",
    });
    expect(status).to.not.equal(0);
    expect(out).to.contain(`swc-plugin-autometrics 0.1.0 cannot run in Next.js ${OLD_NEXT}:`);
    expect(out).to.contain("built on swc_core 35 (swc_ecma_ast 14)");
    expect(out).to.contain("npm install next@^15.2.0");
    // At the config, before any compilation.
    expect(out).not.to.contain("AST schema version");
    expect(Date.now() - started).to.be.below(60_000);
  });

  it("stops the AST 27 build named by hand in a host the default build runs in (the workspace's @swc/core), saying which build to name instead", () => {
    const { out } = node(PACKAGE, ["-e", transform(JSON.stringify(WASM_AST27))]);
    expect(out).to.contain("failed: ");
    expectUnreadable(out, BUILDS[1]!, BUILDS[0]!);
  });

  it("gives a host the default build runs in (the workspace's @swc/core) the default build, which compiles", () => {
    expect(node(PACKAGE, ["-e", `console.log(${checked})`]).out.trim()).to.equal(WASM);
    expect(node(PACKAGE, ["-e", transform(checked)]).out).to.contain("compiled true");
  });

  it("picks the build for Rspack's builtin:swc-loader by Rspack's version, as measured in e2e/hosts/bundlers", () => {
    const picked = (version: string) => `require(${JSON.stringify(HOST)}).plugin({ host: "@rspack/core", version: "${version}" })`;
    const pick = (version: string) =>
      node(PACKAGE, ["-e", `try { console.log(${picked(version)}) } catch (e) { console.log(e.message) }`]).out.trim();
    expect(pick("2.2.0")).to.equal(WASM);
    expect(pick("2.1.10")).to.equal(WASM_AST27);
    expect(pick("1.7.0")).to.equal(WASM_AST27);
    expect(pick("1.6.8"))
      .to.contain("swc-plugin-autometrics 0.1.0 cannot run in Rspack 1.6.8:")
      .and.contain("npm install -D @rspack/core@^1.7.0");
  });

  it("lets a plugin rebuilt for the host through with AUTOMETRICS_SKIP_HOST_CHECK=1", () => {
    const { out } = node(hosts[`@swc/core@${OLD_SWC_CORE}`]!, ["-e", `console.log(${checked})`], { AUTOMETRICS_SKIP_HOST_CHECK: "1" });
    expect(out.trim()).to.equal(WASM);
  });
});
