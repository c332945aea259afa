// esbuild with the Babel plugin through babel-plugin-autometrics/esbuild: a
// server bundle for Node (the runtime and prom-client bundled in) and a
// browser bundle (the runtime's browser entry, by esbuild's `browser` condition).
import { autometrics } from "babel-plugin-autometrics/esbuild";
import { build } from "esbuild";

const plugins = [autometrics({ include: ["src/**"] })];

await build({
  entryPoints: ["src/server.js"],
  bundle: true,
  platform: "node",
  outfile: "dist/babel/server/server.js",
  sourcemap: true,
  plugins,
});
await build({
  entryPoints: ["src/client.js"],
  bundle: true,
  platform: "browser",
  outfile: "dist/babel/client/client.js",
  plugins,
});
