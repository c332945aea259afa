import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { runtime } from "./state";

/** The `build_info` labels; every field is optional and defaults to "". */
export interface BuildInfo {
  version?: string;
  commit?: string;
  branch?: string;
  repositoryUrl?: string;
  repositoryProvider?: string;
  serviceName?: string;
}

/** @internal The labels as exported, all present. */
export type ResolvedBuildInfo = Required<BuildInfo>;

type Env = Record<string, string | undefined>;

function firstSet(...values: (string | undefined)[]): string | undefined {
  for (const v of values) if (v !== undefined && v !== "") return v;
  return undefined;
}

/**
 * Resolves build_info in the specification's order: `init()` options, then
 * environment variables, then what can be read from package.json and `.git`
 * (unless `detect` is false). The service name is the exception the
 * specification makes: `AUTOMETRICS_SERVICE_NAME`, then `OTEL_SERVICE_NAME`,
 * then the option, then the package name.
 */
export function resolveBuildInfo(options: BuildInfo = {}, env: Env = process.env, detect = true, cwd = process.cwd()): ResolvedBuildInfo {
  const found = detect ? detectFromFiles(cwd) : {};
  const repositoryUrl = firstSet(options.repositoryUrl, env.AUTOMETRICS_REPOSITORY_URL, found.repositoryUrl) ?? "";
  return {
    version: firstSet(options.version, env.AUTOMETRICS_VERSION, found.version) ?? "",
    commit: firstSet(options.commit, env.AUTOMETRICS_COMMIT, env.COMMIT_SHA, found.commit) ?? "",
    branch: firstSet(options.branch, env.AUTOMETRICS_BRANCH, env.BRANCH_NAME, found.branch) ?? "",
    repositoryUrl,
    repositoryProvider: firstSet(options.repositoryProvider, env.AUTOMETRICS_REPOSITORY_PROVIDER, providerOf(repositoryUrl)) ?? "",
    serviceName: firstSet(env.AUTOMETRICS_SERVICE_NAME, env.OTEL_SERVICE_NAME, options.serviceName, found.serviceName) ?? "unknown_service",
  };
}

/** "github", "gitlab", "bitbucket" from a repository URL, or undefined. */
export function providerOf(url: string): string | undefined {
  const host = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^/:]+)/i.exec(url)?.[1]?.toLowerCase();
  if (host === undefined) return undefined;
  for (const provider of ["github", "gitlab", "bitbucket"]) {
    if (host === `${provider}.com` || host === `${provider}.org` || host.endsWith(`.${provider}.com`)) return provider;
  }
  return undefined;
}

// Small regular files only, read synchronously once: nothing here can hang (a
// FIFO or a device named package.json or .git is opened without blocking and
// refused), and any failure (no package.json, no git, a detached or odd
// checkout) means "unknown".
const MAX_FILE = 1 << 20;
const MAX_DEPTH = 32;

function readSmall(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_FILE) return undefined;
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.toString("utf8", 0, read);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whose files build_info may come from: this user's and root's. */
function ownedByUs(uid: number): boolean {
  const me = process.getuid?.();
  return me === undefined || uid === me || uid === 0;
}

/**
 * The nearest `name` from `start` up. The climb stops at a folder that
 * belongs to someone else or that anyone may write to (such as /tmp): what
 * another user planted above the project must not name the service or set
 * its build_info.
 */
function findUp(start: string, name: string): string | undefined {
  let dir = resolve(start);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    try {
      const folder = lstatSync(dir);
      if (!ownedByUs(folder.uid) || (folder.mode & 0o002) !== 0) return undefined;
    } catch {
      return undefined;
    }
    const candidate = join(dir, name);
    try {
      if (ownedByUs(lstatSync(candidate).uid)) return candidate;
    } catch {
      // keep looking
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

interface Detected {
  version?: string;
  serviceName?: string;
  repositoryUrl?: string;
  commit?: string;
  branch?: string;
}

function detectFromFiles(cwd: string): Detected {
  const found: Detected = {};
  const pkgPath = findUp(cwd, "package.json");
  if (pkgPath !== undefined) {
    try {
      const pkg = JSON.parse(readSmall(pkgPath) ?? "{}");
      if (typeof pkg.version === "string") found.version = pkg.version;
      if (typeof pkg.name === "string") found.serviceName = pkg.name;
      const repo = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
      if (typeof repo === "string") found.repositoryUrl = repo.replace(/^git\+/, "");
    } catch {
      // an unreadable package.json tells us nothing
    }
  }
  Object.assign(found, detectGit(cwd, found.repositoryUrl === undefined));
  return found;
}

function detectGit(cwd: string, wantRemote: boolean): Detected {
  const dotGit = findUp(cwd, ".git");
  if (dotGit === undefined) return {};
  let gitDir = dotGit;
  const pointer = readSmall(dotGit); // a worktree or submodule: ".git" is a file
  if (pointer !== undefined) {
    const target = /^gitdir:\s*(.+)\s*$/m.exec(pointer)?.[1];
    if (target === undefined) return {};
    gitDir = resolve(dirname(dotGit), target.trim());
  }
  const found: Detected = {};
  const head = readSmall(join(gitDir, "HEAD"))?.trim();
  if (head === undefined) return {};
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (ref === undefined) {
    if (/^[0-9a-f]{40,64}$/.test(head)) found.commit = head;
  } else {
    found.branch = ref.replace(/^refs\/heads\//, "");
    const commonDir = readSmall(join(gitDir, "commondir"))?.trim();
    const refDirs = commonDir === undefined ? [gitDir] : [gitDir, resolve(gitDir, commonDir)];
    for (const dir of refDirs) {
      const loose = readSmall(join(dir, ref))?.trim();
      if (loose !== undefined && /^[0-9a-f]{40,64}$/.test(loose)) {
        found.commit = loose;
        break;
      }
      const packed = readSmall(join(dir, "packed-refs"));
      const line = packed?.split("\n").find((l) => l.endsWith(` ${ref}`));
      if (line !== undefined) {
        found.commit = line.split(" ")[0];
        break;
      }
    }
  }
  if (wantRemote) {
    const config = readSmall(join(gitDir, "config")) ?? "";
    const origin = /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(config)?.[1];
    if (origin !== undefined) found.repositoryUrl = origin;
  }
  return found;
}

/** @internal build_info, detected on first use unless `init()` set it. */
export function getBuildInfo(): ResolvedBuildInfo {
  return (runtime.buildInfo ??= resolveBuildInfo());
}
