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
            plugins: [["swc-plugin-autometrics", { root: __dirname, include: ["src/**"], exclude: ["**/*.test.ts"] }]],
          },
        },
      },
    ],
  },
};
