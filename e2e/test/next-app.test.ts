import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { find, one, parseExposition } from "../../runtime/test/helpers/exposition";
import { Processes } from "../harness/processes";

const APP = join(__dirname, "..", "apps", "next-app");
const NEXT = require.resolve("next/dist/bin/next");
const WASM = join(__dirname, "..", "..", "swc-plugin-wasm", "swc_plugin_autometrics.wasm");
const env = { NEXT_TELEMETRY_DISABLED: "1" };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * The runtime as an app gets it from the registry: a real directory in the app's
 * node_modules (the workspace link would point outside node_modules, where Next
 * bundles it into every server layer instead of loading it once, as
 * `serverExternalPackages` asks).
 */
function installRuntimeAsPackage(): void {
  const target = join(APP, "node_modules", "autometrics-runtime");
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const runtime = join(__dirname, "..", "..", "runtime");
  const packed = execFileSync("npm", ["pack", "--json", "--pack-destination", target], { cwd: runtime, encoding: "utf8" });
  const tarball = join(target, JSON.parse(packed)[0].filename);
  execFileSync("tar", ["xzf", tarball, "--strip-components=1", "-C", target]);
  rmSync(tarball);
}

for (const bundler of ["turbopack", "webpack"]) {
  describe(`e2e: Next.js 16 app with the SWC plugin in experimental.swcPlugins (${bundler})`, function () {
    this.timeout(300_000);
    const processes = new Processes(join(__dirname, "..", ".logs", `next-${bundler}`));
    let base: string;

    before(async () => {
      if (!existsSync(WASM)) throw new Error(`${WASM} is missing: the swc-plugin-wasm workspace builds it (npm test runs it first)`);
      installRuntimeAsPackage();
      rmSync(join(APP, ".next"), { recursive: true, force: true });
      const build = spawnSync(process.execPath, [NEXT, "build", ...(bundler === "webpack" ? ["--webpack"] : [])], {
        cwd: APP,
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      processes.start("next", process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], env, APP);
      await processes.waitFor("next", async () => (await fetch(`${base}/metrics`)).ok, 30_000);
      for (let id = 1; id <= 20; id++) await fetch(`${base}/api/users/${id}`).then((r) => r.text());
      await fetch(`${base}/`).then((r) => r.text());
    });
    after(async () => processes.stopAll());

    it("serves metrics for the route handler and the module it calls, with callers and app-relative modules", async () => {
      const { samples } = parseExposition(await (await fetch(`${base}/metrics`)).text());
      const count = (fn: string, caller: string, result: string) =>
        one(samples, "function_calls_total", { function: fn, caller_function: caller, result }).value;
      expect(count("GET", "", "ok")).to.equal(20);
      expect(count("findUser", "GET", "ok")).to.equal(18);
      expect(count("findUser", "GET", "error")).to.equal(2);
      expect(count("formatName", "findUser", "ok")).to.equal(18);
      const modules = Object.fromEntries(find(samples, "function_calls_total").map((s) => [s.labels.function, s.labels.module]));
      expect(modules).to.include({ GET: "app/api/users/[id]/route.ts", findUser: "lib/users.ts", formatName: "lib/users.ts" });
    });

    it("instruments a server component module selected by its directive", async () => {
      const { samples } = parseExposition(await (await fetch(`${base}/metrics`)).text());
      expect(find(samples, "function_calls_total", { function: "greeting", module: "app/page.tsx" })).to.have.length.greaterThan(0);
      expect(find(samples, "function_calls_total", { function: "Page", module: "app/page.tsx" })).to.have.length.greaterThan(0);
    });
  });
}
