/**
 * Next.js 15.5, whose SWC hands plugins the program with rkyv on its own AST
 * (swc_ecma_ast 14): an app (hosts/next15, Next from the npm registry apart
 * from the workspaces' Next 16) whose next.config.js uses withAutometrics,
 * which names the plugin's AST 14 build. Built with webpack and with
 * `next build --turbopack`, served by `next start`, scraped. And Next 15.1,
 * which no build of the Wasm plugin runs in: the same app through Babel
 * (hosts/next15-babel).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled } from "../../fixtures/harness/isolated-install.mjs";
import { recordedCalls } from "../../fixtures/harness/exposition";
import { freePort } from "../../fixtures/harness/ports";
import { installPacked } from "../harness/pack";
import { Processes } from "../harness/processes";

const APP = join(__dirname, "..", "hosts", "next15");
const BABEL_APP = join(__dirname, "..", "hosts", "next15-babel");
const NEXT = join(APP, "node_modules", "next", "dist", "bin", "next");
const env = { NEXT_TELEMETRY_DISABLED: "1" };
/** The route's calls: ten lookups before the tests, two in the first; a missing user is a 404 the handler returns. */
const ROUTE_SERIES = [
  "GET (app/api/users/[id]/route.js) <- : ok 12",
  "findUser (lib/users.js) <- GET (app/api/users/[id]/route.js): ok 10",
  "findUser (lib/users.js) <- GET (app/api/users/[id]/route.js): error 2",
  "formatName (lib/users.js) <- findUser (lib/users.js): ok 10",
];

before(function () {
  this.timeout(600_000);
  ensureInstalled(APP, "Next.js 15.5");
  installPacked(APP, "runtime");
  installPacked(APP, "swc-plugin-wasm");
  ensureInstalled(BABEL_APP, "Next.js 15.1");
  installPacked(BABEL_APP, "runtime");
  installPacked(BABEL_APP, "babel-plugin");
  for (const dir of ["app", "lib"]) cpSync(join(APP, dir), join(BABEL_APP, dir), { recursive: true });
});

/**
 * `next build` (with `args`) in `app`, then `next start`; makes ten user lookups (the tenth a 404) and
 * three page loads, and resolves with the server's address. `checkBuild` reads the build's output.
 */
async function buildAndServe(
  app: string,
  next: string,
  args: string[],
  appEnv: Record<string, string>,
  processes: Processes,
  checkBuild: (output: string) => void = () => {},
): Promise<string> {
  const built = spawnSync(process.execPath, [next, "build", ...args], { cwd: app, env: { ...process.env, ...appEnv }, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`next build ${args.join(" ")} failed:\n${built.stdout}\n${built.stderr}`);
  checkBuild(built.stdout + built.stderr);
  const base = `http://127.0.0.1:${await freePort()}`;
  processes.start("next", process.execPath, [next, "start", "-p", new URL(base).port, "-H", "127.0.0.1"], appEnv, app);
  await processes.waitFor("next", async () => (await fetch(`${base}/metrics`)).ok, 30_000);
  for (let id = 1; id <= 10; id++) await fetch(`${base}/api/users/${id}`);
  for (let i = 0; i < 3; i++) await fetch(`${base}/`);
  return base;
}

for (const bundler of ["webpack", "turbopack"]) {
  describe(`e2e: a Next.js 15.5 app through withAutometrics and the SWC plugin's AST 14 build (${bundler})`, function () {
    this.timeout(300_000);
    const distDir = `.next-${bundler}`;
    const appEnv = { ...env, AUTOMETRICS_E2E_DIST_DIR: distDir };
    const processes = new Processes(join(__dirname, "..", ".logs", `next15-${bundler}`));
    let base: string;

    before(async () => {
      rmSync(join(APP, distDir), { recursive: true, force: true });
      base = await buildAndServe(APP, NEXT, bundler === "turbopack" ? ["--turbopack"] : [], appEnv, processes);
    });
    after(async () => processes.stopAll());

    it("was built with the AST 14 build, which withAutometrics chose for this Next", () => {
      const { config } = JSON.parse(readFileSync(join(APP, distDir, "required-server-files.json"), "utf8"));
      expect(config.experimental.swcPlugins[0][0]).to.equal("swc-plugin-autometrics/ast14");
    });

    it("answers as written: the route handler's users and its 404, the page", async () => {
      expect(await (await fetch(`${base}/api/users/3`)).json()).to.deep.equal({ id: 3, name: "user-3" });
      const missing = await fetch(`${base}/api/users/20`);
      expect(missing.status).to.equal(404);
      expect(await missing.json()).to.deep.equal({ error: "user 20 not found" });
      expect(await (await fetch(`${base}/`)).text()).to.contain("hello, Next 15");
    });

    it("records the route handler, the module it calls, the page and the layout with the source's labels and callers", async () => {
      const series = recordedCalls(await (await fetch(`${base}/metrics`)).text());
      expect(series).to.include.members([
        ...ROUTE_SERIES,
        "Page (app/page.js) <- : ok 4",
        "greeting (app/page.js) <- Page (app/page.js): ok 4",
      ]);
      expect(series.some((s) => s.startsWith("RootLayout (app/layout.js) <- : ok"))).to.equal(true);
      expect(series.some((s) => s.startsWith("GET (app/metrics/route.js) <- : ok"))).to.equal(true);
    });
  });
}

describe("e2e: the same app on Next.js 15.1, which no Wasm build runs in, through Babel (.babelrc, as Next documents it)", function () {
  this.timeout(300_000);
  const next = join(BABEL_APP, "node_modules", "next", "dist", "bin", "next");
  const processes = new Processes(join(__dirname, "..", ".logs", "next15-babel"));
  let base: string;

  before(async () => {
    rmSync(join(BABEL_APP, ".next"), { recursive: true, force: true });
    base = await buildAndServe(BABEL_APP, next, [], env, processes, (output) =>
      // Next says when a Babel config replaces its SWC.
      expect(output).to.match(/babel/i),
    );
  });
  after(async () => processes.stopAll());

  it("answers as written and records the same series as the SWC builds", async () => {
    expect(await (await fetch(`${base}/api/users/3`)).json()).to.deep.equal({ id: 3, name: "user-3" });
    expect((await fetch(`${base}/api/users/20`)).status).to.equal(404);
    const series = recordedCalls(await (await fetch(`${base}/metrics`)).text());
    expect(series).to.include.members([...ROUTE_SERIES, "greeting (app/page.js) <- Page (app/page.js): ok 3"]);
    expect(series.some((s) => s.startsWith("Page (app/page.js) <- : ok"))).to.equal(true);
  });
});
