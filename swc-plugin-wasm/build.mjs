#!/usr/bin/env node
// Builds the SWC plugin to wasm32-wasip1 and copies it to
// swc-plugin-wasm/swc_plugin_autometrics.wasm (the package's `main`).
//
// Two toolchains are supported, tried in this order:
//   1. rustup, with a toolchain that has the wasm32-wasip1 target installed
//      (`rustup target add wasm32-wasip1`): a plain cargo build.
//   2. Debian's packages `rustc-web cargo-web rust-web-src lld wasi-libc`:
//      /usr/bin/cargo and /usr/bin/rustc build the standard library for the
//      target from source (-Zbuild-std, allowed by RUSTC_BOOTSTRAP=1), link
//      with /usr/bin/wasm-ld against wasi-libc in /usr/lib/wasm32-wasi.
// `--toolchain=rustup` or `--toolchain=debian` forces one of them.
//
// `node build.mjs --test [-- <cargo test arguments>]` runs the native tests
// (`cargo test -p autometrics_swc_transform --locked`: the transform's unit
// tests and the shared fixture corpus; the plugin crates have none) with the
// same toolchain and target directory, instead of building the .wasm.
//
// `--ast=27` does any of these for the build on swc_core 75 (swc_ecma_ast 27),
// for older hosts: the workspace in ast27/, from the same sources with the
// crate's `ast27` feature, written to swc_plugin_autometrics_ast27.wasm;
// `--ast=14` for the build on swc_core 35 (swc_ecma_ast 14), for hosts before
// CBOR (Next 15.2 to 16.0, @swc/core 1.12 and 1.13): ast14/, feature `ast14`,
// swc_plugin_autometrics_ast14.wasm; `--ast=17` for the build on swc_core 46
// (swc_ecma_ast 17), for @swc/core 1.14, also before CBOR: ast17/, feature
// `ast17`, swc_plugin_autometrics_ast17.wasm.
//
// `node build.mjs --lint` checks the workspace's Rust the same way: `cargo fmt
// --check` (rustfmt.toml at the root) and `cargo clippy -D warnings` over every
// crate and target; on Debian, with the packages rustfmt-web and rust-web-clippy.
//
// Cargo's target directory is kept outside the repository so builds are
// reused: $AUTOMETRICS_CARGO_TARGET_DIR, else ~/.cache/autometrics/cargo-target.
// Cargo decides what to rebuild by time, which cannot tell two checkouts
// apart, so the hash of the Rust sources last built is kept beside it: when
// this checkout's differ, its crates' roots are touched and built again.
//
// For the .wasm, RUSTFLAGS is set here (it replaces any rustflags from
// .cargo/config) and carries --cfg=swc_ast_unknown: the plugin then accepts
// AST nodes from hosts newer than itself instead of failing to deserialize
// them. The native tests build without it.

import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const TARGET = "wasm32-wasip1";
// `--crate=NAME --out=FILE` builds another plugin crate of the workspace (the bench's empty plugin).
const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const AST = option("ast");
if (AST !== undefined && !["27", "17", "14"].includes(AST)) fail(`unknown --ast=${AST} (27, 17, 14, or none for the default build)`);
const CRATE = option("crate") ?? (AST ? `swc_plugin_autometrics_ast${AST}` : "swc_plugin_autometrics");
const TRANSFORM = AST ? `autometrics_swc_transform_ast${AST}` : "autometrics_swc_transform";
const here = dirname(fileURLToPath(import.meta.url));
const workspace = AST ? join(here, `ast${AST}`) : here;
const output = option("out") ?? join(here, `${CRATE}.wasm`);
const targetDir = process.env.AUTOMETRICS_CARGO_TARGET_DIR || join(homedir(), ".cache", "autometrics", "cargo-target");
// swc_core 35's and 46's proxies declare the host's functions without a
// module (`wasm_import_module`), which wasm-ld then rejects as undefined: the
// AST 14 and AST 17 builds link as rustc did when those swc_cores were
// current, importing them from "env".
const SWC_CFG = `--cfg=swc_ast_unknown${AST === "14" || AST === "17" ? " -C link-arg=--allow-undefined" : ""}`;
const DEBIAN_PACKAGES = "rustc-web cargo-web rust-web-src lld wasi-libc";

const log = (message) => console.log(`[swc-plugin-wasm] ${message}`);

function fail(message) {
  console.error(`[swc-plugin-wasm] error: ${message}`);
  process.exit(1);
}

/** stdout of a command, or undefined when it cannot run or fails. */
function tryRun(file, args) {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

/** A rustup toolchain with the target installed: the default one first. */
function findRustupToolchain() {
  const list = tryRun("rustup", ["toolchain", "list"]);
  if (list === undefined) return undefined;
  const toolchains = list
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => ({ name: line.split(/\s+/)[0], isDefault: /\(.*default.*\)/.test(line) }))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  for (const { name } of toolchains) {
    const installed = tryRun("rustup", ["target", "list", "--installed", "--toolchain", name]);
    if (installed?.split("\n").some((t) => t.trim() === TARGET)) return name;
  }
  return undefined;
}

/** Whether Debian's compiler, std source, linker and wasi-libc are all there. */
function findDebianToolchain() {
  const cargo = "/usr/bin/cargo";
  const rustc = "/usr/bin/rustc";
  const rustdoc = "/usr/bin/rustdoc";
  const linker = "/usr/bin/wasm-ld";
  const wasiLibc = "/usr/lib/wasm32-wasi";
  if (![cargo, rustc, linker, join(wasiLibc, "libc.a")].every((p) => existsSync(p))) return undefined;
  const sysroot = tryRun(rustc, ["--print", "sysroot"])?.trim();
  if (!sysroot || !existsSync(join(sysroot, "lib/rustlib/src/rust/library/std/Cargo.toml"))) return undefined;
  return { cargo, rustc, rustdoc, linker, wasiLibc };
}

/** How to run cargo: the command, its leading arguments, and the environment for a wasm build. */
function plan(forced) {
  if (forced !== "debian") {
    const toolchain = findRustupToolchain();
    if (toolchain) {
      return {
        describe: `rustup toolchain ${toolchain} (${TARGET} installed)`,
        command: "rustup",
        cargo: ["run", toolchain, "cargo"],
        buildArgs: ["build"],
        env: { RUSTFLAGS: SWC_CFG },
        testEnv: {},
      };
    }
    if (forced === "rustup") fail(`no rustup toolchain has ${TARGET}: run \`rustup target add ${TARGET}\``);
  }
  const debian = findDebianToolchain();
  if (debian) {
    return {
      describe: `Debian rustc (${tryRun(debian.rustc, ["--version"])?.trim()}), std built from source`,
      command: debian.cargo,
      cargo: [],
      buildArgs: ["build", "-Zbuild-std=std,panic_abort"],
      env: {
        RUSTC: debian.rustc,
        RUSTC_BOOTSTRAP: "1",
        CARGO_TARGET_WASM32_WASIP1_LINKER: debian.linker,
        RUSTFLAGS: `-C link-self-contained=no -L ${debian.wasiLibc} ${SWC_CFG}`,
      },
      // rustdoc runs the doc tests: Debian's, not another one on the PATH.
      testEnv: existsSync(debian.rustdoc) ? { RUSTC: debian.rustc, RUSTDOC: debian.rustdoc } : { RUSTC: debian.rustc },
    };
  }
  fail(
    `no Rust toolchain that can build ${TARGET} was found. Either run ` +
      `\`rustup target add ${TARGET}\` (with rustup), or, on Debian 12 (bookworm), ` +
      `\`apt-get install -y ${DEBIAN_PACKAGES}\`.`,
  );
}

const separator = process.argv.indexOf("--");
const ownArgs = separator === -1 ? process.argv.slice(2) : process.argv.slice(2, separator);
const passThrough = separator === -1 ? [] : process.argv.slice(separator + 1);
const forced = ownArgs.find((a) => a.startsWith("--toolchain="))?.slice("--toolchain=".length);
if (forced && forced !== "rustup" && forced !== "debian") fail(`unknown --toolchain=${forced} (rustup or debian)`);
const testing = ownArgs.includes("--test");
const linting = ownArgs.includes("--lint");

/** The Rust sources (manifests, locks, crates, embedded files) of every build, hashed. */
function sourcesHash() {
  const hash = createHash("sha256");
  const add = (path) => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) add(join(path, entry));
    } else {
      hash
        .update(`${relative(here, path)}\0`)
        .update(readFileSync(path))
        .update("\0");
    }
  };
  for (const path of [
    join(here, "..", "Cargo.toml"),
    join(here, "..", "Cargo.lock"),
    join(here, "src"),
    join(here, "transform"),
    join(here, "ast27"),
    join(here, "ast17"),
    join(here, "ast14"),
    // The facts the crates embed (include_str!).
    join(here, "compat", "builds.json"),
    join(here, "..", "runtime", "spec.json"),
    join(here, "..", "babel-plugin", "src", "schedulers.json"),
  ])
    add(path);
  return hash.digest("hex");
}

// Which sources the target directory's builds of this workspace are from.
const stamp = join(targetDir, `autometrics-sources-${AST ? `ast${AST}` : "default"}`);
const sources = sourcesHash();
if (existsSync(stamp) && readFileSync(stamp, "utf8") !== sources) {
  const now = new Date();
  for (const root of [join(here, "src", "lib.rs"), join(here, "transform", "src", "lib.rs")]) utimesSync(root, now, now);
}

const build = plan(forced);
if (linting) lint(build);
const args = testing
  ? [...build.cargo, "test", "-p", TRANSFORM, "--locked", ...passThrough]
  : [...build.cargo, ...build.buildArgs, "--release", "--locked", "--target", TARGET, "-p", CRATE];
const buildEnv = testing ? build.testEnv : build.env;
log(`toolchain: ${build.describe}`);
log(`target dir: ${targetDir}`);
log(
  `running: ${Object.entries(buildEnv)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(" ")} ${build.command} ${args.join(" ")}`,
);

const started = Date.now();
const env = { ...process.env, ...buildEnv, CARGO_TARGET_DIR: targetDir };
if (build.command === "rustup") {
  // Let rustup pick its own compiler, whatever RUSTC the caller has set.
  delete env.RUSTC;
}
const result = spawnSync(build.command, args, { cwd: workspace, env, stdio: "inherit" });
if (result.error) fail(`could not run ${build.command}: ${result.error.message}`);
if (result.status !== 0) fail(`cargo ${testing ? "test" : "build"} failed (exit status ${result.status ?? result.signal})`);
writeFileSync(stamp, sources);

if (testing) {
  log(`native tests passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} else {
  const artifact = join(targetDir, TARGET, "release", `${CRATE}.wasm`);
  if (!existsSync(artifact)) fail(`cargo succeeded but ${artifact} is missing`);
  copyFileSync(artifact, output);
  const bytes = statSync(output).size;
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log(`wrote ${relative(process.cwd(), output) || output}: ${bytes} bytes (${(bytes / 1024).toFixed(0)} KiB)`);
}

/** rustfmt and clippy over the workspace, with the build's toolchain; exits. */
function lint(build) {
  // The toolchain's own cargo-fmt and cargo-clippy, not another one found first on the PATH.
  const bin = build.command === "rustup" ? undefined : dirname(build.command);
  const env = { ...process.env, ...build.testEnv, CARGO_TARGET_DIR: targetDir, ...(bin ? { PATH: `${bin}:${process.env.PATH}` } : {}) };
  const steps = [
    { tool: "fmt", args: ["--all", "--check"], fix: "cargo fmt --all" },
    { tool: "clippy", args: ["--workspace", "--all-targets", "--locked", "--", "-D", "warnings"], fix: "the warnings above" },
  ];
  for (const { tool, args, fix } of steps) {
    const run = (extra, stdio) => spawnSync(build.command, [...build.cargo, tool, ...extra], { cwd: workspace, env, stdio });
    const probe = run(["--version"], "pipe");
    if (probe.error || probe.status !== 0) {
      const install =
        build.command === "rustup"
          ? `rustup component add ${tool === "fmt" ? "rustfmt" : "clippy"}`
          : "apt-get install rustfmt-web rust-web-clippy";
      fail(`cargo ${tool} is not installed with this toolchain: ${install}`);
    }
    log(`running: cargo ${tool} ${args.join(" ")}`);
    const result = run(args, "inherit");
    if (result.status !== 0) fail(`cargo ${tool} found problems (exit status ${result.status ?? result.signal}): see ${fix}`);
  }
  writeFileSync(stamp, sources);
  log("rustfmt and clippy: clean");
  process.exit(0);
}
