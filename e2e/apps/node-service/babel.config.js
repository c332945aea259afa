// The legacy-codebase case: no source edits, every function selected by globs.
module.exports = {
  plugins: [
    [
      "autometrics",
      {
        include: ["src/**"],
        objectives: [
          { name: "api", successRate: "95", functions: ["getUser"] },
          { name: "reports", latency: [0.25, "90"], functions: ["buildReport"] },
          // A percentile the shared rules file does not cover: `autometrics rules` writes rules for it.
          { name: "lookups", successRate: "97", functions: ["findUser"] },
        ],
      },
    ],
  ],
};
