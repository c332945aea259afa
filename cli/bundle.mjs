// Bundles the Explorer page that `autometrics start` serves (explorer/): its
// script with uPlot and its styles, into dist/explorer/ so it works offline.
// Run by the repository's `npm run build`, after tsc.
import { build } from "esbuild";
import { copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** `options` are esbuild's (the bench measures minified sizes). */
export async function bundleExplorer(options = {}) {
  const out = join(here, "dist", "explorer");
  await build({
    entryPoints: { explorer: join(here, "explorer", "src", "main.ts") },
    outdir: out,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    logLevel: "warning",
    ...options,
  });
  copyFileSync(join(here, "explorer", "index.html"), join(out, "index.html"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleExplorer();
