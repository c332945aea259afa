import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../fixtures/harness/ports";

const BINARY = "prometheus-pushgateway";

export interface Gateway {
  url: string;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts Debian's prometheus-pushgateway on a free loopback port; fails loudly when it is not installed. */
export async function startPushGateway(): Promise<Gateway> {
  if (spawnSync(BINARY, ["--version"]).error) {
    throw new Error(`${BINARY} is not installed: apt-get install -y prometheus-pushgateway (the CI script does)`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    BINARY,
    [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(mkdtempSync(join(tmpdir(), "pgw-")), "state")}`],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let log = "";
  child.stderr!.on("data", (c) => (log += c));
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the push gateway did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}
