/**
 * Instrumented code under the test runners users run it in: each project of
 * e2e/hosts/test-runners is run with the runner's own command and its own
 * config (the plugin added as the runner's docs say), and its own test file
 * asserts ordinary behaviour and the metrics the calls produced. A second run
 * with the plugin entry removed from that config must fail exactly the
 * metrics tests, which proves they ran and depend on the plugin.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensureInstalled, nodeVersions } from "../../fixtures/harness/isolated-install.mjs";

const ROOT = join(__dirname, "..", "..");
const HOSTS = join(__dirname, "..", "hosts", "test-runners");
const MODULES = join(HOSTS, "node_modules");
const WITHOUT_PLUGIN = join(HOSTS, ".without-plugin");
const REPORTS = join(__dirname, "..", ".build", "test-runners");

interface Project {
  dir: string;
  runner: "jest" | "vitest";
  how: string;
  /** The config file that names the plugin. */
  config: string;
}

const PROJECTS: Project[] = [
  { dir: "jest-babel", runner: "jest", how: "babel-jest, plugin in babel.config.js", config: "babel.config.js" },
  { dir: "jest-swc", runner: "jest", how: "@swc/jest, plugin in its options in jest.config.js (TypeScript)", config: "jest.config.js" },
  { dir: "vitest-babel", runner: "vitest", how: "@rolldown/plugin-babel in vitest.config.js", config: "vitest.config.js" },
  { dir: "vitest-babel-config", runner: "vitest", how: "vite-plugin-babel, plugin in babel.config.json", config: "babel.config.json" },
  { dir: "vitest-swc", runner: "vitest", how: "unplugin-swc, plugin in .swcrc (TypeScript)", config: ".swcrc" },
  {
    dir: "vitest-react-swc",
    runner: "vitest",
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
 * Our packages, from this repository: the runtime copied as npm unpacks it (a
 * real folder under node_modules: Jest resolves links to their real path, and
 * babel-jest would then compile a linked runtime as project code), the
 * plugins and prom-client linked.
 */
function linkWorkspacePackages(): void {
  const runtime = join(MODULES, "autometrics-runtime");
  rmSync(runtime, { recursive: true, force: true });
  for (const entry of ["package.json", "dist", "esm"]) cpSync(join(ROOT, "runtime", entry), join(runtime, entry), { recursive: true });
  for (const [name, target] of [
    ["babel-plugin-autometrics", "babel-plugin"],
    ["swc-plugin-autometrics", "swc-plugin-wasm"],
    ["prom-client", join("node_modules", "prom-client")],
  ] as const) {
    rmSync(join(MODULES, name), { recursive: true, force: true });
    symlinkSync(join(ROOT, target), join(MODULES, name), "dir");
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
function runTests(runner: Project["runner"], cwd: string, node: string, name: string, extra: string[] = []) {
  const report = join(REPORTS, `${name}.json`);
  rmSync(report, { force: true });
  const args =
    runner === "jest"
      ? ["--no-cache", "--json", `--outputFile=${report}`, ...extra] // the transform cache is keyed on the config, not the plugin's build
      : ["run", "--reporter=json", `--outputFile=${report}`, ...extra];
  const { NODE_OPTIONS: _, ...env } = process.env;
  const started = Date.now();
  const run = spawnSync(join(MODULES, ".bin", runner), args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...env, CI: "true", PATH: `${dirname(node)}:${process.env.PATH}` },
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
    nodes = { jest: process.execPath, vitest: node24 };
    rmSync(WITHOUT_PLUGIN, { recursive: true, force: true });
    mkdirSync(REPORTS, { recursive: true });
  });

  for (const project of PROJECTS) {
    describe(`${project.runner}: ${project.how}`, () => {
      const expected = [...BEHAVIOUR, ...METRICS, RESET[project.runner]].sort();

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
        expect(run.passed, run.output).to.deep.equal([...BEHAVIOUR].sort());
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
});
