import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Processes } from "./processes";

export const RULES = join(__dirname, "..", "..", "cli", "conformance", "autometrics.rules.yml");

/** Fails loudly when a binary the e2e suite needs is not installed. */
export function requireBinary(name: string, pkg: string): void {
  if (spawnSync(name, ["--version"]).error) throw new Error(`${name} is not installed: apt-get install -y ${pkg} (.ci/setup does)`);
}

export interface Prometheus {
  url: string;
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  labelValues(label: string, match: string): Promise<string[]>;
  rules(): Promise<{ name: string; rules: unknown[] }[]>;
}

/** Starts a real Prometheus scraping `targets` every second and evaluating the autometrics rules every second. */
export async function startPrometheus(
  processes: Processes,
  port: number,
  job: string,
  targets: string[],
  extraRules: string[] = [],
  /** Keep the target's own `job` and `instance` labels (a collector's exporter sets them). */
  honorLabels = false,
): Promise<Prometheus> {
  requireBinary("prometheus", "prometheus");
  const dir = mkdtempSync(join(tmpdir(), "am-prometheus-"));
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "rule_files:",
      ...[RULES, ...extraRules].map((r) => `  - ${r}`),
      "scrape_configs:",
      `  - job_name: ${job}`,
      ...(honorLabels ? ["    honor_labels: true"] : []),
      "    static_configs:",
      `      - targets: [${targets.map((t) => `"${t}"`).join(", ")}]`,
      "",
    ].join("\n"),
  );
  const url = `http://127.0.0.1:${port}`;
  processes.start("prometheus", "prometheus", [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  await processes.waitFor("prometheus", async () => (await fetch(`${url}/-/ready`)).ok);
  const api = async (path: string) => {
    const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: any; error?: string };
    if (body.status !== "success") throw new Error(`${path}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    query: async (expr) => (await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    labelValues: async (label, match) => api(`/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`),
    rules: async () => (await api("/api/v1/rules")).groups,
  };
}
