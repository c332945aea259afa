// Vite with the SWC plugin through @vitejs/plugin-react-swc. It runs SWC on
// .jsx, .ts, .tsx, .mts and .mdx files only: parserConfig adds the app's .js files.
import react from "@vitejs/plugin-react-swc";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [
    react({
      plugins: [["swc-plugin-autometrics", { include: ["src/**"] }]],
      parserConfig(id) {
        if (id.includes("/node_modules/")) return undefined;
        if (id.endsWith(".jsx")) return { syntax: "ecmascript", jsx: true };
        if (id.endsWith(".js")) return { syntax: "ecmascript", jsx: false };
      },
    }),
  ],
});
