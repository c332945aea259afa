// Rollup with @rollup/plugin-babel: a server bundle for Node. The instrumented
// code imports autometrics-runtime, which stays external like Node's built-ins.
import { babel } from "@rollup/plugin-babel";

export default {
  input: "src/server.js",
  output: { file: "dist/server.mjs", format: "es" },
  external: [/^node:/, "autometrics-runtime"],
  plugins: [babel({ babelHelpers: "bundled", plugins: [["autometrics", { include: ["src/**"] }]] })],
};
