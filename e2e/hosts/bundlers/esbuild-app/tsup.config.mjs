// tsup (esbuild underneath) with the Babel plugin in `esbuildPlugins`: a server bundle for Node.
import { autometrics } from "babel-plugin-autometrics/esbuild";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: { server: "src/server.js" },
  outDir: "dist/tsup",
  platform: "node",
  format: "cjs",
  sourcemap: true,
  esbuildPlugins: [autometrics({ include: ["src/**"] })],
});
