// esbuild with the SWC plugin through swc-plugin-autometrics/esbuild (it needs @swc/core): a
// server bundle for Node (the runtime and prom-client bundled in) and a
// browser bundle (the runtime's browser entry, by esbuild's `browser` condition).
import { autometrics } from "swc-plugin-autometrics/esbuild";
import { build } from "esbuild";

const plugins = [autometrics({ include: ["src/**"] })];

await build({
  entryPoints: ["src/server.js"],
  bundle: true,
  platform: "node",
  outfile: "dist/swc/server/server.js",
  sourcemap: true,
  plugins,
});
await build({
  entryPoints: ["src/client.js"],
  bundle: true,
  platform: "browser",
  outfile: "dist/swc/client/client.js",
  plugins,
});
