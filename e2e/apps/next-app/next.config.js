/** @type {import("next").NextConfig} */
module.exports = {
  // "use cache" functions (lib/cached.ts); every other route opts into request time with connection().
  cacheComponents: true,
  // One runtime instance for every route: load it with Node, not into each route's bundle.
  serverExternalPackages: ["autometrics-runtime", "prom-client"],
  experimental: {
    // Turbopack and webpack hand the plugin different file names; the root makes labels relative to this app either way.
    swcPlugins: [
      [
        "swc-plugin-autometrics",
        {
          root: __dirname,
          include: ["lib/**", "app/api/**"],
          objectives: [
            { name: "users", successRate: "95", functions: ["findUser"] },
            { name: "pages", latency: [0.25, "90"], functions: ["Page"] },
          ],
        },
      ],
    ],
  },
};
