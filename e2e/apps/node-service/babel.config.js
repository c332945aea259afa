// The same options as .swcrc beside it, so both compilers build one app: the
// entry points are selected by globs, with no source edit (as in a legacy
// codebase), and repository.js by its "use autometrics" prologue. Objectives:
// "api" is defined here and named by a directive; the others are defined in
// the directives themselves.
module.exports = {
  plugins: [
    [
      "autometrics",
      {
        include: ["src/server.js", "src/service.js"],
        objectives: [{ name: "api", successRate: "95" }],
      },
    ],
  ],
};
