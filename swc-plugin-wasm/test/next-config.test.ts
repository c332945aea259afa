import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withAutometrics } from "../next";

describe("swc-plugin-autometrics/next", () => {
  it("adds the plugin after the config's own and the runtime to serverExternalPackages once, keeping the rest", () => {
    const config = withAutometrics(
      {
        reactStrictMode: true,
        serverExternalPackages: ["sharp", "prom-client"],
        experimental: { swcPlugins: [["other", {}]], typedEnv: true },
      },
      { include: ["app/**"] },
    );
    expect(config.reactStrictMode).to.equal(true);
    expect(config.serverExternalPackages).to.deep.equal(["sharp", "prom-client", "autometrics-runtime"]);
    expect(config.experimental).to.deep.equal({
      typedEnv: true,
      swcPlugins: [
        ["other", {}],
        ["swc-plugin-autometrics", { include: ["app/**"] }],
      ],
    });
  });

  it("keeps the runtime option's package external instead of the default one", () => {
    expect(withAutometrics({}, { runtime: "@acme/metrics" }).serverExternalPackages).to.deep.equal(["@acme/metrics", "prom-client"]);
  });

  it("wraps a config function, which Next calls with the phase", async () => {
    const wrapped = withAutometrics(async (phase: string) => ({ distDir: phase }), { include: ["lib/**"] });
    const config = await wrapped("phase-production-build", { defaultConfig: {} });
    expect(config.distDir).to.equal("phase-production-build");
    expect(config.experimental?.swcPlugins).to.deep.equal([["swc-plugin-autometrics", { include: ["lib/**"] }]]);
  });

  it("imports by name from an ES module config (next.config.mjs) too", () => {
    const script =
      'import { withAutometrics } from "swc-plugin-autometrics/next"; console.log(JSON.stringify(withAutometrics({}, {}).serverExternalPackages));';
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: __dirname, encoding: "utf8" });
    expect(JSON.parse(out)).to.deep.equal(["autometrics-runtime", "prom-client"]);
  });

  it("is what Next resolves: the package name leads to the Wasm module, /ast27, /ast17 and /ast14 to the other builds", () => {
    expect(require.resolve("swc-plugin-autometrics")).to.match(/swc_plugin_autometrics\.wasm$/);
    expect(require.resolve("swc-plugin-autometrics/ast27")).to.match(/swc_plugin_autometrics_ast27\.wasm$/);
    expect(require.resolve("swc-plugin-autometrics/ast17")).to.match(/swc_plugin_autometrics_ast17\.wasm$/);
    expect(require.resolve("swc-plugin-autometrics/ast14")).to.match(/swc_plugin_autometrics_ast14\.wasm$/);
  });

  describe("the project's Next", () => {
    let project: string;
    before(() => {
      // withAutometrics reads the version of next that Next's working directory resolves.
      project = mkdtempSync(join(tmpdir(), "autometrics-next-"));
      mkdirSync(join(project, "node_modules", "next"), { recursive: true });
    });
    after(() => rmSync(project, { recursive: true, force: true }));

    const configure = (version: string, env: Record<string, string> = {}) => {
      writeFileSync(join(project, "node_modules", "next", "package.json"), JSON.stringify({ name: "next", version }));
      return spawnSync(
        process.execPath,
        ["-e", `console.log(JSON.stringify(require(${JSON.stringify(require.resolve("../next"))}).withAutometrics({}, {}).experimental))`],
        {
          cwd: project,
          encoding: "utf8",
          env: { ...process.env, ...env },
        },
      );
    };

    it("gets the build it runs: the default from 16.4.0, the AST 27 one for 16.1 to 16.3, the AST 14 one for 15.2 to 16.0", () => {
      for (const [version, request] of [
        ["16.4.6", "swc-plugin-autometrics"],
        ["16.4.0", "swc-plugin-autometrics"],
        ["16.5.0-canary.3", "swc-plugin-autometrics"],
        ["16.3.8", "swc-plugin-autometrics/ast27"],
        ["16.1.7", "swc-plugin-autometrics/ast27"],
        ["16.1.0", "swc-plugin-autometrics/ast27"],
        ["16.0.11", "swc-plugin-autometrics/ast14"],
        ["16.0.0", "swc-plugin-autometrics/ast14"],
        ["15.5.29", "swc-plugin-autometrics/ast14"],
        ["15.2.0", "swc-plugin-autometrics/ast14"],
      ]) {
        const { status, stdout, stderr } = configure(version!);
        expect(status, stderr).to.equal(0);
        expect(JSON.parse(stdout), version).to.deep.equal({ swcPlugins: [[request, {}]] });
      }
    });

    it("older than every build fails in words: the plugin, Next's version, what to install", () => {
      const { status, stderr } = configure("15.1.12");
      expect(status).to.equal(1);
      expect(stderr).to.contain("swc-plugin-autometrics 0.1.0 cannot run in Next.js 15.1.12: its Wasm plugin is built on swc_core 35");
      expect(stderr).to.contain("which runs in @swc/core 1.12.0 to 1.13.x and Next.js 15.2.0 to 16.0.x");
      expect(stderr).to.contain("npm install next@^15.2.0");
    });

    it("AUTOMETRICS_SKIP_HOST_CHECK=1 skips the check, for a plugin rebuilt for that Next", () => {
      const { status, stdout } = configure("15.1.12", { AUTOMETRICS_SKIP_HOST_CHECK: "1" });
      expect(status).to.equal(0);
      expect(JSON.parse(stdout)).to.deep.equal({ swcPlugins: [["swc-plugin-autometrics", {}]] });
    });
  });
});
