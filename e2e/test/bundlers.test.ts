import { expect } from "chai";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { ensureInstalled, nodeVersions } from "../../fixtures/harness/isolated-install.mjs";
import { recordedCalls } from "../../fixtures/harness/exposition";
import { freePort, listening } from "../../fixtures/harness/ports";
import { Processes } from "../harness/processes";

/** The bundlers, in one folder with its own package.json and lockfile, and an app per bundler beside them. */
const HOSTS = join(__dirname, "..", "hosts", "bundlers");
const ROOT = join(__dirname, "..", "..");

/**
 * A workspace package as a user's install has it: the files it publishes,
 * copied into the bundlers' node_modules. A link would point outside
 * node_modules, where Vite bundles a linked package into the SSR output and
 * loaders' `exclude: /node_modules/` no longer applies.
 */
function installFromWorkspace(workspace: string): void {
  const source = join(ROOT, workspace);
  const manifest = JSON.parse(readFileSync(join(source, "package.json"), "utf8")) as { name: string; files: string[] };
  const target = join(HOSTS, "node_modules", manifest.name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const file of ["package.json", ...manifest.files]) {
    if (!existsSync(join(source, file)))
      throw new Error(`${workspace}/${file} is missing: build it first (npx tsc -b; the Wasm plugin: npm run build -w swc-plugin-wasm)`);
    cpSync(join(source, file), join(target, file), { recursive: true });
  }
}

/** The path of a package's command, from its package.json. */
function bin(pkg: string, name: string): string {
  const dir = join(HOSTS, "node_modules", pkg);
  const bins = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).bin as string | Record<string, string>;
  return join(dir, typeof bins === "string" ? bins : bins[name]!);
}

/** Runs a build command in an app's folder (the folder the labels are relative to): its output, or a failure with it. */
function build(node: string, app: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { cwd: join(HOSTS, app), env: { ...process.env, NODE_ENV: "production" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${args.join(" ")} in ${app} exited with ${code}:\n${output}`)),
    );
  });
}

/** The (function, module) pairs a bundle registers: the first call of each instrumented function's handle (modules under src/, or a folder's src/). */
function registrations(code: string): string[] {
  const pairs = [...code.matchAll(/\(\s*(["'`])([\w.#]+)\1,\s*(["'`])((?:[\w-]+\/)*src\/[\w.]+)\3/g)].map((m) => `${m[2]} (${m[4]})`);
  return [...new Set(pairs)].sort();
}

/** Strings only the Node runtime holds: prom-client's default metrics and cluster aggregation, its loader of optional packages. */
const NODE_ONLY = ["process_cpu_user_seconds_total", "AggregatorRegistry", "createRequire"];
/** The message of the browser entry's Node-only exports. */
const BROWSER_ENTRY = "from a Node process; here, push them";

/** Two users found, one not: the handler answers 404 for it, so the lookups fail and the handler does not. */
const REQUESTS = ["/users/1", "/users/2", "/users/9"];
const LOOKUPS = [
  "handleRequest (src/server.js) <- : ok 3",
  "getUser (src/users.js) <- handleRequest (src/server.js): ok 2",
  "getUser (src/users.js) <- handleRequest (src/server.js): error 1",
  "findUser (src/users.js) <- getUser (src/users.js): ok 2",
  "findUser (src/users.js) <- getUser (src/users.js): error 1",
];

interface Case {
  title: string;
  /** A name for its logs. */
  name: string;
  app: string;
  /** The folder the builds write, removed first. */
  out: string;
  /** Each build, as arguments to Node: the command's script and its arguments. */
  builds: () => string[][];
  server: string;
  /** The browser bundle's folder, when the app has one, and whether it runs without a DOM. */
  client?: { dir: string; runs: boolean };
  series: string[];
  serverFunctions: string[];
  clientFunctions?: string[];
  /** What the build must not leave in the app's folder (a bundler's cache). */
  leavesOut?: string[];
}

const VITE_SERIES = [
  ...LOOKUPS,
  "render (src/render.jsx) <- handleRequest (src/server.js): ok 2",
  "App (src/App.jsx) <- render (src/render.jsx): ok 2",
  "greet (src/greeting.js) <- App (src/App.jsx): ok 2",
];
const VITE_FUNCTIONS = [
  "App (src/App.jsx)",
  "findUser (src/users.js)",
  "getUser (src/users.js)",
  "greet (src/greeting.js)",
  "handleRequest (src/server.js)",
  "render (src/render.jsx)",
];
const SERVICE_SERIES = [...LOOKUPS, "greet (src/greeting.js) <- handleRequest (src/server.js): ok 2"];
const SERVICE_FUNCTIONS = ["findUser (src/users.js)", "getUser (src/users.js)", "greet (src/greeting.js)", "handleRequest (src/server.js)"];

const vite = (config: string, out: string) => () => [
  [bin("vite", "vite"), "build", "--config", config, "--outDir", `${out}/client`],
  [bin("vite", "vite"), "build", "--config", config, "--ssr", "src/server.js", "--outDir", `${out}/server`],
];

/** A script that builds `config` with the Rspack installed as `core` (an older release, beside the current one under another name). */
const rspackApi = (core: string, config: string) => `
  const rspack = require(${JSON.stringify(join(HOSTS, "node_modules", core))});
  rspack(require(${JSON.stringify(`./${config}`)})).run((error, stats) => {
    if (error || stats.hasErrors()) {
      console.error(error ?? stats.toString("errors-only"));
      process.exit(1);
    }
  });`;

/**
 * Parcel's build, its cache under node_modules/.cache. Parcel's cache tracks
 * files in its project root (the app's folder here, which has its own
 * lockfile), not our packages one folder up: without --no-cache a build after
 * the plugin changed keeps the old plugin's output.
 */
const parcel = () => [
  bin("parcel", "parcel"),
  "build",
  "--no-autoinstall",
  "--no-cache",
  "--cache-dir",
  join(HOSTS, "node_modules", ".cache", "parcel"),
];

const CASES: Case[] = [
  {
    title: "Vite 8, @vitejs/plugin-react and @rolldown/plugin-babel with the Babel plugin",
    name: "vite-babel",
    app: "vite-app",
    out: "dist/babel",
    builds: vite("vite.babel.config.js", "dist/babel"),
    server: "dist/babel/server/server.js",
    client: { dir: "dist/babel/client/assets", runs: false },
    series: VITE_SERIES,
    serverFunctions: VITE_FUNCTIONS,
    clientFunctions: ["App (src/App.jsx)", "greet (src/greeting.js)"],
  },
  {
    title: "Vite 8, @vitejs/plugin-react-swc with the SWC plugin",
    name: "vite-swc",
    app: "vite-app",
    out: "dist/swc",
    builds: vite("vite.swc.config.js", "dist/swc"),
    server: "dist/swc/server/server.js",
    client: { dir: "dist/swc/client/assets", runs: false },
    series: VITE_SERIES,
    serverFunctions: VITE_FUNCTIONS,
    clientFunctions: ["App (src/App.jsx)", "greet (src/greeting.js)"],
  },
  {
    title: "webpack 5 and babel-loader with the Babel plugin",
    name: "webpack-babel",
    app: "webpack-app",
    out: "dist/babel",
    builds: () => [[bin("webpack-cli", "webpack-cli"), "--config", "webpack.babel.config.js"]],
    server: "dist/babel/server/server.js",
    client: { dir: "dist/babel/client", runs: true },
    series: SERVICE_SERIES,
    serverFunctions: SERVICE_FUNCTIONS,
    clientFunctions: ["greet (src/greeting.js)"],
  },
  {
    title: "webpack 5 and swc-loader with the SWC plugin",
    name: "webpack-swc",
    app: "webpack-app",
    out: "dist/swc",
    builds: () => [[bin("webpack-cli", "webpack-cli"), "--config", "webpack.swc.config.js"]],
    server: "dist/swc/server/server.js",
    client: { dir: "dist/swc/client", runs: true },
    series: SERVICE_SERIES,
    serverFunctions: SERVICE_FUNCTIONS,
    clientFunctions: ["greet (src/greeting.js)"],
  },
  {
    title: "Rspack 2 and builtin:swc-loader with the SWC plugin",
    name: "rspack-swc",
    app: "rspack-app",
    out: "dist/swc",
    builds: () => [[bin("@rspack/cli", "rspack"), "build", "--config", "rspack.swc.config.js"]],
    server: "dist/swc/server/server.js",
    client: { dir: "dist/swc/client", runs: true },
    series: SERVICE_SERIES,
    serverFunctions: SERVICE_FUNCTIONS,
    clientFunctions: ["greet (src/greeting.js)"],
  },
  {
    title: "Rspack 1.7 (its JS API) and builtin:swc-loader with the SWC plugin's AST 27 build",
    name: "rspack-1.7-swc",
    app: "rspack-app",
    out: "dist/swc-ast27",
    builds: () => [["-e", rspackApi("@rspack/core-1.7", "rspack.swc-ast27.config.js")]],
    server: "dist/swc-ast27/server/server.js",
    client: { dir: "dist/swc-ast27/client", runs: true },
    series: SERVICE_SERIES,
    serverFunctions: SERVICE_FUNCTIONS,
    clientFunctions: ["greet (src/greeting.js)"],
  },
  {
    title: "Rspack 2 and babel-loader with the Babel plugin",
    name: "rspack-babel",
    app: "rspack-app",
    out: "dist/babel",
    builds: () => [[bin("@rspack/cli", "rspack"), "build", "--config", "rspack.babel.config.js"]],
    server: "dist/babel/server/server.js",
    client: { dir: "dist/babel/client", runs: true },
    series: SERVICE_SERIES,
    serverFunctions: SERVICE_FUNCTIONS,
    clientFunctions: ["greet (src/greeting.js)"],
  },
  {
    title: "esbuild (its JS API) with babel-plugin-autometrics/esbuild",
    name: "esbuild-babel",
    app: "esbuild-app",
    out: "dist/babel",
    builds: () => [["build.babel.mjs"]],
    server: "dist/babel/server/server.js",
    client: { dir: "dist/babel/client", runs: true },
    series: SERVICE_SERIES,
    serverFunctions: SERVICE_FUNCTIONS,
    clientFunctions: ["greet (src/greeting.js)"],
  },
  {
    title: "esbuild (its JS API) with swc-plugin-autometrics/esbuild",
    name: "esbuild-swc",
    app: "esbuild-app",
    out: "dist/swc",
    builds: () => [["build.swc.mjs"]],
    server: "dist/swc/server/server.js",
    client: { dir: "dist/swc/client", runs: true },
    series: SERVICE_SERIES,
    serverFunctions: SERVICE_FUNCTIONS,
    clientFunctions: ["greet (src/greeting.js)"],
  },
  {
    title: "tsup with babel-plugin-autometrics/esbuild in esbuildPlugins",
    name: "tsup",
    app: "esbuild-app",
    out: "dist/tsup",
    builds: () => [[bin("tsup", "tsup")]],
    server: "dist/tsup/server.js",
    series: SERVICE_SERIES,
    serverFunctions: SERVICE_FUNCTIONS,
  },
  {
    title: "Parcel 2 (@parcel/transformer-babel) with the Babel plugin in babel.config.json",
    name: "parcel",
    app: "parcel-app",
    out: "dist",
    builds: () => [parcel()],
    server: "dist/server/server.js",
    client: { dir: "dist/client", runs: true },
    series: SERVICE_SERIES,
    serverFunctions: SERVICE_FUNCTIONS,
    clientFunctions: ["greet (src/greeting.js)"],
    leavesOut: [".parcel-cache"],
  },
  {
    title: "Rollup 4 and @rollup/plugin-babel with the Babel plugin",
    name: "rollup",
    app: "rollup-app",
    out: "dist",
    builds: () => [[bin("rollup", "rollup"), "-c"]],
    server: "dist/server.mjs",
    series: SERVICE_SERIES,
    serverFunctions: SERVICE_FUNCTIONS,
  },
];

describe("e2e: bundlers, each with its own way of adding a Babel or SWC plugin", function () {
  this.timeout(180_000);
  /** Node 22: @rolldown/plugin-babel and webpack-cli 7's config loader ask for 22.12 and 22.15 or newer. */
  let node: string;

  before(() => {
    ensureInstalled(HOSTS, "Vite, webpack, Rspack, Rollup, esbuild, tsup and Parcel");
    for (const workspace of ["runtime", "babel-plugin", "swc-plugin-wasm"]) installFromWorkspace(workspace);
    node = (nodeVersions() as { major: number; node: string }[]).find((v) => v.major === 22)!.node;
  });

  for (const c of CASES) {
    describe(c.title, () => {
      const processes = new Processes(join(__dirname, "..", ".logs", `bundlers-${c.name}`));
      const app = join(HOSTS, c.app);
      let metrics = "";

      before(async () => {
        rmSync(join(app, c.out), { recursive: true, force: true });
        for (const args of c.builds()) await build(node, c.app, args);
        const [port, metricsPort] = [await freePort(), await freePort()];
        processes.start("server", node, [join(app, c.server)], { PORT: String(port), METRICS_PORT: String(metricsPort) }, app);
        const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
        await processes.waitFor("server", async () => (await fetch(metricsUrl)).ok && (await listening(port)));
        for (const path of REQUESTS) await fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.text());
        metrics = await (await fetch(metricsUrl)).text();
      });
      after(() => processes.stopAll());

      it("instruments every function of the server code", () => {
        expect(registrations(readFileSync(join(app, c.server), "utf8"))).to.deep.equal([...c.serverFunctions].sort());
      });

      it("records each call under Node with the source's labels, relative to the app, and its caller", () => {
        expect(recordedCalls(metrics)).to.deep.equal([...c.series].sort());
      });

      if (c.client) {
        const client = c.client;
        it("gives browser code the browser runtime: instrumented, with no prom-client or Node built-ins in the bundle", () => {
          const files = readdirSync(join(app, client.dir)).filter((f) => f.endsWith(".js"));
          expect(files).to.have.length(1);
          const code = readFileSync(join(app, client.dir, files[0]!), "utf8");
          expect(registrations(code)).to.deep.equal([...c.clientFunctions!].sort());
          expect(code).to.contain(BROWSER_ENTRY);
          for (const text of NODE_ONLY) expect(code, text).not.to.contain(text);
          if (client.runs) {
            const document = { body: { textContent: "" } };
            runInNewContext(code, { document, performance, TextEncoder });
            expect(document.body.textContent).to.equal("Hello, browser!");
          }
        });
      }

      if (c.leavesOut) {
        const paths = c.leavesOut;
        it("leaves no cache in the app's folder", () => {
          for (const path of paths) expect(existsSync(join(app, path)), path).to.equal(false);
        });
      }
    });
  }

  describe("Parcel 2 in a monorepo: Babel runs in Parcel's project root, the lockfile's folder", () => {
    /** The Parcel app without its lockfile, in a repository whose lockfile is at its top (under dist/, which git ignores). */
    const repo = join(HOSTS, "dist", "parcel-monorepo");
    const app = "dist/parcel-monorepo/app";
    const server = () => readFileSync(join(HOSTS, app, "dist", "server", "server.js"), "utf8");
    const rootConfig = (options: object) =>
      writeFileSync(join(repo, "babel.config.json"), JSON.stringify({ plugins: [["autometrics", options]] }));

    before(() => {
      rmSync(repo, { recursive: true, force: true });
      cpSync(join(HOSTS, "parcel-app"), join(HOSTS, app), {
        recursive: true,
        filter: (path) => !/[/\\](dist|package-lock\.json)$/.test(path),
      });
      writeFileSync(
        join(repo, "package-lock.json"),
        JSON.stringify({ name: "parcel-monorepo", lockfileVersion: 3, requires: true, packages: {} }),
      );
      // Parcel reads its resolver's options from the root's package.json only: the browser bundle gets the Node runtime without it.
      writeFileSync(join(repo, "package.json"), JSON.stringify({ private: true, "@parcel/resolver-default": { packageExports: true } }));
    });

    it("does not read the app's own babel.config.json: nothing is instrumented, and Parcel says nothing", async () => {
      const output = await build(node, app, parcel());
      expect(registrations(server())).to.deep.equal([]);
      expect(output).not.to.match(/babel/i);
    });

    it("reads babel.config.json at the root, with module labels relative to the root", async () => {
      rootConfig({ include: ["app/src/**"] });
      await build(node, app, parcel());
      expect(registrations(server())).to.deep.equal(SERVICE_FUNCTIONS.map((f) => f.replace("(src/", "(app/src/")).sort());
    });

    it("labels modules relative to the app with the plugin's root option", async () => {
      rootConfig({ root: "app", include: ["src/**"] });
      await build(node, app, parcel());
      expect(registrations(server())).to.deep.equal([...SERVICE_FUNCTIONS].sort());
    });
  });
});
