// Rspack 2 with babel-loader and the Babel plugin: a server bundle for Node and a browser bundle.
const { join } = require("node:path");

const rules = [
  {
    test: /\.js$/,
    exclude: /node_modules/,
    use: { loader: "babel-loader", options: { plugins: [["autometrics", { include: ["src/**"] }]] } },
  },
];

module.exports = [
  {
    name: "server",
    mode: "production",
    target: "node",
    entry: "./src/server.js",
    output: { path: join(__dirname, "dist/babel/server"), filename: "server.js" },
    module: { rules },
  },
  {
    name: "client",
    mode: "production",
    target: "web",
    entry: "./src/client.js",
    output: { path: join(__dirname, "dist/babel/client"), filename: "client.js" },
    module: { rules },
  },
];
