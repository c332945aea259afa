module.exports = {
  presets: [["@babel/preset-env", { targets: { node: "current" } }]],
  plugins: [["autometrics", { include: ["src/**"], exclude: ["**/*.test.js"] }]],
};
