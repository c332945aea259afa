/**
 * Hosts older than the plugin's build, for real: @swc/core 1.15.47 and Next
 * 16.3.8 from their isolated installs (compat/hosts/, installed from the
 * registry on first use). What the host says by itself, and what the package
 * says instead through swc-plugin-autometrics/compat and withAutometrics.
 * The whole matrix of hosts is compat/range.mjs.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RUN_DIR, WASM } from "./swc";

const PACKAGE = join(__dirname, "..");
const SWC_CORE = "1.15.47";
const NEXT = "16.3.8";

/** Runs Node in `cwd`; its stdout and stderr, and its status. */
function node(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  return { out: `${r.stdout}\n${r.stderr}`, status: r.status };
}

describe(`hosts older than the plugin's build (@swc/core ${SWC_CORE}, Next ${NEXT})`, () => {
  let swcHost: string;
  let nextHost: string;

  before(async function () {
    // The first run installs both from the registry.
    this.timeout(10 * 60_000);
    const { ensureHost } = (await import("../compat/hosts.mjs")) as { ensureHost: (host: string, version: string) => string };
    swcHost = ensureHost("@swc/core", SWC_CORE);
    nextHost = ensureHost("next", NEXT);
  });

  const transform = (plugin: string) => `
    const swc = require("@swc/core");
    swc.transform('"use autometrics";\\nexport function f(a) { return a + 1; }\\n', {
      filename: "f.mjs", swcrc: false, configFile: false, isModule: true,
      jsc: { target: "es2022", experimental: { plugins: [[${plugin}, {}]], cacheRoot: ${JSON.stringify(join(RUN_DIR, ".swc-compat"))} } },
    }).then((r) => console.log("compiled", r.code.includes("_instrument")), (e) => console.log("failed:", e.message));`;

  it("@swc/core by itself fails on the first file in its own words, naming neither the plugin's version nor what to install", () => {
    const { out } = node(swcHost, ["-e", transform(JSON.stringify(WASM))]);
    expect(out).to.contain("failed: ");
    expect(out).to.contain("Failed to deserialize program received from host");
    expect(out).to.contain("swc_plugin_runner: 32.0.0");
    expect(out).not.to.contain("@swc/core@");
  });

  it("swc-plugin-autometrics/compat's plugin() refuses it before compiling: the plugin, the host's version, what to install", () => {
    const plugin = `require(${JSON.stringify(join(PACKAGE, "compat", "host.js"))}).plugin()`;
    const { out } = node(swcHost, ["-e", `try { ${transform(plugin)} } catch (e) { console.log("refused:", e.code, e.message); }`]);
    expect(out).to.contain(`refused: AUTOMETRICS_INCOMPATIBLE_HOST swc-plugin-autometrics 0.1.0 cannot run in @swc/core ${SWC_CORE}:`);
    expect(out).to.contain("npm install -D @swc/core@^1.16.0");
    expect(out).not.to.contain("failed:");
  });

  it(`next build with withAutometrics stops at the config under Next ${NEXT}, with the same kind of message`, function () {
    this.timeout(120_000);
    const app = join(RUN_DIR, "compat-next");
    rmSync(app, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    symlinkSync(join(nextHost, "node_modules"), join(app, "node_modules"), "dir");
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
    expect(out).to.contain(`swc-plugin-autometrics 0.1.0 cannot run in Next.js ${NEXT}:`);
    expect(out).to.contain("npm install next@^16.4.0");
    // At the config, before any compilation.
    expect(out).not.to.contain("Failed to deserialize");
    expect(Date.now() - started).to.be.below(60_000);
  });

  it("in a host it runs in (the workspace's @swc/core), plugin() is the Wasm module, and compiles", () => {
    const { out } = node(PACKAGE, ["-e", transform(`require(${JSON.stringify(join(PACKAGE, "compat", "host.js"))}).plugin()`)]);
    expect(out).to.contain("compiled true");
  });

  it("AUTOMETRICS_SKIP_HOST_CHECK=1 lets a plugin rebuilt for the host through", () => {
    const { out } = node(swcHost, ["-e", `console.log(require(${JSON.stringify(join(PACKAGE, "compat", "host.js"))}).plugin())`], {
      AUTOMETRICS_SKIP_HOST_CHECK: "1",
    });
    expect(out.trim()).to.equal(WASM);
  });
});
