// Next 15.5 (webpack, and Turbopack with `next build --turbopack`): withAutometrics
// names the plugin's AST 14 build, the one this Next's SWC can load.
const { withAutometrics } = require("swc-plugin-autometrics/next");

module.exports = withAutometrics(
  {
    // The test builds each bundler's output into its own folder.
    distDir: process.env.AUTOMETRICS_E2E_DIST_DIR || ".next",
    outputFileTracingRoot: __dirname,
  },
  { root: __dirname, include: ["app/**", "lib/**"] },
);
