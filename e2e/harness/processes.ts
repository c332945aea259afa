import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";

/** Child processes started by a test run, with their output kept in files, all stopped by `stopAll`. */
export class Processes {
  private readonly children: { name: string; child: ChildProcess }[] = [];

  constructor(readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
  }

  start(name: string, command: string, args: string[], env: Record<string, string> = {}, cwd?: string): ChildProcess {
    const log = createWriteStream(join(this.logDir, `${name}.log`));
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    child.on("error", (e) => log.write(`\nfailed to start: ${e.message}\n`));
    this.children.push({ name, child });
    return child;
  }

  /** Resolves when `check` passes, or rejects naming what did not come up (and whether the process died). */
  async waitFor(name: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
    const entry = this.children.find((c) => c.name === name);
    const deadline = Date.now() + ms;
    let last = "the check never held";
    for (;;) {
      try {
        if (await check()) return;
      } catch (error) {
        last = `the last check threw: ${error instanceof Error ? error.message : String(error)}`; // not ready yet, or never will be
      }
      const ended = entry && (entry.child.exitCode ?? entry.child.signalCode);
      if (ended != null) throw new Error(`${name} exited with ${ended}; see ${this.logDir}/${name}.log`);
      if (Date.now() > deadline) throw new Error(`${name} was not ready within ${ms} ms (${last}); see ${this.logDir}/${name}.log`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops one process (SIGTERM, then SIGKILL after 5 s); resolves when it has exited. */
  async stop(name: string): Promise<void> {
    const index = this.children.findIndex((c) => c.name === name);
    if (index < 0) return;
    const entry = this.children.splice(index, 1)[0]!;
    await stopChild(entry.child);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.children.splice(0).map(({ child }) => stopChild(child)));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
