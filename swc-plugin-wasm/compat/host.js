"use strict";
// Which SWC hosts this build of the plugin runs in, and a check that says so in
// words before a host fails on the first file with its own error (or none).
// The ranges are the measured ones (compat/range.mjs, the README's table) for
// the `swc_core` in Cargo.toml; a plugin rebuilt against another `swc_core`
// can set AUTOMETRICS_SKIP_HOST_CHECK=1.

const { dirname, join } = require("node:path");

const PLUGIN = "swc-plugin-autometrics";
const VERSION = require("../package.json").version;
const WASM = join(__dirname, "..", "swc_plugin_autometrics.wasm");

/** The build: swc_core 78 (swc_ecma_ast 29) runs in these hosts and, as far as SWC keeps plugins portable, later ones. */
const BUILD = { swcCore: "78", ast: "29" };
const HOSTS = {
  "@swc/core": { name: "@swc/core", minimum: "1.16.0" },
  next: { name: "Next.js", minimum: "16.4.0" },
};

function parse(version) {
  const m = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?/.exec(String(version));
  return m ? { parts: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] !== undefined } : undefined;
}

/** Whether `version` is at least `minimum`; a pre-release of a supported version counts (a canary leads to its release). */
function atLeast(version, minimum) {
  const [v, min] = [parse(version), parse(minimum)];
  if (!v || !min) return true;
  for (let i = 0; i < 3; i++) if (v.parts[i] !== min.parts[i]) return v.parts[i] > min.parts[i];
  return true;
}

/** The installed version of `host` as `from` (a folder, default the working directory) resolves it, or undefined. */
function installedVersion(host, from = process.cwd()) {
  try {
    return require(require.resolve(`${host}/package.json`, { paths: [from] })).version;
  } catch {
    return undefined;
  }
}

/** Why this build does not run in `host` at `version`, in words; undefined when it does. */
function incompatibility(host, version) {
  const known = HOSTS[host];
  if (!known) throw new Error(`${PLUGIN}: unknown host ${host} (known: ${Object.keys(HOSTS).join(", ")})`);
  if (version === undefined || atLeast(version, known.minimum)) return undefined;
  const install = host === "next" ? `next@^${known.minimum}` : `-D @swc/core@^${known.minimum}`;
  const hosts = Object.values(HOSTS).map((o) => `${o.name} ${o.minimum} and later`);
  return (
    `${PLUGIN} ${VERSION} cannot run in ${known.name} ${version}: its Wasm plugin is built on swc_core ${BUILD.swcCore} ` +
    `(swc_ecma_ast ${BUILD.ast}), which runs in ${hosts.join(" and ")}; older hosts fail on the first file. ` +
    `Install ${known.name} ${known.minimum} or later (npm install ${install}). ` +
    `(AUTOMETRICS_SKIP_HOST_CHECK=1 skips this check, for a plugin rebuilt for this host.)`
  );
}

/** Throws an Error with that message when `host` (as installed, or at `version`) cannot run this build. */
function checkHost(host, version = installedVersion(host)) {
  if (process.env.AUTOMETRICS_SKIP_HOST_CHECK === "1") return;
  const problem = incompatibility(host, version);
  if (problem) {
    const error = new Error(problem);
    error.code = "AUTOMETRICS_INCOMPATIBLE_HOST";
    throw error;
  }
}

/**
 * The plugin's path for @swc/core's JS API (`jsc.experimental.plugins: [[plugin(), options]]`),
 * after checking the @swc/core that `from` resolves (or `swcCoreVersion`).
 */
function plugin({ swcCoreVersion, from } = {}) {
  checkHost("@swc/core", swcCoreVersion ?? installedVersion("@swc/core", from));
  return WASM;
}

module.exports = { HOSTS, BUILD, checkHost, incompatibility, installedVersion, plugin, wasm: WASM, packageDir: dirname(WASM) };
