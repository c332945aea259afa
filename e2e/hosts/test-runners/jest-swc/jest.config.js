// The SWC options in the transform's own options (no .swcrc, which @swc/jest
// reads from the directory Jest starts in). root: labels and globs relative
// to this project, wherever Jest starts (--projects from a monorepo's root).
module.exports = {
  transform: {
    "^.+\\.(t|j)sx?$": [
      "@swc/jest",
      {
        jsc: {
          parser: { syntax: "typescript" },
          experimental: {
            // biome-ignore format: the e2e test takes the plugin's entry out of this config by its line
            plugins: [["swc-plugin-autometrics", { root: __dirname, include: ["src/**"], exclude: ["**/*.test.*", "**/*.spec.*", "**/__tests__/**"] }]],
          },
        },
      },
    ],
  },
};
