import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Explorer, serveExplorer } from "./explorer";
import type { Listed } from "autometrics-register/tooling";

/** Where to scrape: `:8080`, `host:8080`, or a URL with its path (`http://host:8080/api/metrics`). */
export interface Target {
  scheme: string;
  address: string;
  path: string;
}

export function parseTarget(spec: string): Target {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) ? spec : `http://${spec.startsWith(":") ? `localhost${spec}` : spec}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`autometrics start: cannot read the target ${JSON.stringify(spec)} (expected :PORT, HOST:PORT or a URL)`);
  }
  if (!parsed.port && !/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw new Error(`autometrics start: the target ${JSON.stringify(spec)} has no port (expected :PORT, HOST:PORT or a URL)`);
  }
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  return {
    scheme: parsed.protocol.slice(0, -1),
    address: `${parsed.hostname}:${port}`,
    path: parsed.pathname === "/" ? "/metrics" : parsed.pathname,
  };
}

/** A Prometheus configuration scraping `targets` and loading `ruleFiles`. */
export function prometheusConfig(targets: Target[], ruleFiles: string[], interval = "5s"): string {
  const lines = [
    "global:",
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    "rule_files:",
    ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`),
    "scrape_configs:",
  ];
  targets.forEach((t, i) => {
    lines.push(
      `  - job_name: ${JSON.stringify(targets.length === 1 ? "app" : `app-${i + 1}`)}`,
      `    scheme: ${t.scheme}`,
      `    metrics_path: ${JSON.stringify(t.path)}`,
      "    static_configs:",
      `      - targets: [${JSON.stringify(t.address)}]`,
    );
  });
  return `${lines.join("\n")}\n`;
}

const HOW_TO_GET = `autometrics start needs a \`prometheus\` binary on the PATH (or PROMETHEUS_BIN). Get one with
  Debian/Ubuntu:  sudo apt-get install prometheus
  macOS:          brew install prometheus
  anywhere:       https://prometheus.io/download/ (unpack it and put \`prometheus\` on the PATH)`;

/** Whether `--prometheus` names a Prometheus the Explorer can ask: an http(s) URL. */
export function isPrometheusUrl(url: string): boolean {
  return /^https?:\/\/[^/]/.test(url) && URL.canParse(url);
}

/** What `autometrics start` runs. */
export interface StartOptions {
  targets: Target[];
  rules: { shared: string; project?: string };
  /** Prometheus's port, and the host both servers listen on (loopback unless asked: they serve the app's metrics to whoever reaches them). */
  port: number;
  host?: string;
  /** An existing Prometheus to use instead of starting one. */
  prometheus?: string;
  /** The Explorer page: its port (0: any free one) and what it shows. */
  explorer: { port: number; root: string; functions: Listed[] };
}

/**
 * Runs Prometheus scraping the targets with the autometrics recording and
 * alert rules loaded (or uses the one given), serves the Explorer page on it,
 * prints where both are, and resolves with Prometheus's exit code once it has
 * stopped: on Ctrl-C (or SIGTERM) it is stopped and its data removed.
 */
export async function start(options: StartOptions): Promise<number> {
  const host = options.host ?? "127.0.0.1";
  if (options.prometheus !== undefined) return explore(options, options.prometheus.replace(/\/$/, ""), host);
  const { targets, rules, port } = options;
  const binary = process.env.PROMETHEUS_BIN || "prometheus";
  const version = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (version.error !== undefined || version.status !== 0) {
    console.error(HOW_TO_GET);
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), "autometrics-start-"));
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  const ruleFiles = [rules.shared];
  if (rules.project !== undefined) {
    writeFileSync(join(dir, "objectives.rules.yml"), rules.project);
    ruleFiles.push(join(dir, "objectives.rules.yml"));
  }
  writeFileSync(join(dir, "prometheus.yml"), prometheusConfig(targets, ruleFiles));
  const url = `http://${shownHost(host)}:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=${host.includes(":") ? `[${host}]` : host}:${port}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr!.on("data", (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const stop = () => child.kill("SIGTERM");
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const ready = waitUntilReady(url, child);
  const exited = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal === "SIGTERM" ? 0 : 1))));
  let explorer: Explorer | undefined;
  if (await ready) {
    try {
      explorer = await serveExplorer(
        { root: options.explorer.root, functions: options.explorer.functions, prometheus: url },
        options.explorer.port,
        host,
      );
    } catch (error) {
      console.error(`autometrics start: the Explorer cannot listen on port ${options.explorer.port}: ${(error as Error).message}`);
      stop();
    }
  }
  if (explorer !== undefined) {
    // One write, so whoever reads the output sees the links together.
    console.log(
      [
        `Explorer:   ${explorer.url}`,
        `Prometheus is at ${url}, scraping ${targets.map((t) => `${t.scheme}://${t.address}${t.path}`).join(", ")} every 5 s,`,
        `with the autometrics rules${ruleFiles.length > 1 ? " and your objectives' rules" : ""}.`,
        `  targets:  ${url}/targets`,
        `  calls:    ${url}/graph?g0.expr=${encodeURIComponent("sum by (function, module) (rate(function_calls_total[1m]))")}`,
        `  alerts:   ${url}/alerts`,
        `Links from \`autometrics list\` open here with PROMETHEUS_URL=${url}. Ctrl-C stops it.`,
      ].join("\n"),
    );
  }
  const code = await exited;
  await explorer?.close();
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  cleanUp();
  if (code !== 0) console.error(`Prometheus exited with ${code}:\n${log.trim()}`);
  return explorer === undefined && code === 0 ? 1 : code;
}

function shownHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
}

/** Only the Explorer, on a Prometheus someone else runs, until Ctrl-C. */
async function explore(options: StartOptions, prometheus: string, host: string): Promise<number> {
  let explorer: Explorer;
  try {
    explorer = await serveExplorer(
      { root: options.explorer.root, functions: options.explorer.functions, prometheus },
      options.explorer.port,
      host,
    );
  } catch (error) {
    console.error(`autometrics start: the Explorer cannot listen on port ${options.explorer.port}: ${(error as Error).message}`);
    return 2;
  }
  console.log([`Explorer:   ${explorer.url}`, `reading Prometheus at ${prometheus}. Ctrl-C stops it.`].join("\n"));
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await explorer.close();
  return 0;
}

async function waitUntilReady(url: string, child: ReturnType<typeof spawn>): Promise<boolean> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
