#!/usr/bin/env node
// The SWC plugin's version range, measured: installs each host release into
// its own folder (hosts.mjs) and checks, with the plugin as built,
//   - @swc/core: that it loads (a module with a selected function comes out
//     instrumented), then the whole corpus: each case's output.swc.js, error.txt
//     and, run with Node, expected.json (corpus-worker.ts);
//   - Next: `next build` of a tiny app with the plugin in experimental.swcPlugins
//     (Turbopack from 16.0, webpack before, or --bundler webpack|turbopack), that its server
//     output is instrumented, and that its route, under `next start`, records a
//     series on /metrics.
// Prints a Markdown table, keeps every measurement in results.json (a subset run
// replaces its own rows), and with --write puts the table into ../README.md
// between its compat markers.
//
//   node swc-plugin-wasm/matrix/range.mjs                      the whole matrix (about 25 min here)
//   node swc-plugin-wasm/matrix/range.mjs --swc 1.15.x,1.16.x   some @swc/core minors (or exact releases), no Next
//   node swc-plugin-wasm/matrix/range.mjs --next 16.4 --write   one Next minor, then the README
//   --wasm label=path[,label=path]  other builds of the plugin (default: the four it ships, main, ast27, ast17 and ast14)
//   --bundler webpack                Next 16 with webpack instead of Turbopack
//   --bundler turbopack              Next 15 with `next build --turbopack` instead of webpack
//   --table                          print and --write the table from results.json without measuring
//   --results FILE                   keep the measurements in FILE instead of results.json (experimental builds)
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { basename, join, relative } from "node:path";
import { MATRIX, compareVersions, ensureHost, releases, resolveVersions } from "./hosts.mjs";

const require = createRequire(import.meta.url);
const PACKAGE = join(MATRIX, "..");
const ROOT = join(PACKAGE, "..");
const RUN = join(MATRIX, ".run");
let RESULTS = join(MATRIX, "results.json");
const README = join(PACKAGE, "README.md");
const MARKERS = ["<!-- compat-table:start (swc-plugin-wasm/matrix/range.mjs --write) -->", "<!-- compat-table:end -->"];

/** The default matrix: where the AST 14 build starts (@swc/core 1.12.0, Next 15.2.0), the last @swc/core before plugins became portable (1.15.0), every minor since, their first and last patches; Next 15.5, every 16.x, and 16.1.0 (where the AST 27 build starts). */
export const DEFAULT_SWC = ["1.12.0", "1.13.x", "1.14.x", "1.15.0", "1.15.x", "1.16.0", "1.16.x"];
export const DEFAULT_NEXT = ["15.2.0", "15.5", "16.0", "16.1.0", "16.1", "16.2", "16.3", "16.4.0", "16.4"];

function parseArgs(argv) {
  const args = { swc: undefined, next: undefined, wasm: undefined, write: false, table: false, bundler: "default" };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? argv[++i];
    if (flag === "--swc") args.swc = value().split(",").filter(Boolean);
    else if (flag === "--next") args.next = value().split(",").filter(Boolean);
    else if (flag === "--wasm") args.wasm = value().split(",").filter(Boolean);
    else if (flag === "--bundler") args.bundler = value();
    else if (flag === "--results") RESULTS = value();
    else if (flag === "--write") args.write = true;
    else if (flag === "--table") args.table = true;
    else if (flag === "--help" || flag === "-h") {
      console.log(
        readFileSync(new URL(import.meta.url), "utf8")
          .split("\n")
          .filter((l) => l.startsWith("//"))
          .map((l) => l.slice(3))
          .join("\n"),
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]} (--help)`);
  }
  // Naming one kind of host measures only that kind.
  if (args.swc === undefined && args.next === undefined) {
    args.swc = DEFAULT_SWC;
    args.next = DEFAULT_NEXT;
  }
  args.swc ??= [];
  args.next ??= [];
  if (!["default", "turbopack", "webpack"].includes(args.bundler)) throw new Error(`--bundler ${args.bundler}: turbopack or webpack`);
  const shipped = ["main", "ast27", "ast17", "ast14"].map(
    (b) => `${b}=${join(PACKAGE, `swc_plugin_autometrics${b === "main" ? "" : `_${b}`}.wasm`)}`,
  );
  const builds = (args.wasm ?? shipped).map((entry) => {
    const [label, path] = entry.includes("=") ? entry.split(/=(.*)/s) : [basename(entry, ".wasm"), entry];
    if (!existsSync(path)) throw new Error(`${path} is missing (build them: npm run build -w swc-plugin-wasm)`);
    return { label, path, sha: createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 12) };
  });
  return { ...args, builds };
}

/** The swc_ecma_ast a host's native binding was built with, when its file names say so. */
function hostAst(dir, binding) {
  const folder = join(dir, "node_modules", ...binding.split("/"));
  const file = existsSync(folder) ? readdirSync(folder).find((f) => f.endsWith(".node")) : undefined;
  if (!file) return undefined;
  const found = spawnSync("grep", ["-a", "-o", "-m", "1", "swc_ecma_ast-[0-9][0-9.]*", join(folder, file)], { encoding: "utf8" });
  return /swc_ecma_ast-(\d+\.\d+\.\d+)/.exec(found.stdout)?.[1];
}

/** What a host's error says, in the order it says it: the phrases that tell why a plugin did not run. */
const PHRASES = [
  /failed to invoke plugin on '[^']*'/g,
  /Failed to execute (?!SWC plugin)[^\s:]+/g,
  /failed to invoke `[^`]*` as js transform plugin/g,
  /failed to run Wasm plugin transform/g,
  /Plugin's AST schema version is not compatible with host's[^\n]*/g,
  /[Ff]ailed to (?:de)?serialize (?:`[^`\n]*`|[^\n.:]*)/g,
  /Mismatch \{[^}\n]*\}/g,
  /RuntimeError: [^\n]*/g,
  /panicked at [^\n]*/g,
  /swc-plugin-autometrics(?::| \d+\.\d+\.\d+ cannot) [^\n]*/g,
];

/** A host's error, shortened for a table cell: its key phrases (else its text) without backtraces or absolute paths, and the plugin runner's version. */
export function shorten(text, limit = 300) {
  const t = String(text)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a terminal's colour codes, which hosts print
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split(/Stack backtrace:/)[0];
  const runner = /swc_plugin_runner: ([\d.]+)/.exec(t)?.[1];
  const found = PHRASES.flatMap((re) => [...t.matchAll(re)].map((m) => ({ at: m.index, text: m[0].trim() })))
    .sort((a, b) => a.at - b.at)
    .map((m) => m.text)
    .filter((m, i, all) => all.indexOf(m) === i);
  const short = (found.length ? found.join(": ") : t.replace(/\s+/g, " ").trim()).replace(
    /(['"`(])\/[^'"`()\s]*\/([^/'"`()\s]+)/g,
    "$1…/$2",
  );
  // The runner's version stays: the table's AST column is read from it.
  const suffix = runner ? ` (swc_plugin_runner ${runner})` : "";
  const room = limit - suffix.length;
  return (short.length > room ? `${short.slice(0, room - 1)}…` : short) + suffix;
}

// ---------------------------------------------------------------- @swc/core

function checkSwc(version, build) {
  const dir = ensureHost("@swc/core", version);
  const runDir = join(RUN, `swc-core@${version}`, build.label);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const worker = spawnSync(
    process.execPath,
    ["-r", require.resolve("tsx/cjs"), join(MATRIX, "corpus-worker.ts"), dir, build.path, runDir],
    {
      cwd: runDir,
      encoding: "utf8",
      timeout: 15 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const ast = hostAst(dir, "@swc/core-linux-x64-gnu");
  const last = worker.stdout.trim().split("\n").pop() ?? "";
  let r;
  try {
    r = JSON.parse(last);
  } catch {
    // The host crashed the process: its own output is the error.
    const said = shorten(`${worker.stderr}\n${worker.stdout}`.trim());
    return {
      loads: false,
      ast,
      result: "host process crashed",
      error: [worker.signal ? `killed by ${worker.signal}` : `exit status ${worker.status}`, said].filter(Boolean).join(": "),
    };
  }
  if (!r.loads) return { loads: false, ast, result: "–", error: shorten(r.error ?? "") };
  const placement = r.failures.filter((f) => f.endsWith("only in where the host puts comments")).length;
  const output = `output ${r.output[0]}/${r.output[1]}${placement ? ` (${placement} more with comments placed by the host's printer)` : ""}`;
  const parts = [output, `errors ${r.errors[0]}/${r.errors[1]}`, `series ${r.series[0]}/${r.series[1]}`];
  const all = r.output[0] + placement === r.output[1] && r.errors[0] === r.errors[1] && r.series[0] === r.series[1];
  const others = r.failures.filter((f) => !f.endsWith("only in where the host puts comments"));
  return {
    loads: true,
    ast,
    result: `${all ? "✅" : "❌"} ${parts.join(", ")}`,
    error: others.length ? shorten(`${others.length} failing: ${others.slice(0, 2).join(" | ")}`) : "",
    failures: r.failures,
  };
}

// ---------------------------------------------------------------- Next

const APP = {
  "lib/work.js": "export async function compute(n) {\n  await new Promise((resolve) => setTimeout(resolve, 1));\n  return n * 2;\n}\n",
  "app/api/work/route.js":
    'import { compute } from "../../../lib/work";\n\nexport const dynamic = "force-dynamic";\n\nexport async function GET() {\n  return Response.json({ value: await compute(21) });\n}\n',
  "app/metrics/route.js":
    'import { metricsResponse } from "autometrics-runtime";\n\nexport const dynamic = "force-dynamic";\n\nexport async function GET() {\n  return metricsResponse();\n}\n',
  "app/layout.js":
    "export default function RootLayout({ children }) {\n  return (\n    <html>\n      <body>{children}</body>\n    </html>\n  );\n}\n",
  "app/page.js": "export default function Page() {\n  return <p>compat</p>;\n}\n",
};

/** The plugin entry written by hand, as the README shows it: what the host does, not what withAutometrics checks. */
function nextConfig(dir, major) {
  const config = {
    serverExternalPackages: ["autometrics-runtime", "prom-client"],
    experimental: { swcPlugins: [["swc-plugin-autometrics", { root: dir, include: ["lib/**"] }]] },
    ...(major >= 16 ? { turbopack: { root: dir } } : {}),
    outputFileTracingRoot: dir,
  };
  return `// Written by swc-plugin-wasm/matrix/range.mjs.\nmodule.exports = ${JSON.stringify(config, null, 2)};\n`;
}

/** A package as the registry would give it, copied into the app's node_modules (a workspace link would be bundled, see e2e). */
function installCopy(dir, source, files, rename = {}) {
  const manifest = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
  const target = join(dir, "node_modules", manifest.name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const file of ["package.json", ...files]) {
    const from = rename[file] ?? join(source, file);
    if (!existsSync(from)) continue;
    mkdirSync(join(target, file, ".."), { recursive: true });
    cpSync(from, join(target, file), { recursive: true });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Why `next build` failed: its output, and the panic log Turbopack may have written instead. */
function buildError(output) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a terminal's colour codes, which hosts print
  const text = output.replace(/\x1b\[[0-9;]*m/g, "");
  const log = /A panic log has been written to (\S+?)\.?\s/.exec(text)?.[1];
  return shorten(log && existsSync(log) ? `${text}\n${readFileSync(log, "utf8")}` : text);
}

async function checkNext(version, build, bundler) {
  const dir = ensureHost("next", version);
  const major = Number(version.split(".")[0]);
  const useWebpack = bundler === "webpack" || (bundler === "default" && major < 16);
  const ast = hostAst(dir, "@next/swc-linux-x64-gnu");
  const label = useWebpack ? "webpack" : "Turbopack";

  const files = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")).files;
  installCopy(dir, PACKAGE, files, { "swc_plugin_autometrics.wasm": build.path });
  const runtime = join(ROOT, "runtime");
  installCopy(dir, runtime, JSON.parse(readFileSync(join(runtime, "package.json"), "utf8")).files);
  for (const [file, text] of Object.entries(APP)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  writeFileSync(join(dir, "next.config.js"), nextConfig(dir, major));
  rmSync(join(dir, ".next"), { recursive: true, force: true });

  const next = join(dir, "node_modules", "next", "dist", "bin", "next");
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  const started = Date.now();
  const built = spawnSync(
    process.execPath,
    [next, "build", ...(useWebpack && major >= 16 ? ["--webpack"] : []), ...(!useWebpack && major < 16 ? ["--turbopack"] : [])],
    {
      cwd: dir,
      env,
      encoding: "utf8",
      timeout: 10 * 60_000,
    },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  if (built.status !== 0) {
    return {
      loads: false,
      ast,
      bundler: label,
      result: `build fails (${seconds} s)`,
      error: buildError(`${built.stdout}\n${built.stderr}`),
    };
  }
  const server = join(dir, ".next", "server");
  const instrumented = filesUnder(server).some((f) => /["']compute["'],\s*["']lib\/work\.js["']/.test(readFileSync(f, "utf8")));
  if (!instrumented) {
    return {
      loads: false,
      ast,
      bundler: label,
      result: "built, not instrumented",
      error: 'no _instrument("compute", "lib/work.js") in .next/server',
    };
  }

  const port = await freePort();
  const child = spawn(process.execPath, [next, "start", "-p", String(port)], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  try {
    const base = `http://127.0.0.1:${port}`;
    let work;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      try {
        work = await fetch(`${base}/api/work`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    if (work?.status !== 200) {
      return { loads: true, ast, bundler: label, result: "❌ route fails", error: shorten(`${work?.status ?? "no answer"} ${log}`) };
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const series = /function_calls_total\{[^}]*function="compute",module="lib\/work\.js"[^}]*result="ok"[^}]*\} 1\b/.test(metrics);
    return series
      ? { loads: true, ast, bundler: label, result: `✅ build (${seconds} s), instrumented, series recorded`, error: "" }
      : {
          loads: true,
          ast,
          bundler: label,
          result: "❌ no series",
          error: shorten(
            metrics
              .split("\n")
              .filter((l) => l.startsWith("function_calls_total"))
              .join(" "),
          ),
        };
  } finally {
    child.kill();
  }
}

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".js"))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

// ---------------------------------------------------------------- the table

function loadResults() {
  return existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : {};
}

const cell = (text) =>
  String(text ?? "")
    .replace(/\|/g, "\\|")
    .replace(/\n/g, " ");

/** swc_plugin_runner's major → the swc_ecma_ast major it runs (crates.io), for hosts whose binding only names the runner in its errors. */
const RUNNER_AST = {
  18: 14,
  19: 15,
  20: 16,
  21: 17,
  22: 18,
  23: 19,
  24: 20,
  25: 21,
  26: 22,
  27: 23,
  29: 25,
  30: 25,
  31: 26,
  32: 27,
  33: 28,
  34: 29,
  35: 30,
};

function astOf(r) {
  if (r.ast) return r.ast;
  const runner = /swc_plugin_runner ([\d.]+)/.exec(r.error ?? "")?.[1];
  const ast = runner && RUNNER_AST[runner.split(".")[0]];
  return ast ? `${ast} (runner ${runner})` : "";
}

/** The table of `builds` (all when omitted): one row per host release and build. */
export function renderTable(results, builds) {
  const rows = Object.values(results)
    .filter((r) => !builds || builds.includes(r.build))
    .sort((a, b) => a.host.localeCompare(b.host) || compareVersions(a.version, b.version) || a.build.localeCompare(b.build));
  builds = [...new Set(rows.map((r) => r.build))];
  const dates = rows.map((r) => r.date).sort();
  const head = [
    "host",
    "version",
    ...(builds.length > 1 ? ["plugin build"] : []),
    "host's swc_ecma_ast",
    "loads?",
    "corpus / app",
    "error (shortened)",
  ];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const r of rows) {
    const host = r.host === "next" ? `next (${r.bundler})` : r.host;
    const values = [host, r.version, ...(builds.length > 1 ? [r.build] : []), astOf(r), r.loads ? "yes" : "**no**", r.result, r.error];
    lines.push(`| ${values.map(cell).join(" | ")} |`);
  }
  const shas = builds
    .map((b) => `${b} ${[...new Set(rows.filter((r) => r.build === b).map((r) => `\`${r.sha}\``))].join(" and ")}`)
    .join(", ");
  return {
    markdown: lines.join("\n"),
    note: `Measured ${dates[0] === dates[dates.length - 1] ? dates[0] : `${dates[0]} to ${dates[dates.length - 1]}`} on linux-x64 (glibc), plugin build sha256 ${shas}.`,
  };
}

function writeReadme(table) {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf(MARKERS[0]);
  const end = text.indexOf(MARKERS[1]);
  if (start === -1 || end < start) throw new Error(`${relative(process.cwd(), README)} has no ${MARKERS[0]} … ${MARKERS[1]}`);
  const body = `${MARKERS[0]}\n${table.note}\n\n${table.markdown}\n${MARKERS[1]}`;
  writeFileSync(README, text.slice(0, start) + body + text.slice(end + MARKERS[1].length));
}

// ---------------------------------------------------------------- main

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const results = loadResults();
  if (!args.table) {
    const swc = args.swc.length
      ? resolveVersions(args.swc, args.swc.every((s) => /^\d+\.\d+\.\d+$/.test(s)) ? args.swc : releases("@swc/core"))
      : [];
    const next = args.next.length
      ? resolveVersions(args.next, args.next.every((s) => /^\d+\.\d+\.\d+$/.test(s)) ? args.next : releases("next"))
      : [];
    console.log(
      `[compat] @swc/core ${swc.join(", ") || "–"}; next ${next.join(", ") || "–"}; builds ${args.builds.map((b) => b.label).join(", ")}`,
    );
    const date = new Date().toISOString().slice(0, 10);
    const jobs = [...swc.map((v) => ["@swc/core", v]), ...next.map((v) => ["next", v])];
    for (const [host, version] of jobs) {
      for (const build of args.builds) {
        const started = Date.now();
        let r;
        try {
          r = host === "next" ? await checkNext(version, build, args.bundler) : checkSwc(version, build);
        } catch (e) {
          r = { loads: false, result: "not measured", error: shorten(e.message) };
        }
        const row = { host, version, build: build.label, sha: build.sha, date, ...r };
        delete row.failures;
        results[`${host}@${version}${r.bundler ? `/${r.bundler}` : ""}#${build.label}`] = row;
        writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        console.log(
          `[compat] ${host} ${version} (${build.label}): ${r.loads ? "loads" : "does not load"}; ${r.result}${r.error ? `; ${r.error}` : ""} [${seconds} s]`,
        );
        for (const f of r.failures ?? []) console.log(`[compat]    ${f}`);
      }
    }
  }
  const table = renderTable(results);
  console.log(`\n${table.note}\n\n${table.markdown}`);
  if (args.write) {
    // The README shows the builds the package ships.
    writeReadme(renderTable(results, ["main", "ast27", "ast17", "ast14"]));
    console.log(`\n[compat] wrote the table into ${relative(process.cwd(), README)}`);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e) => {
    console.error(`[compat] ${e.stack ?? e}`);
    process.exit(1);
  });
}
