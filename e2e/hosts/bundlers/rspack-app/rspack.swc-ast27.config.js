// Rspack 1.7 to 2.1 embed an SWC that hands plugins the AST 27 program: they
// run the SWC plugin's AST 27 build, named by its path (their plugin resolver
// does not follow a package's subpath exports). The same bundles as
// rspack.swc.config.js otherwise, into dist/swc-ast27.
const { join } = require("node:path");

const plugin = [require.resolve("swc-plugin-autometrics/ast27"), { include: ["src/**"] }];

module.exports = require("./rspack.swc.config.js").map((config) => ({
  ...config,
  output: { ...config.output, path: join(__dirname, "dist/swc-ast27", config.name) },
  module: {
    rules: config.module.rules.map((rule) => ({
      ...rule,
      options: { ...rule.options, jsc: { ...rule.options.jsc, experimental: { plugins: [plugin] } } },
    })),
  },
}));
