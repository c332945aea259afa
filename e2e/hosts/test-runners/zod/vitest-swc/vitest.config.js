import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

// The SWC route of the README (the plugin in .swcrc), on zod's own sources and tests. zod's
// repository resolves `zod/*` to its TypeScript sources through the "@zod/source" export
// condition (its config is not in the tarball); Vitest resolves the tests' imports in Vite's
// SSR environment, hence `ssr.resolve`. The setup file is the e2e test's: it writes what each
// test file recorded.
export default defineConfig({
  ssr: { resolve: { conditions: ["@zod/source"] } },
  test: { setupFiles: ["./dump-metrics.setup.js"] },
  plugins: [swc.vite()],
});
