import babel from "@rolldown/plugin-babel";
import { defineConfig } from "vitest/config";

// The Babel route of the README, on zod's own sources and tests. zod's
// repository resolves `zod/*` to its TypeScript sources through the "@zod/source" export
// condition (its config is not in the tarball); Vitest resolves the tests' imports in Vite's
// SSR environment, hence `ssr.resolve`. The setup file is the e2e test's: it writes what each
// test file recorded.
export default defineConfig({
  ssr: { resolve: { conditions: ["@zod/source"] } },
  test: { setupFiles: ["./dump-metrics.setup.js"] },
  plugins: [
    babel({
      // Babel reprints what it compiles: keep it off the tests (and, as by default, off node_modules and Rolldown's runtime).
      exclude: [/[\\/]node_modules[\\/]/, /\0rolldown\/runtime\.js/, /\.(test|spec)\./, /[\\/]__tests__[\\/]/],
      plugins: [["autometrics", { include: ["src/**"] }]],
    }),
  ],
});
