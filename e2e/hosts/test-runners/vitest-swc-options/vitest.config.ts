import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

// The SWC options in unplugin-swc's own (no .swcrc), where `root` can be written: labels and
// globs relative to this project, wherever Vitest starts (a root config's `projects`).
export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        target: "esnext",
        experimental: {
          // biome-ignore format: the e2e test takes the plugin's entry out of this config by its line
          plugins: [["swc-plugin-autometrics", { root: import.meta.dirname, include: ["src/**"], exclude: ["**/*.test.*", "**/*.spec.*", "**/__tests__/**"] }]],
        },
      },
    }),
  ],
});
