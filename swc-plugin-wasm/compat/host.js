"use strict";
// Which SWC hosts the plugin's Wasm build runs in, which build a host gets,
// and a check that says so in words before a host fails on the first file with
// its own error (or none). The ranges are the measured ones (matrix/range.mjs,
// the README's table) for the `swc_core` of each build (Cargo.toml,
// ast27/Cargo.toml, ast17/Cargo.toml and ast14/Cargo.toml); a plugin rebuilt
// against another `swc_core` can set AUTOMETRICS_SKIP_HOST_CHECK=1.

const { join } = require("node:path");

const PLUGIN = "swc-plugin-autometrics";
const VERSION = require("../package.json").version;

/**
 * The Wasm builds the package ships, newest first (builds.json, which each
 * build also embeds to name the others when a host cannot read its program):
 * the `swc_core` (and `swc_ecma_ast`) each is built on, its module request (a
 * package export, which Turbopack and webpack resolve from the project) and
 * file, and the oldest release of each host it runs in. A build runs in later
 * releases too, as far as SWC keeps plugins portable (`swc_ast_unknown`),
 * unless it has a `last` release (a minor's, `x` for any patch): hosts before
 * @swc/core 1.15 and Next 16.1 read a plugin's program only on their own AST,
 * so a build for them runs in that AST's releases alone. A host gets the
 * newest build it can run; a host no build lists (Rspack for the AST 17 and
 * AST 14 builds, Next for the AST 17 one) gets none of it. `hosts` names
 * each host in words.
 */
const { hosts: HOST_NAMES, builds: BUILDS } = require("./builds.json");

function parse(version) {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(String(version));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Whether `version` is at least `minimum`; a pre-release counts as its release (a canary leads to it). */
function atLeast(version, minimum) {
  const [v, min] = [parse(version), parse(minimum)];
  if (!v || !min) return true;
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
}

/** Whether `version` is at most `last` ("1.13.x": any patch of 1.13). */
function atMost(version, last) {
  const v = parse(version);
  const [major, minor, patch] = String(last).split(".");
  if (!v) return true;
  const l = [Number(major), Number(minor), patch === "x" ? Number.POSITIVE_INFINITY : Number(patch)];
  for (let i = 0; i < 3; i++) if (v[i] !== l[i]) return v[i] < l[i];
  return true;
}

/** Whether `build` runs in `host` at `version`. */
function runs(build, host, version) {
  const minimum = build.minimum[host];
  const last = build.last?.[host];
  return minimum !== undefined && atLeast(version, minimum) && (last === undefined || atMost(version, last));
}

/** The hosts `build` runs in, in words: "@swc/core 1.15.0 and later, …", "Next.js 15.2.0 to 16.0.x". */
function rangeOf(build) {
  const hosts = Object.entries(build.minimum).map(([h, v]) =>
    build.last?.[h] ? `${HOST_NAMES[h]} ${v} to ${build.last[h]}` : `${HOST_NAMES[h]} ${v} and later`,
  );
  return hosts.length === 1 ? hosts[0] : `${hosts.slice(0, -1).join(", ")} and ${hosts.at(-1)}`;
}

function known(host) {
  if (!HOST_NAMES[host]) throw new Error(`${PLUGIN}: unknown host ${host} (known: ${Object.keys(HOST_NAMES).join(", ")})`);
  return HOST_NAMES[host];
}

/** The installed version of `host` as `from` (a folder, default the working directory) resolves it, or undefined. */
function installedVersion(host, from = process.cwd()) {
  try {
    return require(require.resolve(`${host}/package.json`, { paths: [from] })).version;
  } catch {
    return undefined;
  }
}

/** The build `host` at `version` runs (the newest when the version is unknown), or undefined. */
function buildFor(host, version) {
  known(host);
  if (version === undefined) return BUILDS[0];
  return BUILDS.find((b) => runs(b, host, version));
}

/** Why no build runs in `host` at `version`, in words; undefined when one does. */
function incompatibility(host, version) {
  const name = known(host);
  if (buildFor(host, version)) return undefined;
  // The build whose releases come next after this version's (else the newest), and the older ones for this host.
  const forHost = BUILDS.filter((b) => b.minimum[host] !== undefined);
  const next = forHost.findLast((b) => !atLeast(version, b.minimum[host])) ?? forHost[0];
  const builds = forHost.filter((b) => b === next || atLeast(next.minimum[host], b.minimum[host]));
  const built = builds.map((b) => `swc_core ${b.swcCore} (swc_ecma_ast ${b.ast}), which runs in ${rangeOf(b)}`);
  const minimum = next.minimum[host];
  const install = host === "next" ? `next@^${minimum}` : `-D ${host}@^${minimum}`;
  return (
    `${PLUGIN} ${VERSION} cannot run in ${name} ${version}: its Wasm plugin is built on ${built.join(", and on ")}; ` +
    "other hosts fail on the first file. " +
    `Install ${name} ${minimum} or later (npm install ${install}). ` +
    `(AUTOMETRICS_SKIP_HOST_CHECK=1 skips this check, for a plugin rebuilt for this host.)`
  );
}

/** The build for `host` (as installed, or at `version`); throws an Error (code AUTOMETRICS_INCOMPATIBLE_HOST) saying why when none runs there. */
function checkHost(host, version = installedVersion(host)) {
  if (process.env.AUTOMETRICS_SKIP_HOST_CHECK === "1") return BUILDS[0];
  const problem = incompatibility(host, version);
  if (problem) {
    const error = new Error(problem);
    error.code = "AUTOMETRICS_INCOMPATIBLE_HOST";
    throw error;
  }
  return buildFor(host, version);
}

/** The module request for Next's `experimental.swcPlugins`: the build the project's Next runs (checked). */
function nextPluginRequest(from) {
  return checkHost("next", installedVersion("next", from)).request;
}

/**
 * The plugin's path for `jsc.experimental.plugins: [[plugin(), options]]`: the
 * build `host` (@swc/core's JS API by default, or "@rspack/core" for Rspack's
 * builtin:swc-loader) runs, as `from` resolves it (or at `version`), checked.
 */
function plugin({ host = "@swc/core", version, from } = {}) {
  return join(__dirname, "..", checkHost(host, version ?? installedVersion(host, from)).file);
}

module.exports = { BUILDS, buildFor, checkHost, incompatibility, installedVersion, nextPluginRequest, plugin };
