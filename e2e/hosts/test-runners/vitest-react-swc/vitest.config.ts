import react from "@vitejs/plugin-react-swc";
import { defineConfig } from "vitest/config";

// The plugin compiles .ts, .tsx, .jsx and .mdx files only: .js files are not instrumented.
// root: labels and globs relative to this project, wherever Vitest starts (a root config's `projects`).
export default defineConfig({
  plugins: [
    react({
      // biome-ignore format: the e2e test takes the plugin's entry out of this config by its line
      plugins: [["swc-plugin-autometrics", { root: import.meta.dirname, include: ["src/**"], exclude: ["**/*.test.*", "**/*.spec.*", "**/__tests__/**"] }]],
    }),
  ],
});
