import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providerOf, resolveBuildInfo } from "../src/build-info";
import { one } from "../../fixtures/harness/exposition";
import { freshInit, scrape } from "./helpers/runtime";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "autometrics-build-info-"));
}

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

describe("build_info", () => {
  it("is one series with value 1, the spec version and every label", async () => {
    freshInit({ serviceName: "shop", buildInfo: { version: "1.2.3", commit: "abc", branch: "main" } });
    const { samples } = await scrape();
    const info = one(samples, "build_info");
    expect(info.value).to.equal(1);
    expect(info.labels).to.deep.equal({
      version: "1.2.3",
      commit: "abc",
      branch: "main",
      service_name: "shop",
      repository_url: "",
      repository_provider: "",
      autometrics_version: "1.0.0",
    });
  });

  describe("precedence", () => {
    const env = {
      AUTOMETRICS_VERSION: "env-version",
      AUTOMETRICS_COMMIT: "env-commit",
      COMMIT_SHA: "ci-commit",
      AUTOMETRICS_BRANCH: "env-branch",
      BRANCH_NAME: "ci-branch",
      AUTOMETRICS_REPOSITORY_URL: "https://gitlab.com/acme/shop",
      AUTOMETRICS_SERVICE_NAME: "env-service",
      OTEL_SERVICE_NAME: "otel-service",
    };

    it("takes options over environment variables, except for the service name", () => {
      const info = resolveBuildInfo({ version: "opt", commit: "opt-commit", branch: "opt-branch", serviceName: "opt-service" }, env, false);
      expect(info).to.deep.equal({
        version: "opt",
        commit: "opt-commit",
        branch: "opt-branch",
        repositoryUrl: "https://gitlab.com/acme/shop",
        repositoryProvider: "gitlab",
        serviceName: "env-service",
      });
    });

    it("takes AUTOMETRICS_* over COMMIT_SHA / BRANCH_NAME, and those over detection", () => {
      expect(resolveBuildInfo({}, env, false)).to.include({ commit: "env-commit", branch: "env-branch" });
      expect(resolveBuildInfo({}, { COMMIT_SHA: "ci-commit", BRANCH_NAME: "ci-branch" }, false)).to.include({
        commit: "ci-commit",
        branch: "ci-branch",
      });
    });

    it("names the service from AUTOMETRICS_SERVICE_NAME, OTEL_SERVICE_NAME, the option, the package, in that order", () => {
      const dir = tempDir();
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "pkg-service", version: "4.5.6" }));
      expect(resolveBuildInfo({ serviceName: "opt" }, env, true, dir).serviceName).to.equal("env-service");
      expect(resolveBuildInfo({ serviceName: "opt" }, { OTEL_SERVICE_NAME: "otel" }, true, dir).serviceName).to.equal("otel");
      expect(resolveBuildInfo({ serviceName: "opt" }, {}, true, dir).serviceName).to.equal("opt");
      expect(resolveBuildInfo({}, {}, true, dir)).to.include({ serviceName: "pkg-service", version: "4.5.6" });
    });

    it("treats empty environment variables as unset", () => {
      expect(resolveBuildInfo({}, { AUTOMETRICS_COMMIT: "", COMMIT_SHA: "sha" }, false).commit).to.equal("sha");
    });
  });

  describe("detection", () => {
    it("reads branch and commit from a loose ref, and the remote", () => {
      const dir = tempDir();
      mkdirSync(join(dir, ".git/refs/heads/feature"), { recursive: true });
      writeFileSync(join(dir, ".git/HEAD"), "ref: refs/heads/feature/x\n");
      writeFileSync(join(dir, ".git/refs/heads/feature/x"), `${COMMIT}\n`);
      writeFileSync(join(dir, ".git/config"), '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/shop.git\n');
      mkdirSync(join(dir, "src/deep"), { recursive: true });
      const info = resolveBuildInfo({}, {}, true, join(dir, "src/deep"));
      expect(info).to.include({
        branch: "feature/x",
        commit: COMMIT,
        repositoryUrl: "git@github.com:acme/shop.git",
        repositoryProvider: "github",
      });
    });

    it("reads packed refs and detached heads", () => {
      const packed = tempDir();
      mkdirSync(join(packed, ".git"));
      writeFileSync(join(packed, ".git/HEAD"), "ref: refs/heads/main\n");
      writeFileSync(join(packed, ".git/packed-refs"), `# pack-refs with: peeled\n${COMMIT} refs/heads/main\n`);
      expect(resolveBuildInfo({}, {}, true, packed)).to.include({ branch: "main", commit: COMMIT });
      const detached = tempDir();
      mkdirSync(join(detached, ".git"));
      writeFileSync(join(detached, ".git/HEAD"), `${COMMIT}\n`);
      expect(resolveBuildInfo({}, {}, true, detached)).to.include({ branch: "", commit: COMMIT });
    });

    it("agrees with git itself in a real repository", () => {
      const dir = tempDir();
      const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
      git("init", "-q", "-b", "release");
      git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "one");
      const info = resolveBuildInfo({}, {}, true, dir);
      expect(info.commit).to.equal(git("rev-parse", "HEAD"));
      expect(info.branch).to.equal("release");
      git("pack-refs", "--all");
      expect(resolveBuildInfo({}, {}, true, dir).commit).to.equal(git("rev-parse", "HEAD"));
    });

    it("follows a .git file (worktrees, submodules)", () => {
      const dir = tempDir();
      mkdirSync(join(dir, "real-git-dir"));
      writeFileSync(join(dir, "real-git-dir/HEAD"), "ref: refs/heads/wt\n");
      mkdirSync(join(dir, "real-git-dir/refs/heads"), { recursive: true });
      writeFileSync(join(dir, "real-git-dir/refs/heads/wt"), COMMIT);
      mkdirSync(join(dir, "checkout"));
      writeFileSync(join(dir, "checkout/.git"), "gitdir: ../real-git-dir\n");
      expect(resolveBuildInfo({}, {}, true, join(dir, "checkout"))).to.include({ branch: "wt", commit: COMMIT });
    });

    it("finds nothing, without throwing, outside a checkout or with broken files", () => {
      const dir = tempDir();
      expect(() => resolveBuildInfo({}, {}, true, dir)).not.to.throw();
      writeFileSync(join(dir, "package.json"), "{ not json");
      mkdirSync(join(dir, ".git"));
      writeFileSync(join(dir, ".git/HEAD"), "garbage");
      const info = resolveBuildInfo({}, {}, true, dir);
      expect(info.commit).to.equal("");
      expect(info.branch).to.equal("");
    });

    it("can be switched off", () => {
      const dir = tempDir();
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "p", version: "9.9.9" }));
      expect(resolveBuildInfo({}, {}, false, dir)).to.deep.equal({
        version: "",
        commit: "",
        branch: "",
        repositoryUrl: "",
        repositoryProvider: "",
        serviceName: "unknown_service",
      });
    });
  });

  it("knows the common repository providers", () => {
    expect(providerOf("https://github.com/a/b")).to.equal("github");
    expect(providerOf("git@gitlab.com:a/b.git")).to.equal("gitlab");
    expect(providerOf("ssh://git@bitbucket.org/a/b")).to.equal("bitbucket");
    expect(providerOf("https://git.example.com/a/b")).to.equal(undefined);
  });
});

describe("build_info detection, against what another user can plant", () => {
  it("does not hang on a named pipe called .git or package.json above the project", () => {
    const top = mkdtempSync(join(tmpdir(), "am-fifo-"));
    execFileSync("mkfifo", [join(top, ".git")]);
    execFileSync("mkfifo", [join(top, "package.json")]);
    const app = join(top, "build", "app");
    mkdirSync(app, { recursive: true });
    // In a process of its own, bounded: before the fix, reading the pipe never returned.
    const script = `const { resolveBuildInfo } = require(${JSON.stringify(require.resolve("../dist/build-info.js"))});
      console.log(JSON.stringify(resolveBuildInfo({}, {}, true, ${JSON.stringify(app)})));`;
    const out = execFileSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 10_000 });
    expect(JSON.parse(out)).to.include({ commit: "", serviceName: "unknown_service" });
  });

  it("does not climb into a folder anyone can write to: a planted package.json or .git there names nothing", () => {
    const shared = mkdtempSync(join(tmpdir(), "am-shared-"));
    execFileSync("chmod", ["0777", shared]);
    writeFileSync(join(shared, "package.json"), JSON.stringify({ name: "planted", version: "6.6.6" }));
    mkdirSync(join(shared, ".git"));
    writeFileSync(join(shared, ".git", "HEAD"), `${"f".repeat(40)}\n`);
    const app = join(shared, "project", "dist");
    mkdirSync(app, { recursive: true });
    const info = resolveBuildInfo({}, {}, true, app);
    expect(info).to.include({ serviceName: "unknown_service", version: "", commit: "" });
    // The project's own package.json, below the shared folder, is still read.
    writeFileSync(join(shared, "project", "package.json"), JSON.stringify({ name: "mine", version: "1.0.0" }));
    expect(resolveBuildInfo({}, {}, true, app)).to.include({ serviceName: "mine", version: "1.0.0" });
  });
});
