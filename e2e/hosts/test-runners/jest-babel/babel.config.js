module.exports = {
  presets: [["@babel/preset-env", { targets: { node: "current" } }]],
  // root: labels and globs relative to this project, wherever Jest starts (--projects from a monorepo's root).
  plugins: [["autometrics", { root: __dirname, include: ["src/**"], exclude: ["**/*.test.*", "**/*.spec.*", "**/__tests__/**"] }]],
};
