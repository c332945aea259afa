/**
 * The facts the TypeScript and the Rust both need live in one JSON file each,
 * which both read: the specification's default buckets (runtime/spec.json),
 * the callees that schedule a continuation (babel-plugin/src/schedulers.json),
 * and the Wasm builds with the hosts they run in (compat/builds.json). A copy
 * written out in a source file would drift from it unseen; this names any.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), "utf8"));

type Build = { request: string; minimum: Record<string, string>; last?: Record<string, string> };
const BUCKETS: number[] = read("runtime/spec.json").defaultBuckets;
const SCHEDULERS: string[] = read("babel-plugin/src/schedulers.json");
const TABLE: { hosts: Record<string, string>; builds: Build[] } = read("swc-plugin-wasm/compat/builds.json");

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A number as TypeScript or Rust may write it: `0.005` or `.005`, `1`, `1.0` or `1_f64`. */
function numeral(value: number): string {
  const [whole, fraction] = String(value).split(".");
  const int = whole === "0" ? "0?" : literal(whole!);
  return `${int}${fraction ? `\\.${fraction}` : "(?:\\.0*)?"}(?:_?f64)?`;
}

/** Four of the default buckets in a row, as a list. */
const runs = BUCKETS.slice(0, -3).map((_, i) =>
  BUCKETS.slice(i, i + 4)
    .map(numeral)
    .join("\\s*,\\s*"),
);
const BUCKET_RUN = new RegExp(`(?<![\\w.])(?:${runs.join("|")})(?![\\w.])`);

/** Three scheduler names in a row, quoted, in a list or a match (`"then" | "catch"`). */
const NAME = `(?:${SCHEDULERS.map(literal).join("|")})`;
const SCHEDULER_RUN = new RegExp(`(["'\`])${NAME}\\1(?:[\\s,|]+(["'\`])${NAME}\\2){2,}`);

/**
 * The first release of each build in a host, per host: a file that names two
 * of one host's has the table. Tests, and the tool that measures the ranges,
 * name them on purpose: they check the table against what hosts do.
 */
const FIRST_RELEASES = Object.keys(TABLE.hosts).map((host) =>
  TABLE.builds.flatMap((b) => (b.minimum[host] ? [new RegExp(`(?<![\\w.])${literal(b.minimum[host])}(?![\\w]|\\.\\d)`)] : [])),
);

/** Written from a home by a script, and checked against it by a test of its package. */
const GENERATED = /^runtime\/src\/spec-data\.ts$/;

const CHECKS = /(?:^|\/)tests?\/|\.test\.|^swc-plugin-wasm\/matrix\/range\.mjs$/;

/** What in `text` (of the file `path`) copies one of the facts, in words; undefined when nothing does. */
function copyIn(text: string, path = ""): string | undefined {
  const buckets = GENERATED.test(path) ? null : BUCKET_RUN.exec(text);
  if (buckets) return `the default buckets (${buckets[0]}), whose home is runtime/spec.json`;
  const names = SCHEDULER_RUN.exec(text);
  if (names) return `the scheduler names (${names[0].replace(/\s+/g, " ")}), whose home is babel-plugin/src/schedulers.json`;
  if (CHECKS.test(path)) return undefined;
  for (const [i, releases] of FIRST_RELEASES.entries()) {
    const named = releases.filter((r) => r.test(text));
    if (named.length >= 2) {
      const host = Object.keys(TABLE.hosts)[i];
      return `the builds' first releases in ${host} (${named.map((r) => r.exec(text)![0]).join(", ")}), whose home is swc-plugin-wasm/compat/builds.json`;
    }
  }
  return undefined;
}

/** The repository's TypeScript, JavaScript and Rust: tracked or new, not ignored (no node_modules, dist or target). */
function sources(): string[] {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
  return listed
    .split("\0")
    .filter((f) => /\.(?:[cm]?[jt]sx?|rs)$/.test(f) && existsSync(join(ROOT, f)))
    .sort();
}

describe("facts shared by the TypeScript and the Rust", () => {
  it("are written out in no source file, only in their JSON", () => {
    const files = sources();
    expect(files).to.include("swc-plugin-wasm/transform/src/options.rs");
    const copies = files.flatMap((f) => {
      const copy = copyIn(readFileSync(join(ROOT, f), "utf8"), f);
      return copy === undefined ? [] : [`${f}: ${copy}`];
    });
    expect(copies, `read the JSON instead:\n${copies.join("\n")}\n`).to.deep.equal([]);
  });

  it("are recognised when written out in TypeScript or Rust", () => {
    const typescript = (list: string) => `export const X = Object.freeze([\n  ${list},\n]);`;
    expect(copyIn(typescript(BUCKETS.join(", ")))).to.contain("runtime/spec.json");
    const rust = BUCKETS.map((b) => (Number.isInteger(b) ? `${b}.0` : String(b))).join(", ");
    expect(copyIn(`pub const DEFAULT_BUCKETS: [f64; ${BUCKETS.length}] =\n    [${rust}];`)).to.contain("runtime/spec.json");
    expect(copyIn(`const S = new Set([\n${SCHEDULERS.map((s) => `  "${s}",`).join("\n")}\n]);`)).to.contain("schedulers.json");
    const match = SCHEDULERS.slice(0, 3)
      .map((s) => `"${s}"`)
      .join(" | ");
    expect(copyIn(`matches!(name, ${match})`)).to.contain("schedulers.json");
    const builds = TABLE.builds.map((b) => `Build { request: "${b.request}", runs_in: "@swc/core ${b.minimum["@swc/core"]}" }`);
    expect(copyIn(builds.join(",\n"), "swc-plugin-wasm/src/host.rs")).to.contain("builds.json");
    expect(copyIn(builds.join(",\n"), "swc-plugin-wasm/test/compat.test.ts")).to.equal(undefined);
    expect(copyIn(`promise.then(a).catch(b); setTimeout(c, 1); const v = "1.15.47"; const w = [0.25, 0.5];`)).to.equal(undefined);
  });
});
