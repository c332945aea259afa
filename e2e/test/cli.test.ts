import { expect } from "chai";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { listSource } from "autometrics-cli/tooling";
import { loadCases } from "../../fixtures/harness/corpus";
import { freePort } from "../../fixtures/harness/ports";
import { Processes } from "../harness/processes";
import { RULES, requireBinary } from "../harness/prometheus";

const CLI = require.resolve("autometrics-cli/package.json").replace(/package\.json$/, "dist/main.js");
const APP = join(__dirname, "..", "apps", "node-service");
const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

describe("autometrics CLI", () => {
  it("lists what the plugin would instrument, from babel.config.js, with objectives and queries", () => {
    const listed = JSON.parse(cli("list", APP, "--json"));
    expect(listed.map((f: any) => `${f.module}:${f.function}`)).to.deep.equal([
      "src/repository.js:sleep",
      "src/repository.js:findUser",
      "src/repository.js:loadSales",
      "src/server.js:handleRequest",
      "src/service.js:getUser",
      "src/service.js:greet",
      "src/service.js:buildReport",
    ]);
    const getUser = listed.find((f: any) => f.function === "getUser");
    expect(getUser.objective).to.deep.equal({ name: "api", successRate: "95" });
    expect(getUser.queries.errorRatio).to.contain('function="getUser", module="src/service.js", result="error"');
    expect(getUser.queries.successRateBurn).to.contain('objective_name="api"');
  });

  it("lists the same functions, lines and objectives through either plugin, over the whole fixture corpus", () => {
    const through = (compiler: string, file: string, dir: string, options: Record<string, unknown>) => {
      process.env.AUTOMETRICS_COMPILER = compiler;
      try {
        return listSource(dir, file, readFileSync(file, "utf8"), options);
      } finally {
        delete process.env.AUTOMETRICS_COMPILER;
      }
    };
    let listed = 0;
    for (const c of loadCases().filter((c) => c.error === undefined)) {
      for (const source of c.sources) {
        const file = join(c.dir, source);
        const babel = through("babel", file, c.dir, c.options);
        expect(through("swc", file, c.dir, c.options), `${c.name}/${source}`).to.deep.equal(babel);
        listed += babel.length;
      }
    }
    expect(listed).to.be.greaterThan(150);
  });

  it("lists the same through either plugin in code nobody here wrote: lodash-es (ES modules) and yargs (both module systems)", () => {
    const mocha = dirname(require.resolve("mocha/package.json"));
    const packages = [
      dirname(require.resolve("lodash-es/package.json")),
      dirname(require.resolve("yargs/package.json", { paths: [mocha] })),
    ];
    for (const root of packages) {
      const sources = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory()
            ? e.name === "node_modules"
              ? []
              : sources(join(dir, e.name))
            : /\.[cm]?js$/.test(e.name)
              ? [join(dir, e.name)]
              : [],
        );
      let listed = 0;
      for (const file of sources(root)) {
        const through = (compiler: string) => {
          process.env.AUTOMETRICS_COMPILER = compiler;
          try {
            return listSource(root, file, readFileSync(file, "utf8"), { include: ["**"] });
          } finally {
            delete process.env.AUTOMETRICS_COMPILER;
          }
        };
        const babel = through("babel");
        expect(through("swc"), file).to.deep.equal(babel);
        listed += babel.length;
      }
      expect(listed, root).to.be.greaterThan(400);
    }
  });

  it("reads .swcrc and directives too", () => {
    const dir = mkdtempSync(join(tmpdir(), "am-cli-"));
    writeFileSync(
      join(dir, ".swcrc"),
      JSON.stringify({ jsc: { experimental: { plugins: [["swc-plugin-autometrics", { include: ["lib/**"] }]] } } }),
    );
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib/a.ts"), "export function typed(x: number): number { return x; }\n");
    writeFileSync(join(dir, "other.js"), '"use autometrics";\nconst arrow = () => 1;\nfunction plain() {}\n');
    const out = cli("list", dir);
    expect(out)
      .to.contain("lib/a.ts:1  typed")
      .and.contain("other.js:2  arrow")
      .and.contain("other.js:3  plain")
      .and.contain("3 functions");
  });

  it("lists past a dangling link, a link loop and a link out of the project, saying so, and follows a link inside it once", () => {
    const dir = mkdtempSync(join(tmpdir(), "am-cli-links-"));
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib/a.js"), '"use autometrics";\nfunction kept() {}\n');
    symlinkSync(join(dir, "missing.js"), join(dir, "lib/dangling.js"));
    symlinkSync(join(dir, "lib/loop-b"), join(dir, "lib/loop-a"));
    symlinkSync(join(dir, "lib/loop-a"), join(dir, "lib/loop-b"));
    symlinkSync("/", join(dir, "lib/root"));
    symlinkSync(join(dir, "lib"), join(dir, "lib/again"));
    const run = spawnSync(process.execPath, [CLI, "list", dir], { encoding: "utf8" });
    expect(run.status).to.equal(0);
    expect(run.stdout).to.contain("lib/a.js:2  kept").and.contain("1 function");
    expect(run.stderr).to.contain("lib/dangling.js is left out: a link that cannot be followed (ENOENT)");
    expect(run.stderr).to.contain("lib/loop-a is left out: a link that cannot be followed (ELOOP)");
    expect(run.stderr).to.contain("lib/root is left out: a link out of the project");
  });

  it("runs a next.config.js only through the project's Next: without it, says so and runs nothing; --include and --options read no config", () => {
    const dir = mkdtempSync(join(tmpdir(), "am-cli-next-"));
    const marker = join(dir, "ran");
    writeFileSync(
      join(dir, "next.config.js"),
      `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "config ran"); module.exports = {};`,
    );
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib/a.js"), "function selected() {}\n");
    const plain = spawnSync(process.execPath, [CLI, "list", dir], { encoding: "utf8" });
    expect(plain.status).to.equal(1);
    expect(plain.stderr).to.match(
      /next\.config\.js is read through the project's Next\.js, which is not installed .*--include GLOB, or --options FILE/,
    );
    expect(existsSync(marker)).to.equal(false);
    expect(cli("list", dir, "--include", "lib/**")).to.contain("lib/a.js:1  selected");
    writeFileSync(join(dir, "options.json"), JSON.stringify({ include: ["lib/**"] }));
    expect(cli("list", dir, "--options", join(dir, "options.json"))).to.contain("lib/a.js:1  selected");
    expect(existsSync(marker)).to.equal(false);
  });

  it("sees objectives declared in directives, and says when two files define one differently", () => {
    const dir = mkdtempSync(join(tmpdir(), "am-cli-objectives-"));
    const objectives = [{ name: "api", successRate: "99" }];
    writeFileSync(
      join(dir, ".swcrc"),
      JSON.stringify({ jsc: { experimental: { plugins: [["swc-plugin-autometrics", { objectives }]] } } }),
    );
    writeFileSync(
      join(dir, "a.js"),
      'function list() {\n  "use autometrics objective=api";\n}\nfunction pay() {\n  "use autometrics objective=checkout successRate=98.5";\n}\n',
    );
    writeFileSync(join(dir, "b.js"), '"use autometrics objective=checkout latency=0.5@95";\nfunction refund() {}\n');
    writeFileSync(join(dir, "c.js"), 'function typo() {\n  "use autometrics objective=apii";\n}\n');
    const result = spawnSync(process.execPath, [CLI, "list", dir, "--json"], { encoding: "utf8" });
    expect(result.status, result.stderr).to.equal(0);
    const objectiveOf = Object.fromEntries(JSON.parse(result.stdout).map((f: any) => [f.function, f.objective]));
    expect(objectiveOf).to.deep.equal({
      list: { name: "api", successRate: "99" },
      pay: { name: "checkout", successRate: "98.5" },
      refund: { name: "checkout", latency: ["0.5", "95"] },
    });
    const problems = result.stderr.split("\n").filter((l) => l.startsWith("autometrics:"));
    expect(problems).to.deep.equal([
      // A file the plugins would reject is left out, saying why; the others are listed.
      'autometrics: c.js is left out: autometrics: invalid directive "use autometrics objective=apii" in `typo` (c.js): unknown objective `apii` (defined: api)',
      "autometrics: objective `checkout` is defined differently: successRate=98.5 (a.js:4), latency=0.5@95 (b.js:2)",
    ]);
    // The rules cover the percentile the shared file lacks, which only a directive declares.
    const slos = new Set(cli("rules", dir).match(/sloth_slo="[^"]+"/g));
    expect([...slos]).to.deep.equal(['sloth_slo="success-rate-98.5"']);
  });

  it("reads next.config.ts through Next (withAutometrics, withMDX) for a Next.js app", () => {
    const listed = JSON.parse(cli("list", join(__dirname, "..", "apps", "next-app"), "--json"));
    expect(listed.map((f: any) => `${f.module}:${f.function}`)).to.include.members([
      "app/api/users/[id]/route.ts:GET",
      "lib/users.ts:findUser",
      "lib/users.ts:formatName",
      "app/page.tsx:greeting",
      "app/page.tsx:Page",
    ]);
    expect(listed.find((f: any) => f.function === "findUser").objective).to.deep.equal({ name: "users", successRate: "95" });
  });

  it("fails with a message naming the option on bad configuration", () => {
    const result = spawnSync(process.execPath, [CLI, "list", APP, "--include", "src/{"], { encoding: "utf8" });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain('autometrics: invalid option `include`: pattern "src/{" has an unclosed {');
  });

  it("writes rules that promtool accepts; for the shared percentiles, the shared file's very series", () => {
    const dir = mkdtempSync(join(tmpdir(), "am-rules-"));
    const all = join(dir, "all.yml");
    cli("rules", APP, "--all", "--out", all);
    expect(execFileSync("promtool", ["check", "rules", all], { encoding: "utf8" })).to.contain("SUCCESS: 51 rules found");
    // Compare with the shared file: per rule group (kind of group, objective), the same records and alerts.
    const keys = (file: string, slos: string[]) =>
      readFileSync(file, "utf8")
        .split(/^- name: /m)
        .slice(1)
        .flatMap((group) => {
          const [, part, slo] = /(sli-recordings|meta-recordings|alerts)-(?:autometrics-)?([\w.-]+)/.exec(group.split("\n")[0]!)!;
          if (!slos.includes(slo!)) return [];
          return [...group.matchAll(/^ {2}- (record|alert): (.+)$/gm)].map((m) => `${slo} ${part} ${m[1]} ${m[2]}`);
        })
        .sort();
    const slos = ["success-rate-95", "latency-90"];
    expect(keys(all, slos)).to.deep.equal(keys(RULES, slos));
    expect(keys(all, ["success-rate-97"])).to.have.length(17);
    const onlyMissing = cli("rules", APP);
    expect(onlyMissing).to.contain("success-rate-97").and.not.contain("success-rate-95");
  });

  it("writes the autometrics dashboards", () => {
    const dir = mkdtempSync(join(tmpdir(), "am-dash-"));
    cli("dashboards", "--out", dir);
    expect(readdirSync(dir).sort()).to.deep.equal(["function-explorer.json", "overview.json", "service-level-objectives.json"]);
    expect(JSON.parse(readFileSync(join(dir, "overview.json"), "utf8")).title).to.be.a("string");
  });

  describe("start", function () {
    this.timeout(60_000);
    const processes = new Processes(join(__dirname, "..", ".logs", "cli-start"));
    after(() => processes.stopAll());

    it("runs Prometheus scraping the app with the shared rules and the project's objectives, prints where, and stops cleanly on Ctrl-C", async () => {
      requireBinary("prometheus", "prometheus");
      const project = mkdtempSync(join(tmpdir(), "am-cli-start-"));
      const objective = { name: "checkout", successRate: "97", functions: ["pay"] };
      writeFileSync(
        join(project, ".swcrc"),
        JSON.stringify({
          jsc: { experimental: { plugins: [["swc-plugin-autometrics", { include: ["lib/**"], objectives: [objective] }]] } },
        }),
      );
      mkdirSync(join(project, "lib"));
      writeFileSync(join(project, "lib/pay.js"), "export function pay() {}\n");
      const [appPort, prometheusPort] = [await freePort(), await freePort()];
      const app = `
        const am = require(${JSON.stringify(require.resolve("autometrics-runtime"))});
        am.init({ exporter: { type: "prometheus", hostname: "127.0.0.1", port: ${appPort} }, detectBuildInfo: false });
        const pay = am.instrument("pay", "lib/pay.js", { objective: { name: "checkout", successRate: "97" } });
        setInterval(() => pay.run(() => 1), 50);`;
      processes.start("app", process.execPath, ["-e", app]);
      const child = spawn(
        process.execPath,
        [CLI, "start", `127.0.0.1:${appPort}`, "--port", String(prometheusPort), "--explorer-port", "0", "--project", project],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      child.stderr!.on("data", (d) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      try {
        const url = `http://127.0.0.1:${prometheusPort}`;
        await processes.waitFor("app", async () => out.includes("Ctrl-C stops it"), 30_000);
        expect(out).to.contain(`Prometheus is at ${url}`);
        expect(out).to.contain(`http://127.0.0.1:${appPort}/metrics`).and.contain(`${url}/alerts`);
        // The Explorer, on a port of the system's choosing, knows the project's functions.
        const explorer = /Explorer: +(\S+)/.exec(out)![1]!;
        const manifest = (await (await fetch(`${explorer}api/manifest`)).json()) as {
          functions: { function: string }[];
          prometheus: string;
        };
        expect(manifest.functions.map((f) => f.function)).to.deep.equal(["pay"]);
        expect(manifest.prometheus).to.equal(url);
        const api = async (path: string) => ((await (await fetch(`${url}${path}`)).json()) as { data: any }).data;
        await processes.waitFor(
          "app",
          async () => (await api(`/api/v1/query?query=${encodeURIComponent('function_calls_total{function="pay"}')}`)).result.length > 0,
          30_000,
        );
        const groups: string[] = (await api("/api/v1/rules")).groups.map((g: { name: string }) => g.name);
        expect(groups).to.include("autometrics-slo-sli-recordings-success-rate-97");
        expect(groups).to.include("sloth-slo-sli-recordings-autometrics-success-rate-99_9");
        const args = execFileSync("ps", ["-o", "args=", "--ppid", String(child.pid)], { encoding: "utf8" });
        // Loopback unless asked (--host): it serves the app's metrics to whoever reaches it.
        expect(args).to.contain(`--web.listen-address=127.0.0.1:${prometheusPort}`);
        const dataDir = /--storage\.tsdb\.path=(\S+)/.exec(args)?.[1];
        child.kill("SIGINT");
        expect(await exited).to.equal(0);
        expect(dataDir && existsSync(dataDir)).to.equal(false);
        await new Promise((r) => setTimeout(r, 200));
        expect(
          await fetch(`${url}/-/ready`).then(
            () => "up",
            () => "down",
          ),
        ).to.equal("down");
      } finally {
        child.kill("SIGKILL");
      }
    });

    it("says how to get Prometheus when there is none, and what a target should look like", () => {
      const missing = spawnSync(process.execPath, [CLI, "start", ":8080"], {
        encoding: "utf8",
        env: { ...process.env, PROMETHEUS_BIN: "/nonexistent/prometheus" },
      });
      expect(missing.status).to.equal(1);
      expect(missing.stderr).to.contain("needs a `prometheus` binary").and.contain("apt-get install prometheus");
      const bad = spawnSync(process.execPath, [CLI, "start", "localhost"], { encoding: "utf8" });
      expect(bad.status).to.equal(1);
      expect(bad.stderr).to.contain('the target "localhost" has no port');
      const port = spawnSync(process.execPath, [CLI, "start", ":8080", "--explorer-port", "web"], { encoding: "utf8" });
      expect(port.status).to.equal(2);
      expect(port.stderr).to.contain("--explorer-port web is not a port number");
      const url = spawnSync(process.execPath, [CLI, "start", "--prometheus", "localhost:9090"], { encoding: "utf8" });
      expect(url.stderr).to.contain("--prometheus localhost:9090 is not a URL");
    });
  });
});
