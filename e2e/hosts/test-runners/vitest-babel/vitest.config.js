import babel from "@rolldown/plugin-babel";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    babel({
      // Babel reprints what it compiles: keep it off the tests (and, as by default, off node_modules and Rolldown's runtime).
      exclude: [/[\\/]node_modules[\\/]/, /\0rolldown\/runtime\.js/, /\.(test|spec)\./, /[\\/]__tests__[\\/]/],
      // root: labels and globs relative to this project, wherever Vitest starts (a root config's `projects`).
      plugins: [["autometrics", { root: import.meta.dirname, include: ["src/**"] }]],
    }),
  ],
});
