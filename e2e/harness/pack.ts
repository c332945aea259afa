import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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

/**
 * A workspace package installed into an app as the registry would install it:
 * packed, then unpacked into the app's node_modules. A workspace link would
 * point outside node_modules, where Next bundles the runtime into every server
 * layer instead of loading it once, as `serverExternalPackages` asks.
 */
export function installPacked(app: string, workspace: string): void {
  const destination = mkdtempSync(join(tmpdir(), "autometrics-packed-"));
  try {
    const { name, tarball } = packWorkspace(workspace, destination);
    const target = join(app, "node_modules", name);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    execFileSync("tar", ["xzf", tarball, "--strip-components=1", "-C", target]);
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
}
