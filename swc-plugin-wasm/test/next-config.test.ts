import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { withAutometrics } from "../next";

describe("swc-plugin-autometrics/next", () => {
  it("adds the plugin after the config's own and the runtime to serverExternalPackages once, keeping the rest", () => {
    const config = withAutometrics(
      { reactStrictMode: true, serverExternalPackages: ["sharp", "prom-client"], experimental: { swcPlugins: [["other", {}]], typedEnv: true } },
      { include: ["app/**"] },
    );
    expect(config.reactStrictMode).to.equal(true);
    expect(config.serverExternalPackages).to.deep.equal(["sharp", "prom-client", "autometrics-runtime"]);
    expect(config.experimental).to.deep.equal({ typedEnv: true, swcPlugins: [["other", {}], ["swc-plugin-autometrics", { include: ["app/**"] }]] });
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
    const script = 'import { withAutometrics } from "swc-plugin-autometrics/next"; console.log(JSON.stringify(withAutometrics({}, {}).serverExternalPackages));';
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: __dirname, encoding: "utf8" });
    expect(JSON.parse(out)).to.deep.equal(["autometrics-runtime", "prom-client"]);
  });

  it("is what Next resolves: the package name leads to the Wasm module", () => {
    expect(require.resolve("swc-plugin-autometrics")).to.match(/swc_plugin_autometrics\.wasm$/);
  });
});
