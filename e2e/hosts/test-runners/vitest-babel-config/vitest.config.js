import babel from "vite-plugin-babel";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Babel reads babel.config.json. Without the exclude, vite-plugin-babel also
  // compiles files under node_modules, Vitest then loads autometrics-runtime
  // through Vite instead of Node, and it fails: "instrument is not a function".
  plugins: [babel({ exclude: /node_modules/ })],
});
