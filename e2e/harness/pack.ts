import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/**
 * A workspace package as the registry would have it: packed (`npm pack`, its
 * `prepack` included) from a copy of its published files outside this
 * repository, so that nothing in it can lean on the monorepo. Returns the
 * tarball, written into `destination`.
 */
export function packWorkspace(workspace: string, destination: string): { name: string; tarball: string } {
  const source = join(ROOT, workspace);
  const manifest = JSON.parse(readFileSync(join(source, "package.json"), "utf8")) as { name: string; files: string[] };
  const copy = mkdtempSync(join(tmpdir(), "autometrics-pack-"));
  try {
    for (const file of ["package.json", "README.md", ...manifest.files]) {
      if (!existsSync(join(source, file))) throw new Error(`${workspace}/${file} is missing: npm test builds it before the e2e suite`);
      cpSync(join(source, file), join(copy, file), { recursive: true });
    }
    const packed = execFileSync("npm", ["pack", "--json", "--pack-destination", destination], {
      cwd: copy,
      encoding: "utf8",
      stdio: "pipe",
    });
    return { name: manifest.name, tarball: join(destination, JSON.parse(packed)[0].filename) };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
