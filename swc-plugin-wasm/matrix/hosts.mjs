// The SWC hosts the compatibility matrix measures, each installed from the npm
// registry into its own folder (hosts/<package>@<version>/: a package.json and
// a lockfile, committed; node_modules and the test app, ignored), outside the
// workspaces so that no other version of @swc/core or Next leaks in.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureInstalled } from "../../fixtures/harness/isolated-install.mjs";

export const MATRIX = dirname(fileURLToPath(import.meta.url));
export const HOSTS = join(MATRIX, "hosts");
const ROOT = join(MATRIX, "..", "..");

/** The version the workspace's lockfile has for a package (React and prom-client for the Next app). */
function workspaceVersion(name) {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in the workspace's package-lock.json`);
  return version;
}

/** The dependencies of a host's folder: the host at one exact version, and what its test app needs. */
function dependencies(host, version) {
  if (host === "@swc/core") return { "@swc/core": version };
  if (host === "next") {
    return {
      next: version,
      react: workspaceVersion("react"),
      "react-dom": workspaceVersion("react-dom"),
      "prom-client": workspaceVersion("prom-client"),
    };
  }
  throw new Error(`unknown host ${host}`);
}

export function hostDir(host, version) {
  return join(HOSTS, `${host.replace("/", "+")}@${version}`);
}

/**
 * Installs one host (its lockfile is written the first time, from the
 * registry); returns its folder. Hosts that fail to install throw.
 */
export function ensureHost(host, version) {
  const dir = hostDir(host, version);
  mkdirSync(dir, { recursive: true });
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) {
    const json = {
      name: `autometrics-compat-${host.replace(/[@/]/g, "")}-${version}`.replace(/\./g, "-"),
      private: true,
      description: `${host} ${version} for the SWC plugin's compatibility matrix (swc-plugin-wasm/matrix/range.mjs)`,
      dependencies: dependencies(host, version),
    };
    writeFileSync(manifest, `${JSON.stringify(json, null, 2)}\n`);
  }
  if (!existsSync(join(dir, "package-lock.json"))) {
    execFileSync("npm", ["install", "--package-lock-only", "--no-audit", "--no-fund", "--prefix", dir], { stdio: "inherit" });
  }
  ensureInstalled(dir, `${host} ${version}`);
  return dir;
}

/** Every published release of a host (no pre-releases), oldest first, from the registry. */
export function releases(host) {
  const out = execFileSync("npm", ["view", host, "versions", "--json"], { encoding: "utf8" });
  return JSON.parse(out).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
}

const parts = (v) => v.split(".").map(Number);
export const compareVersions = (a, b) => {
  const [x, y] = [parts(a), parts(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

/**
 * Resolves selectors against the registry's releases: "1.16.x" or "16.4" is the
 * latest patch of that minor, "1.16.0" that exact release.
 */
export function resolveVersions(selectors, published) {
  return selectors.map((selector) => {
    const exact = /^\d+\.\d+\.\d+$/.test(selector);
    if (exact) {
      if (!published.includes(selector)) throw new Error(`no release ${selector}`);
      return selector;
    }
    const minor = selector.replace(/\.x$/, "");
    if (!/^\d+\.\d+$/.test(minor)) throw new Error(`bad version selector ${selector} (e.g. 1.16.x, 16.4, 1.15.3)`);
    const matching = published.filter((v) => v.startsWith(`${minor}.`)).sort(compareVersions);
    if (matching.length === 0) throw new Error(`no release in ${selector}`);
    return matching[matching.length - 1];
  });
}
