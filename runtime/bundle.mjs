// Bundles the runtime's edge and browser entries (src/edge/index.ts,
// src/browser/index.ts) into dist/edge.js and dist/browser.js with esbuild:
// Node's modules are replaced by the shims in src/edge/shims, and the build
// fails if anything else from Node, or prom-client, would reach them. Then
// writes the ESM entries (esm/*.mjs), which re-export each CommonJS build
// under the names it has, so ESM and CommonJS importers share one state. Run
// by the repository's `npm run build`, after tsc.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const shims = join(here, "src", "edge", "shims");
const replaced = {
  "node:async_hooks": "async-hooks.ts",
  "node:util/types": "util-types.ts",
  "node:diagnostics_channel": "diagnostics-channel.ts",
  "node:fs": "no-files.ts",
  "node:path": "no-files.ts",
  "./prometheus/tracker": "no-registry.ts",
};

const withoutNode = {
  name: "without-node",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const shim = replaced[args.path];
      if (shim !== undefined) return { path: join(shims, shim) };
      if (/^node:|^prom-client$|^@opentelemetry\//.test(args.path)) {
        return { errors: [{ text: `${args.path} must not reach the edge and browser bundles (imported by ${args.importer})` }] };
      }
      return undefined;
    });
  },
};

/** Bundles one entry, "edge" or "browser"; `options` are esbuild's (the bench measures minified sizes). */
export async function bundle(entry, options = {}) {
  return build({
    entryPoints: [join(here, "src", entry, "index.ts")],
    outfile: join(here, "dist", `${entry}.js`),
    bundle: true,
    format: "cjs",
    platform: "neutral",
    target: "es2022",
    logLevel: "warning",
    plugins: [withoutNode],
    // Browsers have neither: Parcel would bundle a polyfill for each free `process` or `Buffer`
    // (and fail the build when it is not installed), though only Node-only paths read them.
    ...(entry === "browser" ? { define: { process: "globalThis.process", Buffer: "globalThis.Buffer" } } : {}),
    ...options,
  });
}

/**
 * esm/NAME.mjs: the CommonJS build dist/NAME.js, re-exported by name. It reads
 * the exports from the namespace's `default` where that is the CommonJS
 * exports object (Node, webpack, esbuild), else from the namespace itself
 * (Parcel, which honours the builds' `__esModule` and gives no `default`:
 * none of the builds exports one).
 */
function esmEntry(name) {
  const names = Object.keys(createRequire(import.meta.url)(join(here, "dist", `${name}.js`)));
  if (names.includes("default"))
    throw new Error(`dist/${name}.js exports \`default\`, which esm/${name}.mjs cannot tell from the exports object`);
  mkdirSync(join(here, "esm"), { recursive: true });
  writeFileSync(
    join(here, "esm", `${name}.mjs`),
    `// ESM entry: re-exports the CommonJS build, so ESM and CommonJS importers share one state (written by bundle.mjs).\n` +
      `import * as cjs from "../dist/${name}.js";\n\n` +
      `const runtime = cjs.default ?? cjs;\n\n` +
      `export const { ${names.join(", ")} } = runtime;\n`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await Promise.all([bundle("edge"), bundle("browser")]);
  for (const name of ["index", "edge", "browser"]) esmEntry(name);
}
