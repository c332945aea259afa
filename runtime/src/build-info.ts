import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The `build_info` labels; every field is optional and defaults to "". */
export interface BuildInfo {
  version?: string;
  commit?: string;
  branch?: string;
  repositoryUrl?: string;
  repositoryProvider?: string;
  serviceName?: string;
  /**
   * The `clearmode` label an aggregating push gateway (Gravel) reads:
   * `"replace"`, `"aggregate"` or `"family"`, as `@autometrics/autometrics`
   * had it. Not a label of the specification: `build_info` carries it only
   * when it is set to something other than "".
   */
  clearmode?: "replace" | "aggregate" | "family" | "";
}

/** @internal The labels as exported: every label of the specification, and `clearmode` only when set. */
export type ResolvedBuildInfo = Required<Omit<BuildInfo, "clearmode">> & { clearmode?: "replace" | "aggregate" | "family" };

/**
 * @internal build_info in use: set by `init()` and `recordBuildInfo` (a new
 * object at each change, so the push and the producers see that it changed),
 * else detected by the first `getBuildInfo()`; `resetRuntime()` clears it.
 */
export const inUse = {
  buildInfo: undefined as ResolvedBuildInfo | undefined,
};

/** The service name when nothing names it (OpenTelemetry's convention; `@autometrics/autometrics` said "AUTOMETRICS_TYPESCRIPT_SERVICE"). */
export const DEFAULT_SERVICE_NAME = "unknown_service";

type Env = Record<string, string | undefined>;

function firstSet(...values: (string | undefined)[]): string | undefined {
  for (const v of values) if (v !== undefined && v !== "") return v;
  return undefined;
}

/**
 * Resolves build_info in the specification's order: `init()` options, then
 * environment variables, then what can be read from package.json and `.git`
 * (unless `detect` is false). The version also comes from `PACKAGE_VERSION`,
 * and, when detecting, from the `npm_package_version` that `npm run` sets,
 * as `@autometrics/autometrics` read them. The service name is the exception the
 * specification makes: `AUTOMETRICS_SERVICE_NAME`, then `OTEL_SERVICE_NAME`,
 * then the option, then the package name, then "unknown_service".
 */
export function resolveBuildInfo(options: BuildInfo = {}, env: Env = process.env, detect = true, cwd = process.cwd()): ResolvedBuildInfo {
  const found = detect ? detectFromFiles(cwd) : {};
  const repositoryUrl = firstSet(options.repositoryUrl, env.AUTOMETRICS_REPOSITORY_URL, found.repositoryUrl) ?? "";
  const info: ResolvedBuildInfo = {
    version:
      firstSet(
        options.version,
        env.AUTOMETRICS_VERSION,
        env.PACKAGE_VERSION,
        detect ? env.npm_package_version : undefined,
        found.version,
      ) ?? "",
    commit: firstSet(options.commit, env.AUTOMETRICS_COMMIT, env.COMMIT_SHA, found.commit) ?? "",
    branch: firstSet(options.branch, env.AUTOMETRICS_BRANCH, env.BRANCH_NAME, found.branch) ?? "",
    repositoryUrl,
    repositoryProvider: firstSet(options.repositoryProvider, env.AUTOMETRICS_REPOSITORY_PROVIDER, providerOf(repositoryUrl)) ?? "",
    serviceName:
      firstSet(env.AUTOMETRICS_SERVICE_NAME, env.OTEL_SERVICE_NAME, options.serviceName, found.serviceName) ?? DEFAULT_SERVICE_NAME,
  };
  if (options.clearmode) info.clearmode = options.clearmode;
  return info;
}

/** The fields `recordBuildInfo` takes: ours, and the label names `@autometrics/autometrics` used. */
export type RecordedBuildInfo = BuildInfo & {
  "repository.url"?: string;
  "repository.provider"?: string;
  "service.name"?: string;
  /** Accepted for `@autometrics/autometrics` code and ignored: the label is always the specification's version. */
  "autometrics.version"?: string;
};

const RECORDED_KEYS: Record<string, keyof BuildInfo | null> = {
  version: "version",
  commit: "commit",
  branch: "branch",
  repositoryUrl: "repositoryUrl",
  repositoryProvider: "repositoryProvider",
  serviceName: "serviceName",
  clearmode: "clearmode",
  "repository.url": "repositoryUrl",
  "repository.provider": "repositoryProvider",
  "service.name": "serviceName",
  "autometrics.version": null,
};
const CLEARMODES = ["replace", "aggregate", "family", ""];

/**
 * Sets build_info fields at run time, as `@autometrics/autometrics`'s
 * `recordBuildInfo` did: each field given replaces the one in use (from
 * `init()`, the environment or detection); the others stay. build_info stays
 * one series: the next scrape or push carries the new labels. As with
 * `init()`, `AUTOMETRICS_SERVICE_NAME` and `OTEL_SERVICE_NAME` still name the
 * service when set; a new repository URL without a provider gets the provider
 * read from it. An unknown field or a value that is not a string throws a
 * `TypeError` and changes nothing.
 */
export function recordBuildInfo(info: RecordedBuildInfo): void {
  if (typeof info !== "object" || info === null) {
    throw new TypeError(`autometrics: recordBuildInfo expects an object of build_info fields, got ${info === null ? "null" : typeof info}`);
  }
  const given: BuildInfo = {};
  for (const [key, value] of Object.entries(info)) {
    if (!Object.hasOwn(RECORDED_KEYS, key)) {
      throw new TypeError(
        `autometrics: invalid option \`${key}\`: unknown build_info field (known: ${Object.keys(RECORDED_KEYS).join(", ")})`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== "string") {
      throw new TypeError(`autometrics: invalid option \`${key}\`: expected a string, got ${value === null ? "null" : typeof value}`);
    }
    if (key === "clearmode" && !CLEARMODES.includes(value)) {
      throw new TypeError(
        `autometrics: invalid option \`clearmode\`: expected "replace", "aggregate", "family" or "", got ${JSON.stringify(value)}`,
      );
    }
    const field = RECORDED_KEYS[key];
    if (field !== null && field !== undefined) (given as Record<string, string>)[field] = value;
  }
  let current: ResolvedBuildInfo;
  try {
    current = getBuildInfo();
  } catch {
    current = resolveBuildInfo({}, {}, false, ""); // no process or no files here (edge, browser)
  }
  const next: ResolvedBuildInfo = { ...current };
  for (const key of ["version", "commit", "branch", "repositoryUrl", "repositoryProvider"] as const) {
    if (given[key] !== undefined) next[key] = given[key];
  }
  if (given.repositoryUrl !== undefined && given.repositoryProvider === undefined) {
    next.repositoryProvider = providerOf(given.repositoryUrl) ?? "";
  }
  if (given.serviceName !== undefined) {
    const env: Env = (globalThis as { process?: { env?: Env } }).process?.env ?? {};
    next.serviceName = firstSet(env.AUTOMETRICS_SERVICE_NAME, env.OTEL_SERVICE_NAME, given.serviceName) ?? current.serviceName;
  }
  if (given.clearmode !== undefined) {
    if (given.clearmode === "") delete next.clearmode;
    else next.clearmode = given.clearmode;
  }
  inUse.buildInfo = next; // a new object: the push and the producers see that it changed
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
    // A worktree's own config has no remotes: they are in the common directory's.
    const commonDir = readSmall(join(gitDir, "commondir"))?.trim();
    const configs = commonDir === undefined ? [gitDir] : [gitDir, resolve(gitDir, commonDir)];
    for (const dir of configs) {
      const origin = originUrl(readSmall(join(dir, "config")) ?? "");
      if (origin !== undefined) {
        found.repositoryUrl = origin;
        break;
      }
    }
  }
  return found;
}

/**
 * The first `url` of `[remote "origin"]` in a git config file, read as git
 * reads it (git-config(1), "Syntax"): section names in any case, the
 * subsection exactly; `#` and `;` start a comment, on a line of their own or
 * after a value; a value may be quoted, in whole or in part, with `\"`, `\\`,
 * `\n`, `\t` and `\b` escapes. Undefined when there is none.
 */
export function originUrl(config: string): string | undefined {
  let inOrigin = false;
  for (const raw of config.split(/\r?\n/)) {
    let line = raw.trim();
    if (line.startsWith("[")) {
      const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
      if (header === null) {
        inOrigin = false;
        continue;
      }
      const section = header[1]!.toLowerCase();
      const subsection = header[2]?.replace(/\\(.)/g, "$1");
      inOrigin = (section === "remote" && subsection === "origin") || (subsection === undefined && section === "remote.origin");
      line = line.slice(header[0].length).trim(); // "[remote "origin"] url = …" on one line
    }
    if (!inOrigin || line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const equals = line.indexOf("=");
    if (equals < 0 || line.slice(0, equals).trim().toLowerCase() !== "url") continue;
    const value = configValue(line.slice(equals + 1));
    if (value !== "") return value;
  }
  return undefined;
}

/** A git config value as git reads it: quotes removed, escapes applied, a trailing comment dropped. */
function configValue(raw: string): string {
  let out = "";
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '"') {
      quoted = !quoted;
    } else if (c === "\\" && i + 1 < raw.length) {
      const next = raw[++i]!;
      out += next === "n" ? "\n" : next === "t" ? "\t" : next === "b" ? "\b" : next;
    } else if (!quoted && (c === "#" || c === ";")) {
      break;
    } else {
      out += c;
    }
  }
  return out.trim();
}

/** @internal build_info, detected on first use unless `init()` set it. */
export function getBuildInfo(): ResolvedBuildInfo {
  return (inUse.buildInfo ??= resolveBuildInfo());
}
