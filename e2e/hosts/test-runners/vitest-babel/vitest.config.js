import babel from "@rolldown/plugin-babel";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    babel({
      plugins: [["autometrics", { include: ["src/**"], exclude: ["**/*.test.js"] }]],
    }),
  ],
});
