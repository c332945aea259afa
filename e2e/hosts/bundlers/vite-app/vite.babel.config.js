// Vite 8 with the Babel plugin: @vitejs/plugin-react 6 no longer runs Babel
// (its `babel` option is gone), so Babel plugins go to @rolldown/plugin-babel.
import babel from "@rolldown/plugin-babel";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react(), babel({ plugins: [["autometrics", { include: ["src/**"] }]] })],
});
