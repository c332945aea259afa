import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../fixtures/harness/ports";
import type { Processes } from "./processes";

/** The collector configuration users copy. */
export const SHIPPED_CONFIG = join(__dirname, "..", "..", "cli", "collector", "collector.yaml");

/** The collector binary, built from e2e/collector once per version of its sources (fails loudly without Go). */
export function collectorBinary(): string {
  return execFileSync("bash", [join(__dirname, "..", "collector", "build.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

export interface Collector {
  /** The OTLP/HTTP receiver's metrics endpoint. */
  otlpUrl: string;
  /** host:port of the Prometheus exporter, for a scrape config. */
  scrapeTarget: string;
  /** The Prometheus exporter's text, as Prometheus would scrape it. */
  scrape(): Promise<string>;
}

/**
 * Runs the real collector on the shipped configuration, as it is but for its
 * addresses (free loopback ports; `otlpPort` to choose the receiver's) and its
 * own telemetry (off, so parallel runs do not contend for its port).
 */
export async function startCollector(processes: Processes, name: string, otlpPort?: number): Promise<Collector> {
  const binary = collectorBinary();
  const [http, grpc, metrics] = [otlpPort ?? (await freePort()), await freePort(), await freePort()];
  const shipped = readFileSync(SHIPPED_CONFIG, "utf8");
  const config = shipped
    .replace("0.0.0.0:4318", `127.0.0.1:${http}`)
    .replace("0.0.0.0:4317", `127.0.0.1:${grpc}`)
    .replace("0.0.0.0:9464", `127.0.0.1:${metrics}`)
    .replace(/^service:\n/m, "service:\n  telemetry:\n    metrics:\n      level: none\n");
  if (config === shipped || !config.includes(`127.0.0.1:${metrics}`))
    throw new Error(`${SHIPPED_CONFIG} no longer has the addresses the harness replaces`);
  const file = join(mkdtempSync(join(tmpdir(), "am-collector-")), "collector.yaml");
  writeFileSync(file, config);
  processes.start(name, binary, ["--config", file]);
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${metrics}/metrics`);
    if (!response.ok) throw new Error(`the collector's exporter answered ${response.status}`);
    return response.text();
  };
  await processes.waitFor(
    name,
    async () =>
      (await scrape()) !== undefined &&
      (await fetch(`http://127.0.0.1:${http}/v1/metrics`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }))
        .ok,
  );
  return { otlpUrl: `http://127.0.0.1:${http}/v1/metrics`, scrapeTarget: `127.0.0.1:${metrics}`, scrape };
}
