import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RULES } from "../harness/prometheus";

const CLI = require.resolve("autometrics-runtime/package.json").replace(/package\.json$/, "dist/cli/main.js");
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

  it("reads .swcrc and directives too", () => {
    const dir = mkdtempSync(join(tmpdir(), "am-cli-"));
    writeFileSync(join(dir, ".swcrc"), JSON.stringify({ jsc: { experimental: { plugins: [["swc-plugin-autometrics", { include: ["lib/**"] }]] } } }));
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib/a.ts"), "export function typed(x: number): number { return x; }\n");
    writeFileSync(join(dir, "other.js"), '"use autometrics";\nconst arrow = () => 1;\nfunction plain() {}\n');
    const out = cli("list", dir);
    expect(out).to.contain("lib/a.ts:1  typed").and.contain("other.js:2  arrow").and.contain("other.js:3  plain").and.contain("3 functions");
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
});
