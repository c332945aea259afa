import createMDX from "@next/mdx";
import { withAutometrics } from "swc-plugin-autometrics/next";

// The same app built without the plugin, for the test to compare every route against.
const plain = process.env.AUTOMETRICS_E2E_PLAIN === "1";

const nextConfig = {
  pageExtensions: ["ts", "tsx", "mdx"],
  // "use cache" functions (lib/cached.ts); every other route opts into request time with connection().
  cacheComponents: true,
  partialPrefetching: true,
  distDir: plain ? ".next-plain" : ".next",
};

const withMDX = createMDX();

export default plain
  ? withMDX(nextConfig)
  : withMDX(
      withAutometrics(nextConfig, {
        // Turbopack and webpack hand the plugin different file names; the root makes labels relative to this app either way.
        root: __dirname,
        // Everything: client components and middleware get the runtime's browser and edge entries in their bundles.
        include: ["app/**", "lib/**", "components/**", "middleware.ts"],
        objectives: [
          { name: "users", successRate: "95", functions: ["findUser"] },
          { name: "pages", latency: [0.25, "90"], functions: ["Page"] },
        ],
      }),
    );
