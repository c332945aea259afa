// Rspack 1.7 to 2.1 embed an SWC that hands plugins the AST 27 program: they
// run the SWC plugin's AST 27 build, named by its path (their plugin resolver
// does not follow a package's subpath exports). The default build fails there.
const { join } = require("node:path");

const swc = {
  jsc: {
    parser: { syntax: "ecmascript" },
    experimental: { plugins: [[require.resolve("swc-plugin-autometrics/ast27"), { include: ["src/**"] }]] },
  },
};
const rules = [{ test: /\.js$/, exclude: /node_modules/, loader: "builtin:swc-loader", options: swc }];

module.exports = [
  {
    name: "server",
    mode: "production",
    target: "node",
    entry: "./src/server.js",
    output: { path: join(__dirname, "dist/swc-ast27/server"), filename: "server.js" },
    module: { rules },
  },
  {
    name: "client",
    mode: "production",
    target: "web",
    entry: "./src/client.js",
    output: { path: join(__dirname, "dist/swc-ast27/client"), filename: "client.js" },
    module: { rules },
  },
];
