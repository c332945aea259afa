import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A new folder with no node_modules above it: what a project there resolves is only what it installed. */
export function isolatedDir(prefix: string): string {
  const base = [tmpdir(), "/var/tmp", "/dev/shm"].find((d) => !existsSync(join(d, "node_modules")) && !existsSync("/node_modules"));
  if (base === undefined) throw new Error("no temporary folder without a node_modules above it");
  return mkdtempSync(join(base, prefix));
}
