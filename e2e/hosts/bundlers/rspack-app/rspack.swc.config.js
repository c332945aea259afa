// Rspack 2 with its built-in SWC loader and the SWC plugin: a server bundle for Node and a browser bundle.
const { join } = require("node:path");

const swc = {
  jsc: {
    parser: { syntax: "ecmascript" },
    experimental: { plugins: [["swc-plugin-autometrics", { include: ["src/**"] }]] },
  },
};
const rules = [{ test: /\.js$/, exclude: /node_modules/, loader: "builtin:swc-loader", options: swc }];

module.exports = [
  {
    name: "server",
    mode: "production",
    target: "node",
    entry: "./src/server.js",
    output: { path: join(__dirname, "dist/swc/server"), filename: "server.js" },
    module: { rules },
  },
  {
    name: "client",
    mode: "production",
    target: "web",
    entry: "./src/client.js",
    output: { path: join(__dirname, "dist/swc/client"), filename: "client.js" },
    module: { rules },
  },
];
