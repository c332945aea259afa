import react from "@vitejs/plugin-react-swc";
import { defineConfig } from "vitest/config";

// The plugin compiles .ts, .tsx, .jsx and .mdx files only: .js files are not instrumented.
export default defineConfig({
  plugins: [react({ plugins: [["swc-plugin-autometrics", { include: ["src/**"], exclude: ["**/*.test.ts"] }]] })],
});
