/**
 * Instrumented code under the test runners users run it in: each project of
 * e2e/hosts/test-runners is run with the runner's own command and its own
 * config (the plugin added as the runner's docs say), and its own test file
 * asserts ordinary behaviour and the metrics the calls produced. A second run
 * with the plugin entry removed from that config must fail exactly the
 * metrics tests, which proves they ran and depend on the plugin. The Jest
 * projects also run together with --projects, and Vitest projects from a root
 * config's `projects`. A real package's own Vitest suite (zod, from the npm
 * registry) runs with all its sources instrumented through each plugin, as the
 * README's configurations give them.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensureInstalled, nodeVersions } from "../../fixtures/harness/isolated-install.mjs";
import { preparePristine } from "../../fixtures/harness/real-packages";
import { installPacked } from "../harness/pack";

const ROOT = join(__dirname, "..", "..");
const HOSTS = join(__dirname, "..", "hosts", "test-runners");
const MODULES = join(HOSTS, "node_modules");
const WITHOUT_PLUGIN = join(HOSTS, ".without-plugin");
const REPORTS = join(__dirname, "..", ".build", "test-runners");
/** Real packages from the npm registry, and their copies run with each plugin. */
const REAL_PACKAGES = join(HOSTS, ".real-packages");

interface Project {
  dir: string;
  runner: "jest" | "vitest";
  /** The project's code and tests: JavaScript, or TypeScript. */
  language: "js" | "ts";
  how: string;
  /** The config file that names the plugin. */
  config: string;
  /** Tests of this project only, which pass with and without the plugin. */
  extra?: string[];
}

/** A test file with JSX that Babel would reprint without its parentheses: it loads when the tests are kept out of Babel. */
const JSX_TEST = ["a JSX element's method call in a test file loads"];

const PROJECTS: Project[] = [
  { dir: "jest-babel", runner: "jest", language: "js", how: "babel-jest, plugin in babel.config.js", config: "babel.config.js" },
  {
    dir: "jest-swc",
    runner: "jest",
    language: "ts",
    how: "@swc/jest, plugin in its options in jest.config.js (TypeScript)",
    config: "jest.config.js",
  },
  {
    dir: "vitest-babel",
    runner: "vitest",
    language: "js",
    how: "@rolldown/plugin-babel in vitest.config.js",
    config: "vitest.config.js",
    extra: JSX_TEST,
  },
  {
    dir: "vitest-babel-config",
    runner: "vitest",
    language: "js",
    how: "vite-plugin-babel, plugin in babel.config.json",
    config: "babel.config.json",
    extra: JSX_TEST,
  },
  { dir: "vitest-swc", runner: "vitest", language: "ts", how: "unplugin-swc, plugin in .swcrc (TypeScript)", config: ".swcrc" },
  {
    dir: "vitest-swc-options",
    runner: "vitest",
    language: "ts",
    how: "unplugin-swc, plugin in its options in vitest.config.ts (TypeScript)",
    config: "vitest.config.ts",
  },
  {
    dir: "vitest-react-swc",
    runner: "vitest",
    language: "ts",
    how: "@vitejs/plugin-react-swc's plugins in vitest.config.ts (TypeScript)",
    config: "vitest.config.ts",
  },
];

const BEHAVIOUR = [
  "orders prices and places an order",
  "orders rejects an empty order with its own error",
  "orders checks out after reserving stock",
  "orders passes Node's own rejection through",
];
const METRICS = [
  "orders metrics counts each call with its function, module and caller",
  "orders metrics counts a throwing call as an error",
  "orders metrics keeps the caller across await",
  "orders metrics counts a rejected promise as an error",
  "orders metrics, per test file starts from zero in every test file",
];
const RESET = {
  jest: "orders metrics, per test file counts in a fresh runtime after jest.isolateModules",
  vitest: "orders metrics, per test file counts a module imported again after vi.resetModules in the same runtime",
};

/**
 * Our packages, from this repository: the runtime packed and unpacked as npm
 * would (a real folder under node_modules: Jest resolves links to their real path, and
 * babel-jest would then compile a linked runtime as project code), the
 * plugins and prom-client linked.
 */
function linkWorkspacePackages(): void {
  installPacked(HOSTS, "runtime");
  for (const [name, target] of [
    ["babel-plugin-autometrics", "babel-plugin"],
    ["swc-plugin-autometrics", "swc-plugin-wasm"],
    ["prom-client", join("node_modules", "prom-client")],
  ] as const) {
    rmSync(join(MODULES, name), { recursive: true, force: true });
    symlinkSync(join(ROOT, target), join(MODULES, name), "dir");
  }
}

/**
 * Writes the code and tests every project shares (shared/js or shared/ts)
 * into its src/: the Jest projects import the test globals from
 * @jest/globals, and keep an isolation test of their own.
 */
function placeSharedFiles(project: Project): void {
  const from = join(HOSTS, "shared", project.language);
  mkdirSync(join(HOSTS, project.dir, "src"), { recursive: true });
  for (const file of readdirSync(from)) {
    if (project.runner === "jest" && (file.startsWith("isolation.") || file.startsWith("render."))) continue;
    const text = readFileSync(join(from, file), "utf8");
    const source = project.runner === "jest" ? text.replace('from "vitest";', 'from "@jest/globals";') : text;
    writeFileSync(join(HOSTS, project.dir, "src", file), source);
  }
}

/** The project's config with the plugin's entry (written on one line) taken out. */
function withoutPlugin(config: string): string {
  const entry = /\["(?:autometrics|swc-plugin-autometrics)", \{.*\}\],?/g;
  expect(config.match(entry), "the config names the plugin once").to.have.length(1);
  return config.replace(entry, "");
}

interface Report {
  testResults: { name: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

/** Runs tests with the runner's own command (and `extra` arguments); returns its exit status, output and JSON report. */
function runTests(
  runner: Project["runner"],
  cwd: string,
  node: string,
  name: string,
  extra: string[] = [],
  extraEnv: Record<string, string> = {},
) {
  const report = join(REPORTS, `${name}.json`);
  rmSync(report, { force: true });
  // No transform cache: Jest's is keyed on the config, not the plugin's build; Vitest 5's module
  // cache (on by default) on the source and Vitest's config, not .swcrc, babel.config.json or the plugin.
  const args =
    runner === "jest"
      ? ["--no-cache", "--json", `--outputFile=${report}`, ...extra]
      : ["run", "--no-fsModuleCache", "--reporter=json", `--outputFile=${report}`, ...extra];
  const { NODE_OPTIONS: _, ...env } = process.env;
  const started = Date.now();
  const run = spawnSync(join(MODULES, ".bin", runner), args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...env, ...extraEnv, CI: "true", PATH: `${dirname(node)}:${process.env.PATH}` },
  });
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.error) throw run.error;
  let parsed: Report;
  try {
    parsed = JSON.parse(readFileSync(report, "utf8"));
  } catch {
    throw new Error(`${runner} wrote no report (exit ${run.status}):\n${output}`);
  }
  const results = parsed.testResults.flatMap((file) => file.assertionResults);
  const names = (status: string) =>
    results
      .filter((r) => r.status === status)
      .map((r) => r.fullName)
      .sort();
  return { status: run.status, output, passed: names("passed"), failed: names("failed"), ms: Date.now() - started };
}

describe("e2e: instrumented code under the test runners (e2e/hosts/test-runners)", function () {
  this.timeout(180_000);
  // Vitest 5 supports Node 22.12 and later; Jest runs on this process's Node.
  let nodes: Record<Project["runner"], string>;

  before(() => {
    const node24 = nodeVersions().find((v: { major: number }) => v.major === 24)!.node;
    ensureInstalled(HOSTS, "Jest, Vitest and their Babel and SWC plugins");
    linkWorkspacePackages();
    for (const project of PROJECTS) placeSharedFiles(project);
    nodes = { jest: process.execPath, vitest: node24 };
    rmSync(WITHOUT_PLUGIN, { recursive: true, force: true });
    mkdirSync(REPORTS, { recursive: true });
  });

  for (const project of PROJECTS) {
    describe(`${project.runner}: ${project.how}`, () => {
      const extra = project.extra ?? [];
      const expected = [...BEHAVIOUR, ...METRICS, RESET[project.runner], ...extra].sort();

      it("passes the project's tests, the metrics assertions among them", () => {
        const run = runTests(project.runner, join(HOSTS, project.dir), nodes[project.runner], project.dir);
        expect(run.failed, run.output).to.deep.equal([]);
        expect(run.passed, run.output).to.deep.equal(expected);
        expect(run.status, run.output).to.equal(0);
      });

      it("fails exactly the metrics tests when the plugin is taken out of the config", () => {
        const copy = join(WITHOUT_PLUGIN, project.dir);
        cpSync(join(HOSTS, project.dir), copy, {
          recursive: true,
          filter: (source) => !/[\\/](node_modules|\.swc)$/.test(source),
        });
        writeFileSync(join(copy, project.config), withoutPlugin(readFileSync(join(copy, project.config), "utf8")));
        const run = runTests(project.runner, copy, nodes[project.runner], `${project.dir}-without-plugin`);
        expect(run.passed, run.output).to.deep.equal([...BEHAVIOUR, ...extra].sort());
        expect(run.failed, run.output).to.deep.equal([...METRICS, RESET[project.runner]].sort());
        expect(run.status, run.output).to.equal(1);
      });
    });
  }

  describe("jest: the Jest projects run from their parent directory, as from a monorepo's root", () => {
    it("passes each project's tests with --projects: labels stay relative to each project (root: __dirname)", () => {
      const jest = PROJECTS.filter((p) => p.runner === "jest");
      const run = runTests("jest", HOSTS, nodes.jest, "jest-projects", ["--projects", ...jest.map((p) => p.dir)]);
      const expected = [...BEHAVIOUR, ...METRICS, RESET.jest].sort();
      expect(run.failed, run.output).to.deep.equal([]);
      expect(run.passed, run.output).to.deep.equal(jest.flatMap(() => expected).sort());
      expect(run.status, run.output).to.equal(0);
    });
  });

  describe("vitest: projects with configs of their own, run from a root config (vitest.config.mjs), as in a monorepo", () => {
    it("passes each project's tests: each project's config adds the plugin, labels relative to each project (root)", () => {
      const names = ["vitest-babel", "vitest-react-swc", "vitest-swc-options"];
      const projects = PROJECTS.filter((p) => names.includes(p.dir));
      expect(readFileSync(join(HOSTS, "vitest.config.mjs"), "utf8")).to.include(`projects: ${JSON.stringify(names).replaceAll(",", ", ")}`);
      const run = runTests("vitest", HOSTS, nodes.vitest, "vitest-projects");
      const expected = projects.flatMap((p) => [...BEHAVIOUR, ...METRICS, RESET.vitest, ...(p.extra ?? [])]).sort();
      expect(run.failed, run.output).to.deep.equal([]);
      expect(run.passed, run.output).to.deep.equal(expected);
      expect(run.status, run.output).to.equal(0);
    });
  });

  describe("vitest: a real package's own Vitest suite, zod 4.6.7 from the npm registry, instrumented whole", () => {
    // zod's tarball ships its TypeScript sources with their Vitest tests beside them. Each route
    // (e2e/hosts/test-runners/zod/<route>: the README's config, literally, plus the condition
    // zod's own config resolves its sources with) instruments all of src/ and runs zod/mini's
    // suite: every test must pass, and what the calls recorded is read per test file.
    const ZOD = { name: "zod", version: "4.6.7", testDeps: [] };
    const SUITE = "src/v4/mini/tests";
    const TESTS = 205;
    const ROUTES = [
      { dir: "vitest-babel", how: "@rolldown/plugin-babel in vitest.config.js, test files kept out of Babel" },
      { dir: "vitest-swc", how: "unplugin-swc, plugin in .swcrc with jsc.target and the test files excluded" },
    ];
    type Sample = Record<string, string | number>;
    /** Per route, the samples each test file recorded. */
    const recorded: Record<string, Record<string, Sample[]>> = {};
    let pristine: string;

    before(async function () {
      this.timeout(300_000);
      pristine = await preparePristine(ZOD, REAL_PACKAGES);
    });

    /** Calls recorded for `labels` (every sample whose labels match, summed). */
    const calls = (samples: Sample[], labels: Sample) =>
      samples.filter((s) => Object.entries(labels).every(([k, v]) => s[k] === v)).reduce((n, s) => n + Number(s.value), 0);

    for (const route of ROUTES) {
      it(`passes zod/mini's tests with ${route.how}, and records zod's own functions`, () => {
        const copy = join(REAL_PACKAGES, `${ZOD.name}@${ZOD.version}`, route.dir);
        rmSync(copy, { recursive: true, force: true });
        cpSync(pristine, copy, { recursive: true, filter: (source) => !source.endsWith(".prepared") });
        cpSync(join(HOSTS, "zod", route.dir), copy, { recursive: true });
        cpSync(join(HOSTS, "zod", "dump-metrics.setup.js"), join(copy, "dump-metrics.setup.js"));
        // The tests import `zod/mini`, `zod/v4/core`: the package itself, as its workspace links it.
        mkdirSync(join(copy, "node_modules"), { recursive: true });
        symlinkSync("..", join(copy, "node_modules", "zod"), "dir");
        const dumps = join(copy, ".metrics");
        mkdirSync(dumps);

        const run = runTests("vitest", copy, nodes.vitest, `zod-${route.dir}`, [SUITE], { AUTOMETRICS_DUMP_DIR: dumps });
        expect(run.failed, run.output).to.deep.equal([]);
        expect(run.passed, run.output).to.have.length(TESTS);
        expect(run.status, run.output).to.equal(0);

        const tests = readdirSync(join(copy, SUITE)).filter((f) => f.endsWith(".test.ts"));
        expect(readdirSync(dumps).sort(), "one dump per test file").to.deep.equal(tests.map((f) => `${f}.json`).sort());
        const perFile: Record<string, Sample[]> = Object.fromEntries(
          tests.map((f) => [f, JSON.parse(readFileSync(join(dumps, `${f}.json`), "utf8"))]),
        );
        // Each test file ran zod's sources, instrumented (not the built files beside them, which
        // `zod/mini` resolves to without the "@zod/source" condition): its runtime registered them.
        expect(
          tests.filter((f) => perFile[f]!.length === 0),
          "test files whose runtime registered none of zod's functions",
        ).to.deep.equal([]);
        recorded[route.dir] = perFile;
        const samples = Object.values(perFile).flat();

        // Instrumented whole: every module zod/mini loads registers its functions, and no test file does.
        const functions = new Set(samples.map((s) => `${s.module}:${s.function}`));
        expect(functions.size, "functions registered").to.be.above(900);
        const modules = [...new Set(samples.map((s) => String(s.module)))];
        expect(modules).to.include.members(["src/v4/mini/schemas.ts", "src/v4/core/core.ts", "src/v4/core/parse.ts"]);
        expect(
          modules.filter((m) => !m.startsWith("src/") || /\.test\.|[\\/]tests[\\/]/.test(m)),
          "modules outside src/ or tests",
        ).to.deep.equal([]);

        // Known functions counted, with their callers: z.string() from the tests (no instrumented caller),
        // clone() from check(), and parse() throwing zod's error for invalid input.
        const mini = "src/v4/mini/schemas.ts";
        expect(calls(samples, { function: "string", module: mini, caller_function: "", result: "ok" })).to.be.above(0);
        expect(
          calls(samples, { function: "clone", module: mini, caller_function: "check", caller_module: mini, result: "ok" }),
        ).to.be.above(0);
        expect(calls(samples, { function: "$constructor", module: "src/v4/core/core.ts" })).to.be.above(100);
        expect(calls(samples, { function: "fn", module: "src/v4/core/parse.ts", result: "error" })).to.be.above(0);
      });
    }

    it("records the same calls through both plugins (function, module, caller, result, count)", function () {
      if (ROUTES.some((r) => recorded[r.dir] === undefined)) this.skip();
      const called = (samples: Sample[]) => {
        const counts = new Map<string, number>();
        for (const s of samples) {
          if (Number(s.value) === 0) continue;
          const key = `${s.module}:${s.function} <- ${s.caller_module}:${s.caller_function} ${s.result}`;
          counts.set(key, (counts.get(key) ?? 0) + Number(s.value));
        }
        return [...counts].sort(([a], [b]) => (a < b ? -1 : 1));
      };
      // Not cyclic-data.test.ts's counts: it parses cyclic input until the stack overflows, so its
      // recursion's depth depends on the size of each frame, which differs between the two outputs.
      const [babel, swc] = ROUTES.map((r) =>
        called(
          Object.entries(recorded[r.dir]!)
            .filter(([file]) => file !== "cyclic-data.test.ts")
            .flatMap(([, samples]) => samples),
        ),
      );
      expect(babel!.length).to.be.above(100);
      expect(swc).to.deep.equal(babel);
    });
  });
});
