import { expect } from "chai";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { ensureInstalled, nodeVersions } from "../../fixtures/harness/isolated-install.mjs";
import { find, parseExposition } from "../../fixtures/harness/exposition";
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

/** Runs a build command in an app's folder (the folder the labels are relative to), failing with its output. */
function build(node: string, app: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { cwd: join(HOSTS, app), env: { ...process.env, NODE_ENV: "production" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(" ")} in ${app} exited with ${code}:\n${output}`)),
    );
  });
}

/** The (function, module) pairs a bundle registers: the first call of each instrumented function's handle. */
function registrations(code: string): string[] {
  const pairs = [...code.matchAll(/\(\s*(["'`])([\w.#]+)\1,\s*(["'`])(src\/[\w.]+)\3/g)].map((m) => `${m[2]} (${m[4]})`);
  return [...new Set(pairs)].sort();
}

/** Strings only the Node runtime holds: prom-client's default metrics and cluster aggregation, its loader of optional packages. */
const NODE_ONLY = ["process_cpu_user_seconds_total", "AggregatorRegistry", "createRequire"];
/** The message of the browser entry's Node-only exports. */
const BROWSER_ENTRY = "from a Node process; here, push them";

/** The series with calls, as "function (module) <- caller (module): result count". */
function recorded(text: string): string[] {
  return find(parseExposition(text).samples, "function_calls_total")
    .filter((s) => s.value > 0)
    .map((s) => {
      const caller = s.labels.caller_function ? `${s.labels.caller_function} (${s.labels.caller_module})` : "";
      return `${s.labels.function} (${s.labels.module}) <- ${caller}: ${s.labels.result} ${s.value}`;
    })
    .sort();
}

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
    ensureInstalled(HOSTS, "Vite, webpack, Rspack, Rollup, esbuild and tsup");
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
        expect(recorded(metrics)).to.deep.equal([...c.series].sort());
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
    });
  }
});
